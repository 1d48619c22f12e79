//! Unit tests for CIDR parsing, comparison and edit validation.

use super::*;

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn set(items: &[&str]) -> BTreeSet<IpNet> {
    items.iter().map(|s| net(s)).collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn host_bits_are_cleared_as_waf_stores_them() {
    assert_eq!(parse("10.1.2.3/16", true).unwrap(), net("10.1.0.0/16"));
    assert_eq!(parse("2001:db8::1/32", true).unwrap(), net("2001:db8::/32"));
}

#[test]
fn ipv6_spellings_of_one_prefix_compare_equal() {
    let a = parse("2001:DB8:0:0::/64", true).unwrap();
    let b = parse("2001:0db8:0000:0000:0000:0000:0000:0000/64", true).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.to_string(), "2001:db8::/64");
}

#[test]
fn strict_parsing_needs_a_prefix_length_and_refuses_slash_zero() {
    assert!(matches!(
        parse("192.0.2.1", true),
        Err(CidrError::Invalid { .. })
    ));
    assert_eq!(parse("192.0.2.1", false).unwrap(), net("192.0.2.1/32"));
    assert!(matches!(
        parse("0.0.0.0/0", false),
        Err(CidrError::ZeroPrefix { .. })
    ));
    assert!(matches!(
        parse("10.0.0.0/33", false),
        Err(CidrError::Invalid { .. })
    ));
    assert_eq!(
        parse_for("2001:db8::/32", IpVersion::V4, true)
            .unwrap_err()
            .to_string(),
        "\"2001:db8::/32\" is IPV6, but the set holds IPV4 addresses"
    );
}

#[test]
fn containment_names_the_covering_entries_most_specific_first() {
    let s = set(&["203.0.113.0/24", "203.0.0.0/16", "198.51.100.0/24"]);
    let found = covering(&s, &parse("203.0.113.7", false).unwrap());
    assert_eq!(found, vec![net("203.0.113.0/24"), net("203.0.0.0/16")]);
    assert!(covering(&s, &parse("192.0.2.1", false).unwrap()).is_empty());
}

#[test]
fn aggregation_merges_adjacent_and_contained_prefixes() {
    let s = set(&["10.0.0.0/25", "10.0.0.128/25", "10.0.0.7/32", "10.0.2.0/24"]);
    assert_eq!(aggregate(&s), set(&["10.0.0.0/24", "10.0.2.0/24"]));
}

#[test]
fn apply_keeps_entries_it_was_not_asked_to_touch() {
    let fresh = set(&["10.0.0.0/8", "192.0.2.0/24", "198.51.100.0/24"]);
    let out = apply(&fresh, &[net("203.0.113.0/24")], &[net("192.0.2.0/24")]);
    assert_eq!(
        out,
        set(&["10.0.0.0/8", "198.51.100.0/24", "203.0.113.0/24"])
    );
}

#[test]
fn edit_check_reports_duplicates_covered_absent_and_refuses_host_bits() {
    let current = set(&["10.0.0.0/8", "192.0.2.0/24"]);
    let c = check_edit(
        &current,
        IpVersion::V4,
        &strings(&[
            "10.1.2.3",
            "192.0.2.0/24",
            "203.0.113.9/24",
            "203.0.113.0/24",
            "2001:db8::/32",
            "bogus",
        ]),
        &strings(&["192.0.2.0/24", "198.51.100.0/24"]),
    );
    assert_eq!(c.add, vec![net("10.1.2.3/32"), net("203.0.113.0/24")]);
    assert_eq!(c.remove, vec![net("192.0.2.0/24")]);
    assert_eq!(c.duplicates, vec![net("192.0.2.0/24")]);
    assert_eq!(c.covered, vec![(net("10.1.2.3/32"), net("10.0.0.0/8"))]);
    assert_eq!(c.absent, vec![net("198.51.100.0/24")]);
    assert_eq!(c.refused.len(), 3);
    assert_eq!(c.problems().len(), 3);
    assert!(
        c.problems().contains(
            &"203.0.113.9/24 has host bits set; did you mean 203.0.113.0/24 or 203.0.113.9/32?"
                .to_string()
        ),
        "{:?}",
        c.problems()
    );
    assert_eq!((c.count_before, c.count_after), (2, 3));
}

#[test]
fn the_ten_thousand_limit_is_checked_before_any_call() {
    let current: BTreeSet<IpNet> = (0..9_999u32)
        .map(|i| {
            IpNet::from(std::net::IpAddr::from(std::net::Ipv4Addr::from(
                0x0a00_0000 + i,
            )))
        })
        .collect();
    let ok = check_edit(&current, IpVersion::V4, &strings(&["192.0.2.1"]), &[]);
    assert!(ok.problems().is_empty());
    let over = check_edit(
        &current,
        IpVersion::V4,
        &strings(&["192.0.2.1", "192.0.2.2"]),
        &[],
    );
    assert_eq!(
        over.problems(),
        vec!["the set would hold 10001 addresses; WAF allows at most 10000".to_string()]
    );
}

#[test]
fn diff_counts_added_removed_and_unchanged() {
    let d = SetDiff::between(
        &set(&["10.0.0.0/8", "192.0.2.0/24"]),
        &set(&["10.0.0.0/8", "203.0.113.0/24"]),
    );
    assert_eq!(d.added, vec![net("203.0.113.0/24")]);
    assert_eq!(d.removed, vec![net("192.0.2.0/24")]);
    assert_eq!(d.unchanged, 1);
}
