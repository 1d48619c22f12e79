//! GetFindings: filter, sort (stable, ties broken by Id then ProductArn), and page with
//! opaque NextTokens bound to the query they came from.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::Value;

use super::fields::Field;
use super::filter::Compiled;
use super::store::{FindingStore, SortVal};
use crate::sandbox::protocol::ServiceError;

pub(crate) const DEFAULT_MAX_RESULTS: usize = 100;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Page<'a> {
    pub findings: Vec<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

struct Criterion {
    field: Field,
    ascending: bool,
}

pub(crate) fn get_findings<'a>(
    store: &'a FindingStore,
    params: &Value,
    now_ms: i64,
) -> Result<Page<'a>, ServiceError> {
    let max = max_results(params.get("MaxResults"))?;
    let filters = Compiled::parse(params.get("Filters"), now_ms)?;
    let criteria = sort_criteria(params.get("SortCriteria"))?;
    let fingerprint = fnv(&format!(
        "{}|{}",
        params.get("Filters").unwrap_or(&Value::Null),
        params.get("SortCriteria").unwrap_or(&Value::Null)
    ));
    let offset = match params.get("NextToken").and_then(Value::as_str) {
        Some(token) if !token.is_empty() => decode_token(token, fingerprint)?,
        _ => 0,
    };

    // The first page only needs its own rows ordered; later pages of the same query reuse
    // one full ordering, so paging through 100,000 findings does not re-sort per page.
    let (order, total) = if offset == 0 {
        ordered(store, &filters, &criteria, Some(max))
    } else {
        let order = store.cached_order(fingerprint, now_ms, || {
            ordered(store, &filters, &criteria, None).0
        });
        let total = order.len();
        (
            order.iter().skip(offset).take(max).copied().collect(),
            total,
        )
    };
    let end = offset.saturating_add(max).min(total);
    Ok(Page {
        findings: order.iter().map(|&i| store.items[i].doc.as_ref()).collect(),
        next_token: (end < total).then(|| encode_token(end, fingerprint)),
    })
}

/// Store indexes of the matching findings in sort order (only the first `limit` of them
/// when given), and how many matched in all.
fn ordered(
    store: &FindingStore,
    filters: &Compiled,
    criteria: &[Criterion],
    limit: Option<usize>,
) -> (Vec<usize>, usize) {
    let hits: Vec<usize> = (0..store.items.len())
        .filter(|&i| filters.matches(&store.items[i]))
        .collect();
    let width = criteria.len();
    let keys: Vec<SortVal> = hits
        .iter()
        .flat_map(|&i| {
            criteria
                .iter()
                .map(move |c| store.items[i].sort_val(&c.field))
        })
        .collect();
    // Sort positions into `hits` so each one's keys are found at `position * width`.
    let compare = |a: &usize, b: &usize| {
        for (n, c) in criteria.iter().enumerate() {
            let o = compare_vals(keys[a * width + n], keys[b * width + n], c.ascending);
            if o != Ordering::Equal {
                return o;
            }
        }
        let (fa, fb) = (&store.items[hits[*a]], &store.items[hits[*b]]);
        fa.id()
            .cmp(fb.id())
            .then_with(|| fa.product_arn().cmp(fb.product_arn()))
    };
    let total = hits.len();
    let mut order: Vec<usize> = (0..total).collect();
    match limit {
        // Only the first `limit` need ordering: select them, then sort just those.
        Some(limit) if limit < total => {
            order.select_nth_unstable_by(limit, compare);
            order.truncate(limit);
        }
        _ => {}
    }
    order.sort_unstable_by(compare);
    (order.into_iter().map(|p| hits[p]).collect(), total)
}

fn max_results(v: Option<&Value>) -> Result<usize, ServiceError> {
    match v {
        None | Some(Value::Null) => Ok(DEFAULT_MAX_RESULTS),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=100).contains(n))
            .map(|n| n as usize)
            .ok_or_else(|| {
                ServiceError::invalid_input(format!("MaxResults {v} is not between 1 and 100"))
            }),
    }
}

fn sort_criteria(v: Option<&Value>) -> Result<Vec<Criterion>, ServiceError> {
    let list = match v {
        None | Some(Value::Null) => return Ok(default_sort()),
        Some(Value::Array(list)) if list.is_empty() => return Ok(default_sort()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(ServiceError::invalid_input("SortCriteria must be a list")),
    };
    list.iter()
        .map(|c| {
            let field = c
                .get("Field")
                .and_then(Value::as_str)
                .ok_or_else(|| ServiceError::invalid_input("SortCriteria entry without Field"))?;
            let ascending = match c.get("SortOrder").and_then(Value::as_str) {
                None | Some("asc") => true,
                Some("desc") => false,
                Some(other) => {
                    return Err(ServiceError::invalid_input(format!(
                        "SortOrder {other:?} is not asc or desc"
                    )));
                }
            };
            Ok(Criterion {
                field: Field::resolve(field),
                ascending,
            })
        })
        .collect()
}

/// Newest first, the order the Security Hub console shows.
fn default_sort() -> Vec<Criterion> {
    vec![Criterion {
        field: Field::resolve("UpdatedAt"),
        ascending: false,
    }]
}

fn compare_vals(a: SortVal, b: SortVal, ascending: bool) -> Ordering {
    let ordered = |o: Ordering| if ascending { o } else { o.reverse() };
    match (a, b) {
        (SortVal::Missing, SortVal::Missing) => Ordering::Equal,
        (SortVal::Missing, _) => Ordering::Greater,
        (_, SortVal::Missing) => Ordering::Less,
        (SortVal::Num(x), SortVal::Num(y)) => ordered(x.total_cmp(&y)),
        (SortVal::Str(x), SortVal::Str(y)) => ordered(x.cmp(y)),
        (SortVal::Num(_), SortVal::Str(_)) => ordered(Ordering::Less),
        (SortVal::Str(_), SortVal::Num(_)) => ordered(Ordering::Greater),
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn check(offset: usize, fingerprint: u64) -> u64 {
    fnv(&format!("secdeck-sandbox:{offset}:{fingerprint:x}"))
}

fn encode_token(offset: usize, fingerprint: u64) -> String {
    format!(
        "{:016x}{:016x}{:016x}",
        offset,
        fingerprint,
        check(offset, fingerprint)
    )
}

fn decode_token(token: &str, fingerprint: u64) -> Result<usize, ServiceError> {
    let bad =
        || ServiceError::invalid_input("The NextToken is invalid or does not belong to this query");
    if token.len() != 48 || !token.is_ascii() {
        return Err(bad());
    }
    let part = |i: usize| u64::from_str_radix(&token[i * 16..(i + 1) * 16], 16).map_err(|_| bad());
    let (offset, fp, sum) = (part(0)?, part(1)?, part(2)?);
    let offset = usize::try_from(offset).map_err(|_| bad())?;
    if fp != fingerprint || sum != check(offset, fp) {
        return Err(bad());
    }
    Ok(offset)
}
