//! `secdeck iam-policy --read-only|--operator`: the IAM policy a role needs for secdeck,
//! built from the operations table; `--list` shows the table itself.

use std::io::Write;

use clap::Args;

use crate::aws::iam_policy::{PolicyKind, policy_document};
use crate::aws::operations::{Access, OPERATIONS, Operation};

#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct IamPolicyArgs {
    /// The viewer's policy: every read secdeck makes, no change.
    #[arg(long)]
    pub read_only: bool,
    /// The operator's policy: the reads plus every change secdeck can make.
    #[arg(long)]
    pub operator: bool,
    /// Every AWS operation secdeck calls, with its IAM action, access and pane.
    #[arg(long)]
    pub list: bool,
}

/// Prints the policy or the table; a reader that stops early (`| head`) is no error.
pub fn run(args: &IamPolicyArgs, out: &mut impl Write) -> anyhow::Result<()> {
    match print(args, out) {
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(())
        }
        other => other,
    }
}

fn print(args: &IamPolicyArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let kind = match (args.read_only, args.operator) {
        (true, _) => PolicyKind::ReadOnly,
        (_, true) => PolicyKind::Operator,
        _ => return write_table(OPERATIONS, out),
    };
    let document = policy_document(OPERATIONS, kind);
    writeln!(out, "{}", serde_json::to_string_pretty(&document)?)?;
    Ok(())
}

/// One line an operation: `service:Operation  iam-action  read|write  pane  what for`.
fn write_table(table: &[Operation], out: &mut impl Write) -> anyhow::Result<()> {
    let rows: Vec<[String; 5]> = table
        .iter()
        .map(|o| {
            [
                format!("{}:{}", o.service.prefix(), o.name),
                o.iam_action()
                    .unwrap_or_else(|| "(no permission needed)".into()),
                match o.access {
                    Access::Read => "read".into(),
                    Access::Write => "write".into(),
                },
                o.feature.sid_name().to_lowercase(),
                o.used_for.to_string(),
            ]
        })
        .collect();
    let header = ["OPERATION", "IAM ACTION", "ACCESS", "PANE", "USED FOR"].map(String::from);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            line.push_str(&format!("{cell:<w$}  "));
        }
        line.push_str(&row[4]);
        writeln!(out, "{line}")?;
    }
    Ok(())
}
