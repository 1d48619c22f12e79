//! Package-vulnerability findings: Amazon Inspector (EC2, ECR images, Lambda) and Trivy
//! (container images, via the aquasecurity integration), over a table of real CVEs.

use serde_json::{Map, json};

use super::super::generate::{Ctx, Draft};
use super::super::resources;

struct Cve {
    id: &'static str,
    package: &'static str,
    installed: &'static str,
    /// None: no fix released (FixAvailable NO).
    fixed: Option<&'static str>,
    manager: &'static str,
    score: f64,
    vector: &'static str,
    label: &'static str,
    summary: &'static str,
    exploit: bool,
}

#[rustfmt::skip]
const CVES: &[Cve] = &[
    Cve { id: "CVE-2021-44228", package: "org.apache.logging.log4j:log4j-core", installed: "2.14.1", fixed: Some("2.17.1"), manager: "JAR", score: 10.0, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", label: "CRITICAL", summary: "Apache Log4j2 JNDI features do not protect against attacker-controlled LDAP and other JNDI endpoints, allowing remote code execution through log messages.", exploit: true },
    Cve { id: "CVE-2022-22965", package: "org.springframework:spring-beans", installed: "5.3.17", fixed: Some("5.3.18"), manager: "JAR", score: 9.8, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", label: "CRITICAL", summary: "A Spring MVC or Spring WebFlux application running on JDK 9+ may be vulnerable to remote code execution via data binding.", exploit: true },
    Cve { id: "CVE-2024-3094", package: "xz-utils", installed: "5.6.0-0.2", fixed: Some("5.4.5-0.3"), manager: "OS", score: 10.0, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", label: "CRITICAL", summary: "Malicious code was discovered in the upstream tarballs of xz, starting with version 5.6.0, that modifies liblzma and can be used to intercept sshd authentication.", exploit: true },
    Cve { id: "CVE-2023-38545", package: "curl", installed: "8.3.0-1", fixed: Some("8.4.0-1"), manager: "OS", score: 9.8, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", label: "CRITICAL", summary: "A heap buffer overflow in the SOCKS5 proxy handshake of curl can be triggered by a hostname that is too long.", exploit: false },
    Cve { id: "CVE-2022-37434", package: "zlib", installed: "1.2.12-r1", fixed: Some("1.2.12-r2"), manager: "OS", score: 9.8, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", label: "CRITICAL", summary: "zlib through 1.2.12 has a heap-based buffer over-read or overflow in inflate via a large gzip header extra field.", exploit: false },
    Cve { id: "CVE-2023-45853", package: "zlib", installed: "1.2.13-r0", fixed: None, manager: "OS", score: 9.8, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", label: "CRITICAL", summary: "MiniZip in zlib through 1.3 has an integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_64.", exploit: false },
    Cve { id: "CVE-2024-6387", package: "openssh-server", installed: "8.9p1-3ubuntu0.6", fixed: Some("8.9p1-3ubuntu0.10"), manager: "OS", score: 8.1, vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", label: "HIGH", summary: "A signal handler race condition in OpenSSH's server (sshd) can lead to unauthenticated remote code execution as root (regreSSHion).", exploit: true },
    Cve { id: "CVE-2023-4863", package: "libwebp", installed: "1.2.4-0.1", fixed: Some("1.2.4-0.2+deb12u1"), manager: "OS", score: 8.8, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", label: "HIGH", summary: "A heap buffer overflow in libwebp allows a remote attacker to perform an out of bounds memory write via a crafted HTML page.", exploit: true },
    Cve { id: "CVE-2022-3602", package: "openssl", installed: "3.0.5-1", fixed: Some("3.0.7-1"), manager: "OS", score: 7.5, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", label: "HIGH", summary: "A buffer overrun can be triggered in X.509 certificate verification, specifically in name constraint checking.", exploit: false },
    Cve { id: "CVE-2023-44487", package: "golang.org/x/net", installed: "v0.15.0", fixed: Some("0.17.0"), manager: "GOMOD", score: 7.5, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", label: "HIGH", summary: "The HTTP/2 protocol allows a denial of service (server resource consumption) because request cancellation can reset many streams quickly (Rapid Reset).", exploit: true },
    Cve { id: "CVE-2021-3156", package: "sudo", installed: "1.8.31-1ubuntu1", fixed: Some("1.8.31-1ubuntu1.2"), manager: "OS", score: 7.8, vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", label: "HIGH", summary: "Sudo before 1.9.5p2 contains an off-by-one error that can result in a heap-based buffer overflow, allowing privilege escalation to root (Baron Samedit).", exploit: true },
    Cve { id: "CVE-2023-0286", package: "openssl", installed: "1.1.1s-r0", fixed: Some("1.1.1t-r0"), manager: "OS", score: 7.4, vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H", label: "HIGH", summary: "There is a type confusion vulnerability relating to X.400 address processing inside an X.509 GeneralName.", exploit: false },
    Cve { id: "CVE-2023-2650", package: "openssl", installed: "3.0.8-1", fixed: Some("3.0.9-1"), manager: "OS", score: 6.5, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", label: "MEDIUM", summary: "Processing some specially crafted ASN.1 object identifiers or data containing them may be very slow.", exploit: false },
    Cve { id: "CVE-2023-32681", package: "requests", installed: "2.28.2", fixed: Some("2.31.0"), manager: "PIP", score: 6.1, vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", label: "MEDIUM", summary: "Requests leaks Proxy-Authorization headers to destination servers when redirected to an HTTPS endpoint.", exploit: false },
    Cve { id: "CVE-2022-25883", package: "semver", installed: "7.3.8", fixed: Some("7.5.2"), manager: "NPM", score: 5.3, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", label: "MEDIUM", summary: "Versions of the package semver before 7.5.2 are vulnerable to Regular Expression Denial of Service (ReDoS) via the function new Range.", exploit: false },
    Cve { id: "CVE-2020-8908", package: "com.google.guava:guava", installed: "29.0-jre", fixed: Some("32.0.0-jre"), manager: "JAR", score: 3.3, vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", label: "LOW", summary: "A temp directory creation vulnerability exists in Guava's Files.createTempDir(), exposing created files to other local users.", exploit: false },
    Cve { id: "CVE-2022-42969", package: "py", installed: "1.11.0", fixed: None, manager: "PIP", score: 5.3, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", label: "MEDIUM", summary: "The py library for Python allows remote attackers to conduct a ReDoS attack via a Subversion repository with crafted info data (disputed).", exploit: false },
    Cve { id: "CVE-2023-29491", package: "ncurses", installed: "6.2-0ubuntu2", fixed: Some("6.2-0ubuntu2.1"), manager: "OS", score: 7.8, vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", label: "HIGH", summary: "ncurses before 6.4 20230408, when used by a setuid application, allows local users to trigger memory corruption via malformed terminfo data.", exploit: false },
    Cve { id: "CVE-2016-2781", package: "coreutils", installed: "8.32-4.1ubuntu1", fixed: None, manager: "OS", score: 2.5, vector: "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:C/C:N/I:L/A:N", label: "LOW", summary: "chroot in GNU coreutils, when used with --userspec, allows local users to escape to the parent session via a crafted TIOCSTI ioctl call.", exploit: false },
];

fn vulnerability(ctx: &mut Ctx, cve: &Cve) -> serde_json::Value {
    let mut package = json!({"Name": cve.package, "Version": cve.installed, "Epoch": "0", "PackageManager": cve.manager});
    if let Some(fixed) = cve.fixed {
        package["FixedInVersion"] = json!(fixed);
        package["Remediation"] = json!(format!("Upgrade {} to {fixed}", cve.package));
    }
    let epss = if cve.exploit {
        0.5 + ctx.rng.below(49) as f64 / 100.0
    } else {
        ctx.rng.below(200) as f64 / 10_000.0
    };
    json!({
        "Id": cve.id,
        "VulnerablePackages": [package],
        "Cvss": [{"Version": "3.1", "BaseScore": cve.score, "BaseVector": cve.vector, "Source": "NVD"}],
        "Vendor": {"Name": "NVD", "Url": format!("https://nvd.nist.gov/vuln/detail/{}", cve.id), "VendorSeverity": cve.label},
        "ReferenceUrls": [format!("https://nvd.nist.gov/vuln/detail/{}", cve.id)],
        "FixAvailable": if cve.fixed.is_some() { "YES" } else { "NO" },
        "ExploitAvailable": if cve.exploit { "YES" } else { "NO" },
        "EpssScore": epss,
    })
}

pub fn inspector(ctx: &mut Ctx) -> Draft {
    let cve = ctx.rng.pick(CVES);
    let target = match ctx.rng.below(10) {
        0..=4 => resources::ec2_instance(ctx),
        5..=8 => resources::ecr_image(ctx),
        _ => resources::lambda(ctx),
    };
    let uid = ctx.uid();
    let id = format!(
        "arn:aws:inspector2:{}:{}:finding/{uid}",
        ctx.region, ctx.account
    );
    let mut product_fields = Map::new();
    product_fields.insert("aws/inspector/FindingStatus".into(), json!("ACTIVE"));
    product_fields.insert(
        "aws/inspector/inspectorScore".into(),
        json!(format!("{:.1}", cve.score)),
    );
    product_fields.insert("aws/inspector/ProductVersion".into(), json!("2"));
    let mut draft = Draft {
        id,
        product_arn: format!("arn:aws:securityhub:{}::product/aws/inspector", ctx.region),
        product_name: "Inspector",
        company_name: "Amazon",
        generator_id: "AWSInspector".into(),
        types: vec!["Software and Configuration Checks/Vulnerabilities/CVE".into()],
        title: format!("{} - {}", cve.id, cve.package),
        description: cve.summary.to_string(),
        severity: cve.label,
        resources: vec![target.resource],
        extra: Map::new(),
        product_fields,
        passed: false,
    };
    let vuln = vulnerability(ctx, cve);
    draft.set("Vulnerabilities", json!([vuln]));
    let text = match cve.fixed {
        Some(fixed) => format!("Upgrade {} to version {fixed} or later.", cve.package),
        None => "None Provided".to_string(),
    };
    draft.set("Remediation", json!({"Recommendation": {"Text": text}}));
    draft
}

pub fn trivy(ctx: &mut Ctx) -> Draft {
    let cve = ctx.rng.pick(CVES);
    let image = resources::ecr_image(ctx);
    let image_ref = format!(
        "{}.dkr.ecr.{}.amazonaws.com/{}",
        ctx.account, ctx.region, image.name
    );
    let mut container = resources::container(&mut ctx.rng, &image_ref);
    container["Region"] = json!(ctx.region);
    container["Details"]["Other"] = json!({
        "CVE ID": cve.id,
        "PkgName": cve.package,
        "Installed Package": cve.installed,
        "Patched Package": cve.fixed.unwrap_or(""),
        "NvdCvssScoreV3": format!("{}", cve.score),
        "NvdCvssVectorV3": cve.vector,
    });
    let mut product_fields = Map::new();
    product_fields.insert("Product Name".into(), json!("Trivy"));
    let mut draft = Draft {
        id: format!("{image_ref}/{}", cve.id),
        product_arn: format!(
            "arn:aws:securityhub:{}::product/aquasecurity/aquasecurity",
            ctx.region
        ),
        product_name: "Aqua Security",
        company_name: "Aqua Security",
        generator_id: format!("Trivy/{}", cve.id),
        types: vec!["Software and Configuration Checks/Vulnerabilities/CVE".into()],
        title: format!(
            "Trivy found a vulnerability to {} in container {image_ref}, related to {}",
            cve.id, cve.package
        ),
        description: cve.summary.to_string(),
        severity: cve.label,
        resources: vec![container],
        extra: Map::new(),
        product_fields,
        passed: false,
    };
    draft.set(
        "Remediation",
        json!({"Recommendation": {"Text": "More information on this vulnerability is provided in the hyperlink",
            "Url": format!("https://avd.aquasec.com/nvd/{}", cve.id.to_lowercase())}}),
    );
    draft
}
