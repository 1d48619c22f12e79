//! The least-privilege IAM policies of the two roles, built from the operations table:
//! the read-only viewer gets the read actions, the operator reads plus changes. One
//! statement per pane and service (`FindingsSecurityHubRead`, ...), actions sorted.
//! Also the check the tests run on every request the sandbox served.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::operations::{Access, Feature, Operation, Service, find};

/// Which role a policy is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Read-only sessions: every read secdeck makes, no change.
    ReadOnly,
    /// Read-write sessions: the reads and every change.
    Operator,
}

impl PolicyKind {
    fn allows(self, access: Access) -> bool {
        match self {
            PolicyKind::ReadOnly => access == Access::Read,
            PolicyKind::Operator => true,
        }
    }
}

/// The policy document (IAM JSON policy language) for `kind`, from `table`.
pub fn policy_document(table: &[Operation], kind: PolicyKind) -> Value {
    let mut statements: BTreeMap<(Feature, Service, Access), BTreeSet<String>> = BTreeMap::new();
    for row in table.iter().filter(|o| kind.allows(o.access)) {
        if let Some(action) = row.iam_action() {
            statements
                .entry((row.feature, row.service, row.access))
                .or_default()
                .insert(action);
        }
    }
    let statements: Vec<Value> = statements
        .into_iter()
        .map(|((feature, service, access), actions)| {
            let access = match access {
                Access::Read => "Read",
                Access::Write => "Write",
            };
            json!({
                "Sid": format!("{}{}{access}", feature.sid_name(), service.sid_name()),
                "Effect": "Allow",
                "Action": actions.into_iter().collect::<Vec<_>>(),
                "Resource": "*",
            })
        })
        .collect();
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// Every action an `Allow` statement of `document` names.
pub fn allowed_actions(document: &Value) -> BTreeSet<String> {
    let statements = document["Statement"].as_array().into_iter().flatten();
    statements
        .filter(|s| s["Effect"] == "Allow")
        .flat_map(|s| match &s["Action"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(list) => list
                .iter()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// The served requests (signing service, operation) the `kind` policy built from `table`
/// would refuse, each with the reason: not in the table, or its action not in the policy.
pub fn refused<'a>(
    table: &[Operation],
    kind: PolicyKind,
    served: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<String> {
    let allowed = allowed_actions(&policy_document(table, kind));
    let mut out = BTreeSet::new();
    for (service, operation) in served {
        match find(table, service, operation) {
            None => {
                out.insert(format!(
                    "{service}:{operation} is not in the operations table (src/aws/operations.rs)"
                ));
            }
            Some(row) => match row.iam_action() {
                Some(action) if !allowed.contains(&action) => {
                    out.insert(format!(
                        "{service}:{operation} needs {action}, which the {kind:?} policy lacks"
                    ));
                }
                _ => {}
            },
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::operations::OPERATIONS;

    #[test]
    fn the_read_only_policy_has_every_read_and_no_change() {
        let read_only = allowed_actions(&policy_document(OPERATIONS, PolicyKind::ReadOnly));
        assert!(read_only.contains("securityhub:GetFindings"));
        assert!(read_only.contains("access-analyzer:ListFindings"));
        assert!(!read_only.contains("securityhub:BatchUpdateFindings"));
        assert!(!read_only.contains("iam:UpdateAssumeRolePolicy"));
        for row in OPERATIONS {
            let Some(action) = row.iam_action() else {
                continue;
            };
            assert_eq!(
                read_only.contains(&action),
                row.access == Access::Read,
                "{action}"
            );
        }
    }

    #[test]
    fn the_operator_policy_is_the_reads_plus_the_changes() {
        let operator = allowed_actions(&policy_document(OPERATIONS, PolicyKind::Operator));
        let expected: BTreeSet<String> = OPERATIONS.iter().filter_map(|o| o.iam_action()).collect();
        assert_eq!(operator, expected);
        assert!(operator.contains("wafv2:UpdateIPSet"));
    }

    #[test]
    fn statements_are_per_pane_and_service_with_valid_sids() {
        let doc = policy_document(OPERATIONS, PolicyKind::Operator);
        let sids: Vec<&str> = doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect();
        assert!(sids.contains(&"FindingsSecurityHubRead"), "{sids:?}");
        assert!(sids.contains(&"AnalyzerIamWrite"), "{sids:?}");
        assert!(sids.contains(&"AuditsSecurityHubWrite"), "{sids:?}");
        assert!(
            sids.iter()
                .all(|s| s.chars().all(|c| c.is_ascii_alphanumeric()))
        );
        let unique: BTreeSet<_> = sids.iter().collect();
        assert_eq!(unique.len(), sids.len());
    }

    #[test]
    fn actions_that_differ_from_the_operation_name_are_the_iam_names() {
        let v2 = find(OPERATIONS, "access-analyzer", "ListFindingsV2").unwrap();
        assert_eq!(v2.iam_action().unwrap(), "access-analyzer:ListFindings");
        let get = find(OPERATIONS, "access-analyzer", "GetFindingV2").unwrap();
        assert_eq!(get.iam_action().unwrap(), "access-analyzer:GetFinding");
        let who = find(OPERATIONS, "sts", "GetCallerIdentity").unwrap();
        assert_eq!(
            who.iam_action(),
            None,
            "GetCallerIdentity needs no permission"
        );
        // The new Security Hub's V2 operations use the CSPM actions where AWS says so.
        let hub = |name| find(OPERATIONS, "securityhub", name).unwrap().iam_action();
        assert_eq!(hub("GetFindingsV2").unwrap(), "securityhub:GetFindings");
        assert_eq!(
            hub("BatchUpdateFindingsV2").unwrap(),
            "securityhub:BatchUpdateFindings"
        );
        assert_eq!(
            hub("GetFindingStatisticsV2").unwrap(),
            "securityhub:GetAdhocInsightResults"
        );
        let doc = policy_document(OPERATIONS, PolicyKind::Operator).to_string();
        for absent in [
            "GetCallerIdentity",
            "access-analyzer:ListFindingsV2",
            "access-analyzer:GetFindingV2",
            "securityhub:GetFindingsV2",
            "securityhub:BatchUpdateFindingsV2",
        ] {
            assert!(!doc.contains(absent), "{absent} in {doc}");
        }
    }

    #[test]
    fn a_served_operation_missing_from_the_table_or_the_policy_is_reported() {
        let served = [
            ("securityhub", "GetFindings"),
            ("securityhub", "BatchUpdateFindings"),
            ("sts", "GetCallerIdentity"),
        ];
        assert!(refused(OPERATIONS, PolicyKind::Operator, served).is_empty());
        // The read-only role cannot triage.
        let ro = refused(OPERATIONS, PolicyKind::ReadOnly, served);
        assert_eq!(ro.len(), 1, "{ro:?}");
        assert!(ro[0].contains("securityhub:BatchUpdateFindings"), "{ro:?}");
        // A table without the rows that need securityhub:GetFindings: the check notices.
        let reduced: Vec<Operation> = OPERATIONS
            .iter()
            .copied()
            .filter(|o| o.action != Some("GetFindings"))
            .collect();
        let missing = refused(&reduced, PolicyKind::Operator, served);
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(
            missing[0].contains("securityhub:GetFindings is not in"),
            "{missing:?}"
        );
        // A row whose action is wrong is not covered by the policy either.
        let mut wrong = OPERATIONS.to_vec();
        wrong.iter_mut().for_each(|o| {
            if o.action == Some("GetFindings") {
                o.access = Access::Write;
            }
        });
        let ro = refused(
            &wrong,
            PolicyKind::ReadOnly,
            [("securityhub", "GetFindings")],
        );
        assert_eq!(ro.len(), 1, "{ro:?}");
    }
}
