//! The one big-stack runner for async tests.

/// Stack size of the test thread and of tokio's worker threads.
const STACK: usize = 32 << 20;

/// Runs an async test body on its own thread, on a multi-threaded tokio runtime, with large
/// stacks everywhere (the test thread and the workers): in debug builds the SDK's generated
/// ASFF deserialisers overflow the default 2 MiB on deep findings (Resources[].Details,
/// Vulnerabilities[]...). The console's runtime is built the same way (see `cli::run`).
/// A panic in the body is the test's panic.
pub fn big_stack<F>(body: impl FnOnce() -> F + Send + 'static)
where
    F: std::future::Future<Output = ()>,
{
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(STACK)
                .enable_all()
                .build()
                .expect("a tokio runtime for the test")
                .block_on(body())
        })
        .expect("a test thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

/// `big_stack` for a body that returns a value.
pub fn big_stack_value<T: Send + 'static, F: std::future::Future<Output = T>>(
    body: impl FnOnce() -> F + Send + 'static,
) -> T {
    let slot = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = slot.clone();
    big_stack(move || async move {
        *out.lock().unwrap() = Some(body().await);
    });
    let value = slot.lock().unwrap().take();
    value.expect("the body ran")
}
