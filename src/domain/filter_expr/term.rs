//! One term of the filter grammar checked against the attribute it names: the attribute,
//! a map key where one is needed, an operator that applies to its kind, and values of that
//! kind (enumerations upper-cased, windows and dates normalised, numbers canonical).

use super::lex::{Token, is_operator_char, split_values};
use super::{FilterError, HOURS_UNIT, Op, Term};
use crate::domain::filter_attrs::{self, AttributeKind};

/// Enumerated string attributes: values are upper-cased and checked.
pub(super) fn enumeration(attribute: &str) -> Option<&'static [&'static str]> {
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
    // Split off the last character, not the last byte: `7é` is text, not a panic.
    let unit = v.chars().last()?;
    let digits = &v[..v.len() - unit.len_utf8()];
    let n: i32 = digits.parse().ok().filter(|n| *n > 0)?;
    match unit {
        'd' | 'D' => Some((n, "DAYS")),
        'h' | 'H' => Some((n, HOURS_UNIT)),
        _ => None,
    }
}

/// A date (`2024-05-01`) or timestamp (RFC 3339), normalised to RFC 3339 UTC.
pub(crate) fn parse_date(v: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(v, &Rfc3339) {
        return t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok();
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(v, &format).ok()?;
    d.with_hms(0, 0, 0).ok()?.assume_utc().format(&Rfc3339).ok()
}

/// Checks one `NAME[KEY]OP VALUES` token: a known attribute, a key exactly for map
/// attributes, an operator that applies to the attribute's kind, and values of that kind.
pub(super) fn parse_term(token: &Token<'_>) -> Result<Term, FilterError> {
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
    let attribute = attribute_named(token, name)?;
    let kind = filter_attrs::kind_of(attribute).unwrap_or(AttributeKind::String);
    let (map_key, at) = map_key(token, name, attribute, kind)?;
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
    let values_at = at + op_len;
    if values_at == text.len() {
        return Err(FilterError::at(token, at, op_len, "missing value"));
    }
    let term = TermText {
        token,
        name,
        attribute,
        op,
        op_at: at,
        op_len,
    };
    let raw = split_values(token, values_at)?;
    let values = match kind {
        AttributeKind::String | AttributeKind::Map => term.string_values(kind, raw)?,
        AttributeKind::Date => term.date_value(&raw)?,
        AttributeKind::Number => term.number_value(&raw)?,
    };
    Ok(Term {
        attribute: attribute.to_string(),
        map_key,
        op,
        values,
    })
}

/// The API attribute `name` stands for, or an error with the closest names.
fn attribute_named(token: &Token<'_>, name: &str) -> Result<&'static str, FilterError> {
    filter_attrs::resolve(name).ok_or_else(|| {
        let hint = filter_attrs::suggestions(name);
        let message = if hint.is_empty() {
            format!("unknown attribute {name:?}")
        } else {
            format!(
                "unknown attribute {name:?} (did you mean {}?)",
                hint.join(", ")
            )
        };
        FilterError::at(token, 0, name.len(), message)
    })
}

/// The `[key]` after a map attribute's name (required there, refused elsewhere), and where
/// the operator starts.
fn map_key(
    token: &Token<'_>,
    name: &str,
    attribute: &str,
    kind: AttributeKind,
) -> Result<(Option<String>, usize), FilterError> {
    let text = token.text;
    let mut at = name.len();
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
    Ok((map_key, at))
}

/// A value as split from the term: (unquoted text, offset in the token, raw length).
type RawValue = (String, usize, usize);

/// What the value checks need to know about the term, to word and place their errors.
struct TermText<'t, 'a> {
    token: &'t Token<'a>,
    name: &'t str,
    attribute: &'static str,
    op: Op,
    op_at: usize,
    op_len: usize,
}

impl TermText<'_, '_> {
    fn error(&self, at: usize, len: usize, message: impl Into<String>) -> FilterError {
        FilterError::at(self.token, at, len, message)
    }

    fn bad_op(&self, allowed: &str) -> FilterError {
        self.error(
            self.op_at,
            self.op_len,
            format!(
                "{} does not apply to {} ({allowed})",
                self.op.as_str(),
                self.attribute
            ),
        )
    }

    /// The one value of a date or number term.
    fn single<'r>(&self, raw: &'r [RawValue]) -> Result<&'r RawValue, FilterError> {
        match raw.get(1) {
            Some((_, at, len)) => Err(self.error(
                *at,
                *len,
                format!(
                    "{} takes one value per term; repeat the term instead",
                    self.attribute
                ),
            )),
            None => raw.first().ok_or_else(|| self.error(0, 0, "missing value")),
        }
    }

    /// String and map values; enumerations (severity, workflow ...) are upper-cased, and
    /// checked when compared exactly.
    fn string_values(
        &self,
        kind: AttributeKind,
        raw: Vec<RawValue>,
    ) -> Result<Vec<String>, FilterError> {
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
        if !allowed.contains(&self.op) {
            let list: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
            return Err(self.bad_op(&format!("use {}", list.join(" "))));
        }
        let mut out = Vec::new();
        for (value, v_at, v_len) in raw {
            match enumeration(self.attribute) {
                Some(known) => {
                    let upper = value.to_ascii_uppercase();
                    let exact = matches!(self.op, Op::Eq | Op::Ne);
                    if exact && !known.contains(&upper.as_str()) {
                        return Err(self.error(
                            v_at,
                            v_len,
                            format!(
                                "{value:?} is not a {} (one of {})",
                                self.attribute,
                                known.join(", ")
                            ),
                        ));
                    }
                    out.push(upper);
                }
                None => out.push(value),
            }
        }
        Ok(out)
    }

    /// A window (`<7d`, `<24h`) or a date on either side (`<DATE`, `>DATE`).
    fn date_value(&self, raw: &[RawValue]) -> Result<Vec<String>, FilterError> {
        let (value, v_at, v_len) = self.single(raw)?;
        let (op, name) = (self.op, self.name);
        match (op, parse_window(value), parse_date(value)) {
            (Op::Lt | Op::Le, Some((n, unit)), _) => {
                Ok(vec![format!("{n}{}", if unit == HOURS_UNIT { "h" } else { "d" })])
            }
            (Op::Gt | Op::Ge, Some(_), _) => Err(self.error(
                self.op_at,
                self.op_len + v_len,
                format!(
                    "{name}{}{value} (older than a window) is not supported by Security Hub; use a date: {name}<2024-01-31",
                    op.as_str()
                ),
            )),
            (Op::Lt | Op::Le | Op::Gt | Op::Ge, None, Some(date)) => Ok(vec![date]),
            (Op::Lt | Op::Le | Op::Gt | Op::Ge, None, None) => Err(self.error(
                *v_at,
                *v_len,
                format!("{value:?} is neither a window (7d, 24h) nor a date (2024-05-01)"),
            )),
            _ => Err(self.bad_op("use <7d, <24h, <DATE or >DATE")),
        }
    }

    fn number_value(&self, raw: &[RawValue]) -> Result<Vec<String>, FilterError> {
        if !matches!(self.op, Op::Eq | Op::Lt | Op::Le | Op::Gt | Op::Ge) {
            return Err(self.bad_op("use = < <= > >="));
        }
        let (value, v_at, v_len) = self.single(raw)?;
        let n: f64 = value
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite())
            .ok_or_else(|| self.error(*v_at, *v_len, format!("{value:?} is not a number")))?;
        Ok(vec![format_number(n)])
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}
