//! Shared helpers for the integration tests: a moto server installed and started on
//! demand, and SDK configs (moto, canned responses).
#![allow(dead_code)] // each test binary uses a different subset

pub mod moto;
pub mod sdk;

/// Runs an async test body on its own thread with a 32 MB stack: in debug builds the SDK's
/// generated ASFF deserializers overflow the default 2 MB test-thread stack on deep
/// findings (Resources[].Details, Vulnerabilities[]...).
pub fn big_stack<F>(body: impl FnOnce() -> F + Send + 'static)
where
    F: std::future::Future<Output = ()>,
{
    let handle = std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime for the test");
            runtime.block_on(body())
        })
        .expect("a test thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}
