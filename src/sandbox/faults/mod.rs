//! Injected failures for tests and demos: per operation (or all), an error code and HTTP
//! status, fired with a probability from a deterministic RNG and/or for the next N requests;
//! and per-item failures that batch operations report inside a successful answer
//! (BatchImportFindings' FailedFindings, BatchUpdateFindings' UnprocessedFindings): any
//! item with a chance / for the next N items (`Fault`), or chosen ids N times each
//! (`ItemFault`). A request fault can also let the write happen and then fail: answer
//! the error, or drop the connection, after the state changed (`FaultMode`), the way a
//! lost response looks to a client. `spec.rs` parses them from text (`--faults SPEC`).

mod spec;

pub use spec::{FaultSpec, parse_specs};

use std::sync::Mutex;

use super::protocol::ServiceError;
use super::record::lock;

/// A failure to inject. `probability` 1.0 with `remaining: Some(n)` means "the next n
/// matching requests fail"; `remaining: None` keeps the fault armed until cleared.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// Operation name (`GetFindings`); `None` matches every operation.
    pub operation: Option<String>,
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Chance (0.0-1.0) that a matching request fails.
    pub probability: f64,
    /// How many more times it may fire; `None` = unlimited.
    pub remaining: Option<u32>,
    /// Before the operation runs (nothing changes), or after it succeeded.
    pub mode: FaultMode,
}

/// When a request fault fires and what the client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultMode {
    /// Instead of running the operation: the error answer, nothing changes.
    #[default]
    Refuse,
    /// The operation runs and changes state, then the error is answered instead of its
    /// result.
    ApplyThenAnswer,
    /// The operation runs and changes state, then the connection drops mid-response.
    ApplyThenDrop,
}

/// What an armed after-fault does to a request that succeeded.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterFault {
    Answer(ServiceError),
    Drop,
}

impl Fault {
    /// The next `n` calls of `operation` fail with `status`/`code`.
    pub fn next(operation: &str, n: u32, status: u16, code: &str) -> Fault {
        Fault {
            operation: Some(operation.to_string()),
            status,
            code: code.to_string(),
            message: format!("injected fault: {code}"),
            probability: 1.0,
            remaining: Some(n),
            mode: FaultMode::Refuse,
        }
    }

    /// The next `n` successful calls of `operation` change state, then drop the
    /// connection before the answer is complete.
    pub fn applied_then_dropped(operation: &str, n: u32) -> Fault {
        Fault {
            mode: FaultMode::ApplyThenDrop,
            message: "injected fault: connection dropped after the write".into(),
            ..Fault::next(operation, n, 0, "ConnectionDropped")
        }
    }

    /// The next `n` successful calls of `operation` change state, then answer `status`
    /// / `code` instead of their result.
    pub fn applied_then_failed(operation: &str, n: u32, status: u16, code: &str) -> Fault {
        Fault {
            mode: FaultMode::ApplyThenAnswer,
            ..Fault::next(operation, n, status, code)
        }
    }
}

/// Chosen items a batch operation reports as failed while the call succeeds and the
/// other items are applied, e.g. BatchUpdateFindings' `UnprocessedFindings[{
/// FindingIdentifier, ErrorCode, ErrorMessage}]` for these finding ids.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFault {
    pub operation: String,
    /// Item id -> how many more times it fails.
    pub ids: std::collections::BTreeMap<String, u32>,
    pub code: String,
    pub message: String,
}

impl ItemFault {
    /// `ids` fail with `code` (and AWS's message for it) the next `times` times each is sent.
    pub fn ids(operation: &str, ids: &[&str], times: u32, code: &str) -> ItemFault {
        ItemFault {
            operation: operation.to_string(),
            ids: ids.iter().map(|s| (s.to_string(), times)).collect(),
            code: code.to_string(),
            message: aws_message(code),
        }
    }
}

/// The ErrorMessage AWS pairs with each BatchUpdateFindings ErrorCode.
fn aws_message(code: &str) -> String {
    match code {
        "ConcurrentUpdateError" => "Concurrent finding updates detected",
        "DuplicatedFindingIdentifier" => "Finding Identifier is duplicated",
        "FindingNotFound" => "Finding Not Found",
        "FindingSizeExceeded" => "Finding size exceeded 240 KB",
        "InternalFailure" => "Internal service failure",
        "InvalidInput" => "Invalid Input",
        other => return format!("injected item fault: {other}"),
    }
    .to_string()
}

#[derive(Debug)]
pub(crate) struct Faults {
    inner: Mutex<FaultState>,
}

#[derive(Debug)]
struct FaultState {
    faults: Vec<Fault>,
    /// Fired once per item of a batch; their `status` is unused.
    item_faults: Vec<Fault>,
    /// Fired for chosen item ids.
    targeted: Vec<ItemFault>,
    rng: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            inner: Mutex::new(FaultState {
                faults: Vec::new(),
                item_faults: Vec::new(),
                targeted: Vec::new(),
                rng: 0x5eed_5eed_5eed_5eed,
            }),
        }
    }
}

impl Faults {
    pub fn add(&self, fault: Fault) {
        lock(&self.inner).faults.push(fault);
    }

    /// Arms a per-item failure: matching batch items are reported failed with its code.
    pub fn add_item(&self, fault: Fault) {
        lock(&self.inner).item_faults.push(fault);
    }

    /// Arms failures of chosen items.
    pub fn add_targeted(&self, fault: ItemFault) {
        lock(&self.inner).targeted.push(fault);
    }

    pub fn clear(&self) {
        let mut state = lock(&self.inner);
        state.faults.clear();
        state.item_faults.clear();
        state.targeted.clear();
    }

    /// The (code, message) to fail item `id` of a batch `operation` with, if one fires.
    pub fn fire_item(&self, operation: &str, id: &str) -> Option<(String, String)> {
        let mut state = lock(&self.inner);
        let FaultState {
            item_faults,
            targeted,
            rng,
            ..
        } = &mut *state;
        for fault in targeted.iter_mut().filter(|f| f.operation == operation) {
            if let Some(n) = fault.ids.get_mut(id).filter(|n| **n > 0) {
                *n -= 1;
                return Some((fault.code.clone(), fault.message.clone()));
            }
        }
        for fault in item_faults.iter_mut() {
            let matches = fault.operation.as_deref().is_none_or(|op| op == operation);
            if !matches || fault.remaining == Some(0) {
                continue;
            }
            if fault.probability < 1.0 && unit(next_random(rng)) >= fault.probability {
                continue;
            }
            if let Some(n) = fault.remaining.as_mut() {
                *n -= 1;
            }
            return Some((fault.code.clone(), fault.message.clone()));
        }
        None
    }

    /// The error to answer `operation` with instead of running it, if an armed fault fires.
    pub fn fire(&self, operation: &str) -> Option<ServiceError> {
        let fault = self.fire_when(operation, |m| m == FaultMode::Refuse)?;
        Some(ServiceError::new(fault.status, fault.code, fault.message))
    }

    /// What to do to `operation`'s successful answer, if an armed after-fault fires.
    pub fn fire_after(&self, operation: &str) -> Option<AfterFault> {
        let fault = self.fire_when(operation, |m| m != FaultMode::Refuse)?;
        Some(match fault.mode {
            FaultMode::ApplyThenDrop => AfterFault::Drop,
            _ => AfterFault::Answer(ServiceError::new(fault.status, fault.code, fault.message)),
        })
    }

    fn fire_when(&self, operation: &str, mode: impl Fn(FaultMode) -> bool) -> Option<Fault> {
        let mut state = lock(&self.inner);
        let FaultState { faults, rng, .. } = &mut *state;
        for fault in faults.iter_mut() {
            let matches =
                fault.operation.as_deref().is_none_or(|op| op == operation) && mode(fault.mode);
            if !matches || fault.remaining == Some(0) {
                continue;
            }
            if fault.probability < 1.0 && unit(next_random(rng)) >= fault.probability {
                continue;
            }
            if let Some(n) = fault.remaining.as_mut() {
                *n -= 1;
            }
            return Some(fault.clone());
        }
        None
    }
}

/// splitmix64: tiny, deterministic, good enough to spread injected faults.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_n_fires_exactly_n_times_and_only_for_its_operation() {
        let faults = Faults::default();
        faults.add(Fault::next("GetFindings", 2, 500, "InternalException"));
        assert!(faults.fire("BatchUpdateFindings").is_none());
        assert_eq!(faults.fire("GetFindings").map(|e| e.status), Some(500));
        assert!(faults.fire("GetFindings").is_some());
        assert!(faults.fire("GetFindings").is_none());
    }

    #[test]
    fn after_faults_fire_only_after_the_operation_and_refusals_only_before() {
        let faults = Faults::default();
        faults.add(Fault::applied_then_dropped("UpdateIPSet", 1));
        faults.add(Fault::applied_then_failed(
            "UpdateFindings",
            1,
            500,
            "InternalServerException",
        ));
        assert!(faults.fire("UpdateIPSet").is_none());
        assert_eq!(faults.fire_after("UpdateIPSet"), Some(AfterFault::Drop));
        assert!(faults.fire_after("UpdateIPSet").is_none());
        assert!(matches!(
            faults.fire_after("UpdateFindings"),
            Some(AfterFault::Answer(e)) if e.status == 500
        ));
        faults.add(Fault::next("GetFindings", 1, 500, "InternalException"));
        assert!(faults.fire_after("GetFindings").is_none());
        assert!(faults.fire("GetFindings").is_some());
    }

    #[test]
    fn item_faults_fire_per_item_and_leave_requests_alone() {
        let faults = Faults::default();
        faults.add_item(Fault::next(
            "BatchImportFindings",
            2,
            0,
            "InternalException",
        ));
        assert!(faults.fire("BatchImportFindings").is_none());
        assert_eq!(
            faults.fire_item("BatchImportFindings", "a").map(|f| f.0),
            Some("InternalException".to_string())
        );
        assert!(faults.fire_item("BatchImportFindings", "b").is_some());
        assert!(faults.fire_item("BatchImportFindings", "c").is_none());
    }

    #[test]
    fn targeted_item_faults_fail_the_given_ids_their_number_of_times() {
        let faults = Faults::default();
        faults.add_targeted(ItemFault::ids(
            "BatchUpdateFindings",
            &["a", "b"],
            2,
            "ConcurrentUpdateError",
        ));
        assert_eq!(
            faults.fire_item("BatchUpdateFindings", "a"),
            Some((
                "ConcurrentUpdateError".into(),
                "Concurrent finding updates detected".into()
            ))
        );
        assert!(faults.fire_item("BatchUpdateFindings", "c").is_none());
        assert!(faults.fire_item("BatchImportFindings", "b").is_none());
        assert!(faults.fire_item("BatchUpdateFindings", "a").is_some());
        assert!(faults.fire_item("BatchUpdateFindings", "a").is_none());
        assert!(faults.fire_item("BatchUpdateFindings", "b").is_some());
    }

    #[test]
    fn probability_fires_some_but_not_all() {
        let faults = Faults::default();
        faults.add(Fault {
            probability: 0.5,
            remaining: None,
            ..Fault::next("X", 0, 503, "ServiceUnavailable")
        });
        let fired = (0..200).filter(|_| faults.fire("X").is_some()).count();
        assert!((50..150).contains(&fired), "fired {fired} of 200");
    }
}
