//! Block from a finding through `update`: a SUPPRESSED finding's block is previewed with
//! its guardrail, `y` refuses it (nothing sent), the override key approves it and the plan
//! says it was overridden (the journal records that); the same with a typed count.

use serde_json::json;

use crate::app::panes::PaneMsg;
use crate::app::panes::ipsets::{IpSetRow, IpSetsRead};
use crate::app::pipeline::Stage;
use crate::app::tests::{keys, messages};
use crate::app::{Action, Effect, IpSetsMsg, ReadRequest, update};
use crate::domain::cidr::IpVersion;
use crate::domain::finding::Finding;
use crate::domain::waf::{IpSet, IpSetRef, RuleReference, WafScope};

fn attacked(i: usize, workflow: &str) -> Finding {
    Finding::from_asff(json!({
        "Id": format!("f-{i}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "Title": format!("SSH brute force {i}"),
        "Severity": {"Label": "HIGH"},
        "Workflow": {"Status": workflow},
        "RecordState": "ACTIVE",
        "AwsAccountId": "111122223333",
        "Region": "us-east-1",
        "Resources": [{"Type": "AwsEc2Instance", "Id": "i-1"}],
        "Action": {"ActionType": "NETWORK_CONNECTION", "NetworkConnectionAction": {
            "ConnectionDirection": "INBOUND",
            "RemoteIpDetails": {"IpAddressV4": format!("203.0.113.{}", i + 1)}
        }}
    }))
    .expect("finding")
}

fn blocking_set() -> IpSetRow {
    IpSetRow {
        set: IpSet {
            set: IpSetRef {
                scope: WafScope::Regional,
                name: "attackers".into(),
                id: "id-1".into(),
            },
            arn: "arn:aws:wafv2:us-east-1:111122223333:regional/ipset/attackers/id-1".into(),
            description: String::new(),
            version: IpVersion::V4,
            addresses: Vec::new(),
            lock_token: "t".into(),
        },
        references: vec![RuleReference {
            ip_set_arn: "arn".into(),
            web_acl: "app".into(),
            rule: "block-attackers".into(),
            priority: 0,
            action: "BLOCK".into(),
            path: String::new(),
        }],
    }
}

/// A session with `findings` loaded, `b` pressed on them
/// and the IP sets answered, then enter: the block's preview.
fn block_preview(findings: Vec<Finding>, marks: bool) -> crate::app::State {
    let mut s = crate::app::tests::loaded_with(findings, false);
    if marks {
        keys(&mut s, "<c-a>");
    }
    let effects = keys(&mut s, "b");
    let [Effect::Read(ReadRequest::IpSets(IpSetsRead::Sets { request, .. }))] = effects.as_slice()
    else {
        panic!("b loads the IP sets: {effects:?}");
    };
    update(
        &mut s,
        Action::Pane(PaneMsg::IpSets(IpSetsMsg::Loaded {
            request: *request,
            result: Ok(vec![blocking_set()]),
        })),
    );
    keys(&mut s, "<space><enter>");
    assert!(
        matches!(s.pipeline.stage, Stage::Preview { .. }),
        "{:?}",
        s.pipeline.stage
    );
    s
}

#[test]
fn a_suppressed_findings_block_needs_the_override_key_and_says_so() {
    let mut s = block_preview(vec![attacked(0, "SUPPRESSED")], false);
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        unreachable!()
    };
    assert_eq!(
        plan.guardrails,
        [
            "finding \"SSH brute force 0\" is SUPPRESSED: it was closed, and acting on it (or setting it NOTIFIED) reopens a decision someone made"
        ]
    );
    assert!(keys(&mut s, "y").is_empty(), "y refuses");
    assert!(
        messages(&s)[0].starts_with("refused: finding \"SSH brute force 0\" is SUPPRESSED")
            && messages(&s)[0].ends_with("(! approves anyway; the journal records it)"),
        "{:?}",
        messages(&s)
    );
    let effects = keys(&mut s, "!");
    let [Effect::Mutate(plan)] = effects.as_slice() else {
        panic!("! approves: {effects:?}");
    };
    assert!(plan.overridden);
    assert_eq!(plan.overridden_guardrails(), plan.guardrails.as_slice());
}

#[test]
fn an_open_findings_block_has_no_guardrail_and_y_approves() {
    let mut s = block_preview(vec![attacked(0, "NEW")], false);
    let effects = keys(&mut s, "y");
    let [Effect::Mutate(plan)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(plan.guardrails.is_empty() && !plan.overridden);
}

#[test]
fn with_a_typed_count_the_override_also_needs_the_count() {
    let mut findings: Vec<Finding> = (0..11).map(|i| attacked(i, "NEW")).collect();
    findings.push(attacked(11, "RESOLVED"));
    let mut s = block_preview(findings, true);
    assert!(s.pipeline.wants_typed_count());
    assert!(keys(&mut s, "!").is_empty(), "no count typed yet");
    assert!(keys(&mut s, "13<enter>").is_empty(), "the count is wrong");
    keys(&mut s, "<bs><bs>");
    assert!(keys(&mut s, "12<enter>").is_empty(), "enter is y: refused");
    let effects = keys(&mut s, "!");
    let [Effect::Mutate(plan)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(plan.overridden && plan.guardrails[0].contains("\"SSH brute force 11\" is RESOLVED"));
}
