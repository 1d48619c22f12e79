//! Pacing and retries on top of the SDK's own: a token bucket that keeps us under a
//! service quota (GetFindings is 3 requests/s), and bounded exponential backoff with
//! jitter for throttling errors that still get through.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::aws::AwsError;

/// How often and how patiently to retry a throttled call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts in all).
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0-based): `base * 2^retry`, capped, with
    /// "equal jitter" (half fixed, half random) so concurrent clients spread out but
    /// never retry immediately.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(16)))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(jitter_fraction())
    }
}

/// A random number in [0, 1). uuid's v4 generator is already a dependency and is seeded
/// from the OS, which is all jitter needs.
fn jitter_fraction() -> f64 {
    (uuid::Uuid::new_v4().as_u128() as u64 >> 11) as f64 / (1u64 << 53) as f64
}

/// Runs `op`, retrying only throttling errors, up to the policy's bound. Other errors and
/// the last throttling error are returned as they are.
pub async fn retry_throttled<T, F, Fut>(policy: &RetryPolicy, mut op: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let mut retry = 0;
    loop {
        match op().await {
            Err(e) if e.is_throttling() && retry < policy.max_retries => {
                let wait = policy.backoff(retry);
                tracing::info!(
                    operation = e.operation,
                    retry,
                    ?wait,
                    "throttled; backing off"
                );
                tokio::time::sleep(wait).await;
                retry += 1;
            }
            other => return other,
        }
    }
}

/// `retry_throttled` with each attempt waiting for `pacer`, and throttles reported to it.
pub async fn paced<T, F, Fut>(pacer: &Pacer, policy: &RetryPolicy, mut op: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    retry_throttled(policy, || {
        let attempt = op();
        async move {
            pacer.acquire().await;
            let result = attempt.await;
            if result.as_ref().is_err_and(AwsError::is_throttling) {
                pacer.throttled();
            }
            result
        }
    })
    .await
}

/// A token bucket: `rate` requests a second on average, bursts of up to `burst`.
///
/// An adaptive pacer sends freely until the service first throttles (see `throttled`),
/// then keeps to the quota: a LocalStack or quota-free sandbox is read at full speed,
/// AWS at its ceiling after one throttled request that the retry absorbs.
#[derive(Debug)]
pub struct Pacer {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
    adaptive: Option<Engagement>,
}

/// Whether an adaptive pacer has seen a throttle yet, and whether its bucket still has
/// to be emptied to match the service's (which the throttle proved empty).
#[derive(Debug, Default)]
struct Engagement {
    engaged: AtomicBool,
    drain: AtomicBool,
}

impl Pacer {
    pub fn new(rate_per_sec: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Pacer {
            rate: rate_per_sec.max(0.001),
            burst,
            state: Mutex::new((burst, Instant::now())),
            adaptive: None,
        }
    }

    /// Unpaced until the first `throttled`, then `rate` a second with bursts of `burst`.
    pub fn adaptive(rate_per_sec: f64, burst: u32) -> Self {
        Pacer {
            adaptive: Some(Engagement::default()),
            ..Pacer::new(rate_per_sec, burst)
        }
    }

    /// Security Hub GetFindings: 3 requests a second, burst 6.
    pub fn get_findings() -> Self {
        Pacer::new(3.0, 6)
    }

    /// GetFindings' quota, kept once the endpoint has shown it enforces one.
    pub fn get_findings_adaptive() -> Self {
        Pacer::adaptive(3.0, 6)
    }

    /// Whether requests wait for the bucket (always, unless adaptive and never throttled).
    pub fn is_pacing(&self) -> bool {
        !self.is_unlimited()
            && self
                .adaptive
                .as_ref()
                .is_none_or(|a| a.engaged.load(Ordering::SeqCst))
    }

    /// The service throttled a request: an adaptive pacer keeps to the quota from now on.
    pub fn throttled(&self) {
        if let Some(a) = &self.adaptive
            && !a.engaged.swap(true, Ordering::SeqCst)
        {
            tracing::info!(rate = self.rate, "throttled: pacing requests to the quota");
            a.drain.store(true, Ordering::SeqCst);
        }
    }

    /// Security Hub BatchImportFindings / BatchUpdateFindings: 10 requests a second, burst 30.
    pub fn batch_write() -> Self {
        Pacer::new(10.0, 30)
    }

    pub fn is_unlimited(&self) -> bool {
        self.rate.is_infinite()
    }

    /// No pacing: for an endpoint without quotas (the sandbox with `--quotas off`).
    pub fn unlimited() -> Self {
        Pacer {
            rate: f64::INFINITY,
            burst: f64::INFINITY,
            state: Mutex::new((f64::INFINITY, Instant::now())),
            adaptive: None,
        }
    }

    /// Waits until a request may be sent.
    pub async fn acquire(&self) {
        if self.rate.is_infinite() {
            return;
        }
        if let Some(a) = &self.adaptive
            && !a.engaged.load(Ordering::SeqCst)
        {
            return;
        }
        let mut state = self.state.lock().await;
        if let Some(a) = &self.adaptive
            && a.drain.swap(false, Ordering::SeqCst)
        {
            *state = (0.0, Instant::now());
        }
        loop {
            let now = Instant::now();
            let (tokens, last) = *state;
            let tokens =
                (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
            if tokens >= 1.0 {
                *state = (tokens - 1.0, now);
                return;
            }
            *state = (tokens, now);
            // Holding the lock while sleeping keeps waiters in order.
            tokio::time::sleep(Duration::from_secs_f64((1.0 - tokens) / self.rate)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::AwsErrorKind;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn throttled() -> AwsError {
        AwsError {
            kind: AwsErrorKind::Throttling,
            ..AwsError::invalid_request("securityhub:GetFindings", "Rate exceeded")
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_never_zero() {
        let p = RetryPolicy::default();
        for retry in 0..20 {
            let d = p.backoff(retry);
            let full = p
                .base_delay
                .saturating_mul(1 << retry.min(16))
                .min(p.max_delay);
            assert!(
                d >= full / 2 && d <= full,
                "retry {retry}: {d:?} vs {full:?}"
            );
        }
        assert!(p.backoff(10) <= p.max_delay);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_throttling_up_to_the_bound_then_gives_up() {
        let calls = AtomicU32::new(0);
        let policy = RetryPolicy::default();
        let result: Result<(), _> = retry_throttled(&policy, || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(throttled()) }
        })
        .await;
        assert!(result.unwrap_err().is_throttling());
        assert_eq!(calls.load(Ordering::SeqCst), policy.max_retries + 1);
    }

    #[tokio::test(start_paused = true)]
    async fn other_errors_are_not_retried_and_success_after_throttling_is_returned() {
        let calls = AtomicU32::new(0);
        let result = retry_throttled(&RetryPolicy::default(), || {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move { if n < 2 { Err(throttled()) } else { Ok(n) } }
        })
        .await;
        assert_eq!(result.unwrap(), 2);

        let calls = AtomicU32::new(0);
        let result: Result<(), _> = retry_throttled(&RetryPolicy::default(), || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(AwsError::invalid_request("x:Y", "bad")) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn pacer_allows_the_burst_then_spaces_requests() {
        let pacer = Pacer::new(3.0, 6);
        let start = Instant::now();
        for _ in 0..6 {
            pacer.acquire().await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the burst goes out at once"
        );
        pacer.acquire().await;
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(330) && waited < Duration::from_millis(340),
            "{waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_adaptive_pacer_is_free_until_throttled_then_keeps_the_quota() {
        let pacer = Pacer::adaptive(3.0, 6);
        let start = Instant::now();
        for _ in 0..100 {
            pacer.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "no quota seen yet");
        pacer.throttled();
        // The throttle proved the service's bucket empty: no burst, one request per 1/3 s.
        let engaged = Instant::now();
        for _ in 0..3 {
            pacer.acquire().await;
        }
        let waited = engaged.elapsed();
        assert!(
            waited >= Duration::from_millis(999) && waited < Duration::from_millis(1010),
            "{waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn paced_calls_report_throttles_to_the_pacer() {
        let pacer = Pacer::adaptive(3.0, 6);
        let calls = AtomicU32::new(0);
        let result = paced(&pacer, &RetryPolicy::default(), || {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move { if n == 0 { Err(throttled()) } else { Ok(n) } }
        })
        .await;
        assert_eq!(result.unwrap(), 1, "the throttled attempt was retried");
        let start = Instant::now();
        pacer.acquire().await;
        assert!(
            start.elapsed() > Duration::ZERO,
            "the pacer now keeps to the quota"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_unlimited_pacer_never_waits() {
        let pacer = Pacer::unlimited();
        let start = Instant::now();
        for _ in 0..1_000 {
            pacer.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
