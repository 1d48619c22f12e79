//! A console session, built from [`ConsoleParts`] (sandbox or AWS clients, session mode,
//! journal, theme, keymap) and driven: actions go through `app::update`, the effects it
//! returns go to the effect runner, and results come back as actions. The terminal loop
//! (`tui`) and the headless tests both drive a session through [`Console`]. The command
//! line builds the parts (`cli::console`); this module knows nothing of flags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::app::{self, Action, Effect, Keymap, NotifyLevel, Session, State};
use crate::app::{FindingsRead, PaneMsg};
use crate::aws::{AwsClients, SdkConfig};
use crate::journal::{Journal, JournalContext};
use crate::sandbox::{Sandbox, seed::Seed};
use crate::tasks::{
    Capability, EffectRunner, ExecutorOptions, MutationExecutor, Pacer, SessionMode,
};
use crate::theme::Theme;

/// Everything a session is built from, resolved before any terminal is touched.
pub struct ConsoleParts {
    pub session: Session,
    pub sdk_config: SdkConfig,
    /// `ReadWrite` carries the only token that can build a mutation executor.
    pub mode: SessionMode,
    pub journal_path: PathBuf,
    pub theme: Theme,
    pub key_overrides: crate::app::keymap::KeyOverrides,
    pub note_author: String,
    /// Where `:theme NAME` looks for user themes.
    pub themes_dir: Option<PathBuf>,
    /// Monochrome output requested (`NO_COLOR`): `:theme` keeps it.
    pub no_color: bool,
    /// Problems found while resolving (config, theme): shown once the console is up.
    pub startup_errors: Vec<String>,
    /// The embedded sandbox, when the session runs on one.
    pub sandbox: Option<Sandbox>,
    /// Saved findings views (name, filter expression) from the config.
    pub views: Vec<(String, String)>,
    /// Roles to assume for remediation in member accounts (config `[cross_account]`).
    pub cross_account: crate::domain::analyzer::CrossAccountRoles,
    /// GetFindings pacing: AWS's quota, or none for a sandbox without quotas.
    pub pacer: Arc<Pacer>,
    /// Where choices are kept across sessions (`state.json`); None keeps nothing.
    pub state_file: Option<PathBuf>,
    /// Which Security Hub findings API was asked for (`--findings-api`, config).
    pub findings_api: crate::domain::findings_api::FindingsApi,
}

/// A running console session.
pub struct Console {
    pub state: State,
    runner: EffectRunner,
    rx: UnboundedReceiver<Action>,
    tx: UnboundedSender<Action>,
    themes_dir: Option<PathBuf>,
    no_color: bool,
    sandbox: Option<Sandbox>,
    /// Text sent to the clipboard this session (what OSC 52 carried), newest last.
    pub copied: Vec<String>,
    /// A real terminal is attached: clipboard escapes and browsers may be used.
    terminal: bool,
    /// The journal, read for a finding's local note history.
    journal_path: PathBuf,
    state_file: Option<PathBuf>,
}

impl Console {
    /// Called by the terminal loop: from now on `Copy` writes OSC 52 to the terminal and
    /// `OpenUrl` may start a browser. Headless sessions only record what was copied.
    pub fn attach_terminal(&mut self) {
        self.terminal = true;
    }

    /// Builds the session and starts its first reads. Must run inside a tokio runtime.
    pub fn start(parts: ConsoleParts) -> Console {
        let ConsoleParts {
            mut session,
            sdk_config,
            mode,
            journal_path,
            theme,
            key_overrides,
            note_author,
            themes_dir,
            no_color,
            mut startup_errors,
            sandbox,
            views,
            cross_account,
            pacer,
            state_file,
            findings_api,
        } = parts;
        let clients = AwsClients::with_findings_pacer(&sdk_config, &pacer);
        let capability = match mode {
            SessionMode::ReadOnly => Capability::ReadOnly,
            SessionMode::ReadWrite(access) => match Journal::open(&journal_path) {
                Ok(journal) => {
                    let context = JournalContext {
                        caller_arn: None,
                        account: None,
                        profile: session.profile.clone(),
                        region: session.region.clone(),
                        endpoint: session.endpoint.clone(),
                    };
                    let options = ExecutorOptions {
                        note_author,
                        ..ExecutorOptions::default()
                    };
                    Capability::ReadWrite(
                        MutationExecutor::new(access, clients.clone(), journal, context, options)
                            .with_pacer(pacer.clone()),
                    )
                }
                // No journal, no changes: an unrecorded change is worse than none.
                Err(e) => {
                    startup_errors.push(format!(
                        "journal {} cannot be opened ({e}): this session is read-only",
                        journal_path.display()
                    ));
                    Capability::ReadOnly
                }
            },
        };
        session.read_only = capability.is_read_only();

        let (tx, rx) = unbounded_channel();
        let (keymap, key_errors) = Keymap::default_embedded().with_overrides(&key_overrides);
        let mut state = State::new(session, keymap, theme);
        // Plan ids unique across sessions: seeded from the clock, once.
        state.pipeline.ids = crate::tasks::session_plan_ids();
        state.findings.views = views;
        state.findings.source = crate::domain::findings_api::FindingsSource::new(findings_api);
        state.cross_account = cross_account;
        if let Some(path) = &state_file {
            match crate::remembered::load(path) {
                Ok(r) => state.analyzer.remembered = r.analyzers,
                Err(e) => startup_errors.push(format!("{e} (ignored: nothing remembered)")),
            }
        }
        if let Some(dir) = &themes_dir {
            state.theme_names.extend(user_theme_names(dir));
            state.theme_names.sort();
            state.theme_names.dedup();
        }
        let mut console = Console {
            state,
            runner: EffectRunner::new(clients, tx.clone(), capability).with_pacer(pacer),
            rx,
            tx,
            themes_dir,
            no_color,
            sandbox,
            copied: Vec::new(),
            terminal: false,
            journal_path: journal_path.clone(),
            state_file,
        };
        for message in startup_errors.into_iter().chain(key_errors) {
            console.dispatch(Action::Notify {
                level: NotifyLevel::Error,
                message,
            });
        }
        let effects = app::init(&mut console.state);
        console.run_effects(effects);
        console
    }

    /// Feeds one action through `update` and starts the effects it asks for.
    pub fn dispatch(&mut self, action: Action) {
        let effects = app::update(&mut self.state, action);
        self.run_effects(effects);
    }

    /// The next result from a background task (None once every sender is gone).
    pub async fn next_action(&mut self) -> Option<Action> {
        self.rx.recv().await
    }

    /// A result that is already waiting, if any.
    pub fn try_next_action(&mut self) -> Option<Action> {
        self.rx.try_recv().ok()
    }

    /// The embedded sandbox this session runs on, if any (tests inspect AWS state here).
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            if let Effect::Read(crate::app::ReadRequest::Findings(FindingsRead::History {
                finding,
            })) = &effect
            {
                self.load_local_notes(finding.id.clone());
            }
            match self.runner.run(effect) {
                None => {}
                Some(Effect::LoadTheme(name)) => self.load_theme(name),
                Some(Effect::LoadJournal) => self.load_journal(),
                Some(Effect::RememberAnalyzer { key, name }) => self.remember_analyzer(&key, &name),
                Some(Effect::Copy(text)) => {
                    if self.terminal {
                        use std::io::Write;
                        let mut out = std::io::stdout();
                        let osc = crate::app::panes::findings::copy::osc52(&text);
                        if let Err(e) = out.write_all(osc.as_bytes()).and_then(|()| out.flush()) {
                            tracing::warn!(error = %e, "clipboard escape not written");
                        }
                    }
                    self.copied.push(text);
                }
                // Checked again here: nothing but a web link ever reaches the opener.
                Some(Effect::OpenUrl(url))
                    if self.terminal && crate::app::panes::findings::copy::openable(&url) =>
                {
                    open_in_browser(&url)
                }
                Some(Effect::OpenUrl(_)) => {}
                Some(Effect::ExportFindings { path, findings }) => {
                    crate::tasks::export::export_in_background(path, findings, self.tx.clone())
                }
                Some(Effect::Quit) => self.state.should_quit = true,
                Some(other) => tracing::warn!(?other, "effect not handled"),
            }
        }
    }

    /// Reads the journal off the UI thread for the notes written on `finding_id`. A missing
    /// journal just means none were written from this machine.
    fn load_local_notes(&self, finding_id: String) {
        let (tx, path) = (self.tx.clone(), self.journal_path.clone());
        tokio::task::spawn_blocking(move || {
            let notes = match Journal::read_all(&path) {
                Ok(entries) => {
                    crate::app::panes::findings::notes::local_notes(&entries, &finding_id)
                }
                Err(e) => {
                    tracing::debug!(error = %e, "journal not read for local notes");
                    Vec::new()
                }
            };
            let _ = tx.send(Action::Pane(PaneMsg::Findings(
                crate::app::FindingsMsg::LocalNotesLoaded { finding_id, notes },
            )));
        });
    }

    /// A tiny file written atomically: done in place so two quick choices land in order.
    fn remember_analyzer(&self, key: &str, name: &str) {
        let Some(path) = &self.state_file else {
            return;
        };
        if let Err(e) = crate::remembered::remember_analyzer(path, key, name) {
            let _ = self.tx.send(Action::Notify {
                level: NotifyLevel::Warning,
                message: format!("the analyzer choice is not remembered: {e}"),
            });
        }
    }

    /// Reads the whole journal off the UI thread for the journal view. A missing file is
    /// an empty journal: nothing was changed from this machine yet.
    fn load_journal(&self) {
        let (tx, path) = (self.tx.clone(), self.journal_path.clone());
        tokio::task::spawn_blocking(move || {
            let result = match Journal::read_all(&path) {
                Ok(entries) => Ok(entries),
                Err(crate::journal::JournalError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    Ok(Vec::new())
                }
                Err(e) => Err(e.to_string()),
            };
            let _ = tx.send(Action::Pane(PaneMsg::Journal(
                crate::app::JournalMsg::Loaded(result),
            )));
        });
    }

    /// Theme files are small and local; read them off the UI thread anyway.
    fn load_theme(&self, name: String) {
        let tx = self.tx.clone();
        if self.no_color {
            let _ = tx.send(Action::ThemeLoaded(Err(format!(
                "NO_COLOR is set: staying monochrome (not loading theme {name:?})"
            ))));
            return;
        }
        let dir = self.themes_dir.clone();
        tokio::task::spawn_blocking(move || {
            let result = Theme::load(&name, dir.as_deref()).map_err(|e| e.to_string());
            let _ = tx.send(Action::ThemeLoaded(result));
        });
    }
}

/// Starts a browser when one can be shown (macOS, or a graphical session); otherwise the
/// URL in the notification is all there is, which is what an SSH session needs.
fn open_in_browser(url: &str) {
    let graphical =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    let opener = if cfg!(target_os = "macos") {
        Some("open")
    } else if graphical {
        Some("xdg-open")
    } else {
        None
    };
    if let Some(opener) = opener {
        let spawned = std::process::Command::new(opener)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Err(e) = spawned {
            tracing::warn!(error = %e, opener, "could not start a browser");
        }
    }
}

fn user_theme_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect()
}

/// AWS's GetFindings quota once the endpoint throttles, and no pacing for an embedded
/// sandbox known to enforce none.
pub fn pacer_for(sandbox: Option<&Sandbox>) -> Arc<Pacer> {
    match sandbox.map(|s| s.config().quotas) {
        Some(crate::sandbox::QuotaMode::Off) => Arc::new(Pacer::unlimited()),
        _ => Arc::new(Pacer::get_findings_adaptive()),
    }
}

/// A demo session on a fresh sandbox seeded with `seed`, as `--demo` builds it but with
/// the access mode and journal chosen by the caller (tests, benches, headless drivers).
pub async fn demo_parts(
    seed: Seed,
    access: crate::config::AccessFlag,
    journal_path: PathBuf,
) -> anyhow::Result<ConsoleParts> {
    let (sandbox, sdk_config) = crate::sandbox::start_sandbox(seed).await?;
    let config = crate::config::Config::default();
    Ok(ConsoleParts {
        session: Session {
            profile: Some("demo".into()),
            region: sandbox.config().region.clone(),
            demo: true,
            ..Session::default()
        },
        sdk_config,
        mode: SessionMode::resolve(access, &config, "demo"),
        journal_path,
        theme: Theme::default_dark(),
        key_overrides: BTreeMap::new(),
        note_author: "secdeck-test".into(),
        themes_dir: None,
        no_color: false,
        startup_errors: Vec::new(),
        pacer: pacer_for(Some(&sandbox)),
        sandbox: Some(sandbox),
        views: Vec::new(),
        cross_account: Default::default(),
        state_file: None,
        // The suite's consoles read ASFF unless a test asks for OCSF (`findings_api`):
        // the demo world has both hubs enabled, and `auto` would switch to OCSF.
        findings_api: crate::domain::findings_api::FindingsApi::Asff,
    })
}
