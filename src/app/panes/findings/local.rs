//! The `/` local filter's matching. The text is matched as a case-insensitive substring of
//! a row's columns; when no loaded row contains it and it has several words, rows that
//! contain every word (anywhere, as in fzf: `/brute us-east-1`; `!word` must not) are
//! shown; when none do either, rows whose single column contains its characters in order
//! (fuzzy). `!text` shows the rows that do not contain `text` (substring only: a fuzzy
//! exclusion would hide far too much).

/// A parsed local filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalFilter {
    needle: String,
    negated: bool,
}

/// Separates the columns in a row's haystack.
pub const COLUMN_SEPARATOR: char = '\u{1f}';

impl LocalFilter {
    pub fn parse(text: &str) -> LocalFilter {
        let lower = text.to_lowercase();
        match lower.strip_prefix('!') {
            Some(rest) => LocalFilter {
                needle: rest.to_string(),
                negated: true,
            },
            None => LocalFilter {
                needle: lower,
                negated: false,
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    /// Fuzzy matching only makes sense for a positive filter of two characters or more.
    pub fn can_be_fuzzy(&self) -> bool {
        !self.negated && self.needle.chars().count() >= 2
    }

    /// Substring (or its negation). `haystack` must already be lower-cased.
    pub fn matches(&self, haystack: &str) -> bool {
        haystack.contains(self.needle.as_str()) != self.negated
    }

    /// A positive filter of several words: whether `haystack` contains every word (and
    /// none of the `!word`s). `None` for one word or a negated filter.
    pub fn matches_words(&self, haystack: &str) -> Option<bool> {
        let words: Vec<&str> = self.needle.split_whitespace().collect();
        if self.negated || words.len() < 2 {
            return None;
        }
        Some(words.iter().all(|w| match w.strip_prefix('!') {
            Some(not) => not.is_empty() || !haystack.contains(not),
            None => haystack.contains(w),
        }))
    }

    /// The needle's characters in order within one column.
    pub fn matches_fuzzy(&self, haystack: &str) -> bool {
        haystack.split(COLUMN_SEPARATOR).any(|column| {
            let mut rest = column.chars();
            self.needle.chars().all(|c| rest.any(|h| h == c))
        })
    }

    /// Whether the rows `self` matches are among those `old` matched (in the same mode),
    /// so only `old`'s matches need scanning: typing one more character.
    pub fn narrows(&self, old: &LocalFilter) -> bool {
        !self.negated && !old.negated && self.needle.starts_with(old.needle.as_str())
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
    }

    #[test]
    fn several_words_each_match_when_the_phrase_does_not() {
        let words = |t: &str| LocalFilter::parse(t).matches_words(ROW);
        assert_eq!(words("public awss3"), Some(true));
        assert_eq!(words("public critical"), Some(false));
        assert_eq!(words("public !critical"), Some(true));
        assert_eq!(words("public !bucket"), Some(false));
        assert_eq!(words("public"), None);
    }
}
