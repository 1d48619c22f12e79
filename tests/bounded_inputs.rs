//! Every file secdeck reads must be a regular file under its documented limit: `/dev/zero`,
//! a FIFO or an oversized file is refused at once with an error naming the file, what it
//! was read as and the limit, never read until memory runs out.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    big_stack, demo_console, demo_export_args, press, run_secdeck, screen, waf_sync_args,
    wait_until,
};
use secdeck::config::AccessFlag;

/// Exit code and stderr of a run (the kit fails the test if it hangs, as a read of
/// `/dev/zero` would).
fn secdeck<S: AsRef<str>>(dir: &Path, args: &[S]) -> (i32, String) {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let run = run_secdeck(dir, &args);
    (run.code, run.stderr)
}

/// A run that failed (exit 1) with `expected` in its stderr.
fn assert_refused((code, err): (i32, String), expected: &str) {
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(expected), "{expected:?} in {err}");
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let ok = Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo");
    path
}

/// A sparse file of `bytes`: large on paper, instant to make.
fn oversized(dir: &Path, name: &str, bytes: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .set_len(bytes)
        .unwrap();
    path
}

fn waf_sync(dir: &Path, ranges: &Path) -> (i32, String) {
    let ranges = ranges.to_str().unwrap();
    secdeck(
        dir,
        &waf_sync_args("s", "REGIONAL", ranges, &["--demo", "--dry-run"]),
    )
}

#[test]
fn waf_sync_refuses_dev_zero_a_fifo_and_an_oversized_ip_ranges_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused(
        waf_sync(dir.path(), Path::new("/dev/zero")),
        "cannot read ip-ranges file /dev/zero: not a regular file but a character device \
             (the ip-ranges.json must be a regular file of at most 64 MiB)",
    );
    let pipe = fifo(dir.path(), "ranges.fifo");
    assert_refused(
        waf_sync(dir.path(), &pipe),
        "ranges.fifo: not a regular file but a FIFO",
    );
    let big = oversized(dir.path(), "big.json", 64 * 1024 * 1024 + 1);
    assert_refused(
        waf_sync(dir.path(), &big),
        "big.json: larger than 64 MiB, the limit for the ip-ranges.json",
    );
}

#[test]
fn an_oversized_or_special_config_is_refused_and_the_session_fails_closed() {
    let dir = tempfile::tempdir().unwrap();
    let big = oversized(dir.path(), "config.toml", 2 * 1024 * 1024);
    let pipe = fifo(dir.path(), "config.fifo");
    for (config, problem) in [
        (big, "larger than 1 MiB, the limit for the config file"),
        (pipe, "not a regular file but a FIFO"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_secdeck"))
            .args(["info", "--config", config.to_str().unwrap()])
            .env("XDG_CONFIG_HOME", dir.path())
            .env("XDG_STATE_HOME", dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(problem), "{text}");
        assert!(text.contains("access:       read-only ("), "{text}");
    }
}

#[test]
fn a_seed_file_that_is_a_device_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed");
    std::fs::create_dir(&seed).unwrap();
    std::os::unix::fs::symlink("/dev/zero", seed.join("zero.json")).unwrap();
    assert_refused(
        secdeck(dir.path(), &demo_export_args(&seed, &[])),
        "zero.json: not a regular file but a character device (the seed file must be a regular file of at most 512 MiB)",
    );
}

#[test]
fn theme_journal_and_state_files_are_bounded_too() {
    let err = secdeck::theme::Theme::load("/dev/zero", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/dev/zero")
            && err.contains("the theme file must be a regular file of at most 1 MiB"),
        "{err}"
    );
    let err = secdeck::journal::Journal::read_all(Path::new("/dev/zero"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/dev/zero: not a regular file but a character device (the journal must be"),
        "{err}"
    );
    let err = secdeck::remembered::load(Path::new("/dev/zero")).unwrap_err();
    assert!(
        err.contains("the state file must be a regular file"),
        "{err}"
    );
}

#[test]
fn the_address_file_of_f_is_refused_when_it_is_dev_zero() {
    big_stack(|| async {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut console = demo_console(AccessFlag::Unset).await;
        press(&mut console, "3");
        wait_until(&mut console, "the IP sets to load", |s| {
            s.ipsets.load == secdeck::app::panes::ipsets::Load::Loaded && !s.ipsets.rows.is_empty()
        })
        .await;
        press(&mut console, "j<enter>f/dev/zero<enter>");
        wait_until(&mut console, "the refusal", |s| {
            screen(s).contains("/dev/zero: not a regular file but a character device")
        })
        .await;
        let big = oversized(dir.path(), "addresses.txt", 5 * 1024 * 1024);
        press(&mut console, &format!("f{}<enter>", big.display()));
        wait_until(&mut console, "the refusal", |s| {
            s.notifications.iter().any(|n| {
                n.message
                    .contains("larger than 4 MiB, the limit for the address file")
            }) || screen(s).contains("larger than 4 MiB")
        })
        .await;
    });
}
