//! The WAF inputs read from files: ip-ranges.json (`waf sync --ip-ranges`) and address
//! files (`f` in the IP sets pane). Arbitrary bytes never panic and every refusal names
//! the file and the entry or line; generated CIDR lists parse to exactly the networks
//! written, and one with host bits set is refused at its index or line, never widened.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use secdeck::domain::address_file::parse_address_file;
use secdeck::domain::cidr::IpVersion;
use secdeck::domain::ip_ranges::{IpRanges, IpRangesError};
use secdeck::domain::waf::{check_description, description_with_token, token_in_description};
use serde_json::{Value, json};

use crate::support::{config, text_from};

const NAME: &str = "ranges.json";

fn v4_net() -> impl Strategy<Value = IpNet> {
    (any::<u32>(), 1u8..=32)
        .prop_map(|(a, len)| IpNet::V4(Ipv4Net::new(Ipv4Addr::from(a), len).unwrap().trunc()))
}

fn v6_net() -> impl Strategy<Value = IpNet> {
    (any::<u128>(), 1u8..=128)
        .prop_map(|(a, len)| IpNet::V6(Ipv6Net::new(Ipv6Addr::from(a), len).unwrap().trunc()))
}

/// The network written with a host bit set, if it has host bits to set.
fn with_host_bits(net: &IpNet, pick: u128) -> Option<String> {
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    if host_bits == 0 {
        return None;
    }
    let offset = 1 + pick % ((1u128 << host_bits.min(127)) - 1).max(1);
    let addr = match net.network() {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) | offset as u32)),
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) | offset)),
    };
    Some(format!("{addr}/{}", net.prefix_len()))
}

fn entry(net: &IpNet, text: &str) -> Value {
    let field = match net {
        IpNet::V4(_) => "ip_prefix",
        IpNet::V6(_) => "ipv6_prefix",
    };
    json!({field: text, "region": "us-east-1", "service": "CLOUDFRONT", "network_border_group": "us-east-1"})
}

fn ranges_file(token: &str, v4: &[IpNet], v6: &[IpNet]) -> Value {
    json!({
        "syncToken": token,
        "createDate": "2026-01-01-00-00-00",
        "prefixes": v4.iter().map(|n| entry(n, &n.to_string())).collect::<Vec<_>>(),
        "ipv6_prefixes": v6.iter().map(|n| entry(n, &n.to_string())).collect::<Vec<_>>(),
    })
}

fn check_ranges_error(e: &IpRangesError) -> Result<(), TestCaseError> {
    let text = e.to_string();
    prop_assert!(text.starts_with(&format!("{NAME}: ")), "{}", text);
    if let IpRangesError::Json { line, column, .. } = e {
        prop_assert!(*line >= 1 && *column >= 1, "{}", text);
    }
    Ok(())
}

/// What a parsed file must allow: a description recording its token that WAF accepts and
/// that gives the token back.
fn check_parsed(ranges: &IpRanges) -> Result<(), TestCaseError> {
    for before in ["", "CloudFront ranges", &"x".repeat(300)] {
        let d = description_with_token(before, &ranges.sync_token);
        prop_assert!(d.chars().count() <= 256, "{}", d);
        prop_assert_eq!(check_description(&d), Ok(()), "{:?}", d);
        prop_assert_eq!(token_in_description(&d), Some(ranges.sync_token.as_str()));
    }
    Ok(())
}

/// One address-file line: an address, blank, a comment, padded, CRLF.
fn address_line(version: IpVersion) -> impl Strategy<Value = (String, Option<String>)> {
    let net = match version {
        IpVersion::V4 => v4_net().boxed(),
        IpVersion::V6 => v6_net().boxed(),
    };
    let address = (net, proptest::bool::ANY).prop_map(|(n, bare)| {
        if bare {
            n.network().to_string()
        } else {
            n.to_string()
        }
    });
    prop_oneof![
        4 => (address, " {0,3}", proptest::option::of("[ -~]{0,10}"), proptest::bool::ANY).prop_map(
            |(a, pad, comment, crlf)| {
                let mut line = format!("{pad}{a}{pad}");
                if let Some(c) = comment {
                    line.push_str(&format!(" #{c}"));
                }
                if crlf {
                    line.push('\r');
                }
                (line, Some(a))
            }
        ),
        1 => Just((String::new(), None)),
        1 => "#[ -~]{0,20}".prop_map(|c| (c, None)),
    ]
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_bytes_are_parsed_or_refused_naming_the_file(bytes in prop_oneof![
        any::<Vec<u8>>(),
        text_from(&["{", "}", "[", "]", ",", ":", "\"syncToken\"", "\"createDate\"", "\"prefixes\"",
            "\"ipv6_prefixes\"", "\"ip_prefix\"", "\"ipv6_prefix\"", "\"region\"", "\"service\"",
            "\"network_border_group\"", "\"1.2.3.0/24\"", "\"1.2.3.4/24\"", "\"::/0\"", "\"x\"",
            "\"\"", "null"], 60).prop_map(String::into_bytes),
    ]) {
        match IpRanges::parse(&bytes, NAME) {
            Ok(ranges) => check_parsed(&ranges)?,
            Err(e) => check_ranges_error(&e)?,
        }
    }

    #[test]
    fn any_sync_token_is_refused_or_recorded_in_a_description_waf_accepts(token in prop_oneof![
        any::<String>(),
        "[0-9]{1,12}",
        "[ -~]{200,300}",
    ]) {
        let file = ranges_file(&token, &[], &[]).to_string();
        match IpRanges::parse(file.as_bytes(), NAME) {
            Ok(ranges) => check_parsed(&ranges)?,
            Err(e) => {
                check_ranges_error(&e)?;
                prop_assert!(e.to_string().contains("syncToken"), "{}", e);
            }
        }
    }

    #[test]
    fn generated_ranges_parse_to_exactly_the_networks_written(
        token in "[0-9]{10}",
        v4 in proptest::collection::vec(v4_net(), 0..30),
        v6 in proptest::collection::vec(v6_net(), 0..30),
    ) {
        let file = ranges_file(&token, &v4, &v6).to_string();
        let ranges = IpRanges::parse(file.as_bytes(), NAME)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let nets: Vec<IpNet> = ranges.prefixes.iter().map(|p| p.net).collect();
        prop_assert_eq!(nets, [v4, v6].concat());
        prop_assert_eq!(ranges.sync_token, token);
    }

    #[test]
    fn a_prefix_with_host_bits_is_refused_at_its_index_naming_the_network(
        v4 in proptest::collection::vec(v4_net(), 1..20),
        v6 in proptest::collection::vec(v6_net(), 1..20),
        pick in any::<proptest::sample::Index>(),
        bits in any::<u128>(),
        in_v6 in proptest::bool::ANY,
    ) {
        let list = if in_v6 { &v6 } else { &v4 };
        let at = pick.index(list.len());
        let Some(spoiled) = with_host_bits(&list[at], bits) else { return Ok(()); };
        let mut file = ranges_file("1", &v4, &v6);
        let (key, field) = if in_v6 { ("ipv6_prefixes", "ipv6_prefix") } else { ("prefixes", "ip_prefix") };
        file[key][at][field] = json!(spoiled);
        let e = IpRanges::parse(file.to_string().as_bytes(), NAME).expect_err("host bits are refused");
        let text = e.to_string();
        prop_assert!(text.starts_with(&format!("{NAME}: {key}[{at}] ({field} {spoiled:?})")), "{}", text);
        prop_assert!(text.contains(&format!("did you mean {}", list[at])), "{}", text);
    }

    #[test]
    fn arbitrary_address_files_are_refused_line_by_line(
        text in prop_oneof![any::<String>(), text_from(&["1.2.3.4", "/24", "/32", "/0", "::1", "/64", "#", "\n", "\r\n", " ", "10.0.0.1/8", "2001:db8::/32", "x"], 30)],
        v6 in proptest::bool::ANY,
    ) {
        let version = if v6 { IpVersion::V6 } else { IpVersion::V4 };
        let lines = text.lines().count();
        match parse_address_file(&text, "block.txt", version) {
            Ok(addresses) => prop_assert!(!addresses.is_empty() && addresses.len() <= lines),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    let Some(rest) = e.strip_prefix("block.txt:") else {
                        return Err(TestCaseError::fail(format!("{e} does not name the file")));
                    };
                    if e != "block.txt: no addresses in the file" {
                        let line: usize = rest.split(':').next().unwrap().parse()
                            .map_err(|_| TestCaseError::fail(format!("{e} does not name a line")))?;
                        prop_assert!((1..=lines).contains(&line), "{} of {} lines", e, lines);
                    }
                }
            }
        }
    }

    #[test]
    fn generated_address_files_give_their_addresses_and_host_bits_are_refused_by_line(
        v6 in proptest::bool::ANY,
        lines in proptest::collection::vec(address_line(IpVersion::V4), 1..25),
        lines6 in proptest::collection::vec(address_line(IpVersion::V6), 1..25),
        bits in any::<u128>(),
        pick in any::<proptest::sample::Index>(),
    ) {
        let (version, lines) = if v6 { (IpVersion::V6, lines6) } else { (IpVersion::V4, lines) };
        let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
        let expected: Vec<String> = lines.iter().filter_map(|(_, a)| a.clone()).collect();
        match parse_address_file(&text, "block.txt", version) {
            Ok(got) => prop_assert_eq!(got, expected),
            Err(e) => prop_assert!(expected.is_empty() && e == ["block.txt: no addresses in the file"], "{:?}", e),
        }
        let at = pick.index(lines.len());
        let Some(net) = lines[at].1.as_ref().and_then(|a| a.parse::<IpNet>().ok()) else { return Ok(()); };
        let Some(spoiled) = with_host_bits(&net, bits) else { return Ok(()); };
        let mut spoiled_lines: Vec<String> = lines.iter().map(|(l, _)| l.clone()).collect();
        spoiled_lines[at] = format!(" {spoiled} # spoiled");
        let errors = parse_address_file(&spoiled_lines.join("\n"), "block.txt", version)
            .expect_err("host bits are refused");
        prop_assert_eq!(errors.len(), 1);
        let want = format!("block.txt:{}: {spoiled} has host bits set; did you mean {net} or", at + 1);
        prop_assert!(errors[0].starts_with(&want), "{} (want {})", errors[0], want);
    }
}
