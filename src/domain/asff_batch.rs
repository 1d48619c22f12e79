//! How ASFF findings are grouped into BatchImportFindings requests: at most 100 findings
//! and 6 MB a request (AWS's partner guide: "up to 100 findings per batch, up to 240 KB
//! per finding, and up to 6 MB per batch"). The importer and the ASFF export (one
//! `{"Findings":[...]}` request body per line) share this one rule.

use std::ops::Range;

/// BatchImportFindings takes 1 to 100 findings a call.
pub const MAX_FINDINGS: usize = 100;
/// The most bytes one request body may hold.
pub const MAX_BYTES: usize = 6 * 1000 * 1000;
/// `{"Findings":[` and `]}` around the findings.
const ENVELOPE: usize = 15;

/// The batch being filled: how many findings and bytes it holds so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchFill {
    count: usize,
    bytes: usize,
}

impl BatchFill {
    /// Whether a finding of `size` bytes still fits. An empty batch takes any finding
    /// (one too large for any batch is AWS's to refuse, per finding).
    pub fn admits(&self, size: usize) -> bool {
        self.count == 0 || (self.count < MAX_FINDINGS && self.bytes + 1 + size <= MAX_BYTES)
    }

    /// Adds a finding of `size` bytes (the comma before it counted).
    pub fn add(&mut self, size: usize) {
        self.bytes += if self.count == 0 { ENVELOPE } else { 1 } + size;
        self.count += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// The batches for findings of these serialised sizes, in order, as index ranges.
pub fn batches(sizes: impl IntoIterator<Item = usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut fill, mut start, mut end) = (BatchFill::default(), 0, 0);
    for size in sizes {
        if !fill.admits(size) {
            out.push(start..end);
            (fill, start) = (BatchFill::default(), end);
        }
        fill.add(size);
        end += 1;
    }
    if !fill.is_empty() {
        out.push(start..end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_hold_at_most_a_hundred_findings() {
        let b = batches(std::iter::repeat_n(1_000, 250));
        assert_eq!(b, vec![0..100, 100..200, 200..250]);
        assert!(batches([]).is_empty());
        assert_eq!(batches([5]), vec![0..1]);
    }

    #[test]
    fn batches_stay_under_six_megabytes() {
        // 240 KB findings (the per-finding maximum): 24 fit in 6 MB, not 25.
        let b = batches(std::iter::repeat_n(240_000, 50));
        assert_eq!(b, vec![0..24, 24..48, 48..50]);
        // A finding larger than a whole batch still goes, alone: AWS names it as failed.
        assert_eq!(batches([10, MAX_BYTES + 1, 10]), vec![0..1, 1..2, 2..3]);
    }
}
