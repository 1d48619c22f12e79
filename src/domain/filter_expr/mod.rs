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
//!
//! Reading the text into tokens and values is [`lex`]; checking one term is [`term`];
//! turning terms into Security Hub conditions is [`conditions`].

mod complete;
mod conditions;
pub(crate) mod lex;
mod refine;
pub(crate) mod term;

use std::fmt;

use super::filter::{Conditions, FindingFilters};
use super::filter_attrs::{self, AttributeKind};
pub use complete::complete_word;
use conditions::term_conditions;
use lex::{Token, tokens};
pub use refine::{SHORTHANDS, expand_shorthand, is_refinement};
use term::parse_term;
pub use term::parse_window;

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
    /// `~~`: contains the value as a whole word, any case (OCSF's CONTAINS_WORD).
    ContainsWord,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    /// Longest first, so `!^=` is not read as `!` + `^=`.
    const ALL: [(&'static str, Op); 11] = [
        ("!^=", Op::NotPrefix),
        ("~~", Op::ContainsWord),
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

    pub(crate) fn parse_prefix(s: &str) -> Option<(Op, usize)> {
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

/// Why an expression was refused, and where: `offset`/`len` are bytes into the input,
/// `column` the 1-based character the user sees it at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub offset: usize,
    pub len: usize,
    pub column: usize,
    pub token: String,
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at column {}: {:?})",
            self.message, self.column, self.token
        )
    }
}

impl std::error::Error for FilterError {}

impl FilterError {
    pub(crate) fn at(
        token: &Token<'_>,
        start: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Self {
        let begin = start.min(token.text.len().saturating_sub(1));
        let end = (begin + len.max(1)).min(token.text.len());
        FilterError {
            offset: token.offset + begin,
            len: end.saturating_sub(begin).max(1),
            column: 0,
            token: token.text.to_string(),
            message: message.into(),
        }
    }

    /// The error with its character column in `input` filled in.
    pub(crate) fn located(mut self, input: &str) -> Self {
        self.column = input[..self.offset].chars().count() + 1;
        self
    }

    /// A line of spaces and carets under the offending part of `input`, in terminal
    /// columns: a byte count would drift right after `é` or `日`.
    pub fn caret_line(&self, input: &str) -> String {
        use unicode_width::UnicodeWidthStr;
        // Measured as the input is shown: a control character before the token takes the
        // columns of its `⟨U+XXXX⟩` marker.
        let shown = |s: &str| crate::domain::sanitize::visible(s).width();
        let before = input.get(..self.offset).map_or(0, shown);
        let under = input
            .get(self.offset..self.offset + self.len)
            .map_or(1, shown);
        format!("{}{}", " ".repeat(before), "^".repeat(under.max(1)))
    }
}

impl FilterExpr {
    /// Parses `input`; an empty input or `*` is "no filter" (all findings).
    pub fn parse(input: &str) -> Result<FilterExpr, FilterError> {
        FilterExpr::parse_terms(input).map_err(|e| e.located(input))
    }

    fn parse_terms(input: &str) -> Result<FilterExpr, FilterError> {
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
mod tests;
