//! Unused- and internal-access findings: the table's columns for those analyzers (unused:
//! finding type, resource, last accessed, service namespaces, unused actions, access key
//! ids; internal: resource, principal, actions, scope) and their fields in the detail view.

use ratatui::layout::Constraint;
use ratatui::text::Line;

use super::table::{
    ACTIONS, Column, EXTERNAL, UPDATED, day, resource_col, resource_type_col, short_finding_type,
    short_principal, short_resource,
};
use crate::domain::analyzer::AccessFinding;

/// The unused types without the "Unused" the analyzer already says.
fn unused_kind(f: &AccessFinding) -> String {
    match f.finding_type.as_str() {
        "UnusedPermission" => "permission".into(),
        "UnusedIAMRole" => "role".into(),
        "UnusedIAMUserAccessKey" => "access key".into(),
        "UnusedIAMUserPassword" => "password".into(),
        other => short_finding_type(other),
    }
}

fn last_accessed(f: &AccessFinding) -> String {
    f.unused
        .as_ref()
        .and_then(|u| u.last_accessed.as_deref())
        .map_or_else(|| "never".to_string(), day)
}

fn unused_list(
    f: &AccessFinding,
    pick: fn(&crate::domain::analyzer::UnusedDetails) -> Vec<String>,
) -> String {
    f.unused
        .as_ref()
        .map(|u| pick(u).join(","))
        .unwrap_or_default()
}

const UNUSED: &[Column] = &[
    Column {
        head: "type",
        width: Constraint::Length(10),
        cell: unused_kind,
    },
    Column {
        head: "resource",
        width: Constraint::Fill(3),
        cell: |f| short_resource(&f.resource).to_string(),
    },
    Column {
        head: "last accessed",
        width: Constraint::Length(13),
        cell: last_accessed,
    },
    Column {
        head: "services",
        width: Constraint::Fill(1),
        cell: |f| unused_list(f, |u| u.namespaces()),
    },
    // A finding has unused actions or an unused access key, never both: one column.
    Column {
        head: "unused actions / access key",
        width: Constraint::Fill(4),
        cell: |f| {
            unused_list(f, |u| {
                [u.unused_actions(), u.access_key_ids.clone()].concat()
            })
        },
    },
];

const INTERNAL: &[Column] = &[
    resource_type_col(12),
    resource_col(2),
    // Inside the organization the account says little: the role or user name goes first,
    // so a narrow column still tells principals apart.
    Column::new("principal", Constraint::Fill(4), name_first_principal),
    ACTIONS,
    Column::new("scope", Constraint::Length(7), |f| {
        f.internal
            .as_ref()
            .map(|i| i.short_scope().to_string())
            .unwrap_or_default()
    }),
    UPDATED,
];

/// The table's columns for an analyzer of type `kind`.
pub(super) fn columns_for(kind: Option<&str>) -> &'static [Column] {
    match kind {
        Some(k) if k.ends_with("UNUSED_ACCESS") => UNUSED,
        Some(k) if k.ends_with("INTERNAL_ACCESS") => INTERNAL,
        _ => EXTERNAL,
    }
}

/// The detail view's lines for the unused / internal details of `f` (none for others).
pub(super) fn detail_lines<'a>(
    f: &AccessFinding,
    field: impl Fn(&str, String) -> Line<'a>,
) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    if let Some(u) = &f.unused {
        out.push(field(
            "Last accessed",
            u.last_accessed.clone().unwrap_or_else(|| "never".into()),
        ));
        for s in &u.services {
            let actions = if s.actions.is_empty() {
                "all actions".to_string()
            } else {
                s.actions
                    .iter()
                    .map(|(a, at)| match at {
                        Some(t) => format!("{a} (last {})", day(t)),
                        None => format!("{a} (never)"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push(field(&format!("Unused {}", s.namespace), actions));
        }
        if !u.access_key_ids.is_empty() {
            out.push(field("Access keys", u.access_key_ids.join(", ")));
        }
    }
    if let Some(i) = &f.internal {
        out.push(field(
            "Scope",
            format!(
                "{} ({})",
                i.scope(),
                i.access_type.clone().unwrap_or_default()
            ),
        ));
        out.push(field(
            "Identity type",
            i.principal_type.clone().unwrap_or_default(),
        ));
        out.push(field(
            "Owner account",
            i.principal_owner_account.clone().unwrap_or_default(),
        ));
    }
    if f.is_unused_permission() {
        out.push(field(
            "Recommended",
            "x generates AWS's recommendation and previews it as a change".into(),
        ));
    }
    out
}

/// `role/analytics-etl (210987654321)` for `arn:aws:iam::210987654321:role/analytics-etl`.
fn name_first_principal(f: &AccessFinding) -> String {
    short_principal(f)
        .split(", ")
        .map(|p| match p.split_once(':') {
            Some((account, name)) if account.chars().all(|c| c.is_ascii_digit()) => {
                format!("{name} ({account})")
            }
            _ => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
