//! A bad seed is reported with its file and line, and a field of the wrong type is said
//! to be of the wrong type, never "missing" (`Severity: "HIGH"` would import, then break
//! every GetFindings page with an SDK parse error).

use std::path::Path;

fn finding() -> serde_json::Value {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/asff/securityhub-fsbp-rds-2-public-instance.json");
    serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap()
}

#[test]
fn a_string_severity_is_a_wrong_type_named_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = finding();
    bad["Severity"] = "HIGH".into();
    // Pretty-printed .json: the line of the finding's Id.
    std::fs::write(
        dir.path().join("a.json"),
        serde_json::to_string_pretty(&bad).unwrap(),
    )
    .unwrap();
    let err = secdeck::sandbox::seed::load_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("a.json:3: finding 0 (Id "), "{err}");
    assert!(
        err.ends_with(
            "Severity has the wrong type: a string, \"HIGH\", where ASFF wants an object \
             such as {\"Label\": \"HIGH\"}"
        ),
        "{err}"
    );
    assert!(!err.contains("missing"), "{err}");
    std::fs::remove_file(dir.path().join("a.json")).unwrap();

    // .jsonl: the line of the document.
    let mut types = finding();
    types["Types"] = serde_json::json!("Software and Configuration Checks");
    let text = format!("{}\n\n{}\n", finding(), types);
    std::fs::write(dir.path().join("b.jsonl"), text).unwrap();
    let err = secdeck::sandbox::seed::load_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("b.jsonl:3: finding 0"), "{err}");
    assert!(err.contains("Types has the wrong type: a string"), "{err}");

    // Really missing is still said as missing.
    let mut missing = finding();
    missing.as_object_mut().unwrap().remove("Title");
    std::fs::write(dir.path().join("b.jsonl"), missing.to_string()).unwrap();
    let err = secdeck::sandbox::seed::load_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("b.jsonl:1: finding 0"), "{err}");
    assert!(err.contains("missing required field(s) Title"), "{err}");
}
