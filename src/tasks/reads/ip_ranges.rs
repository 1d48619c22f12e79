//! Reading an ip-ranges.json for a sync: a local file, the official URL (downloaded with
//! `curl`: there is no HTTP client among our dependencies), or the snapshot bundled for
//! the demo. Shared by the console's sync dialog and `secdeck waf sync`.

use std::path::Path;

use crate::app::panes::ipsets::sync::IpRangesSource;
use crate::domain::ip_ranges::IpRanges;

/// AWS's ip-ranges.json of 2026-08-22 (syncToken 1787411825), unchanged; see
/// assets/demo/PROVENANCE.md.
const DEMO_IP_RANGES: &[u8] = include_bytes!("../../../assets/demo/ip-ranges.json");

/// `~/` at the start of a typed path means the home directory, as in a shell.
pub fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => Path::new(path).to_path_buf(),
    }
}

pub fn read_file(path: &Path) -> Result<IpRanges, String> {
    let bytes = crate::bounded::read(path, crate::bounded::IP_RANGES)
        .map_err(|e| format!("cannot read ip-ranges file {e}"))?;
    IpRanges::parse(&bytes, &path.display().to_string()).map_err(|e| e.to_string())
}

pub fn download(url: &str) -> Result<IpRanges, String> {
    let limit = crate::bounded::IP_RANGES;
    let max = limit.bytes.to_string();
    let output = std::process::Command::new("curl")
        .args([
            "--silent",
            "--show-error",
            "--fail",
            "--location",
            "--max-time",
            "60",
            // The same bound as a local file.
            "--max-filesize",
            &max,
            url,
        ])
        .output()
        .map_err(|e| format!("cannot download {url}: running curl failed: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cannot download {url}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    if output.stdout.len() as u64 > limit.bytes {
        return Err(format!(
            "cannot download {url}: larger than {}, the limit for the {}",
            crate::bounded::human(limit.bytes),
            limit.what
        ));
    }
    IpRanges::parse(&output.stdout, url).map_err(|e| e.to_string())
}

/// Blocking: call from a blocking task.
pub fn load(source: &IpRangesSource) -> Result<IpRanges, String> {
    match source {
        IpRangesSource::File(p) if p.starts_with("https://") || p.starts_with("http://") => {
            download(p)
        }
        IpRangesSource::File(p) => read_file(&expand_home(p)),
        IpRangesSource::Official => download(crate::domain::ip_ranges::OFFICIAL_URL),
        IpRangesSource::Demo => {
            IpRanges::parse(DEMO_IP_RANGES, "assets/demo/ip-ranges.json").map_err(|e| e.to_string())
        }
    }
}
