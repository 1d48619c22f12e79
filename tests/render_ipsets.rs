//! Snapshots of the WAF IP sets pane, on the demo world's sets as the real loader reads
//! them from the sandbox: the table with referencing rules, the addresses view with a
//! containment search, an add preview, refusals, and the read-only keymap.

mod common;

use common::render::*;
use common::{TestEnv, demo_seed_without_findings};
use secdeck::app::{Action, Effect, ReadRequest, Session, State, update};
use secdeck::app::{IpSetsRead, PaneId, PaneMsg};
use secdeck::domain::waf::WafScope;
use secdeck::theme::Theme;

async fn rows(scope: WafScope) -> Vec<secdeck::app::panes::ipsets::IpSetRow> {
    let env = TestEnv::new(demo_seed_without_findings()).await;
    let client = env.clients().wafv2;
    secdeck::tasks::wafv2::load_ip_sets(&client, scope)
        .await
        .unwrap()
}

async fn pane(read_only: bool) -> State {
    let session = Session {
        profile: Some("demo".into()),
        region: "us-east-1".into(),
        demo: true,
        read_only,
        ..Session::default()
    };
    let mut s = headless(session, Theme::default_dark(), 120, 30);
    let effects = update(&mut s, Action::ShowPane(PaneId::IpSets));
    let [Effect::Read(ReadRequest::IpSets(IpSetsRead::Sets { request, scope }))] =
        effects.as_slice()
    else {
        panic!("showing the pane loads it: {effects:?}");
    };
    assert_eq!(*scope, WafScope::Regional);
    let result = Ok(rows(*scope).await);
    update(
        &mut s,
        Action::Pane(PaneMsg::IpSets(secdeck::app::IpSetsMsg::Loaded {
            request: *request,
            result,
        })),
    );
    s
}

fn press(s: &mut State, seq: &str) -> Vec<Effect> {
    type_keys(s, seq)
}

fn screen(s: &State) -> String {
    render(s, 120, 30).backend().to_string()
}

#[tokio::test]
async fn the_table_shows_counts_and_referencing_rules() {
    let s = pane(false).await;
    let text = screen(&s);
    assert!(text.contains("corporate-egress-v4"), "{text}");
    insta::assert_snapshot!("ipsets_table", text);
}

#[tokio::test]
async fn the_addresses_view_answers_a_containment_search() {
    let mut s = pane(false).await;
    // blocked-attackers-v4 is the second row.
    press(&mut s, "j<enter>/203.0.113.200<enter>");
    let text = screen(&s);
    assert!(
        text.contains("203.0.113.200 is covered by 203.0.113.128/25"),
        "{text}"
    );
    insta::assert_snapshot!("ipsets_search", text);
    // Esc in the prompt clears the search; the view stays open.
    press(&mut s, "/<esc>/198.18.0.1<enter>");
    assert!(screen(&s).contains("198.18.0.1 is not covered by any entry"));
}

#[tokio::test]
async fn adding_addresses_previews_the_diff_and_approval_sends_the_plan() {
    let mut s = pane(false).await;
    press(
        &mut s,
        "j<enter>+192.0.2.99, 203.0.113.7/32 198.51.100.0/24<enter>",
    );
    let text = screen(&s);
    assert!(
        text.contains("Update IP set blocked-attackers-v4 (REGIONAL): +1 -0, 4 -> 5 addresses"),
        "{text}"
    );
    insta::assert_snapshot!("ipsets_add_preview", text);
    let effects = press(&mut s, "y");
    let [Effect::Mutate(plan)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(plan.operation(), "wafv2:UpdateIPSet");
    // The journal view of that change (its intent, as a session stopped mid-change
    // leaves it) at 80x24.
    journal_at_80x24(&mut s, plan);
}

fn journal_at_80x24(s: &mut State, plan: &secdeck::domain::plan::ChangePlan) {
    use secdeck::app::JournalMsg;
    use secdeck::journal::{Entry, JournalContext};
    let ctx = JournalContext {
        caller_arn: Some("arn:aws:iam::123456789012:user/secops".into()),
        account: Some("123456789012".into()),
        profile: Some("demo".into()),
        region: "us-east-1".into(),
        endpoint: None,
    };
    let mut intent = Entry::intent(&ctx, plan);
    intent.time = time::OffsetDateTime::from_unix_timestamp(1_764_842_400).unwrap();
    update(
        s,
        Action::Pane(PaneMsg::Journal(JournalMsg::Show(String::new()))),
    );
    update(
        s,
        Action::Pane(PaneMsg::Journal(JournalMsg::Loaded(Ok(vec![intent])))),
    );
    insta::assert_snapshot!("journal_80x24", resized(s, 80, 24).backend());
}

#[tokio::test]
async fn at_80x24_names_and_rules_show_and_clicks_pick_a_set_then_an_address() {
    let mut s = pane(false).await;
    at_size_with_mouse(&mut s, 80, 24);
    insta::assert_snapshot!("ipsets_table_80x24", render(&s, 80, 24).backend());
    click_on(&mut s, "corporate-egress-v4");
    assert_eq!(
        s.ipsets.selected().unwrap().set.set.name,
        "corporate-egress-v4"
    );
    assert!(s.ipsets.open_row().is_none(), "one click selects");
    click_on(&mut s, "corporate-egress-v4");
    assert!(
        s.ipsets.open_row().is_some(),
        "a second click opens the set"
    );
    insta::assert_snapshot!("ipsets_addresses_80x24", render(&s, 80, 24).backend());
    let second = s.ipsets.addresses().rows[1].clone();
    click_on(&mut s, &second);
    assert_eq!(s.ipsets.addr_cursor, 1);
}

#[tokio::test]
async fn invalid_addresses_are_refused_without_a_plan() {
    let mut s = pane(false).await;
    press(&mut s, "j+2001:db8::1 10.0.0.300<enter>");
    let text = screen(&s);
    assert!(text.contains("is IPV6, but the set holds IPV4"), "{text}");
    assert!(!text.contains("Update IP set"), "{text}");
}

#[tokio::test]
async fn read_only_sessions_cannot_reach_add_or_remove() {
    let mut s = pane(true).await;
    // The digits typed after a withheld `+` switch panes (reads), but nothing mutates.
    let effects = press(&mut s, "<enter>+1.2.3.4<enter>-<enter>y");
    assert!(
        effects.iter().all(|e| !matches!(e, Effect::Mutate(_))),
        "{effects:?}"
    );
    update(&mut s, Action::ShowPane(PaneId::IpSets));
    for action in [Action::AddAddresses, Action::RemoveAddresses] {
        assert!(update(&mut s, action).is_empty());
    }
    assert!(!screen(&s).contains("Update IP set"));
}

/// Forty addresses: the preview is taller than the screen. It says how many lines are
/// below, scrolls with j / k and PgDn / PgUp (the `[preview]` keymap section) while the
/// count is typed, and `y` never approves it.
#[tokio::test]
async fn a_long_typed_count_preview_scrolls_and_says_what_is_below() {
    let mut s = pane(false).await;
    let addresses: Vec<String> = (1..=40).map(|i| format!("10.0.0.{i}")).collect();
    press(&mut s, &format!("j<enter>+{}<enter>", addresses.join(" ")));
    let text = screen(&s);
    assert!(text.contains("more below (j k pgdn pgup scroll)"), "{text}");
    assert!(text.contains("type 40 then enter to approve"), "{text}");
    insta::assert_snapshot!("ipsets_long_preview_top", text);

    press(&mut s, "jjj");
    let text = screen(&s);
    assert!(text.contains("↑ 3 above · ↓ 16 more below"), "{text}");
    insta::assert_snapshot!("ipsets_long_preview_scrolled", text);
    press(&mut s, "<pgdn>");
    let text = screen(&s);
    assert!(
        text.contains("+ 10.0.0.40/32") && !text.contains("more below"),
        "{text}"
    );
    press(&mut s, "k<pgup>g");
    assert!(screen(&s).contains("↓ 19 more below"));

    assert!(
        press(&mut s, "y").is_empty(),
        "y does not approve a typed-count change"
    );
    let effects = press(&mut s, "40<enter>");
    let [Effect::Mutate(plan)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(plan.item_count(), 40);
}

/// `D` at 80x24: a set no rule uses previews its deletion (every address a removed line,
/// the undo's new id said); approval sends the plan. A set a web ACL uses is refused
/// with the rule named, and no plan is made.
#[tokio::test]
async fn deleting_a_set_previews_every_address_and_a_used_set_is_refused() {
    let mut s = pane(false).await;
    // Every demo set is in a web ACL: add one none uses, as a reload would list it.
    let mut unused = s.ipsets.rows[1].clone();
    unused.set.set.name = "scratch-v4".into();
    unused.set.set.id = "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d".into();
    unused.set.arn = format!(
        "arn:aws:wafv2:us-east-1:123456789012:regional/ipset/scratch-v4/{}",
        unused.set.set.id
    );
    unused.set.description = "Made by mistake".into();
    unused.references.clear();
    s.ipsets.rows.push(unused);
    resized(&mut s, 80, 24);
    press(&mut s, "GD");
    let text = render(&s, 80, 24).backend().to_string();
    assert!(
        text.contains("Delete IP set scratch-v4 (REGIONAL) with 4"),
        "{text}"
    );
    insta::assert_snapshot!("ipsets_delete_preview_80x24", render(&s, 80, 24).backend());
    let effects = press(&mut s, "y");
    let [Effect::Mutate(plan)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(plan.operation(), "wafv2:DeleteIPSet");

    let mut s = pane(false).await;
    let effects = press(&mut s, "jDy");
    assert!(
        effects.iter().all(|e| !matches!(e, Effect::Mutate(_))),
        "{effects:?}"
    );
    let text = screen(&s);
    assert!(
        text.contains("not deleted: web ACL rule storefront-alb/block-known-attackers"),
        "{text}"
    );
    assert!(!text.contains("Delete IP set"), "{text}");
}
