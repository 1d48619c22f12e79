//! Faults from text, for `secdeck sandbox --faults SPEC` and scripts (the grammar is in
//! docs/SANDBOX-FAULTS.md):
//!
//! ```text
//! SPEC   := FAULT (';' FAULT)*
//! FAULT  := OPERATION ':' ACTION (',' OPTION)*        OPERATION: a name, or * for all
//! ACTION := STATUS['/'CODE]          refuse: answer the error, nothing changes
//!         | 'after-'STATUS['/'CODE]  apply the write, then answer the error
//!         | 'after-drop'             apply the write, then drop the connection
//!         | 'items'['/'CODE]         batch items fail (FailedFindings / UnprocessedFindings)
//!         | 'ids='ID('|'ID)*['/'CODE] these batch item ids fail
//! OPTION := 'times='N | 'chance='P | 'message='TEXT
//! ```

use super::{Fault, FaultMode, ItemFault, aws_message};

/// One parsed fault, ready to arm.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultSpec {
    /// A request fault (before or after the operation runs).
    Request(Fault),
    /// Any batch item of the operation fails.
    Items(Fault),
    /// Chosen batch items fail.
    Ids(ItemFault),
}

/// Parses a `;`-separated list of faults; the error names the fault and what is wrong.
pub fn parse_specs(text: &str) -> Result<Vec<FaultSpec>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| parse_one(f).map_err(|e| format!("fault {f:?}: {e}")))
        .collect()
}

/// The error code a status is answered with when the spec names none.
fn default_code(status: u16) -> &'static str {
    match status {
        400 => "InvalidInputException",
        403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        _ => "InternalException",
    }
}

/// `500` or `500/InternalException` -> (status, code).
fn status_code(text: &str) -> Result<(u16, String), String> {
    let (status, code) = match text.split_once('/') {
        Some((s, c)) => (s, Some(c)),
        None => (text, None),
    };
    let status: u16 = status
        .parse()
        .ok()
        .filter(|s| (400..600).contains(s))
        .ok_or_else(|| format!("{status:?} is not an HTTP error status (400-599)"))?;
    let code = match code {
        Some("") => return Err("an empty error code after '/'".into()),
        Some(c) => c.to_string(),
        None => default_code(status).to_string(),
    };
    Ok((status, code))
}

fn parse_one(text: &str) -> Result<FaultSpec, String> {
    let (operation, rest) = text
        .split_once(':')
        .ok_or("expected OPERATION:ACTION, e.g. UpdateIPSet:after-drop")?;
    let operation = match operation.trim() {
        "" => return Err("no operation before ':' (use * for every operation)".into()),
        "*" => None,
        op => Some(op.to_string()),
    };
    let mut parts = rest.split(',').map(str::trim);
    let action = parts.next().unwrap_or_default();
    let mut fault = Fault {
        operation: operation.clone(),
        remaining: None,
        ..Fault::next("", 0, 500, "InternalException")
    };
    let mut ids: Option<Vec<String>> = None;
    let mut items = false;
    if action == "after-drop" {
        fault.mode = FaultMode::ApplyThenDrop;
        fault.code = "ConnectionDropped".into();
    } else if let Some(rest) = action.strip_prefix("after-") {
        (fault.status, fault.code) = status_code(rest)?;
        fault.mode = FaultMode::ApplyThenAnswer;
    } else if let Some(rest) = action.strip_prefix("items") {
        items = true;
        fault.code = code_after_slash(rest)?.unwrap_or("InternalException".into());
    } else if let Some(rest) = action.strip_prefix("ids=") {
        let (list, code) = match rest.split_once('/') {
            Some((l, c)) => (l, Some(c.to_string())),
            None => (rest, None),
        };
        let list: Vec<String> = list
            .split('|')
            .filter(|i| !i.is_empty())
            .map(str::to_string)
            .collect();
        if list.is_empty() {
            return Err("ids= names no id".into());
        }
        ids = Some(list);
        fault.code = code.unwrap_or("InternalFailure".into());
    } else {
        (fault.status, fault.code) = status_code(action)
            .map_err(|e| format!("{e}; the action is STATUS[/CODE], after-STATUS[/CODE], after-drop, items[/CODE] or ids=ID|ID[/CODE]"))?;
    }
    fault.message = format!("injected fault: {}", fault.code);
    for option in parts {
        apply_option(&mut fault, option)?;
    }
    if let Some(ids) = ids {
        let Some(operation) = operation else {
            return Err("ids= needs a batch operation, not *".into());
        };
        let times = fault.remaining.unwrap_or(1);
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut f = ItemFault::ids(&operation, &refs, times, &fault.code);
        if !fault.message.starts_with("injected fault") {
            f.message = fault.message;
        } else {
            f.message = aws_message(&fault.code);
        }
        return Ok(FaultSpec::Ids(f));
    }
    Ok(if items {
        FaultSpec::Items(fault)
    } else {
        FaultSpec::Request(fault)
    })
}

fn code_after_slash(rest: &str) -> Result<Option<String>, String> {
    match rest {
        "" => Ok(None),
        r => match r.strip_prefix('/') {
            Some("") | None => Err(format!("expected items or items/CODE, found items{r}")),
            Some(code) => Ok(Some(code.to_string())),
        },
    }
}

fn apply_option(fault: &mut Fault, option: &str) -> Result<(), String> {
    let (key, value) = option
        .split_once('=')
        .ok_or_else(|| format!("option {option:?} is not KEY=VALUE"))?;
    match key {
        "times" => {
            let n: u32 = value
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("times={value}: not a count above 0"))?;
            fault.remaining = Some(n);
        }
        "chance" => {
            fault.probability = value
                .parse()
                .ok()
                .filter(|p: &f64| (0.0..=1.0).contains(p) && *p > 0.0)
                .ok_or_else(|| format!("chance={value}: not a probability in (0, 1]"))?;
        }
        "message" => fault.message = value.to_string(),
        other => {
            return Err(format!(
                "unknown option {other:?} (times=N, chance=P, message=TEXT)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> Fault {
        match parse_specs(text).unwrap().remove(0) {
            FaultSpec::Request(f) => f,
            other => panic!("not a request fault: {other:?}"),
        }
    }

    #[test]
    fn every_kind_of_fault_parses() {
        let f = request("UpdateIPSet:after-drop,times=1");
        assert_eq!(f.mode, FaultMode::ApplyThenDrop);
        assert_eq!(f.operation.as_deref(), Some("UpdateIPSet"));
        assert_eq!(f.remaining, Some(1));

        let f = request("UpdateFindings:after-500");
        assert_eq!(f.mode, FaultMode::ApplyThenAnswer);
        assert_eq!((f.status, f.code.as_str()), (500, "InternalException"));
        assert_eq!(f.remaining, None);

        let f = request("*:503,chance=0.25,message=try later");
        assert_eq!(f.operation, None);
        assert_eq!(
            (f.status, f.code.as_str()),
            (503, "ServiceUnavailableException")
        );
        assert_eq!(f.probability, 0.25);
        assert_eq!(f.message, "try later");
        assert_eq!(f.mode, FaultMode::Refuse);

        let specs = parse_specs(
            "BatchImportFindings:items/InvalidInput,times=3; BatchUpdateFindings:ids=a|b/ConcurrentUpdateError,times=2",
        )
        .unwrap();
        assert!(
            matches!(&specs[0], FaultSpec::Items(f) if f.code == "InvalidInput" && f.remaining == Some(3))
        );
        let FaultSpec::Ids(ids) = &specs[1] else {
            panic!("not an ids fault")
        };
        assert_eq!(ids.ids.get("b"), Some(&2));
        assert_eq!(ids.message, "Concurrent finding updates detected");
    }

    #[test]
    fn mistakes_are_named() {
        let err = |t: &str| parse_specs(t).unwrap_err();
        assert_eq!(
            err("GetFindings"),
            "fault \"GetFindings\": expected OPERATION:ACTION, e.g. UpdateIPSet:after-drop"
        );
        assert!(err("GetFindings:200").contains("\"200\" is not an HTTP error status"));
        assert!(err("GetFindings:500,times=0").contains("times=0: not a count above 0"));
        assert!(err("GetFindings:500,often=1").contains("unknown option \"often\""));
        assert!(err("*:ids=a").contains("ids= needs a batch operation"));
    }
}
