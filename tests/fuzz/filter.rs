//! The filter grammar (`sev=HIGH status=NEW updated<7d`): arbitrary text never panics and a
//! refusal points at bytes of the offending term; whatever parses prints back to text that
//! parses to the same filter; generated valid expressions survive print -> parse, and a
//! term spoiled on purpose is the one the error points at.

use proptest::prelude::*;
use secdeck::domain::filter::Conditions;
use secdeck::domain::filter_attrs::{self, DATE_ATTRIBUTES, MAP_ATTRIBUTES, NUMBER_ATTRIBUTES};
use secdeck::domain::filter_expr::{FilterExpr, Op, Term};

use crate::support::{config, filter_text, is_span_of, text_from};

const FRAGMENTS: &[&str] = &[
    "sev",
    "status",
    "title",
    "tag",
    "updated",
    "created",
    "confidence",
    "ResourceTags",
    "Criticality",
    "product",
    "bogus",
    "[",
    "]",
    "[env]",
    ",",
    "\"",
    " ",
    "  ",
    "7d",
    "24h",
    "0d",
    "9999999999d",
    "2024-05-01",
    "2024-02-30",
    "2024-05-01T10:00:00+02:00",
    "HIGH",
    "critical",
    "-1.5",
    "1e400",
    "NaN",
    "inf",
    "*",
    "\\\"",
    "日d",
    "éh",
    "+7d",
];

/// Text that may fail anywhere: the error must be a span of the input inside the term it
/// names; text that parses must print back to the same filter.
fn check_any(input: &str) -> Result<(), TestCaseError> {
    match FilterExpr::parse(input) {
        Ok(expr) => {
            let printed = expr.to_string();
            let again = FilterExpr::parse(&printed)
                .map_err(|e| TestCaseError::fail(format!("{printed:?} from {input:?}: {e}")))?;
            prop_assert_eq!(&again, &expr, "printed as {:?}", printed);
            let filters = expr.to_filters();
            let values: usize = expr.terms.iter().map(|t| t.values.len()).sum();
            prop_assert_eq!(condition_count(&filters), values);
        }
        Err(e) => {
            prop_assert!(
                is_span_of(input, e.offset, e.len),
                "error {:?} is not a span of {:?}",
                e,
                input
            );
            let pointed = &input[e.offset..e.offset + e.len];
            prop_assert!(
                e.token.contains(pointed),
                "{:?} not in {:?}",
                pointed,
                e.token
            );
            prop_assert!(!e.message.is_empty());
            let column = input[..e.offset].chars().count() + 1;
            prop_assert!(
                e.to_string().contains(&format!("column {column}:")),
                "{} does not name character column {}",
                e,
                column
            );
        }
    }
    Ok(())
}

fn condition_count(filters: &secdeck::domain::filter::FindingFilters) -> usize {
    filters
        .0
        .values()
        .map(|c| match c {
            Conditions::Strings(v) => v.len(),
            Conditions::Dates(v) => v.len(),
            Conditions::Numbers(v) => v.len(),
            Conditions::Maps(v) => v.len(),
        })
        .sum()
}

/// Enumerated attributes and their values (mirrors the grammar's own list).
const ENUMS: &[(&str, &[&str])] = &[
    (
        "SeverityLabel",
        &["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"],
    ),
    (
        "WorkflowStatus",
        &["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"],
    ),
    ("RecordState", &["ACTIVE", "ARCHIVED"]),
    (
        "ComplianceStatus",
        &["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"],
    ),
];

const STRING_OPS: &[Op] = &[
    Op::Eq,
    Op::Ne,
    Op::Prefix,
    Op::NotPrefix,
    Op::Contains,
    Op::NotContains,
];

/// Any value text at all: quotes, commas, backslashes, spaces and hostile characters.
fn free_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9:/._-]{1,12}",
        1 => any::<String>(),
        1 => text_from(&["\"", ",", "\\", " ", "a", "=", "[", "]"], 6),
    ]
}

fn string_term() -> impl Strategy<Value = Term> {
    let plain = (
        proptest::sample::select(filter_attrs::STRING_ATTRIBUTES),
        proptest::sample::select(STRING_OPS),
        proptest::collection::vec(free_value(), 1..4),
    )
        .prop_filter("enumerations are generated apart", |(a, ..)| {
            !is_enumerated(a)
        })
        .prop_map(|(attribute, op, values)| Term {
            attribute: attribute.to_string(),
            map_key: None,
            op,
            values,
        });
    let enumerated = (
        proptest::sample::select(ENUMS),
        proptest::sample::select(STRING_OPS),
        proptest::collection::vec(any::<proptest::sample::Index>(), 1..4),
        proptest::collection::vec("[a-zA-Z_]{1,8}", 1..4),
    )
        .prop_map(|((attribute, known), op, picks, free)| {
            let values = if matches!(op, Op::Eq | Op::Ne) {
                picks.iter().map(|i| i.get(known).to_string()).collect()
            } else {
                free.iter().map(|v| v.to_ascii_uppercase()).collect()
            };
            Term {
                attribute: attribute.to_string(),
                map_key: None,
                op,
                values,
            }
        });
    prop_oneof![3 => plain, 1 => enumerated]
}

fn is_enumerated(attribute: &str) -> bool {
    ENUMS.iter().any(|(a, _)| *a == attribute)
        || attribute == "VerificationState"
        || attribute == "FindingProviderFieldsSeverityLabel"
}

fn map_term() -> impl Strategy<Value = Term> {
    (
        proptest::sample::select(MAP_ATTRIBUTES),
        "[^\\]\\s\"]{1,10}",
        proptest::sample::select(&[Op::Eq, Op::Ne, Op::Contains, Op::NotContains][..]),
        proptest::collection::vec(free_value(), 1..3),
    )
        .prop_map(|(attribute, key, op, values)| Term {
            attribute: attribute.to_string(),
            map_key: Some(key),
            op,
            values,
        })
}

fn date_term() -> impl Strategy<Value = Term> {
    let window = (
        proptest::sample::select(&[Op::Lt, Op::Le][..]),
        1..=i32::MAX,
        proptest::bool::ANY,
    )
        .prop_map(|(op, n, days)| (op, format!("{n}{}", if days { "d" } else { "h" })));
    let date = (
        proptest::sample::select(&[Op::Lt, Op::Le, Op::Gt, Op::Ge][..]),
        0i64..253_402_300_799,
    )
        .prop_map(|(op, secs)| {
            let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let text = t
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            (op, text)
        });
    (
        proptest::sample::select(DATE_ATTRIBUTES),
        prop_oneof![window, date],
    )
        .prop_map(|(attribute, (op, value))| Term {
            attribute: attribute.to_string(),
            map_key: None,
            op,
            values: vec![value],
        })
}

fn number_term() -> impl Strategy<Value = Term> {
    (
        proptest::sample::select(NUMBER_ATTRIBUTES),
        proptest::sample::select(&[Op::Eq, Op::Lt, Op::Le, Op::Gt, Op::Ge][..]),
        prop_oneof![
            (-1_000_000i64..1_000_000).prop_map(|n| n.to_string()),
            proptest::num::f64::NORMAL.prop_map(|n| {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", n as i64)
                } else {
                    n.to_string()
                }
            }),
        ],
    )
        .prop_map(|(attribute, op, value)| Term {
            attribute: attribute.to_string(),
            map_key: None,
            op,
            values: vec![value],
        })
}

/// Valid expressions within Security Hub's limits (10 attributes, 20 values each).
fn valid_expr() -> impl Strategy<Value = FilterExpr> {
    let term =
        prop_oneof![3 => string_term(), 1 => map_term(), 1 => date_term(), 1 => number_term()];
    proptest::collection::vec(term, 1..7).prop_map(|terms| FilterExpr { terms })
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_text_is_parsed_or_refused_at_a_span_of_it(input in any::<String>()) {
        check_any(&input)?;
    }

    #[test]
    fn grammar_shaped_text_is_parsed_or_refused_at_a_span_of_it(input in filter_text(FRAGMENTS, 12)) {
        check_any(&input)?;
    }

    #[test]
    fn a_valid_expression_prints_to_text_that_parses_back_equal(expr in valid_expr()) {
        let printed = expr.to_string();
        let parsed = FilterExpr::parse(&printed)
            .map_err(|e| TestCaseError::fail(format!("{printed:?}: {e}")))?;
        prop_assert_eq!(parsed, expr, "printed as {:?}", printed);
    }

    #[test]
    fn a_spoiled_term_is_the_one_the_error_points_at(
        expr in valid_expr(),
        pick in any::<proptest::sample::Index>(),
        spoil in proptest::sample::select(&["nosuchattr=1", "sev=BOGUS", "title", "tag=1", "updated>7d", "confidence~1", "\"x"][..]),
    ) {
        let mut terms: Vec<String> = expr.terms.iter().map(ToString::to_string).collect();
        let at = pick.index(terms.len());
        terms[at] = spoil.to_string();
        // The spoiled term is last when it opens a quote that nothing closes.
        if spoil.starts_with('"') {
            let last = terms.len() - 1;
            terms.swap(at, last);
        }
        let spoiled = terms.iter().position(|t| t == spoil).unwrap();
        let start: usize = terms[..spoiled].iter().map(|t| t.len() + 1).sum();
        let input = terms.join(" ");
        let e = FilterExpr::parse(&input).expect_err("a spoiled term is refused");
        prop_assert!(
            e.offset >= start && e.offset + e.len <= start + spoil.len(),
            "{:?} points at {:?}, not at {:?}",
            input, &input[e.offset..e.offset + e.len], spoil
        );
    }
}
