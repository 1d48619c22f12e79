//! WAF IP sets as the console sees them (scope, summaries, full sets, the web ACL rules
//! that reference a set), planning an edit, and the description rules. The IP set
//! changes themselves are in [`ip_set_change`] (update, create) and [`ip_set_delete`].

mod ip_set_change;
mod ip_set_delete;

pub use ip_set_change::{IpSetCreate, IpSetUpdate};
pub use ip_set_delete::{IpSetDelete, plan_delete};

use std::fmt;

use serde::{Deserialize, Serialize};

use super::cidr::{self, EditCheck, IpVersion};

/// Where the resources live: a regional set, or CloudFront (always called in us-east-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WafScope {
    Regional,
    Cloudfront,
}

impl WafScope {
    pub fn as_str(self) -> &'static str {
        match self {
            WafScope::Regional => "REGIONAL",
            WafScope::Cloudfront => "CLOUDFRONT",
        }
    }

    pub fn parse(s: &str) -> Option<WafScope> {
        match s.to_ascii_uppercase().as_str() {
            "REGIONAL" => Some(WafScope::Regional),
            "CLOUDFRONT" => Some(WafScope::Cloudfront),
            _ => None,
        }
    }

    pub fn toggled(self) -> WafScope {
        match self {
            WafScope::Regional => WafScope::Cloudfront,
            WafScope::Cloudfront => WafScope::Regional,
        }
    }
}

impl fmt::Display for WafScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What identifies an IP set in every WAF call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IpSetRef {
    pub scope: WafScope,
    pub name: String,
    pub id: String,
}

impl IpSetRef {
    /// The journal's target name for the set.
    pub fn target(&self) -> String {
        format!("{}/{}/{}", self.scope, self.name, self.id)
    }
}

/// A ListIPSets row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpSetSummary {
    pub set: IpSetRef,
    pub arn: String,
    pub description: String,
}

/// A GetIPSet answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpSet {
    pub set: IpSetRef,
    pub arn: String,
    pub description: String,
    pub version: IpVersion,
    pub addresses: Vec<String>,
    pub lock_token: String,
}

/// A web ACL rule whose statement (at any depth) references an IP set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReference {
    pub ip_set_arn: String,
    pub web_acl: String,
    pub rule: String,
    pub priority: i32,
    /// `BLOCK`, `ALLOW`, `COUNT`, `CAPTCHA`, `CHALLENGE`, or `OVERRIDE:NONE|COUNT` for a
    /// rule group's override action.
    pub action: String,
    /// Where in the statement the reference sits, e.g. `ManagedRuleGroup.ScopeDown.Not.Or`.
    pub path: String,
}

impl RuleReference {
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{}/{} (#{} {})",
            self.web_acl, self.rule, self.priority, self.action
        );
        if !self.path.is_empty() {
            s.push_str(&format!(" via {}", self.path));
        }
        s
    }
}

/// Checks a user's add/remove request against `set` and, if nothing is refused and the
/// limit holds, makes the update plan. Refusals come back as messages; no call is made.
pub fn plan_edit(
    set: &IpSet,
    add: &[String],
    remove: &[String],
) -> Result<(IpSetUpdate, EditCheck), Vec<String>> {
    let (current, _) = cidr::parse_stored(&set.addresses);
    let check = cidr::check_edit(&current, set.version, add, remove);
    let problems = check.problems();
    if !problems.is_empty() {
        return Err(problems);
    }
    if check.is_noop() {
        let mut notes = check.notes();
        notes.push(format!("nothing to change in IP set {}", set.set.name));
        return Err(notes);
    }
    let update = IpSetUpdate {
        set: set.set.clone(),
        version: set.version,
        add: cidr::to_strings(&check.add),
        remove: cidr::to_strings(&check.remove),
        count_before: check.count_before,
        count_after: check.count_after,
        description_before: set.description.clone(),
        description: None,
        sync_token: None,
    };
    Ok((update, check))
}

/// Longest description WAF accepts.
pub const MAX_DESCRIPTION: usize = 256;

/// Characters WAF accepts anywhere in a description (its pattern's edge class);
/// whitespace is also accepted, but not first or last.
fn description_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=:#@/-,.".contains(c)
}

/// WAFv2's rule for a description (CreateIPSet/UpdateIPSet `Description`: length 1-256,
/// pattern `^[\w+=:#@/\-,\.][\w+=:#@/\-,\.\s]+[\w+=:#@/\-,\.]$`). The error names the
/// first character WAF would refuse. An empty description is not checked here: callers
/// omit the field instead of sending "".
pub fn check_description(d: &str) -> Result<(), String> {
    let n = d.chars().count();
    if n > MAX_DESCRIPTION {
        return Err(format!(
            "the description has {n} characters; WAF allows at most {MAX_DESCRIPTION}"
        ));
    }
    for (i, c) in d.chars().enumerate() {
        let edge = i == 0 || i + 1 == n;
        let ok = description_char(c) || (!edge && matches!(c, ' ' | '\t' | '\n' | '\r'));
        if !ok {
            let what = if c.is_whitespace() {
                "whitespace at the start or end".to_string()
            } else {
                format!("{c:?} (character {})", i + 1)
            };
            return Err(format!(
                "the description contains {what}; WAF accepts letters, digits, spaces and _ + = : # @ / - , ."
            ));
        }
    }
    if n < 3 {
        return Err(format!(
            "the description {d:?} is too short; WAF's pattern needs at least 3 characters"
        ));
    }
    Ok(())
}

/// How a sync marks its token in a description (WAF refuses brackets).
const TOKEN_MARKER: &str = "syncToken:";
/// The marker written before WAF's pattern was enforced; still recognised when read.
const OLD_TOKEN_MARKER: &str = "[syncToken ";

/// Longest syncToken a description records (AWS's are 10-digit Unix times).
pub const MAX_SYNC_TOKEN: usize = 64;

/// Whether a syncToken can be recorded in a description and read back: 1 to 64 of the
/// characters WAF accepts in a description, no whitespace. The file is not trusted: a
/// token WAF would refuse, or one longer than a description, must not reach a plan.
pub fn check_sync_token(token: &str) -> Result<(), String> {
    let n = token.chars().count();
    if n == 0 || n > MAX_SYNC_TOKEN {
        return Err(format!(
            "it has {n} characters; a syncToken has 1 to {MAX_SYNC_TOKEN}"
        ));
    }
    match token.chars().find(|c| !description_char(*c)) {
        Some(c) => Err(format!(
            "{c:?} cannot be recorded in a WAF description (letters, digits and _ + = : # @ / - , . only)"
        )),
        None => Ok(()),
    }
}

/// The description a sync leaves on a set: the old text with its syncToken marker
/// replaced, so a later sync can tell which file the set was last synced from.
pub fn description_with_token(description: &str, token: &str) -> String {
    let base = description
        .split(OLD_TOKEN_MARKER)
        .next()
        .unwrap_or_default()
        .split(TOKEN_MARKER)
        .next()
        .unwrap_or_default()
        .trim_end();
    let marker = format!("{TOKEN_MARKER}{token}");
    let out = if base.is_empty() {
        marker.clone()
    } else {
        format!("{base} {marker}")
    };
    // WAF descriptions hold at most 256 characters; keep the marker, trim the text.
    if out.chars().count() > MAX_DESCRIPTION {
        let keep = MAX_DESCRIPTION.saturating_sub(marker.chars().count() + 1);
        let text: String = base.chars().take(keep).collect();
        format!("{} {marker}", text.trim_end())
    } else {
        out
    }
}

/// The syncToken recorded in a set's description by [`description_with_token`]
/// (or by earlier versions, which wrote `[syncToken N]`).
pub fn token_in_description(description: &str) -> Option<&str> {
    if let Some(rest) = description.split(OLD_TOKEN_MARKER).nth(1) {
        return rest.split(']').next();
    }
    let rest = description.split(TOKEN_MARKER).nth(1)?;
    rest.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sync_token_marker_is_replaced_not_appended() {
        let d = description_with_token("CloudFront ranges", "100");
        assert_eq!(d, "CloudFront ranges syncToken:100");
        let d2 = description_with_token(&d, "200");
        assert_eq!(d2, "CloudFront ranges syncToken:200");
        assert_eq!(token_in_description(&d2), Some("200"));
        assert_eq!(token_in_description("x [syncToken 7]"), Some("7"));
        assert_eq!(
            description_with_token("x [syncToken 7]", "8"),
            "x syncToken:8"
        );
        for d in [d, d2, description_with_token("", "9")] {
            assert_eq!(check_description(&d), Ok(()), "{d}");
        }
        assert_eq!(token_in_description("plain"), None);
        assert!(
            description_with_token(&"x".repeat(300), "1")
                .chars()
                .count()
                <= 256
        );
        assert_eq!(
            check_description(&description_with_token(&"x ".repeat(200), "1")),
            Ok(())
        );
        // A token longer than a description is refused when the file is read; here it
        // must not underflow (it did, found by tests/fuzz/waf.rs).
        let long = description_with_token(&"x".repeat(300), &"9".repeat(300));
        assert!(long.ends_with(&"9".repeat(300)));
        assert_eq!(check_sync_token(&"9".repeat(64)), Ok(()));
        assert!(check_sync_token(&"9".repeat(65)).is_err());
    }

    #[test]
    fn descriptions_follow_wafs_pattern_and_name_the_bad_character() {
        assert_eq!(check_description("Blocked scanners, 2026-08 #ops"), Ok(()));
        let err = check_description("scanners [bad]").unwrap_err();
        assert!(err.contains("'[' (character 10)"), "{err}");
        assert!(
            check_description(" leading")
                .unwrap_err()
                .contains("whitespace")
        );
        assert!(check_description("ab").unwrap_err().contains("too short"));
        assert!(
            check_description(&"a".repeat(257))
                .unwrap_err()
                .contains("257")
        );
        assert!(check_description("caf\u{e9} set").is_err());
    }
}
