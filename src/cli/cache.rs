//! `secdeck cache info|clear [--profile P]`: what the findings store holds (per profile /
//! account / region / API file: its views, how many findings, how old) and removing it;
//! and the store an `export --cached` reads.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::app::panes::findings::age_text;
use crate::domain::filter::FindingFilters;
use crate::paths::Paths;
use crate::store::StoreFile;

#[derive(Debug, Clone, Subcommand)]
pub enum CacheCommand {
    /// List the findings stores: file, views, findings and age.
    Info(CacheArgs),
    /// Remove the findings stores (they are fetched again when needed).
    Clear(CacheArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    /// Only this profile's stores.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

pub fn run(command: &CacheCommand, paths: &Paths, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = paths.cache_dir();
    match command {
        CacheCommand::Info(args) => info(dir, args.profile.as_deref(), out),
        CacheCommand::Clear(args) => {
            let n = crate::store::clear(dir, args.profile.as_deref())
                .map_err(|e| anyhow::anyhow!("cannot clear {}: {e}", dir.display()))?;
            let whose = args
                .profile
                .as_ref()
                .map_or(String::new(), |p| format!(" of profile {p}"));
            writeln!(out, "removed {n} findings store{}{whose}", plural(n))?;
            Ok(())
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn info(dir: &Path, profile: Option<&str>, out: &mut dyn Write) -> anyhow::Result<()> {
    let files = crate::store::list(dir, profile)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
    if files.is_empty() {
        writeln!(
            out,
            "no findings store under {}",
            dir.join("findings").display()
        )?;
        return Ok(());
    }
    let now = time::OffsetDateTime::now_utc();
    for f in &files {
        writeln!(
            out,
            "{}  profile {}  {}  {} KiB",
            f.path.display(),
            f.profile,
            f.name,
            f.bytes / 1024
        )?;
        if let Some(problem) = &f.problem {
            writeln!(out, "  unreadable ({problem}): rebuilt when next opened")?;
        }
        for (filter, rows, synced) in &f.views {
            writeln!(
                out,
                "  view {}: {rows} findings, {}",
                view_summary(filter),
                synced_text(synced.as_deref(), now)
            )?;
        }
    }
    Ok(())
}

fn view_summary(filter: &str) -> String {
    if let Some(ocsf) = crate::store::ocsf::summary(filter) {
        return ocsf;
    }
    serde_json::from_str::<FindingFilters>(filter)
        .map(|f| f.summary())
        .unwrap_or_else(|_| filter.to_string())
}

/// "synced 3 h ago", or "never completed".
pub fn synced_text(synced: Option<&str>, now: time::OffsetDateTime) -> String {
    let at = synced.and_then(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
    });
    match at {
        Some(at) => format!(
            "synced {} ago",
            age_text((now - at).whole_seconds().max(0).unsigned_abs())
        ),
        None => "never completed".into(),
    }
}

/// The one store of `profile` in `region` (any account) of `api`'s findings, for
/// `export --cached`.
pub fn store_for(
    paths: &Paths,
    profile: &str,
    region: &str,
    api: crate::store::Api,
) -> anyhow::Result<PathBuf> {
    let suffix = format!("-{}-{}", crate::store::file_part(region), api.as_str());
    let files: Vec<StoreFile> = crate::store::list(paths.cache_dir(), Some(profile))?
        .into_iter()
        .filter(|f| f.name.ends_with(&suffix))
        .collect();
    match &files[..] {
        [one] => Ok(one.path.clone()),
        [] => anyhow::bail!(
            "no findings store for profile {profile} in {region} ({} findings) under {}: \
             open the console once, or export without --cached",
            api.as_str().to_uppercase(),
            paths.cache_dir().display()
        ),
        many => anyhow::bail!(
            "several findings stores for profile {profile} in {region}: {}",
            many.iter()
                .map(|f| f.path.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
