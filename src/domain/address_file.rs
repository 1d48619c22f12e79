//! A file of addresses to add to an IP set: one IP or CIDR per line, `#` starts a comment,
//! blank lines are skipped. Every line is checked before anything is planned; an error
//! names the file and the line, and one bad line refuses the whole file.

use super::cidr::{self, IpVersion};

/// The addresses of `text` (read from `name`) for a set of `version`, or every problem
/// found, each as `name:line: what is wrong`.
pub fn parse_address_file(
    text: &str,
    name: &str,
    version: IpVersion,
) -> Result<Vec<String>, Vec<String>> {
    let mut addresses = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let content = line.split('#').next().unwrap_or_default().trim();
        if content.is_empty() {
            continue;
        }
        let at = format!("{name}:{}", i + 1);
        if content.split_whitespace().count() > 1 {
            errors.push(format!(
                "{at}: {content:?}: one address or CIDR per line expected"
            ));
            continue;
        }
        match cidr::parse_exact(content, version, false) {
            Ok(_) => addresses.push(content.to_string()),
            Err(e) => errors.push(format!("{at}: {e}")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if addresses.is_empty() {
        return Err(vec![format!("{name}: no addresses in the file")]);
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let text =
            "# SOC blocklist\n203.0.113.7\n\n198.51.100.0/24   # scanner range\n  192.0.2.5/32\n";
        assert_eq!(
            parse_address_file(text, "block.txt", IpVersion::V4).unwrap(),
            ["203.0.113.7", "198.51.100.0/24", "192.0.2.5/32"]
        );
    }

    #[test]
    fn every_bad_line_is_named_by_file_and_line() {
        let text = "203.0.113.7\n10.0.0/8\n2001:db8::1\n1.2.3.4 5.6.7.8\n0.0.0.0/0\n";
        assert_eq!(
            parse_address_file(text, "block.txt", IpVersion::V4).unwrap_err(),
            [
                "block.txt:2: \"10.0.0/8\" is not an IP address or CIDR range",
                "block.txt:3: \"2001:db8::1\" is IPV6, but the set holds IPV4 addresses",
                "block.txt:4: \"1.2.3.4 5.6.7.8\": one address or CIDR per line expected",
                "block.txt:5: \"0.0.0.0/0\": /0 is not allowed in a WAF IP set",
            ]
        );
    }

    #[test]
    fn a_file_with_only_comments_is_refused() {
        assert_eq!(
            parse_address_file("# nothing\n\n", "empty.txt", IpVersion::V6).unwrap_err(),
            ["empty.txt: no addresses in the file"]
        );
    }
}
