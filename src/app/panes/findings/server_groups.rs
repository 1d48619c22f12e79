//! `ctrl-g` on OCSF: the group list's counts come from Security Hub
//! (GetFindingStatisticsV2 with the view's filters, up to 400 groups), so a view is
//! counted before its rows are all loaded. Loaded rows still give each group its members
//! (what `Enter` expands and `Space` marks); a group Security Hub counts but no loaded row
//! belongs to yet is listed with its count and no members.

use crate::domain::finding::Finding;
use crate::domain::ocsf_finding::severity_of_caption;

use super::FindingsPane;
use super::FindingsRead;
use super::group::{Group, GroupBy};
use crate::app::effect::{Effect, ReadRequest};

/// Security Hub's counts for the group list (the field they group by, as sent).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerGroups {
    /// The load they count (a reload makes them stale).
    pub request: u64,
    pub field: &'static str,
    pub counts: Vec<(String, i64)>,
}

/// The GetFindingStatisticsV2 `GroupByField` for a grouping.
pub fn ocsf_field(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Control => "compliance.control",
        GroupBy::Resource => "resources.uid",
        GroupBy::Product => "metadata.product.name",
        GroupBy::Account => "cloud.account.uid",
        GroupBy::Severity => "severity",
        GroupBy::Type => "finding_info.types",
    }
}

/// The local group key of a value Security Hub grouped by.
fn local_key(by: GroupBy, value: &str, rows: &[Finding]) -> String {
    match by {
        GroupBy::Severity => severity_of_caption(value)
            .map(|s| s.to_string())
            .unwrap_or_else(|| value.to_string()),
        // Locally a resource group is "type uid": take it from a row with that uid.
        GroupBy::Resource => rows
            .iter()
            .find(|f| f.resource_id == value)
            .map(|f| by.key(f))
            .unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    }
}

/// Puts Security Hub's counts on the groups built from the loaded rows, adds the groups
/// no loaded row is in yet, and orders the list by those counts (largest first).
pub fn merge(groups: &mut Vec<Group>, server: &ServerGroups, by: GroupBy, rows: &[Finding]) {
    for (value, count) in &server.counts {
        let key = local_key(by, value, rows);
        // Without a row of that uid at hand (a table reading windows of the store), the
        // resource group whose key ends in the uid.
        let same = |g: &Group| {
            g.key == key || (by == GroupBy::Resource && g.key.ends_with(&format!(" {value}")))
        };
        match groups.iter_mut().find(|g| same(g)) {
            // Fatal and Critical both show as CRITICAL: their counts add up.
            Some(g) => *g.server_count.get_or_insert(0) += count,
            None => groups.push(Group {
                key,
                members: Vec::new(),
                count: 0,
                severities: [0; 5],
                server_count: Some(*count),
            }),
        }
    }
    let count = |g: &Group| g.server_count.unwrap_or(g.count as i64);
    groups.sort_by(|a, b| count(b).cmp(&count(a)).then_with(|| a.key.cmp(&b.key)));
}

impl FindingsPane {
    /// On OCSF, with a grouping: ask Security Hub to count the view's groups.
    pub(super) fn server_group_request(&self) -> Option<Effect> {
        let g = self.grouping.as_ref().filter(|_| self.on_ocsf())?;
        Some(Effect::Read(ReadRequest::Findings(
            FindingsRead::OcsfGroups {
                request: self.request,
                filters: self.ocsf.filters.clone(),
                scope: self.ocsf.scope.clone(),
                field: ocsf_field(g.by),
            },
        )))
    }

    /// Security Hub's counts of the current load are on the group list.
    pub fn server_counted(&self) -> bool {
        self.grouping
            .as_ref()
            .and_then(|g| g.server.as_ref())
            .is_some_and(|s| s.request == self.request)
    }

    /// The field the first page of an OCSF load also asks group counts for.
    pub(super) fn group_field(&self) -> Option<&'static str> {
        self.grouping.as_ref().map(|g| ocsf_field(g.by))
    }

    /// GetFindingStatisticsV2 answered for the group list: kept if it is still this
    /// load's and this grouping's. An error is returned to be shown.
    pub(super) fn on_group_counts(
        &mut self,
        request: u64,
        field: &str,
        result: Result<Vec<(String, i64)>, String>,
    ) -> Option<String> {
        let current = request == self.request;
        let g = self
            .grouping
            .as_mut()
            .filter(|g| current && ocsf_field(g.by) == field)?;
        match result {
            Ok(counts) => {
                g.server = Some(ServerGroups {
                    request,
                    field: ocsf_field(g.by),
                    counts,
                });
                match self.is_windowed() {
                    true => self.list_window_groups(),
                    false => self.regroup(),
                }
                None
            }
            Err(e) => Some(format!("group counts: {e} (counting the loaded rows)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::panes::findings::group::group_rows;
    use serde_json::json;

    fn row(id: &str, sev: i64, resource: &str) -> Finding {
        crate::domain::ocsf_finding::from_ocsf(json!({
            "metadata": {"uid": id}, "severity_id": sev,
            "resources": [{"type": "AwsS3Bucket", "uid": resource}]
        }))
        .unwrap()
    }

    #[test]
    fn server_counts_win_over_loaded_members_and_add_groups_not_loaded_yet() {
        let rows = vec![row("a", 4, "arn:b1"), row("b", 2, "arn:b1")];
        let mut groups = group_rows(&rows, 0..2, GroupBy::Severity);
        let server = ServerGroups {
            request: 0,
            field: "severity",
            counts: vec![
                ("Low".into(), 700),
                ("High".into(), 40),
                ("Critical".into(), 3),
                ("Fatal".into(), 1),
            ],
        };
        merge(&mut groups, &server, GroupBy::Severity, &rows);
        let list: Vec<(&str, Option<i64>, usize)> = groups
            .iter()
            .map(|g| (g.key.as_str(), g.server_count, g.members.len()))
            .collect();
        assert_eq!(
            list,
            [
                ("LOW", Some(700), 1),
                ("HIGH", Some(40), 1),
                ("CRITICAL", Some(4), 0)
            ]
        );
        let mut by_resource = group_rows(&rows, 0..2, GroupBy::Resource);
        let server = ServerGroups {
            request: 0,
            field: "resources.uid",
            counts: vec![("arn:b1".into(), 9)],
        };
        merge(&mut by_resource, &server, GroupBy::Resource, &rows);
        assert_eq!(by_resource[0].key, "AwsS3Bucket arn:b1");
        assert_eq!(by_resource[0].server_count, Some(9));
        // A table reading windows of the store may hold no row of the uid: the group
        // whose key ends in it takes the count.
        let mut from_store = group_rows(&rows, 0..2, GroupBy::Resource);
        merge(&mut from_store, &server, GroupBy::Resource, &[]);
        assert_eq!(from_store.len(), 1, "{from_store:?}");
        assert_eq!(from_store[0].server_count, Some(9));
    }
}
