//! Block from a finding: the remote IPs of one or more findings added to a chosen WAF IP
//! set, and optionally the findings set to NOTIFIED with a note naming the set, as one
//! combined change (UpdateIPSet first, BatchUpdateFindings only if the block held).

use std::net::IpAddr;

use ipnet::IpNet;

use super::cidr::{self, IpVersion};
use super::combined::{CombinedChange, CombinedKind};
use super::finding::{FindingRef, WorkflowStatus};
use super::plan::{Change, FindingEdit, FindingsUpdate, TriageFields};
use super::waf::{IpSet, RuleReference, plan_edit};

/// Security Hub's Note.Text limit.
const MAX_NOTE_CHARS: usize = 512;

/// One finding to block from, with its remote addresses.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockSource {
    pub finding: FindingRef,
    pub title: String,
    /// Where the finding is (AwsAccountId, Region): the dialog shows it next to the set's.
    pub account: String,
    pub region: String,
    pub before: TriageFields,
    pub ips: Vec<IpAddr>,
}

pub fn version_of(ip: &IpAddr) -> IpVersion {
    IpVersion::of(&IpNet::from(*ip))
}

/// The note a blocked finding gets.
pub fn block_note(ips: &[IpAddr], set: &IpSet) -> String {
    let list = ips
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let note = format!(
        "secdeck: blocked {list} in WAF IP set {} ({})",
        set.set.name, set.set.scope
    );
    if note.chars().count() <= MAX_NOTE_CHARS {
        return note;
    }
    let tail = format!(
        " … ({} addresses) in WAF IP set {} ({})",
        ips.len(),
        set.set.name,
        set.set.scope
    );
    let head: String = note
        .chars()
        .take(MAX_NOTE_CHARS - tail.chars().count())
        .collect();
    format!("{head}{tail}")
}

/// The sources' distinct addresses: those of the set's IP version, and the others.
fn split_by_version(sources: &[BlockSource], set: &IpSet) -> (Vec<IpAddr>, Vec<IpAddr>) {
    let mut ips: Vec<IpAddr> = Vec::new();
    let mut skipped: Vec<IpAddr> = Vec::new();
    for ip in sources.iter().flat_map(|s| &s.ips) {
        let list = if version_of(ip) == set.version {
            &mut ips
        } else {
            &mut skipped
        };
        if !list.contains(ip) {
            list.push(*ip);
        }
    }
    (ips, skipped)
}

/// Each finding with an address blocked here to NOTIFIED, with a note naming its addresses.
fn notify_edits(sources: &[BlockSource], set: &IpSet) -> Vec<FindingEdit> {
    sources
        .iter()
        .filter_map(|s| {
            let mine: Vec<IpAddr> = s
                .ips
                .iter()
                .filter(|ip| version_of(ip) == set.version)
                .copied()
                .collect();
            (!mine.is_empty()).then(|| FindingEdit {
                finding: s.finding.clone(),
                title: s.title.clone(),
                resource: String::new(),
                before: s.before.clone(),
                after: TriageFields {
                    workflow: Some(WorkflowStatus::Notified),
                    note: Some(block_note(&mine, set)),
                    ..TriageFields::default()
                },
            })
        })
        .collect()
}

/// Plans the block of `sources`' addresses of the set's IP version into `set`, with the
/// findings step when `notify`. Errors say why nothing can be planned.
pub fn plan_block(
    set: &IpSet,
    references: &[RuleReference],
    sources: &[BlockSource],
    notify: bool,
) -> Result<(CombinedChange, Vec<String>), Vec<String>> {
    let (ips, skipped) = split_by_version(sources, set);
    if ips.is_empty() {
        return Err(vec![format!(
            "no {} remote address to block in IP set {}",
            set.version, set.set.name
        )]);
    }
    let (current, _) = cidr::parse_stored(&set.addresses);
    let mut notes = Vec::new();
    // An address an entry already covers is already blocked: a /32 more adds nothing.
    let add: Vec<String> = ips
        .iter()
        .filter(|ip| {
            let net = IpNet::from(**ip);
            match cidr::covering(current.iter(), &net).first() {
                Some(by) => {
                    notes.push(format!("{ip} is already blocked by {by}"));
                    false
                }
                None => true,
            }
        })
        .map(ToString::to_string)
        .collect();
    let mut steps = Vec::new();
    if add.is_empty() && !notify {
        notes.push(format!("nothing to change in IP set {}", set.set.name));
        return Err(notes);
    }
    if !add.is_empty() {
        let (update, check) = plan_edit(set, &add, &[])?;
        notes.extend(check.notes());
        steps.push(Change::IpSetUpdate(Box::new(update)));
    }
    if !skipped.is_empty() {
        notes.push(format!(
            "not blocked here ({} set): {}",
            set.version,
            skipped
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if notify {
        let edits = notify_edits(sources, set);
        steps.push(Change::FindingsUpdate(FindingsUpdate { edits }));
    }
    let findings = sources.iter().filter(|s| !s.ips.is_empty()).count();
    let mut title = format!(
        "Block {} remote IP(s) from {findings} finding(s) in IP set {} ({})",
        ips.len(),
        set.set.name,
        set.set.scope
    );
    if notify {
        title.push_str(", findings to NOTIFIED");
    }
    let mut summary: Vec<String> = if references.is_empty() {
        vec![format!(
            "IP set {} is not referenced by any web ACL rule: adding blocks nothing yet",
            set.set.name
        )]
    } else {
        references
            .iter()
            .map(|r| format!("used by {}", r.describe()))
            .collect()
    };
    summary.extend(notes.iter().cloned());
    Ok((
        CombinedChange {
            kind: CombinedKind::BlockFromFinding,
            title,
            summary,
            steps,
        },
        notes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::ChangePlan;
    use crate::domain::waf::{IpSetRef, WafScope};

    fn set() -> IpSet {
        IpSet {
            set: IpSetRef {
                scope: WafScope::Regional,
                name: "blocked".into(),
                id: "id-1".into(),
            },
            arn: "arn:ipset".into(),
            description: String::new(),
            version: IpVersion::V4,
            addresses: vec!["192.0.2.0/24".into()],
            lock_token: "t".into(),
        }
    }

    fn source(id: &str, ips: &[&str]) -> BlockSource {
        BlockSource {
            finding: FindingRef {
                id: id.into(),
                product_arn: "arn:p".into(),
            },
            title: format!("finding {id}"),
            account: "111122223333".into(),
            region: "us-east-1".into(),
            before: TriageFields {
                workflow: Some(WorkflowStatus::New),
                ..Default::default()
            },
            ips: ips.iter().map(|s| s.parse().unwrap()).collect(),
        }
    }

    fn reference() -> RuleReference {
        RuleReference {
            ip_set_arn: "arn:ipset".into(),
            web_acl: "app".into(),
            rule: "block-attackers".into(),
            priority: 1,
            action: "BLOCK".into(),
            path: String::new(),
        }
    }

    #[test]
    fn one_preview_shows_the_set_diff_and_the_finding_change() {
        let (c, _) = plan_block(
            &set(),
            &[reference()],
            &[
                source("a", &["203.0.113.7", "2001:db8::1"]),
                source("b", &["203.0.113.7", "198.51.100.3"]),
            ],
            true,
        )
        .unwrap();
        let plan = ChangePlan::new("p", Change::Combined(Box::new(c)));
        let text: Vec<String> = plan.preview().into_iter().map(|l| l.text).collect();
        assert_eq!(
            text[0],
            "Block 2 remote IP(s) from 2 finding(s) in IP set blocked (REGIONAL), findings to NOTIFIED"
        );
        assert!(text.contains(&"used by app/block-attackers (#1 BLOCK)".to_string()));
        assert!(text.contains(&"not blocked here (IPV4 set): 2001:db8::1".to_string()));
        assert!(text.contains(&"+ 203.0.113.7/32".to_string()), "{text:?}");
        assert!(text.contains(&"+ 198.51.100.3/32".to_string()));
        assert!(
            text.contains(&"2. Set workflow, note (per finding) on 2 finding(s)".to_string()),
            "{text:?}"
        );
        assert!(
            text.contains(&"  workflow: NEW -> NOTIFIED".to_string()),
            "{text:?}"
        );
        assert!(
            text.contains(
                &"  note: (none) -> \"secdeck: blocked 203.0.113.7 in WAF IP set blocked (REGIONAL)\""
                    .to_string()
            ),
            "{text:?}"
        );
        assert_eq!(
            plan.targets(),
            ["REGIONAL/blocked/id-1", "a", "b"],
            "the journal names the set and both findings"
        );
        let undo = plan.undo(&plan.targets(), "u").unwrap();
        assert!(undo.title().starts_with("Undo: Block"), "{}", undo.title());
    }

    #[test]
    fn nothing_of_the_sets_version_is_refused() {
        let err = plan_block(&set(), &[], &[source("a", &["2001:db8::1"])], true).unwrap_err();
        assert_eq!(err, ["no IPV4 remote address to block in IP set blocked"]);
    }

    #[test]
    fn an_address_already_blocked_only_marks_the_finding() {
        let err = plan_block(&set(), &[], &[source("a", &["192.0.2.9"])], false).unwrap_err();
        assert_eq!(
            err,
            [
                "192.0.2.9 is already blocked by 192.0.2.0/24",
                "nothing to change in IP set blocked"
            ]
        );
        let (c, _) = plan_block(&set(), &[], &[source("a", &["192.0.2.9"])], true).unwrap();
        assert_eq!(c.steps.len(), 1);
        assert!(matches!(c.steps[0], Change::FindingsUpdate(_)));
    }

    #[test]
    fn a_long_note_is_cut_to_securityhubs_limit_and_still_names_the_set() {
        let ips: Vec<IpAddr> = (0..100u32)
            .map(|i| IpAddr::from(std::net::Ipv4Addr::from(0xCB00_7100 + i)))
            .collect();
        let note = block_note(&ips, &set());
        assert!(note.chars().count() <= MAX_NOTE_CHARS);
        assert!(note.ends_with("(100 addresses) in WAF IP set blocked (REGIONAL)"));
    }
}
