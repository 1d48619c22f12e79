//! Unit tests of the filter grammar: every attribute kind and operator, the wire shape it
//! produces, errors pointing at the right bytes, and printing back to parseable text.

use serde_json::json;

use super::*;

fn wire(input: &str) -> serde_json::Value {
    serde_json::to_value(FilterExpr::parse(input).unwrap().to_filters()).unwrap()
}

fn err(input: &str) -> FilterError {
    FilterExpr::parse(input).unwrap_err()
}

/// The bytes of `input` the error points at.
fn pointed<'a>(input: &'a str, e: &FilterError) -> &'a str {
    &input[e.offset..e.offset + e.len]
}

#[test]
fn the_issue_example_becomes_the_request_filters() {
    assert_eq!(
        wire("sev=CRITICAL,HIGH status=NEW product=GuardDuty updated<7d"),
        json!({
            "SeverityLabel": [
                {"Value": "CRITICAL", "Comparison": "EQUALS"},
                {"Value": "HIGH", "Comparison": "EQUALS"}
            ],
            "WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}],
            "ProductName": [{"Value": "GuardDuty", "Comparison": "EQUALS"}],
            "UpdatedAt": [{"DateRange": {"Value": 7, "Unit": "DAYS"}}]
        })
    );
}

#[test]
fn every_string_operator_maps_to_its_comparison() {
    let cases = [
        ("title=x", "EQUALS"),
        ("title!=x", "NOT_EQUALS"),
        ("title^=x", "PREFIX"),
        ("title!^=x", "PREFIX_NOT_EQUALS"),
        ("title~x", "CONTAINS"),
        ("title!~x", "NOT_CONTAINS"),
    ];
    for (input, comparison) in cases {
        assert_eq!(
            wire(input)["Title"][0],
            json!({"Value": "x", "Comparison": comparison}),
            "{input}"
        );
    }
}

#[test]
fn aliases_cover_the_everyday_attributes() {
    let cases = [
        ("rtype=AwsS3Bucket", "ResourceType"),
        ("resource=arn:aws:s3:::b", "ResourceId"),
        ("account=111122223333", "AwsAccountId"),
        ("region=eu-west-1", "Region"),
        ("compliance=FAILED", "ComplianceStatus"),
        ("generator^=aws-foundational", "GeneratorId"),
        ("control=S3.1", "ComplianceSecurityControlId"),
        ("company=Amazon", "CompanyName"),
        ("state=ARCHIVED", "RecordState"),
    ];
    for (input, attribute) in cases {
        let w = wire(input);
        assert!(w.get(attribute).is_some(), "{input} -> {w}");
    }
}

#[test]
fn any_api_string_attribute_works_by_name_in_any_case() {
    assert_eq!(
        wire("ResourceAwsEc2InstanceType=t2.micro"),
        json!({"ResourceAwsEc2InstanceType": [{"Value": "t2.micro", "Comparison": "EQUALS"}]})
    );
    assert!(wire("malwarename~trojan").get("MalwareName").is_some());
}

#[test]
fn enumerations_are_upper_cased_and_checked() {
    assert_eq!(wire("sev=high")["SeverityLabel"][0]["Value"], "HIGH");
    let input = "status=NEW,DONE";
    let e = err(input);
    assert_eq!(pointed(input, &e), "DONE");
    assert!(
        e.message.contains("NEW, NOTIFIED, RESOLVED, SUPPRESSED"),
        "{e}"
    );
    // A prefix of an enumeration is not a whole value, so it is not checked.
    assert_eq!(wire("sev^=crit")["SeverityLabel"][0]["Value"], "CRIT");
}

#[test]
fn date_windows_and_absolute_dates() {
    assert_eq!(
        wire("created<24h")["CreatedAt"][0],
        json!({"DateRange": {"Value": 24, "Unit": "HOURS"}})
    );
    assert_eq!(
        wire("updated>2024-05-01")["UpdatedAt"][0],
        json!({"Start": "2024-05-01T00:00:00Z"})
    );
    assert_eq!(
        wire("updated<2024-05-01T12:00:00+02:00")["UpdatedAt"][0],
        json!({"End": "2024-05-01T10:00:00Z"})
    );
    let both = wire("updated>2024-01-01 updated<2024-02-01");
    assert_eq!(both["UpdatedAt"].as_array().unwrap().len(), 2);
}

#[test]
fn older_than_a_window_is_refused_with_the_alternative() {
    let input = "sev=HIGH updated>7d";
    let e = err(input);
    assert_eq!(pointed(input, &e), ">7d");
    assert!(e.message.contains("use a date"), "{e}");
}

#[test]
fn numbers_and_maps() {
    assert_eq!(
        wire("confidence>=50")["Confidence"][0],
        json!({"Gte": 50.0})
    );
    assert_eq!(
        wire("criticality<10")["Criticality"][0],
        json!({"Lt": 10.0})
    );
    assert_eq!(
        wire("tag[env]!=prod")["ResourceTags"][0],
        json!({"Key": "env", "Value": "prod", "Comparison": "NOT_EQUALS"})
    );
    let input = "confidence>=lots";
    assert_eq!(pointed(input, &err(input)), "lots");
    let input = "tag=prod";
    assert!(err(input).message.contains("is a map"), "{}", err(input));
    let input = "sev[x]=HIGH";
    assert_eq!(pointed(input, &err(input)), "[x]");
}

#[test]
fn repeated_attributes_are_combined() {
    let w = wire("title~root title!~test");
    assert_eq!(
        w["Title"],
        json!([
            {"Value": "root", "Comparison": "CONTAINS"},
            {"Value": "test", "Comparison": "NOT_CONTAINS"}
        ])
    );
}

#[test]
fn quoted_values_keep_spaces_commas_and_quotes() {
    let w = wire(r#"title~"root account, \"admin\"" product=Inspector"#);
    assert_eq!(w["Title"][0]["Value"], r#"root account, "admin""#);
    assert_eq!(w["ProductName"][0]["Value"], "Inspector");
    let input = r#"sev=HIGH title~"open"#;
    let e = err(input);
    assert_eq!(e.message, "unterminated quote");
    assert_eq!(pointed(input, &e), "\"");
}

#[test]
fn errors_point_at_the_offending_token() {
    let input = "sev=HIGH sevrity=LOW";
    let e = err(input);
    assert_eq!((e.offset, pointed(input, &e)), (9, "sevrity"));
    assert!(e.message.contains("did you mean sev, severity"), "{e}");
    assert_eq!(e.caret_line(input), "         ^^^^^^^");
    assert!(e.to_string().contains("at column 10"), "{e}");

    let input = "sev=HIGH product";
    assert_eq!(pointed(input, &err(input)), "product");
    assert!(err(input).message.contains("expected an operator"));
    let input = "sev=";
    assert_eq!(err(input).message, "missing value");
    let input = "sev=HIGH,,LOW";
    assert_eq!(err(input).message, "missing value");
    let input = "=HIGH";
    assert!(err(input).message.contains("attribute name"));
    let input = "updated~x";
    assert_eq!(pointed(input, &err(input)), "~");
    let input = "sev<HIGH";
    assert_eq!(pointed(input, &err(input)), "<");
}

#[test]
fn aws_limits_are_checked_before_sending() {
    let eleven = [
        "sev=HIGH",
        "status=NEW",
        "state=ACTIVE",
        "product=x",
        "company=x",
        "rtype=x",
        "resource=x",
        "account=x",
        "region=x",
        "title~x",
        "control=x",
    ]
    .join(" ");
    let e = err(&eleven);
    assert_eq!(pointed(&eleven, &e), "control=x");
    let values: Vec<String> = (0..21).map(|i| format!("f{i}")).collect();
    let input = format!("id={}", values.join(","));
    assert!(err(&input).message.contains("more than 20 values"));
}

#[test]
fn empty_and_star_mean_all_findings() {
    assert!(FilterExpr::parse("").unwrap().to_filters().is_empty());
    assert!(FilterExpr::parse("  * ").unwrap().is_empty());
    assert_eq!(FilterExpr::default().to_string(), "*");
}

#[test]
fn default_view_matches_the_domain_default() {
    assert_eq!(
        FilterExpr::default_view().to_filters(),
        FindingFilters::default_view()
    );
    assert_eq!(
        FilterExpr::default_view().to_string(),
        "state=ACTIVE status=NEW,NOTIFIED"
    );
}

#[test]
fn printing_round_trips() {
    let inputs = [
        "sev=CRITICAL,HIGH status=NEW product=GuardDuty updated<7d",
        "SeverityLabel!=low ResourceAwsEc2InstanceType=t2.micro created<24h",
        r#"title~"a b" title!^="x,y" NoteText~"say \"hi\"""#,
        "confidence>=50.5 criticality<3 tag[env]~prod udf[k]!=v",
        "updated>2024-05-01 updated<=2024-06-01T00:00:00Z",
        "*",
    ];
    for input in inputs {
        let expr = FilterExpr::parse(input).unwrap();
        let printed = expr.to_string();
        assert_eq!(
            FilterExpr::parse(&printed).unwrap(),
            expr,
            "{input} -> {printed}"
        );
        assert_eq!(
            printed.to_string(),
            FilterExpr::parse(&printed).unwrap().to_string()
        );
    }
    assert_eq!(
        FilterExpr::parse("SeverityLabel=low UpdatedAt<7D")
            .unwrap()
            .to_string(),
        "sev=LOW updated<7d"
    );
}

#[test]
fn multibyte_input_never_splits_a_character() {
    let input = "title~\"café ☕\" sév=HIGH";
    let e = err(input);
    assert_eq!(pointed(input, &e), "sév");
}

#[test]
fn a_window_ending_in_a_multibyte_character_is_refused_not_a_panic() {
    // Found by tests/fuzz/filter.rs: `updated<7é` split the value inside `é`.
    for input in ["updated<7é", "created<日", "updated<éh"] {
        let e = err(input);
        assert!(e.message.contains("is neither a window"), "{input}: {e}");
    }
}

#[test]
fn errors_after_multibyte_text_name_the_character_column_and_caret() {
    // Found by tests/fuzz/filter.rs: the column and caret counted bytes, so both drifted
    // right after `é` (two bytes, one column) and `日` (three bytes, two columns).
    let input = "title~é sevrity=LOW";
    let e = err(input);
    assert!(e.to_string().contains("at column 9:"), "{e}");
    assert_eq!(e.caret_line(input), "        ^^^^^^^");
    let input = "title~日 x=1";
    assert_eq!(err(input).caret_line(input), "         ^");
}

#[test]
fn the_caret_counts_a_control_character_as_its_shown_marker() {
    // `\u{1b}` is drawn as `⟨U+001B⟩` (8 columns) by the UI and on a terminal.
    let input = "title~\u{1b} sevrity=LOW";
    assert_eq!(
        err(input).caret_line(input),
        format!("{}^^^^^^^", " ".repeat(15))
    );
}

#[test]
fn the_quote_left_open_is_the_one_pointed_at() {
    // Found by tests/fuzz/filter.rs: the first quote of the term was blamed, though it
    // was closed; the unterminated one is the third.
    let input = r#"title~"a",""#;
    let e = err(input);
    assert_eq!(e.message, "unterminated quote");
    assert_eq!(e.offset, 10);
}
