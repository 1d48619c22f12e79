//! The reversible mapping between an Access Analyzer finding id (a UUID, with hyphens)
//! and the Sid of the Deny statement secdeck adds for it. IAM Sids allow letters and
//! digits only, so the hyphens go and a fixed prefix marks the statement as ours.

use super::PolicyError;

/// Marks statements secdeck added.
pub const SID_PREFIX: &str = "SecdeckDeny";

/// `SecdeckDeny` + the UUID's 32 hex digits, case kept so the mapping reverses exactly.
pub fn sid_for_finding(finding_id: &str) -> Result<String, PolicyError> {
    let groups: Vec<&str> = finding_id.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let hex = groups
        .iter()
        .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()));
    if lengths != [8, 4, 4, 4, 12] || !hex {
        return Err(PolicyError::BadFindingId(finding_id.to_string()));
    }
    Ok(format!("{SID_PREFIX}{}", groups.concat()))
}

/// The finding id a secdeck Sid was made from.
pub fn finding_id_from_sid(sid: &str) -> Result<String, PolicyError> {
    let not_ours = || PolicyError::NotOurSid(sid.to_string());
    let hex = sid.strip_prefix(SID_PREFIX).ok_or_else(not_ours)?;
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_ours());
    }
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// IAM's rule for a Sid: letters and digits only (empty is allowed and means none).
pub fn is_valid_iam_sid(sid: &str) -> bool {
    sid.bytes().all(|b| b.is_ascii_alphanumeric())
}
