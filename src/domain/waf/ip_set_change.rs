//! The IP set changes: UpdateIPSet as a diff applied to whatever the list is at write
//! time (so a concurrent writer's entries survive), and CreateIPSet.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{IpSetRef, WafScope};
use crate::domain::cidr::{self, IpVersion, MAX_ADDRESSES};
use crate::domain::plan::{
    Change, JournalValues, LineKind, Moved, Observed, PlannedChange, PreviewLine, Refresh, Reread,
    Rereads,
};

/// UpdateIPSet as a diff: the intended additions and removals, re-applied to the list as
/// it is when the write happens, so a concurrent writer's entries survive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpSetUpdate {
    pub set: IpSetRef,
    pub version: IpVersion,
    pub add: Vec<String>,
    pub remove: Vec<String>,
    /// Addresses when the plan was made, and after it (as previewed).
    pub count_before: usize,
    pub count_after: usize,
    pub description_before: String,
    /// A new description (a sync records its syncToken here); `None` keeps the current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The ip-ranges.json syncToken this update brings the set to, for a sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_token: Option<String>,
}

impl PlannedChange for IpSetUpdate {
    fn operation(&self) -> &'static str {
        "wafv2:UpdateIPSet"
    }

    fn title(&self) -> String {
        format!(
            "Update IP set {} ({}): +{} -{}, {} -> {} addresses",
            self.set.name,
            self.set.scope,
            self.add.len(),
            self.remove.len(),
            self.count_before,
            self.count_after
        )
    }

    /// One resource, but approval of a big edit should need the count typed.
    fn item_count(&self) -> usize {
        self.add.len() + self.remove.len()
    }

    fn targets(&self) -> Vec<String> {
        vec![self.set.target()]
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![PreviewLine {
            kind: LineKind::Header,
            text: self.title(),
        }];
        let mut context = |text: String| {
            lines.push(PreviewLine {
                kind: LineKind::Context,
                text,
            })
        };
        context(format!(
            "{} {}, limit {MAX_ADDRESSES}{}",
            self.version,
            self.set.id,
            self.sync_token
                .as_ref()
                .map(|t| format!(", ip-ranges syncToken {t}"))
                .unwrap_or_default()
        ));
        if let Some(d) = &self.description
            && d != &self.description_before
        {
            lines.push(PreviewLine {
                kind: LineKind::Removed,
                text: format!("- description {:?}", self.description_before),
            });
            lines.push(PreviewLine {
                kind: LineKind::Added,
                text: format!("+ description {d:?}"),
            });
        }
        lines.extend(self.remove.iter().map(|a| PreviewLine {
            kind: LineKind::Removed,
            text: format!("- {a}"),
        }));
        lines.extend(self.add.iter().map(|a| PreviewLine {
            kind: LineKind::Added,
            text: format!("+ {a}"),
        }));
        lines
    }

    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        succeeded
            .contains(&self.set.target())
            .then(|| Change::IpSetUpdate(Box::new(self.inverse())))
    }

    fn journal_values(&self) -> JournalValues {
        let mut values = JournalValues::default();
        values.before.insert(
            self.set.target(),
            json!({"count": self.count_before, "description": self.description_before}),
        );
        values.after.insert(
            self.set.target(),
            json!({"count": self.count_after, "add": self.add, "remove": self.remove,
                "description": self.description, "syncToken": self.sync_token}),
        );
        values
    }

    fn touches_ip_sets(&self) -> bool {
        true
    }

    /// Every addition is in the set and no removed address is.
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        if target != self.set.target() {
            return None;
        }
        match now {
            Observed::IpSet { addresses, .. } => {
                let (now, _) = cidr::parse_stored(addresses);
                let (add, _) = cidr::parse_stored(&self.add);
                let (remove, _) = cidr::parse_stored(&self.remove);
                Some(add.is_subset(&now) && remove.is_disjoint(&now))
            }
            Observed::Absent => Some(false),
            _ => None,
        }
    }
}

impl IpSetUpdate {
    /// The inverse diff (and the old description back).
    pub fn inverse(&self) -> IpSetUpdate {
        IpSetUpdate {
            set: self.set.clone(),
            version: self.version,
            add: self.remove.clone(),
            remove: self.add.clone(),
            count_before: self.count_after,
            count_after: self.count_before,
            description_before: self
                .description
                .clone()
                .unwrap_or_else(|| self.description_before.clone()),
            description: self
                .description
                .as_ref()
                .map(|_| self.description_before.clone()),
            sync_token: None,
        }
    }
}

/// CreateIPSet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpSetCreate {
    pub scope: WafScope,
    pub name: String,
    pub version: IpVersion,
    pub description: String,
    pub addresses: Vec<String>,
}

impl IpSetCreate {
    pub fn target(&self) -> String {
        format!("{}/{}", self.scope, self.name)
    }
}

impl PlannedChange for IpSetCreate {
    fn operation(&self) -> &'static str {
        "wafv2:CreateIPSet"
    }

    fn title(&self) -> String {
        format!(
            "Create {} IP set {} ({}) with {} addresses",
            self.version,
            self.name,
            self.scope,
            self.addresses.len()
        )
    }

    fn item_count(&self) -> usize {
        self.addresses.len()
    }

    fn targets(&self) -> Vec<String> {
        vec![self.target()]
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![
            PreviewLine {
                kind: LineKind::Header,
                text: self.title(),
            },
            PreviewLine {
                kind: LineKind::Context,
                text: format!("description {:?}", self.description),
            },
        ];
        lines.extend(self.addresses.iter().map(|a| PreviewLine {
            kind: LineKind::Added,
            text: format!("+ {a}"),
        }));
        lines
    }

    /// Deleting needs a fresh LockToken and fails while a rule references the set: not
    /// offered as an automatic undo.
    fn undo(&self, _succeeded: &[String]) -> Option<Change> {
        None
    }

    fn journal_values(&self) -> JournalValues {
        let mut values = JournalValues::default();
        values.after.insert(
            self.target(),
            serde_json::to_value(self).unwrap_or_default(),
        );
        values
    }

    fn touches_ip_sets(&self) -> bool {
        true
    }

    /// A set of that name created since the preview: nothing is left to do.
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let target = self.target();
        let mut refresh = Refresh::default();
        match now.get(&target) {
            Some(Reread::Found(Observed::IpSet { addresses, .. })) => {
                let what = format!(
                    "an IP set of that name now exists ({} addresses)",
                    addresses.len()
                );
                refresh.moved.push(Moved::new(&target, what));
            }
            _ => refresh.replanned = Some(Change::IpSetCreate(Box::new(self.clone()))),
        }
        Some(refresh)
    }

    /// The set exists (a set of that name that we did not create would have refused ours).
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        if target != self.target() {
            return None;
        }
        match now {
            Observed::IpSet { .. } => Some(true),
            Observed::Absent => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update() -> IpSetUpdate {
        IpSetUpdate {
            set: IpSetRef {
                scope: WafScope::Regional,
                name: "block".into(),
                id: "id-1".into(),
            },
            version: IpVersion::V4,
            add: vec!["203.0.113.0/24".into()],
            remove: vec!["192.0.2.0/24".into(), "198.51.100.0/24".into()],
            count_before: 5,
            count_after: 4,
            description_before: "old".into(),
            description: Some("new".into()),
            sync_token: Some("17".into()),
        }
    }

    #[test]
    fn preview_shows_the_diff_and_the_new_count() {
        let lines = update().preview();
        assert_eq!(
            lines[0].text,
            "Update IP set block (REGIONAL): +1 -2, 5 -> 4 addresses"
        );
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert!(texts.contains(&"+ 203.0.113.0/24"));
        assert!(texts.contains(&"- 192.0.2.0/24"));
        assert!(texts.contains(&"+ description \"new\""));
    }

    #[test]
    fn the_inverse_swaps_additions_removals_and_descriptions() {
        let inv = update().inverse();
        assert_eq!(inv.add, ["192.0.2.0/24", "198.51.100.0/24"]);
        assert_eq!(inv.remove, ["203.0.113.0/24"]);
        assert_eq!(inv.description.as_deref(), Some("old"));
        assert_eq!((inv.count_before, inv.count_after), (4, 5));
    }
}
