//! The `/` local filter's matching. The text is matched as a case-insensitive substring of
//! a row's columns; words separated by spaces must all match (as in fzf: `/brute
//! us-east-1`), a word starting with `!` must not. When no loaded row matches a single
//! word, rows whose single column contains its characters in order (fuzzy) are shown
//! instead (a fuzzy exclusion would hide far too much, so `!` is substring only).

/// A parsed local filter: its words, each with whether it is negated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalFilter {
    words: Vec<(String, bool)>,
}

/// Separates the columns in a row's haystack.
pub const COLUMN_SEPARATOR: char = '\u{1f}';

impl LocalFilter {
    pub fn parse(text: &str) -> LocalFilter {
        let lower = text.to_lowercase();
        let words = lower
            .split_whitespace()
            .filter_map(|w| match w.strip_prefix('!') {
                Some("") => None,
                Some(rest) => Some((rest.to_string(), true)),
                None => Some((w.to_string(), false)),
            })
            .collect();
        LocalFilter { words }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Fuzzy matching only makes sense for one positive word of two characters or more.
    pub fn can_be_fuzzy(&self) -> bool {
        matches!(self.words.as_slice(), [(w, false)] if w.chars().count() >= 2)
    }

    /// Every word (or its negation). `haystack` must already be lower-cased.
    pub fn matches(&self, haystack: &str) -> bool {
        self.words
            .iter()
            .all(|(w, negated)| haystack.contains(w.as_str()) != *negated)
    }

    /// The one word's characters in order within one column.
    pub fn matches_fuzzy(&self, haystack: &str) -> bool {
        let [(needle, false)] = self.words.as_slice() else {
            return false;
        };
        haystack.split(COLUMN_SEPARATOR).any(|column| {
            let mut rest = column.chars();
            needle.chars().all(|c| rest.any(|h| h == c))
        })
    }

    /// Whether the rows `self` matches are among those `old` matched (in the same mode),
    /// so only `old`'s matches need scanning: typing one more character or word.
    pub fn narrows(&self, old: &LocalFilter) -> bool {
        let positive = |f: &LocalFilter| f.words.iter().all(|(_, n)| !n);
        positive(self)
            && positive(old)
            && self.words.len() >= old.words.len()
            && old
                .words
                .iter()
                .zip(&self.words)
                .all(|((o, _), (n, _))| n.starts_with(o.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = "high\u{1f}s3 bucket allows public read\u{1f}awss3bucket";

    #[test]
    fn substring_negation_and_fuzzy() {
        assert!(LocalFilter::parse("PUBLIC").matches(ROW));
        assert!(!LocalFilter::parse("pblc").matches(ROW));
        assert!(LocalFilter::parse("pblc").matches_fuzzy(ROW));
        assert!(!LocalFilter::parse("!public").matches(ROW));
        assert!(LocalFilter::parse("!critical").matches(ROW));
        // Fuzzy stays inside one column: "h" from one column, "3" from the next is no match.
        assert!(!LocalFilter::parse("hghs3").matches_fuzzy(ROW));
        assert!(!LocalFilter::parse("!pblc").can_be_fuzzy());
    }

    #[test]
    fn narrowing_is_only_claimed_when_it_is_true() {
        let a = LocalFilter::parse("pub");
        assert!(LocalFilter::parse("publ").narrows(&a));
        assert!(!LocalFilter::parse("pu").narrows(&a));
        assert!(!LocalFilter::parse("!pub").narrows(&LocalFilter::parse("!pu")));
        assert!(LocalFilter::parse("pub rea").narrows(&a));
    }

    #[test]
    fn every_word_must_match_and_a_negated_word_must_not() {
        assert!(LocalFilter::parse("public awss3").matches(ROW));
        assert!(!LocalFilter::parse("public critical").matches(ROW));
        assert!(LocalFilter::parse("public !critical").matches(ROW));
        assert!(!LocalFilter::parse("public !bucket").matches(ROW));
        assert!(
            !LocalFilter::parse("pb rd").can_be_fuzzy(),
            "fuzzy is for one word"
        );
    }
}
