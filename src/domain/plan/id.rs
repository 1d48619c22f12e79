//! Plan ids: UUIDv7 (RFC 9562), time-ordered and unique across sessions, so one journal
//! file holding many sessions never has two changes under one id.
//!
//! The console's `update()` never reads a clock, so a session draws its seed (the start
//! time and 62 random bits) once, and each plan takes the next value of a counter kept in
//! the UUID's `rand_a` bits (RFC 9562 §6.2, method 1); past 4096 plans the counter carries
//! into the millisecond field, which keeps the ids ordered.

use uuid::Builder;
#[cfg(test)]
use uuid::Uuid;

/// Counter values that fit in `rand_a`.
const PER_MILLISECOND: u64 = 1 << 12;

/// The id source of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanIds {
    start_ms: u64,
    /// `rand_b`: the same for every id of the session (the variant bits are set over it).
    random: [u8; 8],
    made: u64,
}

impl PlanIds {
    /// A session starting at `start_ms` (Unix milliseconds) with its random bits.
    pub fn new(start_ms: u64, random: [u8; 8]) -> Self {
        PlanIds {
            start_ms,
            random,
            made: 0,
        }
    }

    /// The next plan id of the session.
    pub fn next_id(&mut self) -> String {
        let n = self.made;
        self.made += 1;
        let ms = self.start_ms + n / PER_MILLISECOND;
        let counter = (n % PER_MILLISECOND) as u16;
        let mut bytes = [0u8; 10];
        bytes[..2].copy_from_slice(&counter.to_be_bytes());
        bytes[2..].copy_from_slice(&self.random);
        Builder::from_unix_timestamp_millis(ms, &bytes)
            .into_uuid()
            .to_string()
    }
}

impl Default for PlanIds {
    /// A fixed seed (the Unix epoch, no random bits): deterministic for tests. The
    /// runtime seeds every console session from the clock (`tasks::session_plan_ids`).
    fn default() -> Self {
        PlanIds::new(0, [0; 8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_7_ordered_and_carry_the_session_start() {
        let mut ids = PlanIds::new(1_764_806_400_000, [0xAB; 8]);
        let made: Vec<String> = (0..5000).map(|_| ids.next_id()).collect();
        let mut sorted = made.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, made, "unique and in creation order as text");
        let first = Uuid::parse_str(&made[0]).unwrap();
        assert_eq!(first.get_version_num(), 7);
        let (secs, _) = first.get_timestamp().unwrap().to_unix();
        assert_eq!(secs, 1_764_806_400);
        assert!(made[0].starts_with("019ae"), "{}", made[0]);
    }

    #[test]
    fn two_sessions_in_the_same_millisecond_do_not_collide() {
        let mut a = PlanIds::new(1_000, [1; 8]);
        let mut b = PlanIds::new(1_000, [2; 8]);
        assert_ne!(a.next_id(), b.next_id());
    }

    #[test]
    fn a_later_session_sorts_after_an_earlier_one() {
        let mut early = PlanIds::new(1_000, [0xFF; 8]);
        let mut late = PlanIds::new(1_001, [0; 8]);
        let e: Vec<String> = (0..10).map(|_| early.next_id()).collect();
        assert!(late.next_id() > e[9]);
    }
}
