//! The k9s-like filter grammar (`sev=CRITICAL,HIGH status=NEW product=GuardDuty updated<7d`)
//! parsed into terms that turn into `FindingFilters` and print back as the same text.
//! Errors carry the byte offset and length of the offending token, so the command line can
//! point at it; a failed parse never produces a partial filter.
//!
//! Terms are separated by whitespace; each is `NAME OP VALUE[,VALUE...]`:
//! - NAME: an alias (`sev`, `status`, `product`, `updated`, ...) or any
//!   `AwsSecurityFindingFilters` attribute by its API name (`ResourceAwsEc2InstanceType`),
//!   case-insensitive; map attributes take a key: `tag[env]=prod`.
//! - strings: `=` `!=` `^=` (prefix) `!^=` `~` (contains) `!~`; values OR'ed for positive
//!   operators and AND'ed for negative ones, as Security Hub does.
//! - dates: `<7d` / `<24h` (within the last window), `>DATE` / `<DATE` (after / before).
//! - numbers: `=` `<` `<=` `>` `>=`.
//! - values may be double-quoted (`title~"root account"`); `*` alone means no filter.

use std::fmt;

use super::filter::{
    Conditions, DateFilter, DateRange, FindingFilters, MapComparison, MapFilter, NumberFilter,
    StringComparison, StringFilter,
};
use super::filter_attrs::{self, AttributeKind};

/// Security Hub accepts at most this many attributes in one request...
pub const MAX_ATTRIBUTES: usize = 10;
/// ...and at most this many conditions on one attribute.
pub const MAX_VALUES_PER_ATTRIBUTE: usize = 20;

/// Relative windows in hours are not an AWS `DateRange` unit; the AWS adapter turns this
/// unit into Start/End at the moment the request is sent.
pub const HOURS_UNIT: &str = "HOURS";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Prefix,
    NotPrefix,
    Contains,
    NotContains,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    /// Longest first, so `!^=` is not read as `!` + `^=`.
    const ALL: [(&'static str, Op); 10] = [
        ("!^=", Op::NotPrefix),
        ("!=", Op::Ne),
        ("^=", Op::Prefix),
        ("!~", Op::NotContains),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("=", Op::Eq),
        ("~", Op::Contains),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];

    pub fn as_str(self) -> &'static str {
        Op::ALL
            .iter()
            .find(|(_, op)| *op == self)
            .map_or("=", |(s, _)| s)
    }

    fn parse_prefix(s: &str) -> Option<(Op, usize)> {
        Op::ALL
            .iter()
            .find(|(text, _)| s.starts_with(text))
            .map(|(text, op)| (*op, text.len()))
    }
}

/// One `NAME OP VALUES` term, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The API attribute name (`SeverityLabel`).
    pub attribute: String,
    /// The key of a map attribute (`ResourceTags[env]`).
    pub map_key: Option<String>,
    pub op: Op,
    /// Normalised values (enumerations upper-cased, dates in RFC 3339).
    pub values: Vec<String>,
}

/// A parsed filter expression. `Display` prints text that parses back to the same value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterExpr {
    pub terms: Vec<Term>,
}

/// Why an expression was refused, and where: `offset`/`len` are bytes into the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub offset: usize,
    pub len: usize,
    pub token: String,
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at column {}: {:?})",
            self.message,
            self.offset + 1,
            self.token
        )
    }
}

impl std::error::Error for FilterError {}

impl FilterError {
    fn at(token: &Token<'_>, start: usize, len: usize, message: impl Into<String>) -> Self {
        let begin = start.min(token.text.len().saturating_sub(1));
        let end = (begin + len.max(1)).min(token.text.len());
        FilterError {
            offset: token.offset + begin,
            len: end.saturating_sub(begin).max(1),
            token: token.text.to_string(),
            message: message.into(),
        }
    }

    /// A line of spaces and carets under the offending part of `input`.
    pub fn caret_line(&self) -> String {
        format!("{}{}", " ".repeat(self.offset), "^".repeat(self.len.max(1)))
    }
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    offset: usize,
    text: &'a str,
}

/// Splits on whitespace outside double quotes.
fn tokens(input: &str) -> Result<Vec<Token<'_>>, FilterError> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in input.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => {
                quoted = !quoted;
                start.get_or_insert(i);
            }
            c if c.is_whitespace() && !quoted => {
                if let Some(s) = start.take() {
                    out.push(Token {
                        offset: s,
                        text: &input[s..i],
                    });
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        let token = Token {
            offset: s,
            text: &input[s..],
        };
        if quoted {
            let q = token.text.find('"').unwrap_or(0);
            return Err(FilterError::at(&token, q, 1, "unterminated quote"));
        }
        out.push(token);
    }
    Ok(out)
}

/// Splits `text` (starting at byte `base` of the token) on commas outside quotes,
/// unquoting each value. Returns (value, offset in token, raw length).
fn split_values(
    token: &Token<'_>,
    base: usize,
) -> Result<Vec<(String, usize, usize)>, FilterError> {
    let text = &token.text[base..];
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    let mut was_quoted = false;
    for (i, c) in text.char_indices() {
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            ',' if !quoted => {
                out.push((
                    std::mem::take(&mut current),
                    base + start,
                    i - start,
                    was_quoted,
                ));
                start = i + 1;
                was_quoted = false;
            }
            c => current.push(c),
        }
    }
    out.push((current, base + start, text.len() - start, was_quoted));
    out.into_iter()
        .map(|(value, at, len, was_quoted)| {
            if value.is_empty() && !was_quoted {
                Err(FilterError::at(token, at, len, "missing value"))
            } else {
                Ok((value, at, len))
            }
        })
        .collect()
}

/// Where a name ends: at its operator or map key.
fn is_operator_char(c: char) -> bool {
    matches!(c, '=' | '!' | '~' | '<' | '>' | '^' | '[' | '"')
}

/// Enumerated string attributes: values are upper-cased and checked.
fn enumeration(attribute: &str) -> Option<&'static [&'static str]> {
    match attribute {
        "SeverityLabel" | "FindingProviderFieldsSeverityLabel" => {
            Some(&["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"])
        }
        "WorkflowStatus" => Some(&["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"]),
        "RecordState" => Some(&["ACTIVE", "ARCHIVED"]),
        "ComplianceStatus" => Some(&["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"]),
        "VerificationState" => Some(&[
            "UNKNOWN",
            "TRUE_POSITIVE",
            "FALSE_POSITIVE",
            "BENIGN_POSITIVE",
        ]),
        _ => None,
    }
}

/// `7d` / `24h` -> (count, unit). Also read by the audits pane's `:audits WINDOW`.
pub fn parse_window(v: &str) -> Option<(i32, &'static str)> {
    let (digits, unit) = v.split_at(v.len().checked_sub(1)?);
    let n: i32 = digits.parse().ok().filter(|n| *n > 0)?;
    match unit {
        "d" | "D" => Some((n, "DAYS")),
        "h" | "H" => Some((n, HOURS_UNIT)),
        _ => None,
    }
}

/// A date (`2024-05-01`) or timestamp (RFC 3339), normalised to RFC 3339 UTC.
fn parse_date(v: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(v, &Rfc3339) {
        return t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok();
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(v, &format).ok()?;
    d.with_hms(0, 0, 0).ok()?.assume_utc().format(&Rfc3339).ok()
}

fn parse_term(token: &Token<'_>) -> Result<Term, FilterError> {
    let text = token.text;
    let name_end = text.find(is_operator_char).unwrap_or(text.len());
    if name_end == 0 {
        return Err(FilterError::at(
            token,
            0,
            text.len(),
            "expected an attribute name, e.g. sev=HIGH",
        ));
    }
    let name = &text[..name_end];
    let attribute = filter_attrs::resolve(name).ok_or_else(|| {
        let hint = filter_attrs::suggestions(name);
        let message = if hint.is_empty() {
            format!("unknown attribute {name:?}")
        } else {
            format!(
                "unknown attribute {name:?} (did you mean {}?)",
                hint.join(", ")
            )
        };
        FilterError::at(token, 0, name_end, message)
    })?;
    let kind = filter_attrs::kind_of(attribute).unwrap_or(AttributeKind::String);
    let mut at = name_end;
    let map_key = if text[at..].starts_with('[') {
        let close = text[at..]
            .find(']')
            .ok_or_else(|| FilterError::at(token, at, text.len() - at, "unclosed [ in map key"))?;
        let key = &text[at + 1..at + close];
        if kind != AttributeKind::Map {
            return Err(FilterError::at(
                token,
                at,
                close + 1,
                format!("{attribute} is not a map attribute and takes no [key]"),
            ));
        }
        if key.is_empty() {
            return Err(FilterError::at(token, at, close + 1, "empty map key"));
        }
        at += close + 1;
        Some(key.to_string())
    } else {
        None
    };
    if kind == AttributeKind::Map && map_key.is_none() {
        return Err(FilterError::at(
            token,
            0,
            at,
            format!("{attribute} is a map: give a key, e.g. {name}[env]=prod"),
        ));
    }
    let (op, op_len) = Op::parse_prefix(&text[at..]).ok_or_else(|| {
        // Nothing after the name: point at the name itself.
        let (from, len) = if at == text.len() {
            (0, at)
        } else {
            (at, text.len() - at)
        };
        FilterError::at(
            token,
            from,
            len,
            format!("expected an operator after {name} (= != ^= !^= ~ !~ < > <= >=)"),
        )
    })?;
    let op_at = at;
    let values_at = at + op_len;
    if values_at == text.len() {
        return Err(FilterError::at(token, op_at, op_len, "missing value"));
    }
    let raw = split_values(token, values_at)?;
    let bad_op = |allowed: &str| {
        FilterError::at(
            token,
            op_at,
            op_len,
            format!("{} does not apply to {attribute} ({allowed})", op.as_str()),
        )
    };
    let single = |raw: &[(String, usize, usize)]| -> Result<(), FilterError> {
        match raw.get(1) {
            Some((_, at, len)) => Err(FilterError::at(
                token,
                *at,
                *len,
                format!("{attribute} takes one value per term; repeat the term instead"),
            )),
            None => Ok(()),
        }
    };
    let values = match kind {
        AttributeKind::String | AttributeKind::Map => {
            let allowed = if kind == AttributeKind::Map {
                &[Op::Eq, Op::Ne, Op::Contains, Op::NotContains][..]
            } else {
                &[
                    Op::Eq,
                    Op::Ne,
                    Op::Prefix,
                    Op::NotPrefix,
                    Op::Contains,
                    Op::NotContains,
                ][..]
            };
            if !allowed.contains(&op) {
                let list: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
                return Err(bad_op(&format!("use {}", list.join(" "))));
            }
            let mut out = Vec::new();
            for (value, v_at, v_len) in raw {
                match enumeration(attribute) {
                    Some(known) => {
                        let upper = value.to_ascii_uppercase();
                        let exact = matches!(op, Op::Eq | Op::Ne);
                        if exact && !known.contains(&upper.as_str()) {
                            return Err(FilterError::at(
                                token,
                                v_at,
                                v_len,
                                format!(
                                    "{value:?} is not a {attribute} (one of {})",
                                    known.join(", ")
                                ),
                            ));
                        }
                        out.push(upper);
                    }
                    None => out.push(value),
                }
            }
            out
        }
        AttributeKind::Date => {
            single(&raw)?;
            let (value, v_at, v_len) = &raw[0];
            match (op, parse_window(value), parse_date(value)) {
                (Op::Lt | Op::Le, Some((n, unit)), _) => {
                    vec![format!("{n}{}", if unit == HOURS_UNIT { "h" } else { "d" })]
                }
                (Op::Gt | Op::Ge, Some(_), _) => {
                    return Err(FilterError::at(
                        token,
                        op_at,
                        op_len + v_len,
                        format!(
                            "{name}{}{value} (older than a window) is not supported by Security Hub; use a date: {name}<2024-01-31",
                            op.as_str()
                        ),
                    ));
                }
                (Op::Lt | Op::Le | Op::Gt | Op::Ge, None, Some(date)) => vec![date],
                (Op::Lt | Op::Le | Op::Gt | Op::Ge, None, None) => {
                    return Err(FilterError::at(
                        token,
                        *v_at,
                        *v_len,
                        format!("{value:?} is neither a window (7d, 24h) nor a date (2024-05-01)"),
                    ));
                }
                _ => return Err(bad_op("use <7d, <24h, <DATE or >DATE")),
            }
        }
        AttributeKind::Number => {
            if !matches!(op, Op::Eq | Op::Lt | Op::Le | Op::Gt | Op::Ge) {
                return Err(bad_op("use = < <= > >="));
            }
            single(&raw)?;
            let (value, v_at, v_len) = &raw[0];
            let n: f64 = value
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| {
                    FilterError::at(token, *v_at, *v_len, format!("{value:?} is not a number"))
                })?;
            vec![format_number(n)]
        }
    };
    Ok(Term {
        attribute: attribute.to_string(),
        map_key,
        op,
        values,
    })
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

impl FilterExpr {
    /// Parses `input`; an empty input or `*` is "no filter" (all findings).
    pub fn parse(input: &str) -> Result<FilterExpr, FilterError> {
        if input.trim() == "*" {
            return Ok(FilterExpr::default());
        }
        let mut expr = FilterExpr::default();
        let mut counts: Vec<(String, usize)> = Vec::new();
        for token in tokens(input)? {
            let term = parse_term(&token)?;
            let index = match counts.iter().position(|(a, _)| *a == term.attribute) {
                Some(i) => i,
                None => {
                    if counts.len() == MAX_ATTRIBUTES {
                        return Err(FilterError::at(
                            &token,
                            0,
                            token.text.len(),
                            format!(
                                "more than {MAX_ATTRIBUTES} attributes; Security Hub accepts at most {MAX_ATTRIBUTES} in one filter"
                            ),
                        ));
                    }
                    counts.push((term.attribute.clone(), 0));
                    counts.len() - 1
                }
            };
            counts[index].1 += term.values.len();
            if counts[index].1 > MAX_VALUES_PER_ATTRIBUTE {
                return Err(FilterError::at(
                    &token,
                    0,
                    token.text.len(),
                    format!(
                        "{} has more than {MAX_VALUES_PER_ATTRIBUTE} values; Security Hub accepts at most {MAX_VALUES_PER_ATTRIBUTE}",
                        term.attribute
                    ),
                ));
            }
            expr.terms.push(term);
        }
        Ok(expr)
    }

    /// The console's default view as an expression (what still needs a human).
    pub fn default_view() -> FilterExpr {
        let term = |attribute: &str, values: &[&str]| Term {
            attribute: attribute.into(),
            map_key: None,
            op: Op::Eq,
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        FilterExpr {
            terms: vec![
                term("RecordState", &["ACTIVE"]),
                term("WorkflowStatus", &["NEW", "NOTIFIED"]),
            ],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The `AwsSecurityFindingFilters` this expression stands for. Terms on the same
    /// attribute are combined into one list of conditions.
    pub fn to_filters(&self) -> FindingFilters {
        let mut filters = FindingFilters::default();
        for term in &self.terms {
            let kind = filter_attrs::kind_of(&term.attribute).unwrap_or(AttributeKind::String);
            let new = term_conditions(term, kind);
            match (filters.0.get_mut(&term.attribute), new) {
                (Some(Conditions::Strings(v)), Conditions::Strings(n)) => v.extend(n),
                (Some(Conditions::Dates(v)), Conditions::Dates(n)) => v.extend(n),
                (Some(Conditions::Numbers(v)), Conditions::Numbers(n)) => v.extend(n),
                (Some(Conditions::Maps(v)), Conditions::Maps(n)) => v.extend(n),
                (_, new) => {
                    filters.0.insert(term.attribute.clone(), new);
                }
            }
        }
        filters
    }
}

fn term_conditions(term: &Term, kind: AttributeKind) -> Conditions {
    match kind {
        AttributeKind::String => {
            let comparison = match term.op {
                Op::Ne => StringComparison::NotEquals,
                Op::Prefix => StringComparison::Prefix,
                Op::NotPrefix => StringComparison::PrefixNotEquals,
                Op::Contains => StringComparison::Contains,
                Op::NotContains => StringComparison::NotContains,
                _ => StringComparison::Equals,
            };
            Conditions::Strings(
                term.values
                    .iter()
                    .map(|v| StringFilter {
                        value: v.clone(),
                        comparison,
                    })
                    .collect(),
            )
        }
        AttributeKind::Map => {
            let comparison = match term.op {
                Op::Ne => MapComparison::NotEquals,
                Op::Contains => MapComparison::Contains,
                Op::NotContains => MapComparison::NotContains,
                _ => MapComparison::Equals,
            };
            Conditions::Maps(
                term.values
                    .iter()
                    .map(|v| MapFilter {
                        key: term.map_key.clone().unwrap_or_default(),
                        value: v.clone(),
                        comparison,
                    })
                    .collect(),
            )
        }
        AttributeKind::Date => Conditions::Dates(
            term.values
                .iter()
                .map(|v| match parse_window(v) {
                    Some((n, unit)) => DateFilter {
                        date_range: Some(DateRange {
                            value: n,
                            unit: unit.to_string(),
                        }),
                        ..DateFilter::default()
                    },
                    None if matches!(term.op, Op::Gt | Op::Ge) => DateFilter {
                        start: Some(v.clone()),
                        ..DateFilter::default()
                    },
                    None => DateFilter {
                        end: Some(v.clone()),
                        ..DateFilter::default()
                    },
                })
                .collect(),
        ),
        AttributeKind::Number => Conditions::Numbers(
            term.values
                .iter()
                .filter_map(|v| v.parse::<f64>().ok())
                .map(|n| {
                    let mut f = NumberFilter::default();
                    match term.op {
                        Op::Lt => f.lt = Some(n),
                        Op::Le => f.lte = Some(n),
                        Op::Gt => f.gt = Some(n),
                        Op::Ge => f.gte = Some(n),
                        _ => f.eq = Some(n),
                    }
                    f
                })
                .collect(),
        ),
    }
}

/// Quotes a value when printing it bare would not parse back to it.
fn quote(v: &str) -> String {
    let plain = !v.is_empty()
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == '"' || c == '\\');
    if plain {
        v.to_string()
    } else {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(filter_attrs::display_name(&self.attribute))?;
        if let Some(key) = &self.map_key {
            write!(f, "[{key}]")?;
        }
        f.write_str(self.op.as_str())?;
        let values: Vec<String> = self.values.iter().map(|v| quote(v)).collect();
        f.write_str(&values.join(","))
    }
}

impl fmt::Display for FilterExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.terms.is_empty() {
            return f.write_str("*");
        }
        let terms: Vec<String> = self.terms.iter().map(ToString::to_string).collect();
        f.write_str(&terms.join(" "))
    }
}

#[cfg(test)]
#[path = "filter_expr_tests.rs"]
mod tests;
