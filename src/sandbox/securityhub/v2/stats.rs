//! GetFindingStatisticsV2 (counts grouped by a field, each rule with its own filters, at
//! most 400 groups) and GetFindingsTrendsV2 (counts per severity per day, week or month
//! over a window, paged).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::filter::{self, leaf_text, validation, walk};
use super::names;
use super::ocsf::severity_name;
use crate::sandbox::protocol::ServiceError;
use crate::sandbox::securityhub::fields::parse_date;
use crate::sandbox::state::format_iso;

const MAX_GROUPS: i64 = 400;
const MAX_RULES: usize = 10;
const DAY_MS: i64 = 86_400_000;

pub(crate) fn statistics(
    docs: &[Arc<Value>],
    params: &Value,
    now_ms: i64,
) -> Result<Value, ServiceError> {
    let rules = params["GroupByRules"]
        .as_array()
        .filter(|r| !r.is_empty())
        .ok_or_else(|| validation("GroupByRules is required"))?;
    if rules.len() > MAX_RULES {
        return Err(validation(format!(
            "GroupByRules has {} rules; at most {MAX_RULES} are allowed",
            rules.len()
        )));
    }
    let max = params["MaxStatisticResults"].as_i64().unwrap_or(MAX_GROUPS);
    if !(1..=MAX_GROUPS).contains(&max) {
        return Err(validation(format!(
            "MaxStatisticResults must be 1 to {MAX_GROUPS}"
        )));
    }
    let ascending = match params["SortOrder"].as_str() {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(other) => {
            return Err(validation(format!(
                "SortOrder {other:?} is not asc or desc"
            )));
        }
    };
    let mut results = Vec::new();
    // Rules often share their filter (the console asks severity, status and resource of
    // one view): each distinct filter is matched against every finding once.
    let mut matched: Vec<(Option<&Value>, Vec<usize>)> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let field = rule["GroupByField"].as_str().unwrap_or_default();
        if !names::GROUP_BY_FIELDS.contains(&field) {
            return Err(validation(format!(
                "GroupByRules[{i}].GroupByField: {field:?} cannot be grouped by"
            )));
        }
        let filters = rule.get("Filters");
        filter::validate(filters)?;
        let hits = match matched.iter().position(|(f, _)| *f == filters) {
            Some(at) => at,
            None => {
                let hits = (docs.iter().enumerate())
                    .filter(|(_, d)| filter::matches(filters, d, now_ms))
                    .map(|(i, _)| i)
                    .collect();
                matched.push((filters, hits));
                matched.len() - 1
            }
        };
        let mut counts: HashMap<Cow<str>, i64> = HashMap::new();
        for doc in matched[hits].1.iter().map(|&i| &docs[i]) {
            // Each value counts a finding once, however often it holds it.
            let mut values: Vec<Cow<str>> = Vec::new();
            walk(doc, field, &mut |v| {
                if let Some(s) =
                    leaf_text(v).filter(|s| !s.trim().is_empty() && !values.contains(s))
                {
                    values.push(s);
                }
                false
            });
            for v in values {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut groups: Vec<(Cow<str>, i64)> = counts.into_iter().collect();
        groups.sort_by(|a, b| {
            if ascending {
                a.1.cmp(&b.1)
            } else {
                b.1.cmp(&a.1)
            }
            .then_with(|| a.0.cmp(&b.0))
        });
        groups.truncate(max as usize);
        let values: Vec<Value> = groups
            .into_iter()
            .map(|(v, n)| json!({"FieldValue": v, "Count": n}))
            .collect();
        results.push(json!({"GroupByField": field, "GroupByValues": values}));
    }
    Ok(json!({"GroupByResults": results}))
}

/// The trends filter's field names in OCSF terms.
fn trends_path(field: &str) -> &'static str {
    match field {
        "account_id" => "cloud.account.uid",
        "region" => "cloud.region",
        "finding_types" => "finding_info.types",
        "finding_status" => "status",
        "finding_cve_ids" => "vulnerabilities.cve.uid",
        "finding_compliance_status" => "compliance.status",
        "finding_control_id" => "compliance.control",
        "finding_class_name" => "class_name",
        "finding_provider" => "metadata.product.name",
        "finding_activity_name" => "activity_name",
        "resource_cloud_providers" => "resources.provider",
        "resource_regions" => "resources.region",
        "resource_owner_ids" => "resources.owner.account.uid",
        _ => "resources.owner.org.uid",
    }
}

/// Trends filters rewritten as OCSF string filters (validated on the way).
fn trends_filters(filters: &Value, depth: usize) -> Result<Value, ServiceError> {
    let list = filters["CompositeFilters"]
        .as_array()
        .or(filters["NestedCompositeFilters"].as_array())
        .cloned()
        .unwrap_or_default();
    if list.len() > filter::MAX_COMPOSITES || depth > 5 {
        return Err(validation(
            "Filters: too many or too deeply nested composite filters",
        ));
    }
    let mut out = Vec::new();
    for c in list {
        let strings = c["StringFilters"].as_array().cloned().unwrap_or_default();
        if strings.len() > filter::MAX_FILTERS_PER_TYPE {
            return Err(validation(
                "Filters: more than 20 string filters in a composite",
            ));
        }
        let mut mapped = Vec::new();
        for f in strings {
            let name = f["FieldName"].as_str().unwrap_or_default();
            if !names::TRENDS_FIELDS.contains(&name) {
                return Err(validation(format!(
                    "Filters: {name:?} cannot be used in trends filters"
                )));
            }
            mapped.push(json!({"FieldName": trends_path(name), "Filter": f["Filter"]}));
        }
        let nested = trends_filters(
            &json!({"CompositeFilters": c["NestedCompositeFilters"]}),
            depth + 1,
        )?;
        out.push(json!({"StringFilters": mapped, "Operator": c["Operator"],
                        "NestedCompositeFilters": nested["CompositeFilters"]}));
    }
    Ok(json!({"CompositeFilters": out, "CompositeOperator": filters["CompositeOperator"]}))
}

/// Each point counts the findings created by the end of its period, by severity.
pub(crate) fn trends(docs: &[Arc<Value>], params: &Value) -> Result<Value, ServiceError> {
    let time = |k: &str| {
        params[k]
            .as_str()
            .and_then(parse_date)
            .ok_or_else(|| validation(format!("{k} is required (ISO 8601)")))
    };
    let (start, end) = (time("StartTime")?, time("EndTime")?);
    if end <= start {
        return Err(validation("EndTime must be after StartTime"));
    }
    let filters = match params.get("Filters").filter(|f| !f.is_null()) {
        Some(f) => Some(trends_filters(f, 0)?),
        None => None,
    };
    let span_days = (end - start) / DAY_MS;
    let (granularity, step) = match span_days {
        0..=31 => ("Daily", DAY_MS),
        32..=180 => ("Weekly", 7 * DAY_MS),
        _ => ("Monthly", 30 * DAY_MS),
    };
    let max = params["MaxResults"].as_i64().unwrap_or(100);
    if !(1..=100).contains(&max) {
        return Err(validation("MaxResults must be 1 to 100"));
    }
    let offset: usize = match params["NextToken"].as_str() {
        None => 0,
        Some(t) => t
            .strip_prefix("trends-")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| validation("The NextToken is not valid"))?,
    };
    let created: Vec<(i64, i64)> = docs
        .iter()
        .filter(|d| filter::matches(filters.as_ref(), d, end))
        .filter_map(|d| {
            let t = d["finding_info"]["created_time_dt"]
                .as_str()
                .and_then(parse_date)?;
            Some((t, d["severity_id"].as_i64().unwrap_or(0)))
        })
        .collect();
    let periods: Vec<i64> = (0..)
        .map(|i| start + i * step)
        .take_while(|t| *t <= end)
        .collect();
    let page: Vec<Value> = periods
        .iter()
        .skip(offset)
        .take(max as usize)
        .map(|&at| {
            let mut counts: HashMap<&str, i64> = [0, 1, 2, 3, 4, 5, 6, 99]
                .iter()
                .map(|&i| (severity_name(i), 0))
                .collect();
            for (t, sev) in &created {
                if *t < at + step {
                    *counts.entry(severity_name(*sev)).or_default() += 1;
                }
            }
            let at = time::OffsetDateTime::from_unix_timestamp(at / 1000)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            json!({"Timestamp": format_iso(at), "TrendsValues": {"SeverityTrends": counts}})
        })
        .collect();
    let mut body = json!({"Granularity": granularity, "TrendsMetrics": page});
    if offset + (max as usize) < periods.len() {
        body["NextToken"] = format!("trends-{}", offset + max as usize).into();
    }
    Ok(body)
}
