//! One `NAME[KEY]OP VALUES` term checked against the OCSF field it names and turned into
//! its filters: several values of a positive operator are OR'ed, of a negative one AND'ed
//! (as the ASFF grammar does); `ip` looks at both evidence endpoints; `exposure` selects
//! exposure findings, by trait.

use super::fields::{self, Kind, Named};
use super::{Leaf, Node, Operator, Span};
use crate::domain::filter::{
    DateFilter, DateRange, MapComparison, MapFilter, NumberFilter, StringComparison,
};
use crate::domain::filter_expr::lex::{Token, is_operator_char, split_values};
use crate::domain::filter_expr::term::parse_date;
use crate::domain::filter_expr::{FilterError, Op, parse_window};

const ANALYTIC: &str = "finding_info.analytic.name";
const TRAIT: &str = "finding_info.related_events.traits.category";

pub(super) fn term_node(token: &Token<'_>) -> Result<Node, FilterError> {
    let text = token.text;
    let err = |at: usize, len: usize, m: String| FilterError::at(token, at, len, m);
    let name_end = text.find(is_operator_char).unwrap_or(text.len());
    if name_end == 0 {
        return Err(err(
            0,
            text.len(),
            "expected a field name, e.g. sev=High".into(),
        ));
    }
    let name = &text[..name_end];
    let named = fields::resolve(name).ok_or_else(|| {
        let hint = fields::suggestions(name);
        let also = if hint.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", hint.join(", "))
        };
        err(0, name.len(), format!("unknown OCSF field {name:?}{also}"))
    })?;
    let (key, at) = map_key(token, name_end, named)?;
    let (op, op_len) = Op::parse_prefix(&text[at..]).ok_or_else(|| {
        err(
            0,
            at.max(1),
            format!("expected an operator after {name} (= != ^= !^= ~ !~ < > <= >=)"),
        )
    })?;
    let values_at = at + op_len;
    if values_at == text.len() {
        return Err(err(at, op_len, "missing value".into()));
    }
    let term = Term {
        token,
        name,
        op,
        op_at: at,
        op_len,
        key,
    };
    let raw = split_values(token, values_at)?;
    let span = Span {
        offset: token.offset,
        len: text.len(),
    };
    let leaves = match named {
        Named::Exposure => return term.exposure(&raw, span),
        Named::Fields(kind, paths) => term.leaves(kind, paths, &raw)?,
    };
    let op = if negative(op) {
        Operator::And
    } else {
        Operator::Or
    };
    Ok(join(op, leaves, span))
}

fn negative(op: Op) -> bool {
    matches!(op, Op::Ne | Op::NotPrefix | Op::NotContains)
}

fn join(op: Operator, mut leaves: Vec<Leaf>, span: Span) -> Node {
    if leaves.len() == 1 {
        return Node::Leaf(leaves.remove(0), span);
    }
    let kids = leaves.into_iter().map(|l| Node::Leaf(l, span)).collect();
    Node::Group(op, kids, span)
}

/// `[key]` after a map field's name: required there, refused elsewhere.
fn map_key(
    token: &Token<'_>,
    name_end: usize,
    named: Named,
) -> Result<(Option<String>, usize), FilterError> {
    let text = token.text;
    let is_map = matches!(named, Named::Fields(Kind::Map, _));
    if !text[name_end..].starts_with('[') {
        if is_map {
            let name = &text[..name_end];
            let m = format!("{name} is a map: give a key, e.g. {name}[env]=prod");
            return Err(FilterError::at(token, 0, name_end, m));
        }
        return Ok((None, name_end));
    }
    let close = text[name_end..].find(']').ok_or_else(|| {
        FilterError::at(
            token,
            name_end,
            text.len() - name_end,
            "unclosed [ in map key",
        )
    })?;
    let key = &text[name_end + 1..name_end + close];
    if !is_map {
        let m = format!("{} is not a map and takes no [key]", &text[..name_end]);
        return Err(FilterError::at(token, name_end, close + 1, m));
    }
    if key.is_empty() {
        return Err(FilterError::at(token, name_end, close + 1, "empty map key"));
    }
    Ok((Some(key.to_string()), name_end + close + 1))
}

type RawValue = (String, usize, usize);

struct Term<'t, 'a> {
    token: &'t Token<'a>,
    name: &'t str,
    op: Op,
    op_at: usize,
    op_len: usize,
    key: Option<String>,
}

impl Term<'_, '_> {
    fn error(&self, at: usize, len: usize, message: impl Into<String>) -> FilterError {
        FilterError::at(self.token, at, len, message)
    }

    fn bad_op(&self, allowed: &str) -> FilterError {
        let m = format!(
            "{} does not apply to {} ({allowed})",
            self.op.as_str(),
            self.name
        );
        self.error(self.op_at, self.op_len, m)
    }

    fn single<'r>(&self, raw: &'r [RawValue]) -> Result<&'r RawValue, FilterError> {
        match raw.get(1) {
            Some((_, at, len)) => Err(self.error(
                *at,
                *len,
                format!("{} takes one value per term; repeat the term", self.name),
            )),
            None => raw.first().ok_or_else(|| self.error(0, 0, "missing value")),
        }
    }

    fn leaves(
        &self,
        kind: Kind,
        paths: &'static [&'static str],
        raw: &[RawValue],
    ) -> Result<Vec<Leaf>, FilterError> {
        let mut out = Vec::new();
        for field in paths {
            match kind {
                Kind::String => out.extend(self.strings(field, raw)?),
                Kind::Map => out.extend(self.maps(field, raw)?),
                Kind::Date => out.push(self.date(field, raw)?),
                Kind::Number => out.push(self.number(field, raw)?),
                Kind::Boolean => out.push(self.boolean(field, raw)?),
                Kind::Ip => out.extend(self.ips(field, raw)?),
            }
        }
        Ok(out)
    }

    fn strings(&self, field: &'static str, raw: &[RawValue]) -> Result<Vec<Leaf>, FilterError> {
        let comparison = match self.op {
            Op::Eq => StringComparison::Equals,
            Op::Ne => StringComparison::NotEquals,
            Op::Prefix => StringComparison::Prefix,
            Op::NotPrefix => StringComparison::PrefixNotEquals,
            Op::Contains => StringComparison::Contains,
            Op::NotContains => StringComparison::NotContains,
            Op::ContainsWord => StringComparison::ContainsWord,
            _ => return Err(self.bad_op("use = != ^= !^= ~ !~ ~~")),
        };
        let exact = matches!(self.op, Op::Eq | Op::Ne);
        raw.iter()
            .map(|(value, at, len)| {
                let value = match fields::caption(field, value) {
                    Some(Some(caption)) if exact => caption.to_string(),
                    Some(None) if exact => {
                        let known = if field == "severity" {
                            fields::SEVERITIES
                        } else {
                            fields::STATUSES
                        };
                        return Err(self.error(
                            *at,
                            *len,
                            format!("{value:?} is not a {field} (one of {})", known.join(", ")),
                        ));
                    }
                    _ => value.clone(),
                };
                Ok(Leaf::String {
                    field,
                    comparison,
                    value,
                })
            })
            .collect()
    }

    fn maps(&self, field: &'static str, raw: &[RawValue]) -> Result<Vec<Leaf>, FilterError> {
        let comparison = match self.op {
            Op::Eq => MapComparison::Equals,
            Op::Ne => MapComparison::NotEquals,
            Op::Contains => MapComparison::Contains,
            Op::NotContains => MapComparison::NotContains,
            _ => return Err(self.bad_op("use = != ~ !~")),
        };
        let key = self.key.clone().unwrap_or_default();
        Ok(raw
            .iter()
            .map(|(value, _, _)| Leaf::Map {
                field,
                filter: MapFilter {
                    key: key.clone(),
                    value: value.clone(),
                    comparison,
                },
            })
            .collect())
    }

    /// `<7d` / `<24h` (within the last window), `<DATE` / `>DATE` (before / after).
    fn date(&self, field: &'static str, raw: &[RawValue]) -> Result<Leaf, FilterError> {
        let (value, at, len) = self.single(raw)?;
        let filter = match (self.op, parse_window(value), parse_date(value)) {
            (Op::Lt | Op::Le, Some((n, unit)), _) => DateFilter {
                date_range: Some(DateRange {
                    value: n,
                    unit: unit.to_string(),
                }),
                ..DateFilter::default()
            },
            (Op::Gt | Op::Ge, Some(_), _) => {
                let m = format!(
                    "older than a window is not supported; use a date: {}<2024-01-31",
                    self.name
                );
                return Err(self.error(self.op_at, self.op_len + len, m));
            }
            (Op::Gt | Op::Ge, None, Some(date)) => DateFilter {
                start: Some(date),
                ..DateFilter::default()
            },
            (Op::Lt | Op::Le, None, Some(date)) => DateFilter {
                end: Some(date),
                ..DateFilter::default()
            },
            (Op::Lt | Op::Le | Op::Gt | Op::Ge, None, None) => {
                let m = format!("{value:?} is neither a window (7d, 24h) nor a date (2024-05-01)");
                return Err(self.error(*at, *len, m));
            }
            _ => return Err(self.bad_op("use <7d, <24h, <DATE or >DATE")),
        };
        Ok(Leaf::Date { field, filter })
    }

    fn number(&self, field: &'static str, raw: &[RawValue]) -> Result<Leaf, FilterError> {
        let (value, at, len) = self.single(raw)?;
        let n: f64 = value
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite())
            .ok_or_else(|| self.error(*at, *len, format!("{value:?} is not a number")))?;
        let mut filter = NumberFilter::default();
        match self.op {
            Op::Eq => filter.eq = Some(n),
            Op::Lt => filter.lt = Some(n),
            Op::Le => filter.lte = Some(n),
            Op::Gt => filter.gt = Some(n),
            Op::Ge => filter.gte = Some(n),
            _ => return Err(self.bad_op("use = < <= > >=")),
        }
        Ok(Leaf::Number { field, filter })
    }

    fn boolean(&self, field: &'static str, raw: &[RawValue]) -> Result<Leaf, FilterError> {
        let (value, at, len) = self.single(raw)?;
        let v = parse_bool(value)
            .ok_or_else(|| self.error(*at, *len, format!("{value:?} is not true or false")))?;
        let value = match self.op {
            Op::Eq => v,
            Op::Ne => !v,
            _ => return Err(self.bad_op("use = or !=")),
        };
        Ok(Leaf::Boolean { field, value })
    }

    fn ips(&self, field: &'static str, raw: &[RawValue]) -> Result<Vec<Leaf>, FilterError> {
        if self.op != Op::Eq {
            return Err(self.bad_op("use =, with CIDRs"));
        }
        raw.iter()
            .map(|(value, at, len)| {
                let net = value
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| value.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        self.error(*at, *len, format!("{value:?} is not an IP address or CIDR"))
                    })?;
                Ok(Leaf::Ip {
                    field,
                    cidr: net.trunc().to_string(),
                })
            })
            .collect()
    }

    /// `exposure=true|false`: exposure findings or the others; `exposure=TRAIT,...`:
    /// exposure findings with one of those traits (`!=`: with none of them).
    fn exposure(&self, raw: &[RawValue], span: Span) -> Result<Node, FilterError> {
        if !matches!(self.op, Op::Eq | Op::Ne) {
            return Err(self.bad_op("use = or !="));
        }
        let analytic = |comparison| Leaf::String {
            field: ANALYTIC,
            comparison,
            value: "Exposure".into(),
        };
        if let [(value, _, _)] = raw
            && let Some(v) = parse_bool(value)
        {
            let is = v == (self.op == Op::Eq);
            let comparison = if is {
                StringComparison::Equals
            } else {
                StringComparison::NotEquals
            };
            return Ok(Node::Leaf(analytic(comparison), span));
        }
        let traits = self.strings(TRAIT, raw)?;
        let op = if self.op == Op::Ne {
            Operator::And
        } else {
            Operator::Or
        };
        let traits = join(op, traits, span);
        let exposure = Node::Leaf(analytic(StringComparison::Equals), span);
        Ok(Node::Group(Operator::And, vec![exposure, traits], span))
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}
