//! The fresh-state check (`refresh`) and the outcome classification (`holds_after`) of the
//! change kinds other than Security Hub's (tested in `outcome.rs`), on re-reads built by
//! hand.

use super::{Change, Observed, Reread, Rereads, TargetClass, outcome};
use crate::domain::analyzer::FindingsStatusChange;
use crate::domain::cidr::IpVersion;
use crate::domain::iot::{AuditSuppression, ResourceIdentifier};
use crate::domain::iot_plan::IotChange;
use crate::domain::waf::{IpSetCreate, IpSetRef, IpSetUpdate, WafScope};

fn reads(items: &[(&str, Observed)]) -> Rereads {
    items
        .iter()
        .map(|(t, o)| (t.to_string(), Reread::Found(o.clone())))
        .collect()
}

fn ip_set_update() -> IpSetUpdate {
    IpSetUpdate {
        set: IpSetRef {
            scope: WafScope::Regional,
            name: "block".into(),
            id: "id-1".into(),
        },
        version: IpVersion::V4,
        add: vec!["192.0.2.9/32".into()],
        remove: vec!["198.51.100.0/24".into()],
        count_before: 1,
        count_after: 1,
        description_before: String::new(),
        description: None,
        sync_token: None,
    }
}

#[test]
fn an_ip_set_update_is_applied_when_the_set_has_our_additions_and_none_of_our_removals() {
    let u = ip_set_update();
    let change = Change::IpSetUpdate(Box::new(u.clone()));
    let set = |addresses: &[&str]| Observed::IpSet {
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        description: String::new(),
    };
    let target = u.set.target();
    let classes = |o: Observed| outcome::classify(&change, &reads(&[(&target, o)]))[&target];
    assert_eq!(
        classes(set(&["192.0.2.9/32", "203.0.113.1/32"])),
        TargetClass::Applied
    );
    assert_eq!(classes(set(&["198.51.100.0/24"])), TargetClass::NotApplied);
    let failed: Rereads = [(target.clone(), Reread::Failed("timeout".into()))].into();
    assert_eq!(
        outcome::classify(&change, &failed)[&target],
        TargetClass::Unknown
    );
    assert!(
        change.planned().refresh(&Rereads::new()).is_none(),
        "its own check"
    );
}

#[test]
fn an_ip_set_create_moves_when_a_set_of_that_name_appeared() {
    let c = IpSetCreate {
        scope: WafScope::Regional,
        name: "new".into(),
        version: IpVersion::V4,
        description: String::new(),
        addresses: vec![],
    };
    let change = Change::IpSetCreate(Box::new(c.clone()));
    let now = reads(&[(
        &c.target(),
        Observed::IpSet {
            addresses: vec!["192.0.2.1/32".into()],
            description: String::new(),
        },
    )]);
    let refresh = change.planned().refresh(&now).unwrap();
    assert_eq!(
        refresh.moved[0].what,
        "an IP set of that name now exists (1 addresses)"
    );
    assert!(refresh.replanned.is_none());
    let fresh = change
        .planned()
        .refresh(&reads(&[(&c.target(), Observed::Absent)]))
        .unwrap();
    assert!(fresh.is_fresh());
}

#[test]
fn an_archive_keeps_the_findings_still_active_and_names_the_others() {
    let c = FindingsStatusChange {
        analyzer_arn: "arn:a".into(),
        ids: vec!["f1".into(), "f2".into()],
        labels: vec!["one".into(), "two".into()],
        reason: "ok".into(),
    };
    let change = Change::FindingsArchive(Box::new(c));
    let status = |s: &str| Observed::AnalyzerStatus { status: s.into() };
    let refresh = change
        .planned()
        .refresh(&reads(&[
            ("f1", status("ACTIVE")),
            ("f2", status("RESOLVED")),
        ]))
        .unwrap();
    assert_eq!(refresh.moved.len(), 1);
    assert_eq!(refresh.moved[0].what, "status ACTIVE -> RESOLVED");
    let Some(Change::FindingsArchive(kept)) = refresh.replanned else {
        panic!("re-planned archive")
    };
    assert_eq!(
        (kept.ids, kept.labels),
        (vec!["f1".into()], vec!["one".into()])
    );
    assert_eq!(
        change.planned().holds_after("f1", &status("ARCHIVED")),
        Some(true)
    );
}

fn suppression(description: &str) -> AuditSuppression {
    AuditSuppression {
        check_name: "LOGGING_DISABLED_CHECK".into(),
        resource_identifier: ResourceIdentifier {
            account: Some("123456789012".into()),
            ..Default::default()
        },
        expiration_date: None,
        suppress_indefinitely: true,
        description: Some(description.into()),
    }
}

#[test]
fn a_suppression_update_is_replanned_from_the_one_aws_holds_now() {
    let change = Change::Iot(Box::new(IotChange::UpdateSuppression {
        before: suppression("lab"),
        after: suppression("until the fix"),
    }));
    let target = change.planned().targets().remove(0);
    let now = |d: &str| {
        reads(&[(
            &target,
            Observed::Suppression {
                suppression: suppression(d),
            },
        )])
    };
    assert!(change.planned().refresh(&now("lab")).unwrap().is_fresh());
    let refresh = change.planned().refresh(&now("vendor")).unwrap();
    assert_eq!(refresh.moved.len(), 1);
    let Some(Change::Iot(replanned)) = refresh.replanned else {
        panic!("re-planned")
    };
    assert_eq!(
        *replanned,
        IotChange::UpdateSuppression {
            before: suppression("vendor"),
            after: suppression("until the fix"),
        }
    );
    let gone = change
        .planned()
        .refresh(&reads(&[(&target, Observed::Absent)]))
        .unwrap();
    assert_eq!(gone.moved[0].what, "the suppression was deleted");
    let classes = outcome::classify(&change, &now("until the fix"));
    assert_eq!(classes[&target], TargetClass::Applied);
}
