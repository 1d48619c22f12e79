//! Security Hub's findings: ASFF documents behind `Arc`s, addressed by (Id, ProductArn),
//! with the commonly filtered and sorted attributes pre-extracted so a filtered page over
//! 100,000 findings never clones or re-walks every document.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::fields::{
    Field, HOT_DATES, HOT_NUMBERS, HOT_STRINGS, Hot, leaf_num, leaf_str, parse_date, walk,
};
use super::v2::ocsf::from_asff;

/// One finding plus its pre-extracted attributes (indexes follow the `HOT_*` tables).
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub doc: Arc<Value>,
    /// The finding in OCSF (the V2 API's view), mapped once here rather than on the first
    /// GetFindingsV2 (which would map every finding at once); a write replaces the whole
    /// `Stored`, so it never outlives the document it came from.
    pub ocsf: Arc<Value>,
    strs: Vec<Vec<String>>,
    dates: Vec<Option<i64>>,
    nums: Vec<Option<f64>>,
}

/// A sort key borrowed from the store; missing values sort last in either direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SortVal<'a> {
    Num(f64),
    Str(&'a str),
    Missing,
}

impl Stored {
    pub fn new(doc: Value) -> Stored {
        let strs = HOT_STRINGS
            .iter()
            .map(|(_, path)| {
                let mut out = Vec::new();
                walk(&doc, path, &mut |v| {
                    if let Some(s) = leaf_str(v) {
                        out.push(s.into_owned());
                    }
                    false
                });
                out
            })
            .collect();
        let first = |path: &[&str], conv: &dyn Fn(&Value) -> Option<f64>| {
            let mut found = None;
            walk(&doc, path, &mut |v| {
                found = conv(v);
                found.is_some()
            });
            found
        };
        let dates = HOT_DATES
            .iter()
            .map(|(_, path)| {
                let mut found = None;
                walk(&doc, path, &mut |v| {
                    found = v.as_str().and_then(parse_date);
                    found.is_some()
                });
                found
            })
            .collect();
        let nums = HOT_NUMBERS
            .iter()
            .map(|(_, path)| first(path, &leaf_num))
            .collect();
        Stored {
            ocsf: Arc::new(from_asff(&doc)),
            doc: Arc::new(doc),
            strs,
            dates,
            nums,
        }
    }

    pub fn id(&self) -> &str {
        self.strs[0].first().map(String::as_str).unwrap_or_default()
    }

    pub fn product_arn(&self) -> &str {
        self.strs[1].first().map(String::as_str).unwrap_or_default()
    }

    pub fn any_str(&self, field: &Field, f: &mut dyn FnMut(&str) -> bool) -> bool {
        match field.hot {
            Some(Hot::Str(i)) => self.strs[i].iter().any(|s| f(s)),
            _ => field.any_leaf(&self.doc, &mut |v| leaf_str(v).is_some_and(|s| f(&s))),
        }
    }

    pub fn any_date(&self, field: &Field, f: &mut dyn FnMut(i64) -> bool) -> bool {
        match field.hot {
            Some(Hot::Date(i)) => self.dates[i].is_some_and(f),
            _ => field.any_leaf(&self.doc, &mut |v| {
                v.as_str().and_then(parse_date).is_some_and(&mut *f)
            }),
        }
    }

    pub fn any_num(&self, field: &Field, f: &mut dyn FnMut(f64) -> bool) -> bool {
        match field.hot {
            Some(Hot::Num(i)) => self.nums[i].is_some_and(f),
            _ => field.any_leaf(&self.doc, &mut |v| leaf_num(v).is_some_and(&mut *f)),
        }
    }

    pub fn sort_val(&self, field: &Field) -> SortVal<'_> {
        match field.hot {
            Some(Hot::Str(i)) => self.strs[i]
                .first()
                .map_or(SortVal::Missing, |s| SortVal::Str(s)),
            Some(Hot::Date(i)) => {
                self.dates[i].map_or(SortVal::Missing, |ms| SortVal::Num(ms as f64))
            }
            Some(Hot::Num(i)) => self.nums[i].map_or(SortVal::Missing, SortVal::Num),
            None => {
                let mut out = SortVal::Missing;
                field.any_leaf(&self.doc, &mut |v| {
                    out = match v {
                        Value::String(s) => SortVal::Str(s),
                        Value::Number(n) => n.as_f64().map_or(SortVal::Missing, SortVal::Num),
                        _ => SortVal::Missing,
                    };
                    out != SortVal::Missing
                });
                out
            }
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct FindingStore {
    pub items: Vec<Stored>,
    by_key: HashMap<(String, String), usize>,
    by_id: HashMap<String, usize>,
    /// GetFindingHistory records per finding index, oldest first.
    pub history: HashMap<usize, Vec<Value>>,
    /// Bumped by every write, so cached query orderings know when they are stale.
    generation: u64,
    orderings: Mutex<Vec<CachedOrder>>,
}

/// One query's full result order, kept while a client pages through it.
#[derive(Debug)]
struct CachedOrder {
    fingerprint: u64,
    generation: u64,
    computed_ms: i64,
    order: Arc<Vec<usize>>,
}

/// Orderings kept at once (a console and an exporter paging different queries).
const CACHED_ORDERINGS: usize = 4;
/// Relative date filters move with the clock: an ordering older than this is recomputed.
const ORDERING_MAX_AGE_MS: i64 = 60_000;

impl FindingStore {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn find(&self, id: &str, product_arn: &str) -> Option<usize> {
        self.by_key
            .get(&(id.to_string(), product_arn.to_string()))
            .copied()
    }

    /// The first finding imported with this Id (Ids are unique per product in practice).
    pub fn find_by_id(&self, id: &str) -> Option<&Stored> {
        self.by_id.get(id).map(|&i| &self.items[i])
    }

    /// Stores a new finding or replaces the document at `index`; returns its index.
    pub fn put(&mut self, index: Option<usize>, doc: Value) -> usize {
        self.generation += 1;
        let stored = Stored::new(doc);
        match index {
            Some(i) => {
                self.items[i] = stored;
                i
            }
            None => {
                let i = self.items.len();
                let key = (stored.id().to_string(), stored.product_arn().to_string());
                self.by_id.entry(key.0.clone()).or_insert(i);
                self.by_key.insert(key, i);
                self.items.push(stored);
                i
            }
        }
    }

    /// The full result order of the query with this fingerprint, computed by `compute` unless
    /// a fresh one (same store generation, younger than a minute) is cached.
    pub fn cached_order(
        &self,
        fingerprint: u64,
        now_ms: i64,
        compute: impl FnOnce() -> Vec<usize>,
    ) -> Arc<Vec<usize>> {
        let mut cache = self.orderings.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|c| {
            c.generation == self.generation && now_ms - c.computed_ms < ORDERING_MAX_AGE_MS
        });
        if let Some(hit) = cache.iter().find(|c| c.fingerprint == fingerprint) {
            return Arc::clone(&hit.order);
        }
        let order = Arc::new(compute());
        if cache.len() >= CACHED_ORDERINGS {
            cache.remove(0);
        }
        cache.push(CachedOrder {
            fingerprint,
            generation: self.generation,
            computed_ms: now_ms,
            order: Arc::clone(&order),
        });
        order
    }

    pub fn record_history(&mut self, index: usize, entry: Value) {
        self.history.entry(index).or_default().push(entry);
    }
}
