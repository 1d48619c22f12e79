//! Console assembly: the command line's resolved [`ConsoleOptions`] turned into the
//! [`ConsoleParts`] a runtime session is built from (sandbox or AWS SDK config, theme,
//! journal, mode), and the interactive run on the terminal. The runtime knows nothing of
//! flags or config files; this is the one place that translates them.

use crate::app::Session;
use crate::aws;
use crate::runtime::{Console, ConsoleParts, pacer_for};
use crate::theme::Theme;

use super::{ConsoleOptions, build_seed};

/// Resolves the session for `opts`: the embedded sandbox for `--demo` (or `--seed`,
/// `--seed-scale`), otherwise the AWS SDK's standard configuration chain.
pub async fn parts_from_options(opts: &ConsoleOptions) -> anyhow::Result<ConsoleParts> {
    let mut startup_errors = Vec::new();
    startup_errors.extend(opts.config_notices.iter().cloned());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = if no_color {
        Theme::monochrome()
    } else {
        match Theme::load(&opts.theme.value, Some(&opts.paths.themes_dir())) {
            Ok(theme) => theme,
            Err(e) => {
                startup_errors.push(format!("{e} (using the default theme)"));
                Theme::default_dark()
            }
        }
    };
    let sandboxed = opts.demo || opts.seed_dir.is_some() || opts.seed_scale.is_some();
    let (session, sdk_config, sandbox) = if sandboxed {
        let seed = build_seed(opts.seed_dir.as_deref(), opts.seed_scale, now())?;
        let (sandbox, sdk_config) = crate::sandbox::start_sandbox(seed).await?;
        if opts.seed_dir.is_none() && opts.seed_scale.is_none() {
            sandbox
                .seed_iot_demo()
                .map_err(|e| anyhow::anyhow!("IoT demo world: {e}"))?;
        }
        let session = Session {
            profile: Some("demo".into()),
            region: sandbox.config().region.clone(),
            endpoint: None,
            demo: true,
            read_only: false,
            mouse: opts.mouse,
            identity: None,
        };
        (session, sdk_config, Some(sandbox))
    } else {
        let sdk_config = aws::load_sdk_config(&opts.client).await?;
        let session = Session {
            profile: Some(opts.profile.value.clone()),
            region: sdk_config
                .region()
                .map(|r| r.to_string())
                .unwrap_or_default(),
            endpoint: endpoint_override(opts),
            demo: false,
            read_only: false,
            mouse: opts.mouse,
            identity: None,
        };
        (session, sdk_config, None)
    };
    Ok(ConsoleParts {
        session,
        sdk_config,
        mode: opts.session_mode(),
        journal_path: opts.journal_path.clone(),
        theme,
        key_overrides: opts.config.keys.clone(),
        note_author: opts.note_author.clone(),
        themes_dir: Some(opts.paths.themes_dir()),
        no_color,
        startup_errors,
        pacer: pacer_for(sandbox.as_ref()),
        sandbox,
        views: opts
            .config
            .views
            .iter()
            .map(|v| (v.name.clone(), v.filter.clone()))
            .collect(),
        cross_account: opts.config.cross_account.roles(),
        state_file: Some(opts.paths.state_file()),
        // The sandbox is seeded anew each run: a store of it would show another world.
        findings_store: (!sandboxed && !opts.no_cache)
            .then(|| opts.paths.cache_dir().to_path_buf()),
        // The demo opens where every change works (changes to OCSF findings have no plan
        // kind yet); `--findings-api ocsf` or `:source ocsf` shows the new Security Hub.
        findings_api: if sandboxed && opts.findings_api.source == "default" {
            crate::domain::findings_api::FindingsApi::Asff
        } else {
            opts.findings_api.value
        },
    })
}

/// The endpoint shown in the status bar: the flag, else the environment overrides the SDK
/// honours for Security Hub (the pane this console opens on).
fn endpoint_override(opts: &ConsoleOptions) -> Option<String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let ignored = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v == "true");
    opts.client.endpoint_url.clone().or_else(|| {
        (!ignored)
            .then(|| env("AWS_ENDPOINT_URL_SECURITYHUB").or_else(|| env("AWS_ENDPOINT_URL")))
            .flatten()
    })
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// Runs the interactive console until the user quits.
pub async fn run_console(opts: ConsoleOptions) -> anyhow::Result<()> {
    let parts = parts_from_options(&opts).await?;
    tracing::info!(
        demo = parts.session.demo,
        read_only = parts.mode.is_read_only(),
        journal = %parts.journal_path.display(),
        "console starting"
    );
    let mut console = Console::start(parts);
    console.state.ipsets.ip_ranges_path = opts.ip_ranges.as_ref().map(|p| p.display().to_string());
    crate::tui::run(console).await
}
