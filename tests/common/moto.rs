//! moto (the Python AWS emulator) for conformance tests: installs `moto[server]` into
//! `target/moto-venv` once per machine (guarded by a lock file), starts `moto.server` on a
//! free loopback port, waits until it answers, and stops it when the guard drops or, for
//! the shared instance, when the test process exits.
//!
//! A missing Python or a failed install is a test failure with the reason, never a skip:
//! CI must not go green without having compared anything.

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

pub const MOTO_REQUIREMENT: &str = "moto[server]==5.2.5";
const MOTO_VERSION: &str = "5.2.5";
/// The server exits when its parent (the test process) is gone, so a shared server held in
/// a static (never dropped) does not outlive `cargo test`.
const SERVER_SCRIPT: &str = r#"
import os, sys, threading, time
parent = os.getppid()
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
from moto.server import main
main(["-H", "127.0.0.1", "-p", sys.argv[1]])
"#;

/// A running moto server; killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Moto {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A fresh server owned by the caller (installing moto first if needed).
    pub fn start() -> Moto {
        match start() {
            Ok(moto) => moto,
            Err(e) => panic!("moto conformance setup failed: {e}"),
        }
    }

    /// One server for every test of this process; tests isolate themselves by Region
    /// (moto keeps one Security Hub backend per account and Region).
    pub fn shared() -> &'static Moto {
        static SHARED: OnceLock<Result<Moto, String>> = OnceLock::new();
        match SHARED.get_or_init(start) {
            Ok(moto) => moto,
            Err(e) => panic!("moto conformance setup failed: {e}"),
        }
    }

    /// The server's output so far, for failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
}

pub fn venv_dir() -> PathBuf {
    target_dir().join("moto-venv")
}

pub fn python() -> PathBuf {
    venv_dir().join("bin").join("python")
}

fn marker() -> PathBuf {
    venv_dir().join(format!(".secdeck-moto-{MOTO_VERSION}-installed"))
}

fn start() -> Result<Moto, String> {
    ensure_installed()?;
    let port = free_port()?;
    let log = venv_dir().join(format!("moto-server-{port}.log"));
    let out =
        fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot reuse {}: {e}", log.display()))?;
    let child = Command::new(python())
        .args(["-c", SERVER_SCRIPT, &port.to_string()])
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", python().display()))?;
    let mut moto = Moto { child, port, log };
    wait_until_ready(&mut moto)?;
    Ok(moto)
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Ready means moto answers an HTTP request (the port alone opens before Flask routes).
fn wait_until_ready(moto: &mut Moto) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, moto.port));
    loop {
        if let Ok(Some(status)) = moto.child.try_wait() {
            return Err(format!(
                "moto server exited with {status} before answering:\n{}",
                moto.log()
            ));
        }
        if let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let request =
                "GET /moto-api/data.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            let mut reply = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut reply).is_ok()
                && reply.starts_with("HTTP/1.")
            {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "moto server on port {} did not answer within 60 s:\n{}",
                moto.port,
                moto.log()
            ));
        }
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Creates the venv and installs moto unless the marker says it is already there.
/// Several test binaries may race here, so the work happens under a lock file.
pub fn ensure_installed() -> Result<(), String> {
    if marker().exists() {
        return Ok(());
    }
    fs::create_dir_all(target_dir()).map_err(|e| format!("cannot create target/: {e}"))?;
    let _lock = InstallLock::acquire(&target_dir().join("moto-venv.lock"))?;
    if marker().exists() {
        return Ok(()); // another process installed it while we waited
    }
    let interpreter = std::env::var("SECDECK_PYTHON").unwrap_or_else(|_| "python3".into());
    if !python().exists() {
        run(
            Command::new(&interpreter)
                .args(["-m", "venv"])
                .arg(venv_dir()),
            &format!("{interpreter} -m venv target/moto-venv"),
        )?;
    }
    pip_install(MOTO_REQUIREMENT)?;
    run(
        Command::new(python()).args(["-c", "import moto.server, flask"]),
        "import moto.server",
    )?;
    fs::write(marker(), MOTO_REQUIREMENT)
        .map_err(|e| format!("cannot write {}: {e}", marker().display()))
}

/// The AWS CLI (v1, which carries its own botocore) for tests that drive the sandbox the
/// way a user's shell does. Installed into the same venv, after moto, under its own marker
/// so moto's install is not redone.
pub const AWSCLI_REQUIREMENT: &str = "awscli==1.46.3";

/// The venv's `aws` executable, installing the AWS CLI first if needed.
pub fn ensure_awscli() -> Result<PathBuf, String> {
    ensure_installed()?;
    let aws = venv_dir().join("bin").join("aws");
    let marker = venv_dir().join(format!(
        ".secdeck-{}-installed",
        AWSCLI_REQUIREMENT.replace("==", "-")
    ));
    if marker.exists() && aws.exists() {
        return Ok(aws);
    }
    let _lock = InstallLock::acquire(&target_dir().join("moto-venv.lock"))?;
    if !marker.exists() {
        pip_install(AWSCLI_REQUIREMENT)?;
        run(Command::new(&aws).arg("--version"), "aws --version")?;
        fs::write(&marker, AWSCLI_REQUIREMENT)
            .map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    }
    Ok(aws)
}

/// `pip install REQUIREMENT` into the venv.
fn pip_install(requirement: &str) -> Result<(), String> {
    run(
        Command::new(python()).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            requirement,
        ]),
        &format!("pip install '{requirement}'"),
    )
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| {
        format!("`{what}` could not be run: {e} (is python3 with the venv module installed?)")
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`{what}` failed with {}:\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// An exclusive lock file; a lock older than 10 minutes is from a crashed run and taken over.
struct InstallLock(PathBuf);

impl InstallLock {
    fn acquire(path: &Path) -> Result<InstallLock, String> {
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(InstallLock(path.into()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok())
                        .is_some_and(|age| age > Duration::from_secs(600));
                    if stale {
                        let _ = fs::remove_file(path);
                    } else if Instant::now() > deadline {
                        return Err(format!("timed out waiting for {}", path.display()));
                    } else {
                        std::thread::sleep(Duration::from_millis(250));
                    }
                }
                Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
            }
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}
