//! GetFindingHistory: the records BatchImportFindings and BatchUpdateFindings left for one
//! finding (see `update.rs` / `import.rs`), filtered by StartTime / EndTime and paged.

use serde_json::{Value, json};

use super::fields::parse_date;
use super::store::FindingStore;
use crate::sandbox::protocol::ServiceError;

const MAX_RESULTS: usize = 100;

pub(crate) fn get_finding_history(
    store: &FindingStore,
    params: &Value,
) -> Result<Value, ServiceError> {
    let identifier = params
        .get("FindingIdentifier")
        .ok_or_else(|| ServiceError::invalid_input("FindingIdentifier is required"))?;
    let field = |name: &str| {
        identifier.get(name).and_then(Value::as_str).ok_or_else(|| {
            ServiceError::invalid_input(format!("FindingIdentifier.{name} is required"))
        })
    };
    let (id, arn) = (field("Id")?, field("ProductArn")?);
    let time = |name: &str| -> Result<Option<i64>, ServiceError> {
        match params.get(name).and_then(Value::as_str) {
            None => Ok(None),
            Some(s) => parse_date(s).map(Some).ok_or_else(|| {
                ServiceError::invalid_input(format!("{name} {s:?} is not a timestamp"))
            }),
        }
    };
    let (start, end) = (time("StartTime")?, time("EndTime")?);
    let max = match params.get("MaxResults") {
        None | Some(Value::Null) => MAX_RESULTS,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=MAX_RESULTS as u64).contains(n))
            .map(|n| n as usize)
            .ok_or_else(|| {
                ServiceError::invalid_input(format!("MaxResults {v} is not between 1 and 100"))
            })?,
    };
    let offset = match params.get("NextToken").and_then(Value::as_str) {
        None | Some("") => 0,
        Some(t) => t
            .strip_prefix("history-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ServiceError::invalid_input("The NextToken is invalid"))?,
    };
    // An unknown finding has no history; AWS answers with an empty list, not an error.
    let records: Vec<&Value> = store
        .find(id, arn)
        .and_then(|i| store.history.get(&i))
        .map(|h| {
            h.iter()
                .filter(|r| {
                    let at = r
                        .get("UpdateTime")
                        .and_then(Value::as_str)
                        .and_then(parse_date);
                    start.is_none_or(|s| at.is_some_and(|t| t >= s))
                        && end.is_none_or(|e| at.is_some_and(|t| t <= e))
                })
                .collect()
        })
        .unwrap_or_default();
    let page: Vec<&Value> = records.iter().skip(offset).take(max).copied().collect();
    let next = offset + page.len();
    let mut body = json!({ "Records": page });
    if next < records.len() {
        body["NextToken"] = json!(format!("history-{next}"));
    }
    Ok(body)
}
