//! The filter text cut into terms (whitespace outside double quotes) and a term's values
//! (commas outside quotes, unquoted), each with its byte position for error carets.

use super::FilterError;

/// A whitespace-separated term of the input and where it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    pub offset: usize,
    pub text: &'a str,
}

/// Splits on whitespace outside double quotes.
pub(crate) fn tokens(input: &str) -> Result<Vec<Token<'_>>, FilterError> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quoted = false;
    // Where the quote still open was opened: that one is unterminated, not the first.
    let mut opened = 0;
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
                opened = i;
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
            return Err(FilterError::at(&token, opened - s, 1, "unterminated quote"));
        }
        out.push(token);
    }
    Ok(out)
}

/// Splits `text` (starting at byte `base` of the token) on commas outside quotes,
/// unquoting each value. Returns (value, offset in token, raw length).
pub(crate) fn split_values(
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
pub(crate) fn is_operator_char(c: char) -> bool {
    matches!(c, '=' | '!' | '~' | '<' | '>' | '^' | '[' | '"')
}
