//! Tests on the two real snapshots in tests/fixtures/ip-ranges/ (figures checked
//! independently with Python's `ipaddress`, see tests/fixtures/PROVENANCE.md).

use super::*;
use crate::domain::cidr::{SetDiff, aggregate};

fn load(date: &str) -> IpRanges {
    let path = format!(
        "{}/tests/fixtures/ip-ranges/ip-ranges-{date}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap();
    IpRanges::parse(&bytes, &path).unwrap()
}

fn services(names: &[&str]) -> Selection {
    Selection {
        services: names.iter().map(|s| s.to_string()).collect(),
        regions: Vec::new(),
    }
}

fn diff_v4(service: &str) -> SetDiff {
    let (old, new) = (load("2026-07-26"), load("2026-08-22"));
    let sel = services(&[service]);
    SetDiff::between(&old.select(&sel).unwrap().v4, &new.select(&sel).unwrap().v4)
}

#[test]
fn both_snapshots_parse_with_their_tokens_and_every_prefix() {
    let new = load("2026-08-22");
    assert_eq!(new.sync_token, "1787411825");
    assert_eq!(new.create_date, "2026-08-22-15-17-05");
    let v4 = new
        .prefixes
        .iter()
        .filter(|p| p.net.addr().is_ipv4())
        .count();
    assert_eq!((v4, new.prefixes.len() - v4), (10_668, 6_160));
    let old = load("2026-07-26");
    assert_eq!(old.sync_token, "1785031025");
    assert_eq!(old.prefixes.len(), 10_510 + 5_874);
}

#[test]
fn cloudfront_gained_two_prefixes_and_lost_none() {
    let d = diff_v4("CLOUDFRONT");
    let added: Vec<String> = d.added.iter().map(ToString::to_string).collect();
    assert_eq!(added, ["23.228.246.0/24", "23.228.247.0/24"]);
    assert!(d.removed.is_empty());
    assert_eq!(d.unchanged, 209);
}

#[test]
fn ec2_gained_34_and_lost_7() {
    let d = diff_v4("EC2");
    assert_eq!(
        (d.added.len(), d.removed.len(), d.unchanged),
        (34, 7, 1_890)
    );
    assert!(d.removed.iter().any(|n| n.to_string() == "83.119.64.0/18"));
}

#[test]
fn ipv6_prefixes_go_to_the_ipv6_side_only() {
    let (old, new) = (load("2026-07-26"), load("2026-08-22"));
    let sel = services(&["EC2"]);
    let (a, b) = (old.select(&sel).unwrap(), new.select(&sel).unwrap());
    assert!(b.v6.iter().all(|n| n.addr().is_ipv6()));
    assert!(b.v4.iter().all(|n| n.addr().is_ipv4()));
    let d = SetDiff::between(&a.v6, &b.v6);
    assert_eq!(
        (d.added.len(), d.removed.len(), d.unchanged),
        (86, 3, 2_144)
    );
    let r53 = SetDiff::between(
        &old.select(&services(&["ROUTE53_HEALTHCHECKS"])).unwrap().v4,
        &new.select(&services(&["ROUTE53_HEALTHCHECKS"])).unwrap().v4,
    );
    assert!(r53.is_empty());
}

#[test]
fn selection_holds_exactly_the_selected_services_prefixes() {
    let new = load("2026-08-22");
    let sel = new
        .select(&services(&["CLOUDFRONT", "ROUTE53_HEALTHCHECKS"]))
        .unwrap();
    let expected: BTreeSet<IpNet> = new
        .prefixes
        .iter()
        .filter(|p| p.service == "CLOUDFRONT" || p.service == "ROUTE53_HEALTHCHECKS")
        .filter(|p| p.net.addr().is_ipv4())
        .map(|p| p.net)
        .collect();
    assert_eq!(sel.v4, expected);
    assert_eq!(sel.v4.len(), 242);
    // Adjacent CloudFront /24s and friends merge: 242 -> 207 (Python collapse_addresses).
    assert_eq!(aggregate(&sel.v4).len(), 207);
}

#[test]
fn regions_match_region_or_network_border_group() {
    let new = load("2026-08-22");
    let sel = Selection {
        services: vec!["EC2".into()],
        regions: vec!["eu-west-1".into()],
    };
    assert_eq!(new.select(&sel).unwrap().v4.len(), 88);
}

#[test]
fn an_unknown_service_is_refused_naming_it() {
    let err = load("2026-08-22")
        .select(&services(&["CLOUDFRONTT"]))
        .unwrap_err();
    assert!(
        err.contains("\"CLOUDFRONTT\" is not in this ip-ranges.json"),
        "{err}"
    );
}

#[test]
fn malformed_files_are_refused_naming_the_problem_and_where() {
    let err = IpRanges::parse(b"{\"syncToken\": \"1\",\n \"createDate\": 5}", "f.json")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("f.json: not a valid ip-ranges.json: invalid type: integer `5`"),
        "{err}"
    );
    assert!(err.contains("line 2"), "{err}");

    let doc = br#"{"syncToken":"1","createDate":"d","prefixes":[
        {"ip_prefix":"10.0.0.0/8","region":"r","service":"S","network_border_group":"r"},
        {"ip_prefix":"10.0.0/8","region":"r","service":"S","network_border_group":"r"}],
        "ipv6_prefixes":[]}"#;
    let err = IpRanges::parse(doc, "f.json").unwrap_err().to_string();
    assert_eq!(
        err,
        "f.json: prefixes[1] (ip_prefix \"10.0.0/8\"): \"10.0.0/8\" is not an IP address or CIDR range"
    );

    let doc = br#"{"syncToken":"1","createDate":"d","prefixes":[],"ipv6_prefixes":[
        {"ipv6_prefix":"10.0.0.0/8","region":"r","service":"S","network_border_group":"r"}]}"#;
    let err = IpRanges::parse(doc, "f.json").unwrap_err().to_string();
    assert!(
        err.contains("ipv6_prefixes[0]") && err.contains("is IPV4"),
        "{err}"
    );

    let err = IpRanges::parse(br#"{"syncToken":"1"}"#, "f.json")
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `createDate`"), "{err}");
}

#[test]
fn host_bits_are_refused_like_plus_and_f_refuse_them() {
    let doc = |prefix: &str, list: &str, field: &str| {
        format!(
            r#"{{"syncToken":"1","createDate":"x","prefixes":[],"ipv6_prefixes":[],"{list}":[{{"{field}":"{prefix}","region":"GLOBAL","service":"CLOUDFRONT","network_border_group":"GLOBAL"}}]}}"#
        )
        .replace(&format!(r#""{list}":[],"#), "")
    };
    let err = IpRanges::parse(
        doc("10.0.0.1/24", "prefixes", "ip_prefix").as_bytes(),
        "r.json",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "r.json: prefixes[0] (ip_prefix \"10.0.0.1/24\"): 10.0.0.1/24 has host bits set; \
         did you mean 10.0.0.0/24 or 10.0.0.1/32?"
    );
    // The same words as the address checks of `+` and `f`.
    let plus = cidr::parse_exact("10.0.0.1/24", cidr::IpVersion::V4, true).unwrap_err();
    assert!(err.ends_with(&plus.to_string()), "{err}");
    let err = IpRanges::parse(
        doc("2001:db8::1/64", "ipv6_prefixes", "ipv6_prefix").as_bytes(),
        "r.json",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("did you mean 2001:db8::/64"),
        "{err}"
    );
    assert!(
        IpRanges::parse(
            doc("10.0.0.0/24", "prefixes", "ip_prefix").as_bytes(),
            "r.json"
        )
        .is_ok()
    );
}

#[test]
fn a_sync_token_a_description_cannot_record_is_refused() {
    // Found by tests/fuzz/waf.rs: a 300-character token overflowed the description
    // arithmetic (a panic in `waf sync`), and one with spaces or brackets made a
    // description WAF refuses, or one that gives back another token.
    let file = |token: &str| {
        let doc = serde_json::json!({"syncToken": token, "createDate": "d",
            "prefixes": [], "ipv6_prefixes": []});
        IpRanges::parse(doc.to_string().as_bytes(), "f.json")
    };
    let long = "1".repeat(300);
    for (token, problem) in [
        (
            long.as_str(),
            "it has 300 characters; a syncToken has 1 to 64",
        ),
        ("17 00", "' ' cannot be recorded in a WAF description"),
        ("[1]", "'[' cannot be recorded in a WAF description"),
        ("\u{1b}]0;x\u{7}", "'\\u{1b}' cannot be recorded"),
    ] {
        let err = file(token).unwrap_err().to_string();
        assert!(err.starts_with("f.json: syncToken \""), "{err}");
        assert!(err.contains(problem), "{err}");
        assert!(err.len() < 200, "the token is cut short: {err}");
    }
    assert_eq!(file("1787411825").unwrap().sync_token, "1787411825");
}
