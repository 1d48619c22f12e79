//! `aws_smithy_types::Document` (the SDK's type for OCSF findings) <-> `serde_json::Value`.
//! Whole numbers stay whole (u64 / i64), fractions stay f64; a non-finite float, which JSON
//! cannot carry, becomes null. A Document object is a HashMap, so its members come out
//! sorted by name (deterministic) rather than in AWS's order.

use std::collections::HashMap;

use aws_smithy_types::{Document, Number};
use serde_json::{Map, Value};

pub fn to_json(doc: &Document) -> Value {
    match doc {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::String(s) => Value::String(s.clone()),
        Document::Number(Number::PosInt(n)) => Value::from(*n),
        Document::Number(Number::NegInt(n)) => Value::from(*n),
        Document::Number(Number::Float(f)) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        Document::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Document::Object(members) => {
            let mut keys: Vec<&String> = members.keys().collect();
            keys.sort();
            let map: Map<String, Value> = keys
                .into_iter()
                .map(|k| (k.clone(), to_json(&members[k])))
                .collect();
            Value::Object(map)
        }
    }
}

pub fn from_json(value: &Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::String(s) => Document::String(s.clone()),
        Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap_or(f64::NAN))
        }),
        Value::Array(items) => Document::Array(items.iter().map(from_json).collect()),
        Value::Object(members) => Document::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), from_json(v)))
                .collect::<HashMap<_, _>>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_survives_the_round_trip() {
        let value = json!({
            "severity_id": 4, "negative": -3, "score": 7.5, "big": u64::MAX,
            "ok": true, "gone": null, "list": ["a", {"nested": [1, 2.25]}],
        });
        let back = to_json(&from_json(&value));
        assert_eq!(back, value);
        assert_eq!(back["big"].as_u64(), Some(u64::MAX), "no float rounding");
        assert!(back["severity_id"].is_u64() && back["negative"].is_i64());
    }

    #[test]
    fn a_non_finite_float_becomes_null_and_members_come_out_sorted() {
        let doc = Document::Object(HashMap::from([
            ("b".to_string(), Document::Number(Number::Float(f64::NAN))),
            ("a".to_string(), Document::Number(Number::Float(0.5))),
        ]));
        assert_eq!(to_json(&doc).to_string(), r#"{"a":0.5,"b":null}"#);
    }
}
