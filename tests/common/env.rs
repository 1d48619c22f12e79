//! The one test environment: an in-process sandbox, the SDK config that reaches it, a
//! temporary directory with the journal path, and on demand a console session on them.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use secdeck::app::Action;
use secdeck::aws::AwsClients;
use secdeck::config::AccessFlag;
use secdeck::runtime::{Console, ConsoleParts, demo_parts};
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig};
use secdeck::tasks::{ExecutorOptions, MutationExecutor};
use serde_json::Value;
use tempfile::TempDir;

use super::exec::{executor, fast_options};
use super::findings::{demo_seed, seed_of};
use super::policy::{Sessions, assert_least_privilege};

/// A sandbox, its SDK config and a temporary directory (`journal` is a path in it).
/// Derefs to the sandbox.
pub struct TestEnv {
    pub sandbox: Sandbox,
    pub sdk_config: SdkConfig,
    pub journal: PathBuf,
    pub dir: TempDir,
    /// The consoles started on it: which IAM policy each request is checked against.
    pub sessions: Sessions,
}

/// Least privilege: every request secdeck made is one its IAM policy allows.
impl Drop for TestEnv {
    fn drop(&mut self) {
        assert_least_privilege(&self.sandbox, &self.sessions);
    }
}

impl TestEnv {
    /// The constructor: a fresh sandbox with `config`, seeded with `seed`.
    pub async fn with_config(config: SandboxConfig, seed: Seed) -> TestEnv {
        let sandbox = Sandbox::new(config, seed).expect("the sandbox takes the seed");
        let sdk_config = sandbox.sdk_config().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let journal = dir.path().join("journal.jsonl");
        TestEnv {
            sandbox,
            sdk_config,
            journal,
            dir,
            sessions: Sessions::default(),
        }
    }

    /// The default sandbox (account 123456789012, us-east-1, no quotas) seeded with `seed`.
    pub async fn new(seed: Seed) -> TestEnv {
        TestEnv::with_config(SandboxConfig::default(), seed).await
    }

    /// The default sandbox seeded with just these findings.
    pub async fn findings(findings: Vec<Value>) -> TestEnv {
        TestEnv::new(seed_of(findings)).await
    }

    /// The default sandbox on the demo world.
    pub async fn demo() -> TestEnv {
        TestEnv::new(demo_seed()).await
    }

    /// A path in the temporary directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn clients(&self) -> AwsClients {
        AwsClients::new(&self.sdk_config)
    }

    /// Clients without the SDK's own retries, so a test sees (or retries) every throttle.
    pub fn clients_without_sdk_retries(&self) -> AwsClients {
        let config = self
            .sdk_config
            .to_builder()
            .retry_config(RetryConfig::disabled())
            .build();
        AwsClients::new(&config)
    }

    pub fn hub(&self) -> aws_sdk_securityhub::Client {
        aws_sdk_securityhub::Client::new(&self.sdk_config)
    }

    pub fn iot(&self) -> aws_sdk_iot::Client {
        aws_sdk_iot::Client::new(&self.sdk_config)
    }

    /// A Security Hub client that surfaces the first error instead of retrying it.
    pub fn hub_no_retry(&self) -> aws_sdk_securityhub::Client {
        self.clients_without_sdk_retries().securityhub
    }

    /// A mutation executor with write access, journaling to `journal`, with short waits.
    pub fn executor(&self) -> MutationExecutor {
        self.executor_with(fast_options())
    }

    pub fn executor_with(&self, options: ExecutorOptions) -> MutationExecutor {
        executor(self.clients(), &self.journal, options)
    }

    /// A console session on this sandbox, as `--demo` starts one, 120x40.
    pub async fn console(self, access: AccessFlag) -> ConsoleEnv {
        self.console_with(access, |_| {}).await
    }

    /// As `console`, with the session's parts adjusted first (config views, note author,
    /// state file, another journal...).
    pub async fn console_with(
        self,
        access: AccessFlag,
        adjust: impl FnOnce(&mut ConsoleParts),
    ) -> ConsoleEnv {
        let mut parts = demo_parts(Seed::default(), access, self.journal.clone())
            .await
            .expect("demo session");
        parts.sandbox = Some(self.sandbox.clone());
        parts.sdk_config = self.sdk_config.clone();
        adjust(&mut parts);
        self.sessions.started(parts.mode.is_read_only());
        let mut console = Console::start(parts);
        console.dispatch(Action::Resize {
            width: 120,
            height: 40,
        });
        ConsoleEnv { console, env: self }
    }
}

/// The environment derefs to its sandbox (its AWS state, recorded requests, faults...).
impl Deref for TestEnv {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}

/// A console session and the environment it runs in; derefs to the `Console`.
pub struct ConsoleEnv {
    pub console: Console,
    pub env: TestEnv,
}

impl ConsoleEnv {
    pub fn sandbox(&self) -> &Sandbox {
        &self.env.sandbox
    }

    pub fn journal(&self) -> &Path {
        &self.env.journal
    }

    /// Ends the session (the console is dropped); the sandbox and directory stay.
    pub fn end(self) -> TestEnv {
        self.env
    }
}

impl Deref for ConsoleEnv {
    type Target = Console;

    fn deref(&self) -> &Console {
        &self.console
    }
}

impl DerefMut for ConsoleEnv {
    fn deref_mut(&mut self) -> &mut Console {
        &mut self.console
    }
}

/// A console session on the demo world (the common case of the end-to-end tests).
pub async fn demo_console(access: AccessFlag) -> ConsoleEnv {
    TestEnv::demo().await.console(access).await
}

/// A read-write demo console (`AccessFlag::Unset`) and a handle on its sandbox, for tests
/// that act from the keyboard and then look at AWS's state.
pub async fn demo_and_sandbox() -> (ConsoleEnv, secdeck::sandbox::Sandbox) {
    let console = demo_console(AccessFlag::Unset).await;
    let sandbox = console.sandbox().clone();
    (console, sandbox)
}

/// A console with `access` on a sandbox holding exactly `findings`, once they are loaded.
pub async fn seeded_console(findings: Vec<serde_json::Value>, access: AccessFlag) -> ConsoleEnv {
    let mut console = TestEnv::findings(findings).await.console(access).await;
    super::wait_until(&mut console, "the findings", super::findings_loaded).await;
    console
}

pub async fn findings_console(access: AccessFlag) -> ConsoleEnv {
    let mut console = demo_console(access).await;
    super::wait_until(&mut console, "the findings to load", super::findings_loaded).await;
    console
}
