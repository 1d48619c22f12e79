//! Tab completion of one word of a filter expression: an attribute name (aliases first,
//! then API names), or the last comma-separated value of an enumerated attribute
//! (`sev=CRITICAL,HI` -> `sev=CRITICAL,HIGH`).

use super::lex::is_operator_char;
use super::term::enumeration;
use crate::domain::filter_attrs::{ALIASES, all_attributes, resolve};

/// Every word `word` can be completed to, in the order they are offered.
pub fn complete_word(word: &str) -> Vec<String> {
    match word.find(is_operator_char) {
        None => attribute_names(word),
        Some(name_end) => values(word, name_end),
    }
}

fn attribute_names(prefix: &str) -> Vec<String> {
    let lower = prefix.to_ascii_lowercase();
    let mut out: Vec<String> = Vec::new();
    let names = ALIASES
        .iter()
        .map(|(alias, _)| *alias)
        .chain(all_attributes());
    for name in names.filter(|n| n.to_ascii_lowercase().starts_with(&lower)) {
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

fn values(word: &str, name_end: usize) -> Vec<String> {
    let Some(known) = resolve(&word[..name_end]).and_then(enumeration) else {
        return Vec::new();
    };
    // The operator, then the values typed so far; the last one is being completed.
    let ops_end = name_end
        + word[name_end..]
            .find(|c| !is_operator_char(c))
            .unwrap_or(word.len() - name_end);
    let head_end = word[ops_end..]
        .rfind(',')
        .map_or(ops_end, |i| ops_end + i + 1);
    let (head, partial) = word.split_at(head_end);
    let partial = partial.to_ascii_uppercase();
    known
        .iter()
        .filter(|v| v.starts_with(&partial))
        .map(|v| format!("{head}{v}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::complete_word;

    #[test]
    fn names_complete_aliases_first_then_api_names() {
        assert_eq!(complete_word("sev"), ["sev", "severity", "SeverityLabel"]);
        assert_eq!(complete_word("cont"), ["control"]);
    }

    #[test]
    fn enumerated_values_complete_after_the_operator_and_after_commas() {
        assert_eq!(complete_word("sev=cr"), ["sev=CRITICAL"]);
        assert_eq!(
            complete_word("status!=N"),
            ["status!=NEW", "status!=NOTIFIED"]
        );
        assert_eq!(complete_word("sev=CRITICAL,H"), ["sev=CRITICAL,HIGH"]);
        assert_eq!(complete_word("state="), ["state=ACTIVE", "state=ARCHIVED"]);
        assert!(
            complete_word("title=x").is_empty(),
            "free text has no values"
        );
    }
}
