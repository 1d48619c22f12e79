//! `secdeck info`: what a console started with these flags would use, resolved without
//! contacting AWS (region comes from flags, config, environment and profile files only).

use std::io::Write;

use aws_config::meta::region::ProvideRegion;

use super::{ConsoleOptions, Sourced};

/// Writes the report to `out`.
pub async fn print(opts: &ConsoleOptions, out: &mut impl Write) -> anyhow::Result<()> {
    let config_line = match (&opts.config_error, opts.config_path.exists()) {
        (Some(e), _) => format!("error: {e}; using defaults"),
        (None, true) => format!("{} (ok)", opts.config_path.display()),
        (None, false) => format!("{} (not found, using defaults)", opts.config_path.display()),
    };
    let region = if opts.demo {
        Some(Sourced {
            value: crate::sandbox::SandboxConfig::default().region,
            source: "sandbox",
        })
    } else {
        resolve_region(opts).await
    };
    let endpoints = if opts.demo {
        vec!["embedded sandbox (in-process) (from --demo)".to_string()]
    } else {
        endpoints(opts, |name| {
            std::env::var(name).ok().filter(|v| !v.is_empty())
        })
    };
    let mut rows: Vec<(&str, String)> = vec![("config", config_line)];
    rows.extend(
        opts.config_notices
            .iter()
            .map(|n| ("config issue", n.clone())),
    );
    rows.extend(vec![
        ("theme", sourced(&opts.theme)),
        (
            "findings api",
            format!(
                "{} (from {})",
                opts.findings_api.value, opts.findings_api.source
            ),
        ),
        ("journal", opts.journal_path.display().to_string()),
        (
            "demo journal",
            opts.paths.demo_journal_file().display().to_string(),
        ),
        ("log", opts.log_path.display().to_string()),
        ("themes dir", opts.paths.themes_dir().display().to_string()),
        (
            "mode",
            if opts.demo {
                "demo (embedded sandbox)".into()
            } else {
                "AWS".into()
            },
        ),
        ("profile", sourced(&opts.profile)),
        (
            "region",
            region
                .as_ref()
                .map_or_else(|| crate::aws::NO_REGION.to_string(), sourced),
        ),
    ]);
    rows.extend(endpoints.into_iter().map(|e| ("endpoint", e)));
    rows.extend(vec![
        ("access", opts.read_only.to_string()),
        (
            "note author",
            match opts.note_author.as_str() {
                "" => "the caller identity's ARN (set note_author in the config to change)".into(),
                name => name.to_string(),
            },
        ),
    ]);
    for (name, value) in rows {
        writeln!(out, "{:<13} {value}", format!("{name}:"))?;
    }
    Ok(())
}

fn sourced(s: &Sourced<String>) -> String {
    format!("{} (from {})", s.value, s.source)
}

/// The region the SDK would pick, minus IMDS (which would mean a network call).
async fn resolve_region(opts: &ConsoleOptions) -> Option<Sourced<String>> {
    if let Some(region) = &opts.region {
        return Some(region.clone());
    }
    if let Some(r) = aws_config::environment::EnvironmentVariableRegionProvider::new()
        .region()
        .await
    {
        return Some(Sourced {
            value: r.to_string(),
            source: "AWS_REGION / AWS_DEFAULT_REGION",
        });
    }
    let provider = aws_config::profile::ProfileFileRegionProvider::builder()
        .profile_name(&opts.profile.value)
        .build();
    provider.region().await.map(|r| Sourced {
        value: r.to_string(),
        source: "AWS profile",
    })
}

/// The services secdeck calls, by the suffix of their `AWS_ENDPOINT_URL_<SERVICE>`.
const SERVICES: [&str; 6] = [
    "SECURITYHUB",
    "ACCESSANALYZER",
    "WAFV2",
    "IOT",
    "IAM",
    "STS",
];

/// Every endpoint override in force, one line each: `--endpoint-url` (for every service),
/// else `AWS_ENDPOINT_URL` and each service's own `AWS_ENDPOINT_URL_<SERVICE>`, as the
/// SDK applies them (profile `endpoint_url` settings are applied by aws-config at connect
/// time and are not shown here).
fn endpoints(opts: &ConsoleOptions, env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    if let Some(url) = &opts.client.endpoint_url {
        return vec![format!("{url} (from --endpoint-url, every service)")];
    }
    if env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return vec!["AWS default for each service (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)".into()];
    }
    let mut out = vec![match env("AWS_ENDPOINT_URL") {
        Some(url) => format!("{url} (from AWS_ENDPOINT_URL)"),
        None => "AWS default for each service".to_string(),
    }];
    for service in SERVICES {
        let var = format!("AWS_ENDPOINT_URL_{service}");
        if let Some(url) = env(&var) {
            out.push(format!("{service} {url} (from {var})"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_per_service_override_is_listed_and_the_flag_wins() {
        let opts = crate::cli::ConsoleOptions::resolve_with(
            &Default::default(),
            crate::paths::Paths::resolve(|_| None, None),
            |_| None,
        );
        let env = |name: &str| match name {
            "AWS_ENDPOINT_URL" => Some("http://all:1".to_string()),
            "AWS_ENDPOINT_URL_IAM" => Some("http://iam:2".to_string()),
            "AWS_ENDPOINT_URL_WAFV2" => Some("http://waf:3".to_string()),
            _ => None,
        };
        assert_eq!(
            endpoints(&opts, env),
            [
                "http://all:1 (from AWS_ENDPOINT_URL)",
                "WAFV2 http://waf:3 (from AWS_ENDPOINT_URL_WAFV2)",
                "IAM http://iam:2 (from AWS_ENDPOINT_URL_IAM)",
            ]
        );
        let mut flagged = opts.clone();
        flagged.client.endpoint_url = Some("http://flag:4".into());
        assert_eq!(
            endpoints(&flagged, env),
            ["http://flag:4 (from --endpoint-url, every service)"]
        );
    }
}
