//! What the pane asks for and is told: the reads it sends out (`IotRead`), the results and
//! commands that come back (`IotAction`), and the parsing of `:suppress` / `:mitigate`.

use crate::domain::iot::{AuditFinding, AuditSuppression, AuditTask, IotOverview};
use crate::domain::iot_plan::IotImport;

/// Reads the pane asks the effect runner for.
#[derive(Debug, Clone, PartialEq)]
pub enum IotRead {
    /// Configuration, tasks (described), suppressions, mitigation actions and tasks.
    Overview {
        request: u64,
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
pub enum IotAction {
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
}

impl IotAction {
    pub fn is_mutating(&self) -> bool {
        matches!(
            self,
            IotAction::Suppress { .. } | IotAction::Mitigate { .. }
        )
    }

    /// Parses `:suppress` / `:mitigate` arguments.
    pub fn parse_command(cmd: &str, arg: &str) -> Option<Result<IotAction, String>> {
        match cmd {
            "suppress" => Some(parse_suppress(arg)),
            "mitigate" if arg.is_empty() => Some(Err("usage: :mitigate ACTION_NAME".into())),
            "mitigate" => Some(Ok(IotAction::Mitigate {
                action: arg.to_string(),
            })),
            _ => None,
        }
    }
}

fn parse_suppress(arg: &str) -> Result<IotAction, String> {
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
    Ok(IotAction::Suppress {
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
