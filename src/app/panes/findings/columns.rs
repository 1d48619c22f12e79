//! The findings table's columns, defined once: the table draws them, `SortNext` cycles
//! through their server-side sort fields, and the `/` filter matches their text.

use crate::domain::finding::{Finding, Severity};

/// How a column takes width: a fixed number of cells, or a share of what is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Fixed(u16),
    Fill(u16),
}

pub struct FindingColumn {
    pub header: &'static str,
    /// The GetFindings `SortCriteria` field that sorts by this column. Severity sorts by
    /// the normalized score, so CRITICAL > HIGH rather than alphabetical.
    pub sort_field: &'static str,
    pub width: Width,
    /// Minimum cells the column needs; columns are dropped, highest priority number
    /// first, until the rest fit (0: never dropped).
    pub min: u16,
    pub priority: u8,
    /// What the cell shows.
    pub cell: fn(&Finding) -> String,
    /// What `/` matches: the full value (the cell may abbreviate it).
    pub search: fn(&Finding) -> String,
}

fn severity_label(f: &Finding) -> String {
    match f.severity {
        Some(Severity::Informational) => "INFO".into(),
        Some(s) => s.as_str().into(),
        None => "-".into(),
    }
}

fn severity_text(f: &Finding) -> String {
    f.severity.map(|s| s.as_str()).unwrap_or("").into()
}

fn workflow_label(f: &Finding) -> String {
    f.workflow.map(|w| w.as_str()).unwrap_or("-").into()
}

fn workflow_text(f: &Finding) -> String {
    f.workflow.map(|w| w.as_str()).unwrap_or("").into()
}

/// The cell: the resource's short name (a role's name, an instance id), which is what
/// tells rows apart; `/` still matches its type and full id.
fn resource_cell(f: &Finding) -> String {
    crate::domain::resource_name::short_name(&f.resource_id).to_string()
}

fn resource(f: &Finding) -> String {
    format!("{} {}", f.resource_type, f.resource_id)
}

fn updated(f: &Finding) -> String {
    f.updated_at
        .chars()
        .take(16)
        .collect::<String>()
        .replacen('T', " ", 1)
}

pub const COLUMNS: [FindingColumn; 8] = [
    FindingColumn {
        header: "Severity",
        sort_field: "SeverityNormalized",
        width: Width::Fixed(9),
        min: 9,
        priority: 0,
        cell: severity_label,
        search: severity_text,
    },
    FindingColumn {
        header: "Title",
        sort_field: "Title",
        width: Width::Fill(3),
        // Wide enough to tell titles apart: at 80 columns the region leaves for it.
        min: 28,
        priority: 0,
        cell: |f| f.title.clone(),
        search: |f| f.title.clone(),
    },
    FindingColumn {
        header: "Resource",
        sort_field: "ResourceType",
        width: Width::Fill(2),
        min: 16,
        priority: 1,
        cell: resource_cell,
        search: resource,
    },
    FindingColumn {
        header: "Account",
        sort_field: "AwsAccountId",
        width: Width::Fixed(12),
        min: 12,
        priority: 5,
        cell: |f| f.account_id.clone(),
        search: |f| f.account_id.clone(),
    },
    FindingColumn {
        header: "Region",
        sort_field: "Region",
        width: Width::Fixed(14),
        min: 14,
        priority: 3,
        cell: |f| f.region.clone(),
        search: |f| f.region.clone(),
    },
    FindingColumn {
        header: "Product",
        sort_field: "ProductName",
        width: Width::Fixed(14),
        min: 14,
        priority: 6,
        cell: |f| f.product_name.clone(),
        search: |f| f.product_name.clone(),
    },
    FindingColumn {
        header: "Workflow",
        sort_field: "WorkflowStatus",
        width: Width::Fixed(10),
        min: 10,
        priority: 2,
        cell: workflow_label,
        search: workflow_text,
    },
    FindingColumn {
        header: "Updated",
        sort_field: "UpdatedAt",
        width: Width::Fixed(16),
        min: 16,
        priority: 4,
        cell: updated,
        search: |f| f.updated_at.clone(),
    },
];

/// How far `ScrollRight` can go: everything right of the severity except the last column.
pub const MAX_COLUMN_OFFSET: usize = COLUMNS.len() - 2;

/// Lower-cased text of a row's columns, separated so a fuzzy match stays in one column.
pub fn haystack(f: &Finding) -> String {
    let mut out = String::new();
    for (i, c) in COLUMNS.iter().enumerate() {
        if i > 0 {
            out.push(super::local::COLUMN_SEPARATOR);
        }
        out.push_str(&(c.search)(f).to_lowercase());
    }
    out
}
