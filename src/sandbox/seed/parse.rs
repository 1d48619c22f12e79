//! Reading findings from seed files: one ASFF finding, `{"Findings": [...]}` or a JSON
//! array per `.json` file, one such document per line in `.jsonl`; plus the required-field
//! check BatchImportFindings applies, so a bad seed is reported with its file and line.

use serde_json::Value;

/// Top-level fields BatchImportFindings requires. Severity and Types may instead come from
/// FindingProviderFields, from which Security Hub fills the top level.
pub const REQUIRED: &[&str] = &[
    "AwsAccountId",
    "CreatedAt",
    "Description",
    "GeneratorId",
    "Id",
    "ProductArn",
    "Resources",
    "SchemaVersion",
    "Severity",
    "Title",
    "Types",
    "UpdatedAt",
];

/// What is wrong with one finding, in words for an error message; None if it would import.
pub fn finding_problem(finding: &Value) -> Option<String> {
    let Value::Object(map) = finding else {
        return Some(format!(
            "expected a finding object, found {}",
            kind(finding)
        ));
    };
    let provided = |key: &str| {
        map.get(key).is_some_and(|v| !v.is_null())
            || (matches!(key, "Severity" | "Types")
                && map
                    .get("FindingProviderFields")
                    .and_then(|f| f.get(key))
                    .is_some_and(|v| !v.is_null()))
    };
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|k| !provided(k)).collect();
    if !missing.is_empty() {
        return Some(format!("missing required field(s) {}", missing.join(", ")));
    }
    for key in [
        "AwsAccountId",
        "CreatedAt",
        "Description",
        "GeneratorId",
        "Id",
        "ProductArn",
        "SchemaVersion",
        "Title",
        "UpdatedAt",
    ] {
        if !map[key].is_string() {
            return Some(format!("{key} must be a string, found {}", kind(&map[key])));
        }
    }
    if let Some(problem) = type_problem(map) {
        return Some(problem);
    }
    match &map["Resources"] {
        Value::Array(resources) if !resources.is_empty() => {
            for (i, r) in resources.iter().enumerate() {
                if !(r.get("Type").is_some_and(Value::is_string)
                    && r.get("Id").is_some_and(Value::is_string))
                {
                    return Some(format!("Resources[{i}] needs string Type and Id"));
                }
            }
            None
        }
        other => Some(format!(
            "Resources must be a non-empty array, found {}",
            kind(other)
        )),
    }
}

/// The findings a parsed document holds, or what shape it has instead.
pub fn findings_of(doc: Value) -> Result<Vec<Value>, String> {
    match doc {
        Value::Array(items) => Ok(items),
        Value::Object(mut map) if map.contains_key("Findings") => match map.remove("Findings") {
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(format!(
                "\"Findings\" must be an array, found {}",
                kind(&other)
            )),
            None => Ok(Vec::new()),
        },
        Value::Object(map) => Ok(vec![Value::Object(map)]),
        other => Err(format!(
            "expected an ASFF finding, {{\"Findings\": [...]}} or an array of findings, found {}",
            kind(&other)
        )),
    }
}

/// Fields whose JSON type the SDK relies on when it reads the finding back: a wrong type
/// imports into the sandbox but breaks every GetFindings page after (the example is what
/// the message suggests instead).
const TYPED: &[(&str, &str, &str)] = &[
    ("Severity", "an object", r#"{"Label": "HIGH"}"#),
    (
        "Types",
        "an array of strings",
        r#"["Software and Configuration Checks"]"#,
    ),
    ("Workflow", "an object", r#"{"Status": "NEW"}"#),
    ("Compliance", "an object", r#"{"Status": "FAILED"}"#),
    (
        "Note",
        "an object",
        r#"{"Text": "...", "UpdatedBy": "...", "UpdatedAt": "..."}"#,
    ),
    (
        "Remediation",
        "an object",
        r#"{"Recommendation": {"Text": "..."}}"#,
    ),
    ("ProductFields", "an object", r#"{"key": "value"}"#),
    ("UserDefinedFields", "an object", r#"{"key": "value"}"#),
    (
        "FindingProviderFields",
        "an object",
        r#"{"Severity": {"Label": "HIGH"}}"#,
    ),
    ("Confidence", "a number", "80"),
    ("Criticality", "a number", "50"),
    ("RecordState", "a string", r#""ACTIVE""#),
];

/// A field present with the wrong JSON type: said as such, never as "missing".
fn type_problem(map: &serde_json::Map<String, Value>) -> Option<String> {
    let provider = map.get("FindingProviderFields").and_then(Value::as_object);
    let fields = TYPED.iter().filter_map(|(key, want, example)| {
        map.get(*key).map(|v| (key.to_string(), v, *want, *example))
    });
    let nested = ["Severity", "Types"].into_iter().filter_map(|key| {
        let (_, want, example) = TYPED.iter().find(|(k, ..)| *k == key)?;
        let v = provider?.get(key)?;
        Some((format!("FindingProviderFields.{key}"), v, *want, *example))
    });
    for (key, value, want, example) in fields.chain(nested) {
        let ok = match want {
            "an object" => value.is_object(),
            "a number" => value.is_number(),
            "a string" => value.is_string(),
            _ => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
        };
        if !ok && !value.is_null() {
            let shown: String = value.to_string().chars().take(40).collect();
            return Some(format!(
                "{key} has the wrong type: {}, {shown}, where ASFF wants {want} such as {example}",
                kind(value)
            ));
        }
    }
    None
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Minimal, documented repairs applied to the real examples only (see
/// assets/demo/PROVENANCE.md): what Security Hub itself does on import, or what AWS would
/// have stored. Returns what was changed, for the provenance test.
pub fn normalise_real(finding: &mut Value) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let Value::Object(map) = finding else {
        return changed;
    };
    // A string-typed Severity.Normalized ("40") is in one documentation sample; the API
    // types it as an integer and the SDK cannot deserialize a page containing the string.
    if let Some(Value::Object(severity)) = map.get_mut("Severity") {
        for key in ["Normalized", "Product"] {
            if let Some(Value::String(s)) = severity.get(key)
                && let Ok(n) = s.trim().parse::<f64>()
            {
                let number = if key == "Normalized" {
                    Value::from(n.round() as i64)
                } else {
                    Value::from(n)
                };
                severity.insert(key.to_string(), number);
                changed.push("string Severity number made numeric");
            }
        }
    }
    // Two AWS CLI documentation samples show Severity.Original as a number (90); the API
    // types it as a string, and the SDK rejects the number.
    for path in [
        "/Severity/Original",
        "/FindingProviderFields/Severity/Original",
    ] {
        if let Some(v) = finding.pointer_mut(path)
            && let Value::Number(n) = v
        {
            *v = Value::String(n.to_string());
            changed.push("numeric Severity.Original made a string");
        }
    }
    let Value::Object(map) = finding else {
        return changed;
    };
    // Security Hub copies FindingProviderFields.Severity/Types to the top level when the
    // provider sent only the former (the batch-import CLI example does exactly that).
    let provider = map.get("FindingProviderFields").cloned();
    for key in ["Severity", "Types"] {
        if !map.contains_key(key)
            && let Some(value) = provider.as_ref().and_then(|p| p.get(key))
        {
            map.insert(key.to_string(), value.clone());
            changed.push("top-level Severity/Types copied from FindingProviderFields");
        }
    }
    changed
}
