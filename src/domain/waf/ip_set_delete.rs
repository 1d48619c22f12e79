//! DeleteIPSet: removes a set no web ACL rule references. The plan keeps the set's
//! addresses and description so the undo (and a journal reader) can re-create it.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{IpSet, IpSetCreate, IpSetRef, RuleReference};
use crate::domain::cidr::{self, IpVersion};
use crate::domain::plan::{
    Change, JournalValues, LineKind, Moved, Observed, PlannedChange, PreviewLine, Refresh, Reread,
    Rereads,
};

/// DeleteIPSet of one set, as it was when planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpSetDelete {
    pub set: IpSetRef,
    pub version: IpVersion,
    pub description: String,
    pub addresses: Vec<String>,
}

/// Plans the deletion of `set`, or refuses it (nothing is sent) while a web ACL rule
/// references the set: WAF would answer WAFAssociatedItemException.
pub fn plan_delete(set: &IpSet, references: &[RuleReference]) -> Result<IpSetDelete, String> {
    let mine: Vec<String> = references
        .iter()
        .filter(|r| r.ip_set_arn == set.arn)
        .map(RuleReference::describe)
        .collect();
    if !mine.is_empty() {
        // What keeps it first: a one-line notification at 80 columns is cut.
        return Err(format!(
            "not deleted: web ACL rule {} uses IP set {}; remove the reference first (nothing sent)",
            mine.join(", "),
            set.set.name
        ));
    }
    Ok(IpSetDelete {
        set: set.set.clone(),
        version: set.version,
        description: set.description.clone(),
        addresses: set.addresses.clone(),
    })
}

impl IpSetDelete {
    /// The undo: the same set again (WAF gives it a new id).
    pub fn recreate(&self) -> IpSetCreate {
        IpSetCreate {
            scope: self.set.scope,
            name: self.set.name.clone(),
            version: self.version,
            description: self.description.clone(),
            addresses: self.addresses.clone(),
        }
    }

    /// What differs between the set as planned and as re-read, if anything.
    fn moved(&self, addresses: &[String], description: &str) -> Option<String> {
        let (then, _) = cidr::parse_stored(&self.addresses);
        let (now, _) = cidr::parse_stored(addresses);
        let mut what = Vec::new();
        if then != now {
            what.push(format!(
                "addresses {} -> {}",
                self.addresses.len(),
                addresses.len()
            ));
        }
        if description != self.description {
            what.push(format!(
                "description {:?} -> {description:?}",
                self.description
            ));
        }
        (!what.is_empty()).then(|| what.join(", "))
    }
}

impl PlannedChange for IpSetDelete {
    fn operation(&self) -> &'static str {
        "wafv2:DeleteIPSet"
    }

    fn title(&self) -> String {
        format!(
            "Delete IP set {} ({}) with {} addresses",
            self.set.name,
            self.set.scope,
            self.addresses.len()
        )
    }

    /// One resource, but deleting a big set should need its address count typed.
    fn item_count(&self) -> usize {
        self.addresses.len()
    }

    fn targets(&self) -> Vec<String> {
        vec![self.set.target()]
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![
            PreviewLine::header(self.title()),
            PreviewLine::context(format!("{} id {}", self.version, self.set.id)),
            PreviewLine::new(
                LineKind::Removed,
                format!("- description {:?}", self.description),
            ),
        ];
        lines.extend(
            self.addresses
                .iter()
                .map(|a| PreviewLine::new(LineKind::Removed, format!("- {a}"))),
        );
        lines.push(PreviewLine::context(
            "undo re-creates it with these addresses and description, under a new id",
        ));
        lines
    }

    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        succeeded
            .contains(&self.set.target())
            .then(|| Change::IpSetCreate(Box::new(self.recreate())))
    }

    fn journal_values(&self) -> JournalValues {
        let mut values = JournalValues::default();
        values.before.insert(
            self.set.target(),
            json!({"version": self.version, "description": self.description,
                "addresses": self.addresses}),
        );
        values
            .after
            .insert(self.set.target(), json!({"deleted": true}));
        values
    }

    fn touches_ip_sets(&self) -> bool {
        true
    }

    /// Deleted when a re-read finds no such set.
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        if target != self.set.target() {
            return None;
        }
        match now {
            Observed::Absent => Some(true),
            Observed::IpSet { .. } => Some(false),
            _ => None,
        }
    }

    /// The set changed since the preview: the deletion is planned again against what it
    /// holds now (so the undo re-creates that); a set already gone leaves nothing to do.
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let target = self.set.target();
        let mut refresh = Refresh::default();
        match now.get(&target) {
            Some(Reread::Found(Observed::IpSet {
                addresses,
                description,
            })) => {
                if let Some(what) = self.moved(addresses, description) {
                    refresh.moved.push(Moved::new(&target, what));
                    let again = IpSetDelete {
                        addresses: addresses.clone(),
                        description: description.clone(),
                        ..self.clone()
                    };
                    refresh.replanned = Some(Change::IpSetDelete(Box::new(again)));
                }
            }
            Some(Reread::Found(Observed::Absent)) => {
                refresh
                    .moved
                    .push(Moved::new(&target, "the IP set is already gone"));
            }
            _ => {}
        }
        Some(refresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::waf::WafScope;

    fn set(addresses: &[&str]) -> IpSet {
        IpSet {
            set: IpSetRef {
                scope: WafScope::Regional,
                name: "scratch".into(),
                id: "id-1".into(),
            },
            arn: "arn:aws:wafv2:eu-west-1:1:regional/ipset/scratch/id-1".into(),
            description: "made by mistake".into(),
            version: IpVersion::V4,
            addresses: addresses.iter().map(|a| a.to_string()).collect(),
            lock_token: "t1".into(),
        }
    }

    fn reference(arn: &str) -> RuleReference {
        RuleReference {
            ip_set_arn: arn.into(),
            web_acl: "edge".into(),
            rule: "block-scanners".into(),
            priority: 1,
            action: "BLOCK".into(),
            path: String::new(),
        }
    }

    #[test]
    fn the_preview_lists_every_address_removed_and_says_the_undo_gets_a_new_id() {
        let d = plan_delete(&set(&["192.0.2.0/24", "198.51.100.7/32"]), &[]).unwrap();
        let texts: Vec<String> = d.preview().into_iter().map(|l| l.text).collect();
        assert_eq!(
            texts[0],
            "Delete IP set scratch (REGIONAL) with 2 addresses"
        );
        assert_eq!(texts[1], "IPV4 id id-1");
        assert!(texts.contains(&"- description \"made by mistake\"".to_string()));
        assert!(texts.contains(&"- 192.0.2.0/24".to_string()));
        assert!(texts.contains(&"- 198.51.100.7/32".to_string()));
        assert!(texts.last().unwrap().contains("new id"), "{texts:?}");
    }

    #[test]
    fn a_referenced_set_is_refused_naming_the_acl_and_rule() {
        let s = set(&["192.0.2.0/24"]);
        let err = plan_delete(&s, &[reference(&s.arn)]).unwrap_err();
        assert!(err.contains("edge/block-scanners"), "{err}");
        assert!(err.contains("nothing sent"), "{err}");
        // A rule referencing another set does not stop it.
        assert!(plan_delete(&s, &[reference("arn:other")]).is_ok());
    }

    #[test]
    fn the_undo_recreates_the_same_set_and_the_journal_keeps_what_it_needs() {
        let d = plan_delete(&set(&["192.0.2.0/24"]), &[]).unwrap();
        assert_eq!(d.undo(&[]), None);
        let Some(Change::IpSetCreate(c)) = d.undo(&[d.set.target()]) else {
            panic!("no create undo");
        };
        assert_eq!(
            (c.name.as_str(), c.scope, c.version, c.description.as_str()),
            (
                "scratch",
                WafScope::Regional,
                IpVersion::V4,
                "made by mistake"
            )
        );
        assert_eq!(c.addresses, ["192.0.2.0/24"]);
        let before = &d.journal_values().before[&d.set.target()];
        assert_eq!(before["addresses"][0], "192.0.2.0/24");
        assert_eq!(before["description"], "made by mistake");
    }

    #[test]
    fn more_than_ten_addresses_need_the_count_typed() {
        let many: Vec<String> = (0..11).map(|i| format!("192.0.2.{i}/32")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let d = plan_delete(&set(&refs), &[]).unwrap();
        let plan = crate::domain::plan::ChangePlan::new("p", Change::IpSetDelete(Box::new(d)));
        assert!(plan.needs_typed_count());
    }

    #[test]
    fn a_set_changed_since_the_preview_is_planned_again() {
        let d = plan_delete(&set(&["192.0.2.0/24"]), &[]).unwrap();
        let now = |addresses: &[&str], description: &str| -> Rereads {
            let o = Observed::IpSet {
                addresses: addresses.iter().map(|a| a.to_string()).collect(),
                description: description.into(),
            };
            [(d.set.target(), Reread::Found(o))].into()
        };
        assert!(
            d.refresh(&now(&["192.0.2.0/24"], "made by mistake"))
                .unwrap()
                .is_fresh()
        );
        let r = d
            .refresh(&now(&["192.0.2.0/24", "203.0.113.9/32"], "made by mistake"))
            .unwrap();
        assert!(r.moved[0].what.contains("addresses 1 -> 2"), "{r:?}");
        let Some(Change::IpSetDelete(again)) = r.replanned else {
            panic!("not re-planned");
        };
        assert_eq!(again.addresses.len(), 2);
        let gone: Rereads = [(d.set.target(), Reread::Found(Observed::Absent))].into();
        let r = d.refresh(&gone).unwrap();
        assert!(r.replanned.is_none() && !r.is_fresh());
        assert_eq!(
            d.holds_after(&d.set.target(), &Observed::Absent),
            Some(true)
        );
    }
}
