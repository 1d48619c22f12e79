//! A config file with mistakes never makes a session less restricted than the file says:
//! `read_only = true` plus a typo elsewhere stays read-only in the console, `secdeck info`,
//! `waf sync` and `iot import-audit` (no mutating request reaches the sandbox); a file that
//! cannot be parsed at all makes the session read-only unless `--write`, and says why.

mod common;

use std::path::{Path, PathBuf};

use common::{file_in, mutating_operations, run_secdeck, run_secdeck_async, waf_sync_args};
use secdeck::app::keymap::KeyEntry;
use secdeck::cli::console::parts_from_options;
use secdeck::cli::{ConsoleArgs, ConsoleOptions};
use secdeck::config::{AccessFlag, Config, ReadOnlySource, resolve_read_only};
use secdeck::paths::Paths;
use secdeck::runtime::Console;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig, serve_on};

/// `read_only = true` with one mistake elsewhere, as the issue found them.
const TYPOS: &[(&str, &str, &str)] = &[
    (
        "unknown key",
        "read_only = true\nthem = \"light\"\n",
        ":2:1: unknown key `them`",
    ),
    (
        "wrong type in [keys]",
        "read_only = true\n\n[keys]\n\"q\" = 3\n\"w\" = \"none\"\n",
        ":4:7: [keys] \"q\": invalid type: integer `3`, expected a string",
    ),
    (
        "unknown field in [[views]]",
        "read_only = true\n\n[[views]]\nname = \"crit\"\nfliter = \"sev=CRITICAL\"\n\n[[views]]\nname = \"ok\"\nfilter = \"sev=HIGH\"\n",
        "[[views]]: unknown field `fliter`",
    ),
];

const UNPARSEABLE: &str = "read_only = true\ntheme = \"light\n";

#[test]
fn a_typo_keeps_read_only_and_the_rest_of_the_file_with_a_located_warning() {
    let dir = tempfile::tempdir().unwrap();
    for (what, text, warning) in TYPOS {
        let path = file_in(dir.path(), "config.toml", text);
        let loaded = Config::load_lenient(&path, true);
        assert_eq!(loaded.config.read_only, Some(true), "{what}");
        let r = resolve_read_only(AccessFlag::Unset, &loaded.config, "default");
        assert!(r.read_only, "{what}: {r}");
        assert_eq!(loaded.error, None, "{what}");
        let notices = loaded.notices().join("\n");
        assert!(notices.contains(warning), "{what}: {notices}");
        assert!(
            notices.contains(&path.display().to_string()),
            "{what}: {notices}"
        );
    }
    // What is right is kept: the good binding, the good view.
    let path = file_in(dir.path(), "k.toml", TYPOS[1].1);
    assert_eq!(
        Config::load_lenient(&path, true).config.keys["w"],
        "none",
        "the other bindings stay"
    );
    let path = file_in(dir.path(), "v.toml", TYPOS[2].1);
    let views = Config::load_lenient(&path, true).config.views;
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].name, "ok");
}

#[test]
fn a_bad_binding_in_a_keys_section_drops_only_that_binding() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_in(
        dir.path(),
        "s.toml",
        "read_only = true\n\n[keys.findings]\nW = 3\nx = \"quit\"\n",
    );
    let loaded = Config::load_lenient(&path, true);
    assert_eq!(loaded.config.read_only, Some(true));
    let notices = loaded.notices().join("\n");
    assert!(
        notices
            .contains(":4:5: [keys.findings] \"W\": invalid type: integer `3`, expected a string"),
        "{notices}"
    );
    let Some(KeyEntry::Section(findings)) = loaded.config.keys.get("findings") else {
        panic!("{:?}", loaded.config.keys)
    };
    assert_eq!(findings.get("x").map(String::as_str), Some("quit"));
    assert!(!findings.contains_key("W"), "{findings:?}");
}

#[test]
fn a_read_only_setting_that_cannot_be_read_counts_as_true() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_in(dir.path(), "c.toml", "read_only = \"yes\"\n");
    let loaded = Config::load_lenient(&path, true);
    let r = resolve_read_only(AccessFlag::Unset, &loaded.config, "default");
    assert!(r.read_only);
    assert!(matches!(r.source, ReadOnlySource::Unreadable(_)), "{r}");
    assert!(
        r.to_string().contains("c.toml:1:13 could not be read"),
        "{r}"
    );
    assert!(!resolve_read_only(AccessFlag::Write, &loaded.config, "default").read_only);

    // A profile's: that profile is read-only, the others follow the rest of the file.
    let path = file_in(
        dir.path(),
        "p.toml",
        "read_only = false\n[profiles.prod]\nread_only = 1\n[profiles.dev]\nregion = \"eu-west-1\"\n",
    );
    let config = Config::load_lenient(&path, true).config;
    assert!(resolve_read_only(AccessFlag::Unset, &config, "prod").read_only);
    assert!(!resolve_read_only(AccessFlag::Unset, &config, "dev").read_only);
    assert_eq!(config.profile_region("dev"), Some("eu-west-1"));

    // A findings_api that cannot be read: read-only, named where it is; the rest is kept.
    let path = file_in(
        dir.path(),
        "f.toml",
        "theme = \"light\"\nfindings_api = \"ocfs\"\n",
    );
    let loaded = Config::load_lenient(&path, true);
    let r = resolve_read_only(AccessFlag::Unset, &loaded.config, "default");
    assert!(r.read_only, "{r}");
    assert!(
        r.to_string().contains("findings_api at ") && r.to_string().contains("f.toml:2:16"),
        "{r}"
    );
    assert_eq!(loaded.config.findings_api, None);
    assert_eq!(loaded.config.theme.as_deref(), Some("light"));
    let notices = loaded.notices().join("\n");
    assert!(notices.contains("unknown variant `ocfs`"), "{notices}");
}

#[test]
fn a_file_that_cannot_be_parsed_or_read_makes_the_session_read_only_unless_write() {
    let dir = tempfile::tempdir().unwrap();
    let broken = file_in(dir.path(), "broken.toml", UNPARSEABLE);
    for path in [broken, dir.path().join("missing.toml")] {
        let loaded = Config::load_lenient(&path, true);
        assert!(loaded.error.is_some(), "{}", path.display());
        let r = resolve_read_only(AccessFlag::Unset, &loaded.config, "default");
        assert!(r.read_only, "{r}");
        assert!(
            loaded
                .notices()
                .iter()
                .any(|n| n.ends_with("this session is read-only unless --write is given")),
            "{:?}",
            loaded.notices()
        );
        assert!(!resolve_read_only(AccessFlag::Write, &loaded.config, "default").read_only);
    }
    // The default file missing is no mistake: defaults, read-write.
    let loaded = Config::load_lenient(&dir.path().join("absent.toml"), false);
    assert_eq!(loaded.config, Config::default());
    assert!(loaded.notices().is_empty());
}

fn options(dir: &Path, config: &Path, extra: &[&str]) -> ConsoleOptions {
    let journal = dir.join("journal.jsonl");
    let mut args = ConsoleArgs {
        demo: true,
        config: Some(config.to_path_buf()),
        journal: Some(journal),
        ..ConsoleArgs::default()
    };
    args.write = extra.contains(&"--write");
    let state = dir.to_path_buf();
    let paths = Paths::resolve(move |_| Some(state.clone()), None);
    ConsoleOptions::resolve_with(&args, paths, |_| None)
}

async fn console(opts: &ConsoleOptions) -> Console {
    let parts = parts_from_options(opts).await.expect("demo session");
    let mut console = Console::start(parts);
    console.dispatch(secdeck::app::Action::Resize {
        width: 120,
        height: 40,
    });
    console
}

#[test]
fn the_console_stays_read_only_and_says_why() {
    common::big_stack(|| async {
        let dir = tempfile::tempdir().unwrap();
        let path = file_in(dir.path(), "config.toml", TYPOS[0].1);
        let c = console(&options(dir.path(), &path, &[])).await;
        assert!(c.state.session.read_only);
        let screen = common::screen(&c.state);
        assert!(screen.contains("READ-ONLY"), "{screen}");
        let messages: Vec<String> = c
            .state
            .notifications
            .iter()
            .map(|n| n.message.clone())
            .collect();
        assert!(
            messages.iter().any(|m| m.contains("unknown key `them`")),
            "{messages:?}"
        );

        let path = file_in(dir.path(), "broken.toml", UNPARSEABLE);
        let c = console(&options(dir.path(), &path, &[])).await;
        assert!(c.state.session.read_only);
        let screen = common::screen(&c.state);
        assert!(
            screen.contains("read-only unless --write"),
            "the status bar says why:\n{screen}"
        );
        let c = console(&options(dir.path(), &path, &["--write"])).await;
        assert!(!c.state.session.read_only, "--write overrides");
    });
}

#[test]
fn info_prints_read_only_for_a_typo_and_for_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    for (what, config, _) in TYPOS {
        let path = file_in(dir.path(), "config.toml", config);
        let (code, out, err) =
            run_secdeck(dir.path(), &["info", "--config", path.to_str().unwrap()]).into_parts();
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("access:       read-only (config read_only)"),
            "{what}:\n{out}"
        );
        assert!(out.contains("config issue:"), "{what}:\n{out}");
    }
    let path = file_in(dir.path(), "broken.toml", UNPARSEABLE);
    let (_, out, _) =
        run_secdeck(dir.path(), &["info", "--config", path.to_str().unwrap()]).into_parts();
    assert!(out.contains("access:       read-only ("), "{out}");
    assert!(out.contains("is not valid TOML"), "{out}");
    let (_, out, _) = run_secdeck(
        dir.path(),
        &["info", "--write", "--config", path.to_str().unwrap()],
    )
    .into_parts();
    assert!(out.contains("access:       read-write (--write)"), "{out}");
}

/// A sandbox served on loopback, so the binary's requests can be inspected here.
struct Served {
    sandbox: Sandbox,
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

async fn serve() -> Served {
    let demo = secdeck::sandbox::seed::demo(time::OffsetDateTime::now_utc()).unwrap();
    let sandbox = Sandbox::new(
        SandboxConfig::default(),
        Seed {
            findings: Vec::new(),
            ..demo
        },
    )
    .unwrap();
    sandbox.seed_iot_demo().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_on(sandbox.clone(), listener, false, async {
        let _ = stopped.await;
    }));
    Served {
        sandbox,
        url,
        stop: Some(stop),
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[test]
fn waf_sync_and_iot_import_refuse_and_send_nothing_that_changes_aws() {
    common::big_stack(|| async {
        let served = serve().await;
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        let connect = |config: &Path| -> Vec<String> {
            [
                "--config",
                config.to_str().unwrap(),
                "--endpoint-url",
                &served.url,
                "--region",
                "us-east-1",
                "--journal",
                journal.to_str().unwrap(),
            ]
            .map(String::from)
            .to_vec()
        };
        let waf = |config: &Path, extra: &[&str]| -> Vec<String> {
            let mut v = waf_sync_args(
                "fail-closed-v4",
                "REGIONAL",
                "tests/fixtures/ip-ranges/ip-ranges-2026-08-22.json",
                &["--services", "CLOUDFRONT"],
            );
            v.extend(connect(config));
            v.extend(extra.iter().map(|s| s.to_string()));
            v
        };
        let iot = |config: &Path, extra: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = vec!["iot".into(), "import-audit".into()];
            v.extend(connect(config));
            v.extend(extra.iter().map(|s| s.to_string()));
            v
        };

        let broken = file_in(dir.path(), "broken.toml", UNPARSEABLE);
        let mut configs: Vec<PathBuf> = TYPOS
            .iter()
            .enumerate()
            .map(|(i, (_, t, _))| file_in(dir.path(), &format!("typo{i}.toml"), t))
            .collect();
        configs.push(broken.clone());
        for config in &configs {
            served.sandbox.clear_requests();
            let (code, out, err) = run_secdeck_async(dir.path(), waf(config, &[]))
                .await
                .into_parts();
            assert_eq!(code, 2, "{}: {out}{err}", config.display());
            assert!(
                err.contains("read-only") && err.contains("refusing to sync"),
                "{err}"
            );
            let (code, out, err) = run_secdeck_async(dir.path(), iot(config, &[]))
                .await
                .into_parts();
            assert_eq!(code, 1, "{}: {out}{err}", config.display());
            assert!(err.contains("read-only"), "{err}");
            assert!(
                !served.sandbox.requests().is_empty(),
                "the import reached the sandbox to plan"
            );
            assert_eq!(
                mutating_operations(&served.sandbox),
                Vec::<String>::new(),
                "{}",
                config.display()
            );
        }
        // The broken file says why on stderr, once.
        let (_, _, err) = run_secdeck_async(dir.path(), waf(&broken, &[]))
            .await
            .into_parts();
        assert_eq!(
            err.lines()
                .filter(|l| l.contains("read-only unless --write is given"))
                .count(),
            1,
            "{err}"
        );

        // The same commands with --write do change AWS: the refusals above were real.
        served.sandbox.clear_requests();
        let (code, out, err) = run_secdeck_async(dir.path(), waf(&broken, &["--write"]))
            .await
            .into_parts();
        assert_eq!(code, 10, "{out}{err}");
        let (code, out, err) = run_secdeck_async(dir.path(), iot(&broken, &["--write"]))
            .await
            .into_parts();
        assert_eq!(code, 0, "{out}{err}");
        let sent = mutating_operations(&served.sandbox);
        assert!(sent.contains(&"CreateIPSet".to_string()), "{sent:?}");
        assert!(
            sent.contains(&"BatchImportFindings".to_string()),
            "{sent:?}"
        );
    });
}
