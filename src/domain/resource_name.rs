//! The short name of a resource for narrow tables: what tells two rows apart (a role's
//! name, a bucket, an instance id), not the ARN around it. Full ids stay in the detail
//! views, in searches and in everything sent to AWS.

/// `arn:aws:iam::123:role/service-role/Deployer` -> `Deployer`; `arn:aws:s3:::logs` ->
/// `logs`; `arn:aws:lambda:r:a:function:fn` -> `fn`; anything not an ARN: its last `/`
/// segment (`i-0abc` stays `i-0abc`). Never empty: an id ending in `/` is kept whole.
pub fn short_name(id: &str) -> &str {
    let resource = match id.strip_prefix("arn:") {
        Some(_) => id
            .splitn(6, ':')
            .nth(5)
            .filter(|r| !r.is_empty())
            .unwrap_or(id),
        None => id,
    };
    let last = match id.starts_with("arn:") {
        true => resource.rsplit(['/', ':']).next(),
        false => resource.rsplit('/').next(),
    };
    last.filter(|s| !s.is_empty()).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn names_are_the_part_that_differs() {
        for (id, name) in [
            (
                "arn:aws:iam::123456789012:role/service-role/Deployer",
                "Deployer",
            ),
            (
                "arn:aws:iam::123456789012:role/PartnerSupport",
                "PartnerSupport",
            ),
            ("arn:aws:s3:::example-logs", "example-logs"),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:resize",
                "resize",
            ),
            ("arn:aws:sns:us-east-1:123456789012:alerts", "alerts"),
            (
                "arn:aws:ec2:us-east-1:123456789012:instance/i-05f983a2",
                "i-05f983a2",
            ),
            ("i-05f983a2", "i-05f983a2"),
            ("AWS::::Account:123456789012", "AWS::::Account:123456789012"),
            ("arn:aws:s3:::bucket/", "arn:aws:s3:::bucket/"),
            ("", ""),
        ] {
            assert_eq!(short_name(id), name, "{id}");
        }
    }
}
