//! The `secdeck` binary as a user runs it, in a home of its own: no user config, state,
//! AWS profile, credentials file or endpoint from the machine running the tests leaks in.

use std::ffi::OsStr;
use std::fmt::Debug;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run of the binary left: exit code (-1 when killed by a signal), stdout, stderr.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// (exit code, stdout, stderr), for `let (code, out, err) = ...`.
    pub fn into_parts(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

/// A `secdeck` command with `home` as HOME and the XDG config/state dirs under it, and
/// dummy credentials (the `--demo` and sandbox runs need some; real ones never).
pub fn secdeck_command(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_secdeck"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("AWS_ACCESS_KEY_ID", "AKIDTESTKIT")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials"),
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::null());
    c
}

/// Runs `secdeck ARGS` in `home`, failing the test if it has not finished within 60 s
/// (a command reading `/dev/zero` would never finish).
pub fn run_secdeck<S: AsRef<OsStr> + Debug>(home: &Path, args: &[S]) -> Run {
    let mut child = secdeck_command(home)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run secdeck");
    // Drain both pipes while waiting, so a chatty run cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("secdeck {args:?} still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// `run_secdeck` from async code (the sandbox keeps serving on the runtime meanwhile).
pub async fn run_secdeck_async(home: &Path, args: Vec<String>) -> Run {
    let home = home.to_path_buf();
    tokio::task::spawn_blocking(move || run_secdeck(&home, &args))
        .await
        .unwrap()
}

/// `export findings --demo --seed SEED EXTRA...`: the headless export of a seeded demo world.
pub fn demo_export_args(seed: &Path, extra: &[&str]) -> Vec<String> {
    let seed = seed.to_str().expect("a UTF-8 temp path");
    ["export", "findings", "--demo", "--seed", seed]
        .iter()
        .chain(extra)
        .map(|a| a.to_string())
        .collect()
}

/// `waf sync --ip-set SET --scope SCOPE --ip-ranges RANGES EXTRA...` (add `--demo`,
/// `--services`, `--dry-run` ... as `extra`).
pub fn waf_sync_args(set: &str, scope: &str, ranges: &str, extra: &[&str]) -> Vec<String> {
    [
        "waf",
        "sync",
        "--ip-set",
        set,
        "--scope",
        scope,
        "--ip-ranges",
        ranges,
    ]
    .iter()
    .chain(extra)
    .map(|a| a.to_string())
    .collect()
}

/// Writes `text` to `dir/name` (a config, a seed, a broken input) and returns its path.
pub fn file_in(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test input");
    path
}

/// `secdeck sandbox --listen 127.0.0.1:0` as a user starts it; killed when dropped.
pub struct ListeningSandbox {
    child: std::process::Child,
    pub url: String,
    _home: tempfile::TempDir,
}

impl ListeningSandbox {
    pub fn start() -> ListeningSandbox {
        use std::io::BufRead;
        let home = tempfile::tempdir().unwrap();
        let mut child = secdeck_command(home.path())
            .args(["sandbox", "--listen", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("secdeck sandbox starts");
        let mut first = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut first).unwrap();
        // Keep reading: a closed pipe would end the server at its next line of output.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let url = first
            .split("listening on ")
            .nth(1)
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .trim()
            .to_string();
        ListeningSandbox {
            child,
            url,
            _home: home,
        }
    }
}

impl Drop for ListeningSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
