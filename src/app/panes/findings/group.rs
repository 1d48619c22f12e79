//! Grouping the findings view by control / generator, resource, product, account,
//! severity or type: a list of groups with counts (collapsed), one of which can be opened
//! (expanded) to its rows. Space on a group marks all of it, so every bulk action works on
//! a whole group.

use std::collections::HashMap;

use crate::domain::finding::{Finding, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Control,
    Resource,
    Product,
    Account,
    Severity,
    Type,
}

impl GroupBy {
    pub const ALL: [GroupBy; 6] = [
        GroupBy::Control,
        GroupBy::Resource,
        GroupBy::Product,
        GroupBy::Account,
        GroupBy::Severity,
        GroupBy::Type,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Control => "control",
            GroupBy::Resource => "resource",
            GroupBy::Product => "product",
            GroupBy::Account => "account",
            GroupBy::Severity => "severity",
            GroupBy::Type => "type",
        }
    }

    pub fn parse(s: &str) -> Option<GroupBy> {
        GroupBy::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(s))
    }

    /// The group a finding belongs to. Control falls back to the generator, as Security
    /// Hub's own "group by control" does for findings of products without controls.
    pub fn key(self, f: &Finding) -> String {
        let key = match self {
            GroupBy::Control => f
                .control_id
                .clone()
                .unwrap_or_else(|| f.generator_id.clone()),
            GroupBy::Resource => format!("{} {}", f.resource_type, f.resource_id),
            GroupBy::Product => f.product_name.clone(),
            GroupBy::Account => f.account_id.clone(),
            GroupBy::Severity => f.severity.map(|s| s.to_string()).unwrap_or_default(),
            GroupBy::Type => f.first_type.clone(),
        };
        if key.trim().is_empty() {
            "(none)".to_string()
        } else {
            key
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: String,
    /// Indices into the pane's rows, in table order.
    pub members: Vec<usize>,
    /// How many rows (`members.len()`, or the store's count when the table reads the
    /// store and `members` is empty).
    pub count: usize,
    /// Counts by `Severity::ALL` order (CRITICAL first).
    pub severities: [usize; 5],
    /// On OCSF: how many findings Security Hub counts in this group (all of the view's,
    /// loaded or not).
    pub server_count: Option<i64>,
}

/// The group list and where the user is in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    pub by: GroupBy,
    pub groups: Vec<Group>,
    pub selected: usize,
    pub offset: usize,
    /// The expanded group, whose rows the table shows.
    pub open: Option<usize>,
    /// On OCSF: Security Hub's counts (GetFindingStatisticsV2), None until they arrive.
    pub server: Option<super::server_groups::ServerGroups>,
}

/// Groups `indices` of `rows` by `by`: biggest group first, worst severity breaking ties,
/// then by key so the order is stable.
pub fn group_rows(
    rows: &[Finding],
    indices: impl Iterator<Item = usize>,
    by: GroupBy,
) -> Vec<Group> {
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for i in indices {
        let Some(f) = rows.get(i) else { continue };
        let key = by.key(f);
        let g = match at.get(&key) {
            Some(&g) => g,
            None => {
                at.insert(key.clone(), groups.len());
                groups.push(Group {
                    key,
                    members: Vec::new(),
                    count: 0,
                    severities: [0; 5],
                    server_count: None,
                });
                groups.len() - 1
            }
        };
        groups[g].members.push(i);
        groups[g].count += 1;
        if let Some(s) = f.severity
            && let Some(p) = Severity::ALL.iter().position(|x| *x == s)
        {
            groups[g].severities[p] += 1;
        }
    }
    groups.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then_with(|| b.severities.cmp(&a.severities))
            .then_with(|| a.key.cmp(&b.key))
    });
    groups
}

impl Grouping {
    pub fn new(by: GroupBy, groups: Vec<Group>) -> Grouping {
        Grouping {
            by,
            groups,
            selected: 0,
            offset: 0,
            open: None,
            server: None,
        }
    }

    pub fn move_by(&mut self, delta: isize, page: usize) {
        let last = self.groups.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    pub fn selected_group(&self) -> Option<&Group> {
        self.groups.get(self.selected)
    }

    pub fn open_group(&self) -> Option<&Group> {
        self.groups.get(self.open?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(id: &str, sev: &str, control: Option<&str>, generator: &str) -> Finding {
        let mut doc = json!({
            "Id": id, "ProductArn": "arn:p", "Severity": {"Label": sev},
            "GeneratorId": generator, "Types": ["TTPs/Discovery"]
        });
        if let Some(c) = control {
            doc["Compliance"] = json!({"SecurityControlId": c});
        }
        Finding::from_asff(doc).unwrap()
    }

    #[test]
    fn groups_by_control_falling_back_to_generator_biggest_first() {
        let rows = vec![
            f("a", "LOW", Some("S3.1"), "g1"),
            f("b", "HIGH", None, "guardduty"),
            f("c", "CRITICAL", Some("S3.1"), "g2"),
            f("d", "LOW", Some("IAM.4"), "g3"),
        ];
        let groups = group_rows(&rows, 0..rows.len(), GroupBy::Control);
        let keys: Vec<(&str, usize)> = groups
            .iter()
            .map(|g| (g.key.as_str(), g.members.len()))
            .collect();
        assert_eq!(
            keys,
            [("S3.1", 2), ("guardduty", 1), ("IAM.4", 1)],
            "HIGH beats LOW on ties"
        );
        assert_eq!(groups[0].severities, [1, 0, 0, 1, 0]);
        assert_eq!(groups[0].members, [0, 2]);
        let by_type = group_rows(&rows, [1, 3].into_iter(), GroupBy::Type);
        assert_eq!(by_type[0].key, "TTPs/Discovery");
        assert_eq!(by_type[0].members, [1, 3]);
        assert_eq!(GroupBy::parse("Account"), Some(GroupBy::Account));
    }
}
