//! ASFF seed files (`secdeck sandbox --seed DIR`): arbitrary text never panics and every
//! refusal names the file (and the line of a `.jsonl` document); generated findings with
//! hostile text in every string field are accepted unchanged, and one spoiled on purpose
//! is refused naming its file, line, position and the field at fault.

use std::path::Path;

use proptest::prelude::*;
use secdeck::sandbox::seed::{REQUIRED, SeedError, parse_file_text};
use serde_json::{Map, Value, json};

use crate::support::{HOSTILE, config, json_from, text_from};

/// The words of the document kind; `json_from` adds the punctuation.
const FRAGMENTS: &[&str] = &[
    "\n",
    "\"Findings\"",
    "\"Id\"",
    "\"Severity\"",
    "\"Label\"",
    "\"HIGH\"",
    "\"Types\"",
    "\"Resources\"",
    "\"Type\"",
    "\"Title\"",
    "\"SchemaVersion\"",
    "\"2018-10-08\"",
    "null",
    "1",
    "\"x\"",
    "[]",
    "{}",
];

fn check_refusal(path: &Path, text: &str, e: &SeedError) -> Result<(), TestCaseError> {
    let shown = e.to_string();
    let name = path.display().to_string();
    prop_assert!(shown.starts_with(&name), "{} does not name {}", shown, name);
    let line = match e {
        SeedError::Json { line, .. }
        | SeedError::Shape { line, .. }
        | SeedError::InvalidFinding { line, .. } => *line,
        _ => None,
    };
    if let Some(line) = line {
        prop_assert!(shown.starts_with(&format!("{name}:{line}: ")), "{}", shown);
        let l = text.lines().nth(line - 1);
        prop_assert!(
            l.is_some_and(|l| !l.trim().is_empty()),
            "line {} of {:?}",
            line,
            text
        );
    } else if matches!(e, SeedError::Json { .. }) {
        prop_assert!(shown.contains(" line "), "serde names the line: {}", shown);
    }
    Ok(())
}

/// A string field's value: plain, or text an attacker imported with the AWS CLI.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ._:/-]{1,20}",
        any::<String>(),
        text_from(HOSTILE, 8),
    ]
}

/// A finding with every required field of the right type, and optional typed fields.
fn finding(index: usize) -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(hostile_string(), 6),
        proptest::sample::select(&["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"][..]),
        proptest::collection::vec(hostile_string(), 1..3),
        proptest::option::of(0u8..=100),
        proptest::option::of(proptest::sample::select(
            &["NEW", "NOTIFIED", "RESOLVED"][..],
        )),
        proptest::bool::ANY,
    )
        .prop_map(move |(s, label, types, confidence, workflow, provider)| {
            let mut f = Map::new();
            f.insert("SchemaVersion".into(), json!("2018-10-08"));
            f.insert("Id".into(), json!(format!("seed-finding-{index}")));
            f.insert("ProductArn".into(), json!(s[0]));
            f.insert("GeneratorId".into(), json!(s[1]));
            f.insert("AwsAccountId".into(), json!("123456789012"));
            f.insert("CreatedAt".into(), json!("2026-01-01T00:00:00Z"));
            f.insert("UpdatedAt".into(), json!("2026-01-02T00:00:00Z"));
            f.insert("Title".into(), json!(s[2]));
            // Text may quote another finding's Id: the error must still find the Id itself.
            let description = if s[3].len() % 3 == 0 {
                format!("seed-finding-{}", s[3].len() % 5)
            } else {
                s[3].clone()
            };
            f.insert("Description".into(), json!(description));
            let severity = json!({"Label": label});
            if provider {
                f.insert(
                    "FindingProviderFields".into(),
                    json!({"Severity": severity, "Types": types}),
                );
            } else {
                f.insert("Severity".into(), severity);
                f.insert("Types".into(), json!(types));
            }
            f.insert("Resources".into(), json!([{"Type": s[4], "Id": s[5]}]));
            if let Some(c) = confidence {
                f.insert("Confidence".into(), json!(c));
            }
            if let Some(w) = workflow {
                f.insert("Workflow".into(), json!({"Status": w}));
            }
            Value::Object(f)
        })
}

fn findings() -> impl Strategy<Value = Vec<Value>> {
    (1usize..8).prop_flat_map(|n| (0..n).map(finding).collect::<Vec<_>>())
}

/// A finding made invalid, and the words the error must use about it.
fn spoil(f: &mut Value, how: usize) -> String {
    let map = f.as_object_mut().unwrap();
    let key = REQUIRED[how % REQUIRED.len()];
    match how / REQUIRED.len() {
        0 if !(matches!(key, "Severity" | "Types")
            && map.contains_key("FindingProviderFields")) =>
        {
            map.remove(key);
            format!("missing required field(s) {key}")
        }
        1 => {
            map.insert("Severity".into(), json!("HIGH"));
            "Severity has the wrong type".into()
        }
        2 => {
            map.insert("Resources".into(), json!([]));
            "Resources must be a non-empty array".into()
        }
        _ => {
            map.insert("Title".into(), json!(7));
            "Title must be a string".into()
        }
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn arbitrary_text_is_loaded_or_refused_naming_file_and_line(
        text in prop_oneof![any::<String>(), json_from(FRAGMENTS, 40)],
        jsonl in proptest::bool::ANY,
    ) {
        let path = Path::new(if jsonl { "seed/x.jsonl" } else { "seed/x.json" });
        if let Err(e) = parse_file_text(path, &text) {
            check_refusal(path, &text, &e)?;
        }
    }

    #[test]
    fn generated_findings_with_hostile_text_load_unchanged(findings in findings(), as_object in proptest::bool::ANY) {
        let doc = if as_object { json!({"Findings": findings}) } else { json!(findings) };
        let pretty = serde_json::to_string_pretty(&doc).unwrap();
        let got = parse_file_text(Path::new("s.json"), &pretty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&got, &findings);
        let lines: String = findings.iter().map(|f| format!("{f}\n\n")).collect();
        let got = parse_file_text(Path::new("s.jsonl"), &lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(got, findings);
    }

    #[test]
    fn a_spoiled_finding_is_refused_naming_its_line_position_and_field(
        mut findings in findings(),
        pick in any::<proptest::sample::Index>(),
        how in 0usize..REQUIRED.len() * 4,
    ) {
        let at = pick.index(findings.len());
        let words = spoil(&mut findings[at], how);
        // One finding per line: the line is the finding's.
        let lines: String = findings.iter().map(|f| format!("{f}\n")).collect();
        let e = parse_file_text(Path::new("s.jsonl"), &lines).expect_err("refused").to_string();
        let want = format!("s.jsonl:{}: finding 0", at + 1);
        prop_assert!(e.starts_with(&want) && e.contains(&words), "{} (want {} ... {})", e, want, words);
        // A pretty array: the finding's index, and the line of its Id when it has one.
        let pretty = serde_json::to_string_pretty(&findings).unwrap();
        let e = parse_file_text(Path::new("s.json"), &pretty).expect_err("refused").to_string();
        let id_line = pretty
            .lines()
            .position(|l| l.contains(&format!("\"Id\": \"seed-finding-{at}\"")));
        let want = match id_line {
            Some(l) if words != "missing required field(s) Id" => {
                format!("s.json:{}: finding {at} ", l + 1)
            }
            _ => format!("s.json: finding {at}"),
        };
        prop_assert!(e.starts_with(&want) && e.contains(&words), "{} (want {} ... {})", e, want, words);
    }
}
