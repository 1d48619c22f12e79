//! Refining a view instead of replacing it: `+TERM` adds a term (replacing the terms on
//! the same attribute), `-NAME` or `-TERM` removes the terms on that attribute, so
//! `:findings +control=EC2.8` keeps the default view's `status=NEW,NOTIFIED`. Named
//! shorthands (`iot`) stand for a whole term.

use super::{FilterError, FilterExpr, Term};
use crate::domain::filter_attrs;

/// Words that stand for a term: `:findings +iot` is the findings secdeck imported from
/// IoT Device Defender audits (their ProductName).
pub const SHORTHANDS: &[(&str, &str)] = &[("iot", "product=\"IoT Device Defender\"")];

/// `text` with a shorthand word replaced by its term.
pub fn expand_shorthand(text: &str) -> &str {
    SHORTHANDS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text.trim()))
        .map_or(text, |(_, term)| term)
}

/// Whether `input` refines the current view (its first word starts with `+` or `-`).
pub fn is_refinement(input: &str) -> bool {
    input.trim_start().starts_with(['+', '-'])
}

impl FilterExpr {
    /// This expression with the `+TERM` / `-NAME` words of `input` applied.
    pub fn refine(&self, input: &str) -> Result<FilterExpr, FilterError> {
        let mut terms = self.terms.clone();
        for (offset, word) in words(input) {
            let (sign, rest) = word.split_at(1);
            let body = expand_shorthand(rest);
            let shift = |mut e: FilterError| {
                if body == rest {
                    e.offset += offset + 1;
                } else {
                    (e.offset, e.len) = (offset, word.len());
                }
                e.located(input)
            };
            match sign {
                "+" => {
                    let added = FilterExpr::parse_terms(body).map_err(shift)?;
                    for t in added.terms {
                        terms.retain(|old| !same_attribute(old, &t));
                        terms.push(t);
                    }
                }
                "-" => {
                    let attribute = match filter_attrs::resolve(name_of(body)) {
                        Some(a) => a,
                        None => {
                            return Err(FilterError {
                                offset,
                                len: word.len(),
                                column: 0,
                                token: word.to_string(),
                                message: format!(
                                    "-{} is not a filter name to remove (e.g. -control, -sev)",
                                    name_of(body)
                                ),
                            }
                            .located(input));
                        }
                    };
                    terms.retain(|t| t.attribute != attribute);
                }
                _ => {
                    return Err(FilterError {
                        offset,
                        len: word.len(),
                        column: 0,
                        token: word.to_string(),
                        message: "start each word with + (add) or - (remove) to refine the view"
                            .into(),
                    }
                    .located(input));
                }
            }
        }
        // Checked as a whole again: the attribute and value limits still hold.
        FilterExpr::parse(&FilterExpr { terms }.to_string())
    }
}

fn same_attribute(a: &Term, b: &Term) -> bool {
    a.attribute == b.attribute && a.map_key == b.map_key
}

/// The name part of `control=EC2.8` (or all of `control`).
fn name_of(term: &str) -> &str {
    let end = term
        .find(|c: char| "=!~<>^[".contains(c))
        .unwrap_or(term.len());
    &term[..end]
}

/// The whitespace-separated words of `input` with their byte offsets; a double-quoted
/// value keeps its spaces.
fn words(input: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in input.char_indices() {
        match (start, c) {
            (None, c) if c.is_whitespace() => {}
            (None, c) => {
                start = Some(i);
                quoted = c == '"';
            }
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') if quoted => escaped = true,
            (Some(_), '"') => quoted = !quoted,
            (Some(s), c) if c.is_whitespace() && !quoted => {
                out.push((s, &input[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &input[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refined(input: &str) -> String {
        FilterExpr::default_view()
            .refine(input)
            .map(|e| e.to_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn plus_adds_to_the_view_and_replaces_the_same_attribute() {
        assert_eq!(
            refined("+control=EC2.8"),
            "state=ACTIVE status=NEW,NOTIFIED control=EC2.8"
        );
        assert_eq!(refined("+status=RESOLVED"), "state=ACTIVE status=RESOLVED");
        assert_eq!(
            refined("+title~\"root account\" +sev=HIGH"),
            "state=ACTIVE status=NEW,NOTIFIED title~\"root account\" sev=HIGH"
        );
    }

    #[test]
    fn minus_removes_an_attribute_by_name_or_term() {
        assert_eq!(refined("-status"), "state=ACTIVE");
        assert_eq!(refined("-workflow=NEW -state"), "*");
    }

    #[test]
    fn the_iot_shorthand_names_the_imported_findings() {
        assert_eq!(
            refined("+iot"),
            "state=ACTIVE status=NEW,NOTIFIED product=\"IoT Device Defender\""
        );
    }

    #[test]
    fn a_bad_word_is_refused_where_it_is() {
        let e = FilterExpr::default_view()
            .refine("+sev=HIGH -nosuch")
            .unwrap_err();
        assert_eq!((e.offset, e.column), (10, 11));
        assert!(e.message.contains("-nosuch"), "{e}");
        let e = FilterExpr::default_view().refine("+sev=HUGE").unwrap_err();
        assert_eq!(e.offset, 5, "{e}");
        let e = FilterExpr::default_view()
            .refine("+sev=HIGH plain=x")
            .unwrap_err();
        assert!(e.message.contains("start each word"), "{e}");
    }
}
