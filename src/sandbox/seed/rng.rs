//! A tiny deterministic PRNG (splitmix64) for generated worlds: the same (n, seed, now)
//! must give byte-identical findings on every machine, without a `rand` dependency.

/// splitmix64: fast, statistically decent, and a bijection of its state, which is what
/// lets [`Rng::for_index`] hand out unique ids without collision checks.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 output function; a bijection on u64.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// An independent stream for item `index` of a world: item k never depends on how
    /// many random numbers items 0..k consumed, so adding a field keeps other items stable.
    pub fn for_index(seed: u64, index: u64) -> Self {
        Rng::new(mix(seed ^ mix(index.wrapping_add(GOLDEN))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is irrelevant at these sizes.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Callers pass non-empty const tables; index 0 of an empty slice would be a bug
        // in the tables, caught by the generator's unit tests.
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks by weight from `(item, weight)` pairs; falls back to the first item when
    /// all weights are zero.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut roll = self.below(total.max(1));
        for (item, w) in items {
            if roll < u64::from(*w) {
                return item;
            }
            roll -= u64::from(*w);
        }
        &items[0].0
    }

    /// `len` lowercase hex digits.
    pub fn hex(&mut self, len: usize) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(len);
        let mut bits = 0u64;
        for i in 0..len {
            if i % 16 == 0 {
                bits = self.next_u64();
            }
            out.push(DIGITS[(bits & 0xF) as usize] as char);
            bits >>= 4;
        }
        out
    }

    /// `len` characters from `alphabet` (ASCII).
    pub fn chars(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| *self.pick(alphabet) as char).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct_per_index() {
        let a: Vec<u64> = (0..4).map(|_| Rng::for_index(7, 1).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::for_index(7, 1).next_u64(),
            Rng::for_index(7, 2).next_u64()
        );
        assert_ne!(
            Rng::for_index(7, 1).next_u64(),
            Rng::for_index(8, 1).next_u64()
        );
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            assert_eq!(*rng.weighted(&[("never", 0), ("always", 3)]), "always");
        }
    }
}
