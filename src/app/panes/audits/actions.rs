//! What the pane asks for and is told: the reads it sends out (`IotRead`), the results and
//! commands that come back (`AuditsMsg`), and the parsing of `:suppress` / `:mitigate` / `:audit` / `:audits`.

use crate::domain::iot::{AuditFinding, AuditSuppression, AuditTask, IotOverview};
use crate::domain::iot_plan::IotImport;

/// Reads the pane asks the effect runner for.
#[derive(Debug, Clone, PartialEq)]
pub enum IotRead {
    /// Configuration, tasks (described), suppressions, mitigation actions and tasks.
    Overview {
        request: u64,
        /// ListAuditTasks / ListAuditMitigationActionsTasks look back this many days.
        window_days: u32,
    },
    Findings {
        request: u64,
        task_id: String,
    },
    /// Read what an import needs and plan it (answered with `ImportPlanned`).
    PlanImport {
        task_id: String,
    },
    /// DescribeAuditTask of a running audit after `delay_ms` (answered with `TaskPolled`).
    PollTask {
        task_id: String,
        delay_ms: u64,
    },
    /// Every suppression, all pages (answered with `SuppressionsLoaded`).
    Suppressions {
        request: u64,
    },
    /// The executions of a running mitigation task for these findings, after `delay_ms`
    /// (answered with `MitigationPolled`).
    PollMitigation {
        task_id: String,
        finding_ids: Vec<String>,
        delay_ms: u64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expiry {
    Days(u32),
    /// A date (`YYYY-MM-DD`), as epoch seconds at 00:00 UTC.
    Until(f64),
    Indefinitely,
}

/// Results and requests for the pane, inside `Action::Iot`.
#[derive(Debug, Clone, PartialEq)]
pub enum AuditsMsg {
    OverviewLoaded {
        request: u64,
        result: Result<IotOverview, String>,
    },
    FindingsLoaded {
        request: u64,
        task_id: String,
        result: Result<Vec<AuditFinding>, String>,
    },
    ImportPlanned(Result<IotImport, String>),
    /// From `:suppress DAYS|forever DESCRIPTION`.
    Suppress {
        expiry: Expiry,
        description: String,
    },
    /// From `:mitigate ACTION`.
    Mitigate {
        action: String,
    },
    /// An import in progress: findings sent so far of `total`.
    ImportProgress {
        sent: usize,
        total: usize,
    },
    /// DescribeAuditTask of a running audit answered.
    TaskPolled {
        task_id: String,
        result: Result<AuditTask, String>,
    },
    SuppressionsLoaded {
        request: u64,
        result: Result<Vec<AuditSuppression>, String>,
    },
    /// From `:audit CHECK[,CHECK...]`: start an on-demand audit of exactly these checks.
    StartAuditOf {
        checks: Vec<String>,
    },
    /// From `:audits WINDOW`: list the audits of the last `days` days.
    SetWindow {
        days: u32,
    },
    /// The executions of a running mitigation task answered.
    MitigationPolled {
        task_id: String,
        finding_ids: Vec<String>,
        result: Result<Vec<crate::domain::iot::MitigationExecution>, String>,
    },
}

impl AuditsMsg {
    pub fn is_mutating(&self) -> bool {
        self.change_command().is_some()
    }

    /// The `:` command of a message that starts a change (named when a read-only session
    /// refuses it).
    pub fn change_command(&self) -> Option<&'static str> {
        match self {
            AuditsMsg::Suppress { .. } => Some(":suppress"),
            AuditsMsg::Mitigate { .. } => Some(":mitigate"),
            AuditsMsg::StartAuditOf { .. } => Some(":audit"),
            _ => None,
        }
    }

    /// Parses `:suppress` / `:mitigate` arguments.
    pub fn parse_command(cmd: &str, arg: &str) -> Option<Result<AuditsMsg, String>> {
        match cmd {
            "suppress" => Some(parse_suppress(arg)),
            "mitigate" if arg.is_empty() => Some(Err("usage: :mitigate ACTION_NAME".into())),
            "mitigate" => Some(Ok(AuditsMsg::Mitigate {
                action: arg.to_string(),
            })),
            "audits" => Some(parse_window(arg).map(|days| AuditsMsg::SetWindow { days })),
            "audit" => {
                let checks: Vec<String> = arg
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect();
                Some(if checks.is_empty() {
                    Err("usage: :audit CHECK[,CHECK...] (Tab completes check names)".into())
                } else {
                    Ok(AuditsMsg::StartAuditOf { checks })
                })
            }
            _ => None,
        }
    }
}

/// `7d` / `48h` (the filter grammar's windows, hours rounded up to days), `4w` or a
/// number of days, up to the 90 days IoT keeps audits.
pub fn parse_window(arg: &str) -> Result<u32, String> {
    const USAGE: &str = "usage: :audits WINDOW (7d, 48h, 4w, up to 90d)";
    let arg = arg.trim();
    let days = match crate::domain::filter_expr::parse_window(arg) {
        Some((n, "DAYS")) => u32::try_from(n).ok(),
        Some((n, _hours)) => u32::try_from(n).ok().map(|h| h.div_ceil(24)),
        None => match arg.strip_suffix('w') {
            Some(w) => w.parse::<u32>().ok().and_then(|w| w.checked_mul(7)),
            None => arg.parse::<u32>().ok(),
        },
    };
    days.filter(|d| (1..=super::TASK_WINDOW_DAYS as u32).contains(d))
        .ok_or_else(|| USAGE.to_string())
}

fn parse_suppress(arg: &str) -> Result<AuditsMsg, String> {
    const USAGE: &str = "usage: :suppress DAYS|YYYY-MM-DD|forever DESCRIPTION";
    let (when, description) = arg.split_once(char::is_whitespace).ok_or(USAGE)?;
    let expiry = match when {
        "forever" | "indefinitely" => Expiry::Indefinitely,
        date if date.contains('-') => Expiry::Until(parse_date(date).ok_or(USAGE)?),
        days => Expiry::Days(
            days.trim_end_matches('d')
                .parse()
                .ok()
                .filter(|d| *d > 0)
                .ok_or(USAGE)?,
        ),
    };
    Ok(AuditsMsg::Suppress {
        expiry,
        description: description.trim().to_string(),
    })
}

/// `YYYY-MM-DD` as epoch seconds at 00:00 UTC.
fn parse_date(text: &str) -> Option<f64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, &format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() as f64)
}

impl Expiry {
    /// The expiration date it sets, read at `now` (None: indefinitely).
    pub fn date(&self, now: f64) -> Option<f64> {
        match self {
            Expiry::Days(d) => Some((now + f64::from(*d) * 86_400.0).floor()),
            Expiry::Until(date) => Some(*date),
            Expiry::Indefinitely => None,
        }
    }
}
