use super::*;
use crate::domain::filter::{DateRange, MapComparison};

fn compile(input: &str) -> OcsfFilters {
    OcsfFilters::compile(input).unwrap_or_else(|e| panic!("{input}: {e}"))
}

fn string(field: &'static str, comparison: StringComparison, value: &str) -> Leaf {
    Leaf::String {
        field,
        comparison,
        value: value.into(),
    }
}

fn eq(field: &'static str, value: &str) -> Leaf {
    string(field, StringComparison::Equals, value)
}

fn composite(operator: Operator, leaves: Vec<Leaf>, nested: Vec<Composite>) -> Composite {
    Composite {
        operator,
        leaves,
        nested,
    }
}

fn one(c: Composite) -> OcsfFilters {
    OcsfFilters {
        operator: Operator::And,
        composites: vec![c],
    }
}

fn error(input: &str) -> FilterError {
    match OcsfFilters::compile(input) {
        Ok(f) => panic!("{input} compiled: {f:?}"),
        Err(e) => e,
    }
}

/// The part of the input an error points at.
fn pointed<'a>(input: &'a str, e: &FilterError) -> &'a str {
    &input[e.offset..e.offset + e.len]
}

#[test]
fn empty_or_star_is_no_filter() {
    assert!(compile("").is_empty());
    assert!(compile("  * ").is_empty());
}

#[test]
fn the_console_names_mean_their_ocsf_fields_and_terms_side_by_side_are_anded() {
    let f = compile(
        "sev=critical status=notified product=Inspector account=123456789012 region=eu-west-1 rtype^=AwsEc2 title~root",
    );
    let leaves = vec![
        eq("severity", "Critical"),
        eq("status", "In Progress"),
        eq("metadata.product.name", "Inspector"),
        eq("cloud.account.uid", "123456789012"),
        eq("cloud.region", "eu-west-1"),
        string("resources.type", StringComparison::Prefix, "AwsEc2"),
        string("finding_info.title", StringComparison::Contains, "root"),
    ];
    assert_eq!(f, one(composite(Operator::And, leaves, vec![])));
}

#[test]
fn double_tilde_is_contains_word_on_strings_only() {
    let f = compile("title~~lambda desc~~\"root user\"");
    let word = |field, v| string(field, StringComparison::ContainsWord, v);
    let leaves = vec![
        word("finding_info.title", "lambda"),
        word("finding_info.desc", "root user"),
    ];
    assert_eq!(f, one(composite(Operator::And, leaves, vec![])));
    for (input, at) in [("cvss~~9", "~~"), ("tag[env]~~prod", "~~")] {
        let e = error(input);
        assert_eq!(pointed(input, &e), at, "{input}: {e}");
    }
}

#[test]
fn several_values_are_ored_for_positive_and_anded_for_negative_operators() {
    let f = compile("sev=Critical,HIGH");
    let any = composite(
        Operator::Or,
        vec![eq("severity", "Critical"), eq("severity", "High")],
        vec![],
    );
    assert_eq!(f, one(any));
    let f = compile("class!=\"Detection Finding\",\"Vulnerability Finding\" cve=CVE-2024-1");
    let ne = |v| string("class_name", StringComparison::NotEquals, v);
    let all = composite(
        Operator::And,
        vec![
            ne("Detection Finding"),
            ne("Vulnerability Finding"),
            eq("vulnerabilities.cve.uid", "CVE-2024-1"),
        ],
        vec![],
    );
    assert_eq!(f, one(all), "a negative term's values join the AND");
}

#[test]
fn or_groups_nest_as_composites() {
    let f = compile("sev=Critical (class=\"Detection Finding\" | cvss>=9)");
    let cvss = Leaf::Number {
        field: "vulnerabilities.cve.cvss.base_score",
        filter: NumberFilter {
            gte: Some(9.0),
            ..NumberFilter::default()
        },
    };
    let inner = composite(
        Operator::Or,
        vec![eq("class_name", "Detection Finding"), cvss],
        vec![],
    );
    assert_eq!(
        f,
        one(composite(
            Operator::And,
            vec![eq("severity", "Critical")],
            vec![inner]
        ))
    );
}

#[test]
fn a_top_level_or_of_groups_is_the_requests_own_composite_list() {
    let f = compile(
        "(sev=Critical account=1) or (sev=High region=eu-west-1 (type^=TTPs | exposure=true))",
    );
    assert_eq!(f.operator, Operator::Or);
    assert_eq!(f.composites.len(), 2);
    assert_eq!(
        f.composites[0],
        composite(
            Operator::And,
            vec![eq("severity", "Critical"), eq("cloud.account.uid", "1")],
            vec![]
        )
    );
    let second = &f.composites[1];
    assert_eq!(second.leaves.len(), 2);
    assert_eq!(
        second.nested,
        vec![composite(
            Operator::Or,
            vec![
                string("finding_info.types", StringComparison::Prefix, "TTPs"),
                eq("finding_info.analytic.name", "Exposure"),
            ],
            vec![]
        )]
    );
}

#[test]
fn any_ocsf_field_by_its_path_with_its_kind() {
    let f = compile(
        "finding_info.types^=TTPs vulnerabilities.is_fix_available=true resources.tags[env]=prod finding_info.created_time_dt<7d",
    );
    let leaves = &f.composites[0].leaves;
    assert_eq!(
        leaves[0],
        string("finding_info.types", StringComparison::Prefix, "TTPs")
    );
    assert_eq!(
        leaves[1],
        Leaf::Boolean {
            field: "vulnerabilities.is_fix_available",
            value: true
        }
    );
    assert_eq!(
        leaves[2],
        Leaf::Map {
            field: "resources.tags",
            filter: MapFilter {
                key: "env".into(),
                value: "prod".into(),
                comparison: MapComparison::Equals
            }
        }
    );
    assert_eq!(
        leaves[3],
        Leaf::Date {
            field: "finding_info.created_time_dt",
            filter: DateFilter {
                date_range: Some(DateRange {
                    value: 7,
                    unit: "DAYS".into()
                }),
                ..DateFilter::default()
            }
        }
    );
}

#[test]
fn dates_take_windows_and_dates_on_either_side() {
    let f = compile("updated<24h created>2024-05-01");
    let Leaf::Date { field, filter } = &f.composites[0].leaves[1] else {
        panic!("{f:?}")
    };
    assert_eq!(*field, "finding_info.created_time_dt");
    assert_eq!(filter.start.as_deref(), Some("2024-05-01T00:00:00Z"));
    let e = error("updated>7d");
    assert!(e.message.contains("use a date"), "{e}");
}

#[test]
fn ip_is_a_cidr_on_both_evidence_endpoints() {
    let f = compile("ip=10.1.2.3/8");
    let leaf = |field| Leaf::Ip {
        field,
        cidr: "10.0.0.0/8".into(),
    };
    assert_eq!(
        f,
        one(composite(
            Operator::Or,
            vec![
                leaf("evidences.dst_endpoint.ip"),
                leaf("evidences.src_endpoint.ip")
            ],
            vec![]
        ))
    );
    let f = compile("ip=192.0.2.7");
    assert!(matches!(&f.composites[0].leaves[0], Leaf::Ip { cidr, .. } if cidr == "192.0.2.7/32"));
    let input = "sev=High ip=10.0.0.300";
    let e = error(input);
    assert_eq!(pointed(input, &e), "10.0.0.300", "{e}");
}

#[test]
fn exposure_by_trait_is_exposure_findings_with_one_of_the_traits() {
    let f = compile("exposure=Reachability,\"Sensitive Data\"");
    let traits = composite(
        Operator::Or,
        vec![
            eq(
                "finding_info.related_events.traits.category",
                "Reachability",
            ),
            eq(
                "finding_info.related_events.traits.category",
                "Sensitive Data",
            ),
        ],
        vec![],
    );
    assert_eq!(
        f,
        one(composite(
            Operator::And,
            vec![eq("finding_info.analytic.name", "Exposure")],
            vec![traits]
        ))
    );
    let f = compile("exposure=false");
    assert_eq!(
        f.composites[0].leaves,
        vec![string(
            "finding_info.analytic.name",
            StringComparison::NotEquals,
            "Exposure"
        )]
    );
}

#[test]
fn more_than_twenty_filters_of_a_kind_in_a_group_points_at_the_term_that_overflows() {
    let values: Vec<String> = (0..20).map(|i| format!("a{i}")).collect();
    // Negative terms' values join the group's AND: 20 + 2 string filters in one composite.
    let input = format!("account!={} region!=r1,r2", values.join(","));
    let e = error(&input);
    assert_eq!(pointed(&input, &e), "region!=r1,r2", "{e}");
    assert!(e.message.contains("more than 20 string filters"), "{e}");
    // Twenty is fine, and other kinds have their own twenty.
    let input = format!("account!={} cvss>=7", values.join(","));
    assert_eq!(compile(&input).composites[0].leaves.len(), 21);
}

#[test]
fn more_than_ten_composites_points_at_the_eleventh_group() {
    let groups: Vec<String> = (0..11).map(|i| format!("(sev=High account={i})")).collect();
    let input = groups.join(" | ");
    let e = error(&input);
    assert_eq!(pointed(&input, &e), "(sev=High account=10)", "{e}");
    assert!(e.message.contains("more than 10 composite filters"), "{e}");
    let ten = groups[..10].join(" | ");
    assert_eq!(compile(&ten).composites.len(), 10);
}

#[test]
fn mistakes_point_at_what_is_wrong() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "sev=High finding_info.titel=x",
            "finding_info.titel",
            "unknown OCSF field",
        ),
        ("sev=High (cvss>=9", "(", "unclosed ("),
        ("sev=High cvss>=9)", ")", "unmatched )"),
        ("sev=High | | cvss>=9", "|", "expected a term"),
        (
            "status=Open",
            "Open",
            "not a status (one of New, In Progress",
        ),
        ("tag=prod", "tag", "is a map: give a key"),
        ("cvss~9", "~", "does not apply to cvss"),
        ("ip!=10.0.0.0/8", "!=", "does not apply to ip"),
        (
            "vulnerabilities.is_fix_available=maybe",
            "maybe",
            "not true or false",
        ),
    ];
    for (input, at, message) in cases {
        let e = error(input);
        assert_eq!(pointed(input, &e), *at, "{input}: {e}");
        assert!(e.message.contains(message), "{input}: {e}");
        assert!(e.column >= 1, "{input}: column filled in");
    }
}
