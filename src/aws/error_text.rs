//! The one-line message of a failed SDK call: AWS's own message when the service answered
//! with an error; otherwise what happened in plain words, with the HTTP status and the
//! first line of a body that was not an AWS answer (an HTML 404 from a proxy or a load
//! balancer), sanitized and cut short. Never the SDK's Debug output.

use std::error::Error;

use aws_sdk_securityhub::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::domain::sanitize;

/// Longest quoted body line; bodies can be kilobytes of HTML.
const MAX_BODY_CHARS: usize = 120;
/// Longest error chain (connection errors nest a few levels deep).
const MAX_CHAIN_CHARS: usize = 240;

pub(crate) fn one_line_message<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    if let (SdkError::ServiceError(_), Some(_)) = (err, err.code()) {
        return match err.message() {
            Some(m) => one_line(m, usize::MAX),
            None => "(no message)".into(),
        };
    }
    match err {
        SdkError::ConstructionFailure(_) => {
            format!("the request could not be built: {}", chain(err))
        }
        SdkError::TimeoutError(_) => format!("no answer in time: {}", chain(err)),
        // "dispatch failure: io error: ... Connection refused", "... no credentials found".
        SdkError::DispatchFailure(_) => chain(err),
        _ => match err.raw_response() {
            Some(response) => not_aws(response, err),
            None => chain(err),
        },
    }
}

/// An answer without an AWS error code: its status and the first line of its body.
fn not_aws<E: Error + 'static>(response: &HttpResponse, err: &SdkError<E, HttpResponse>) -> String {
    let status = response.status().as_u16();
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default();
    let body = response.body().bytes().map(first_line).unwrap_or_default();
    let body = if body.is_empty() {
        "an empty body".to_string()
    } else {
        format!("\"{body}\"")
    };
    if matches!(err, SdkError::ServiceError(_)) || !(200..300).contains(&status) {
        format!("HTTP {status}{reason}, not an AWS answer: {body}")
    } else {
        format!(
            "HTTP {status}{reason}, an answer that could not be read ({}): {body}",
            chain(err)
        )
    }
}

/// The first line of `body` with text in it (HTML tags removed), sanitized, cut short.
pub(crate) fn first_line(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = without_tags(&text);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    line.map(|l| one_line(l, MAX_BODY_CHARS))
        .unwrap_or_default()
}

/// `text` with `<...>` tags removed, when it looks like HTML or XML.
fn without_tags(text: &str) -> String {
    if !text.trim_start().starts_with('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The error and its sources, Display only, joined with ": " (a source its parent
/// already quotes is left out).
fn chain(err: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut next = err.source();
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    one_line(&parts.join(": "), MAX_CHAIN_CHARS)
}

/// `s` on one line (whitespace runs become one space), hostile characters made visible,
/// at most `max` characters (then "…").
fn one_line(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let visible = sanitize::visible(&flat);
    if visible.chars().count() <= max {
        return visible.into_owned();
    }
    let mut cut: String = visible.chars().take(max).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_of_an_html_page_is_its_text() {
        let nginx = b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n\
            <center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        assert_eq!(first_line(nginx), "404 Not Found");
        assert_eq!(
            first_line(b"\n\n  upstream timed out  \nmore"),
            "upstream timed out"
        );
        assert_eq!(first_line(b""), "");
    }

    #[test]
    fn a_long_or_hostile_body_line_is_cut_and_made_visible() {
        let long = "x".repeat(5000);
        let line = first_line(long.as_bytes());
        assert_eq!(line.chars().count(), MAX_BODY_CHARS + 1);
        assert!(line.ends_with('…'));
        let hostile = first_line("bad \u{1b}]0;pwned\u{7} gateway".as_bytes());
        assert!(!hostile.contains('\u{1b}'), "{hostile:?}");
    }

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(one_line("a\r\n  b\tc", 100), "a b c");
    }
}
