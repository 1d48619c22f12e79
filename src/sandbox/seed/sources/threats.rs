//! GuardDuty findings: network, port-probe, DNS and API-call threats with RemoteIpDetails
//! drawn only from documentation address ranges (RFC 5737 / RFC 3849) and ASNs (RFC 5398).

use serde_json::{Map, Value, json};

use super::super::generate::{Ctx, Draft, ts};
use super::super::resources::{self, Named};

#[derive(Clone, Copy)]
enum Act {
    Inbound {
        port: u16,
        name: &'static str,
    },
    Outbound {
        port: u16,
    },
    Probe {
        port: u16,
        name: &'static str,
    },
    Api {
        api: &'static str,
        service: &'static str,
    },
    Dns {
        domain: &'static str,
    },
}

#[derive(Clone, Copy)]
enum On {
    Instance,
    AccessKey,
    Bucket,
}

struct Threat {
    ty: &'static str,
    tactic: &'static str,
    score: f64,
    act: Act,
    on: On,
    /// `{ip}`, `{res}` and `{api}` are filled in.
    title: &'static str,
}

#[rustfmt::skip]
const THREATS: &[Threat] = &[
    Threat { ty: "UnauthorizedAccess:EC2/SSHBruteForce", tactic: "Initial Access", score: 2.0, act: Act::Inbound { port: 22, name: "SSH" }, on: On::Instance, title: "{ip} is performing SSH brute force attacks against {res}." },
    Threat { ty: "UnauthorizedAccess:EC2/RDPBruteForce", tactic: "Initial Access", score: 2.0, act: Act::Inbound { port: 3389, name: "RDP" }, on: On::Instance, title: "{ip} is performing RDP brute force attacks against {res}." },
    Threat { ty: "Recon:EC2/PortProbeUnprotectedPort", tactic: "Discovery", score: 2.0, act: Act::Probe { port: 5432, name: "PostgreSQL" }, on: On::Instance, title: "Unprotected port on EC2 instance {res} is being probed." },
    Threat { ty: "Recon:EC2/PortProbeEMRUnprotectedPort", tactic: "Discovery", score: 5.0, act: Act::Probe { port: 8088, name: "Unknown" }, on: On::Instance, title: "EMR-related port on EC2 instance {res} is being probed." },
    Threat { ty: "Recon:EC2/Portscan", tactic: "Discovery", score: 5.0, act: Act::Outbound { port: 445 }, on: On::Instance, title: "Outbound portscan from EC2 instance {res}." },
    Threat { ty: "Backdoor:EC2/C&CActivity.B", tactic: "Command and Control", score: 8.0, act: Act::Outbound { port: 443 }, on: On::Instance, title: "EC2 instance {res} is querying an IP address associated with a known command and control server." },
    Threat { ty: "UnauthorizedAccess:EC2/TorClient", tactic: "Command and Control", score: 8.0, act: Act::Outbound { port: 9001 }, on: On::Instance, title: "EC2 instance {res} is making connections to Tor Guard or Authority nodes." },
    Threat { ty: "CryptoCurrency:EC2/BitcoinTool.B!DNS", tactic: "Impact", score: 8.0, act: Act::Dns { domain: "pool.xmr-mining.example" }, on: On::Instance, title: "EC2 instance {res} is querying a domain name that is associated with Bitcoin-related activity." },
    Threat { ty: "Trojan:EC2/DNSDataExfiltration", tactic: "Exfiltration", score: 8.0, act: Act::Dns { domain: "a4f1c9.tunnel.example.net" }, on: On::Instance, title: "Data exfiltration through DNS queries from EC2 instance {res}." },
    Threat { ty: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", tactic: "Credential Access", score: 8.0, act: Act::Api { api: "ListBuckets", service: "s3.amazonaws.com" }, on: On::AccessKey, title: "Credentials for instance role {res} used from external IP address." },
    Threat { ty: "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", tactic: "Initial Access", score: 5.0, act: Act::Api { api: "GetCallerIdentity", service: "sts.amazonaws.com" }, on: On::AccessKey, title: "API {api} was invoked from an IP address on a custom threat list." },
    Threat { ty: "Discovery:IAMUser/AnomalousBehavior", tactic: "Discovery", score: 2.0, act: Act::Api { api: "ListRoles", service: "iam.amazonaws.com" }, on: On::AccessKey, title: "User {res} is anomalously invoking APIs commonly used in Discovery tactics." },
    Threat { ty: "Policy:IAMUser/RootCredentialUsage", tactic: "Privilege Escalation", score: 2.0, act: Act::Api { api: "DescribeInstances", service: "ec2.amazonaws.com" }, on: On::AccessKey, title: "API {api} was invoked using root credentials." },
    Threat { ty: "PenTest:IAMUser/KaliLinux", tactic: "Discovery", score: 5.0, act: Act::Api { api: "ListUsers", service: "iam.amazonaws.com" }, on: On::AccessKey, title: "API {api} was invoked from a Kali Linux computer." },
    Threat { ty: "Stealth:IAMUser/CloudTrailLoggingDisabled", tactic: "Defense Evasion", score: 2.0, act: Act::Api { api: "StopLogging", service: "cloudtrail.amazonaws.com" }, on: On::AccessKey, title: "AWS CloudTrail trail management-events was disabled by {res}." },
    Threat { ty: "Policy:S3/BucketBlockPublicAccessDisabled", tactic: "Defense Evasion", score: 2.0, act: Act::Api { api: "PutBucketPublicAccessBlock", service: "s3.amazonaws.com" }, on: On::Bucket, title: "Amazon S3 Block Public Access was disabled for S3 bucket {res}." },
    Threat { ty: "Exfiltration:S3/AnomalousBehavior", tactic: "Exfiltration", score: 8.0, act: Act::Api { api: "GetObject", service: "s3.amazonaws.com" }, on: On::Bucket, title: "Anomalous API requests were invoked to retrieve objects from S3 bucket {res}." },
    Threat { ty: "AttackSequence:IAM/CompromisedCredentials", tactic: "Credential Access", score: 9.0, act: Act::Api { api: "CreateAccessKey", service: "iam.amazonaws.com" }, on: On::AccessKey, title: "Potential credential compromise of {res} indicated by a sequence of actions." },
];

/// (ASN from the documentation range, AS org, ISP, country code, country, city, lat, lon)
type Origin = (
    u32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
);
#[rustfmt::skip]
const ORIGINS: &[Origin] = &[
    (64496, "EXAMPLE-TRANSIT-AS", "Example Transit", "NL", "Netherlands", "Amsterdam", 52.3676, 4.9041),
    (64497, "DOC-HOSTING", "Documentation Hosting Ltd", "DE", "Germany", "Frankfurt am Main", 50.1109, 8.6821),
    (64498, "SAMPLE-CLOUD", "Sample Cloud Inc", "US", "United States", "Ashburn", 39.0438, -77.4874),
    (64499, "TEST-BROADBAND", "Test Broadband", "BR", "Brazil", "Sao Paulo", -23.5505, -46.6333),
    (64500, "EXAMPLE-MOBILE", "Example Mobile", "SG", "Singapore", "Singapore", 1.3521, 103.8198),
    (64501, "RESERVED-VPS", "Reserved VPS", "RO", "Romania", "Bucharest", 44.4268, 26.1025),
];

fn remote_ip(ctx: &mut Ctx) -> String {
    let net = *ctx.rng.pick(&["198.51.100", "203.0.113", "192.0.2"]);
    format!("{net}.{}", ctx.rng.range(1, 254))
}

fn ip_details(ctx: &mut Ctx, ip: Option<&str>) -> Value {
    let (asn, as_org, isp, code, country, city, lat, lon) = *ctx.rng.pick(ORIGINS);
    let mut details = json!({
        "Organization": {"Asn": asn, "AsnOrg": as_org, "Isp": isp, "Org": isp},
        "Country": {"CountryCode": code, "CountryName": country},
        "City": {"CityName": city},
        "GeoLocation": {"Lat": lat, "Lon": lon},
    });
    if let Some(ip) = ip {
        details["IpAddressV4"] = json!(ip);
    }
    details
}

fn local_ip(resource: &Value) -> String {
    resource["Details"]["AwsEc2Instance"]["IpV4Addresses"][0]
        .as_str()
        .unwrap_or("10.0.0.10")
        .to_string()
}

/// One GuardDuty finding. Long on purpose (over 100 lines): the finding is written out
/// field by field in ASFF order, so it reads like the documents it imitates.
pub fn draft(ctx: &mut Ctx) -> Draft {
    let threat = ctx.rng.pick(THREATS);
    let target: Named = match threat.on {
        On::Instance => resources::ec2_instance(ctx),
        On::AccessKey => resources::access_key(ctx),
        On::Bucket => resources::s3_bucket(ctx),
    };
    // One detector per account and Region, as GuardDuty has.
    let detector = resources::stable_hex(&[ctx.account, ctx.region], 32);
    let uid = ctx.uid();
    let id = format!(
        "arn:aws:guardduty:{}:{}:detector/{detector}/finding/{uid}",
        ctx.region, ctx.account
    );
    // One attacker in ten comes over IPv6; GuardDuty's RemoteIpDetails has no IPv6 field,
    // so the address is only in Network.SourceIpV6.
    let v6 = matches!(threat.act, Act::Inbound { .. }) && ctx.rng.chance(10);
    let ip = if v6 {
        format!(
            "2001:db8:{:x}::{:x}",
            ctx.rng.below(0xffff),
            ctx.rng.range(1, 0xfff)
        )
    } else {
        remote_ip(ctx)
    };
    let api = match threat.act {
        Act::Api { api, .. } => api,
        _ => "",
    };
    let title = threat
        .title
        .replace("{ip}", &ip)
        .replace("{res}", &target.name)
        .replace("{api}", api);
    let label = match threat.score {
        s if s >= 9.0 => "CRITICAL",
        s if s >= 7.0 => "HIGH",
        s if s >= 4.0 => "MEDIUM",
        _ => "LOW",
    };
    let count = ctx.rng.range(1, 400);
    let (action, network, action_type) = action(ctx, threat.act, &target.resource, &ip, v6);

    let mut product_fields = Map::new();
    for (k, v) in [
        (
            "aws/guardduty/service/action/actionType",
            action_type.to_string(),
        ),
        ("aws/guardduty/service/archived", "false".into()),
        ("aws/guardduty/service/count", count.to_string()),
        ("aws/guardduty/service/detectorId", detector.clone()),
        ("aws/guardduty/service/eventFirstSeen", ts(ctx.created)),
        ("aws/guardduty/service/eventLastSeen", ts(ctx.updated)),
        (
            "aws/guardduty/service/resourceRole",
            if matches!(threat.act, Act::Outbound { .. } | Act::Dns { .. }) {
                "ACTOR"
            } else {
                "TARGET"
            }
            .into(),
        ),
        ("aws/guardduty/service/serviceName", "guardduty".into()),
    ] {
        product_fields.insert(k.into(), json!(v));
    }
    let mut draft = Draft {
        id,
        product_arn: format!("arn:aws:securityhub:{}::product/aws/guardduty", ctx.region),
        product_name: "GuardDuty",
        company_name: "Amazon",
        generator_id: format!(
            "arn:aws:guardduty:{}:{}:detector/{detector}",
            ctx.region, ctx.account
        ),
        types: vec![format!(
            "TTPs/{}/{}",
            threat.tactic,
            threat.ty.replace('/', "-")
        )],
        title: title.clone(),
        description: format!(
            "{title} GuardDuty observed this activity {count} times. Finding type {}.",
            threat.ty
        ),
        severity: label,
        resources: vec![target.resource],
        extra: Map::new(),
        product_fields,
        passed: false,
    };
    draft.set(
        "Severity",
        json!({"Product": threat.score, "Label": label, "Normalized": (threat.score * 10.0) as u32, "Original": format!("{}", threat.score)}),
    );
    draft.set("Action", action);
    if let Some(network) = network {
        draft.set("Network", network);
    }
    draft.set("SourceUrl", json!(format!("https://{0}.console.aws.amazon.com/guardduty/home?region={0}#/findings?macros=current&fId={1}", ctx.region, draft.id.rsplit('/').next().unwrap_or_default())));
    draft
}

fn action(
    ctx: &mut Ctx,
    act: Act,
    resource: &Value,
    ip: &str,
    v6: bool,
) -> (Value, Option<Value>, &'static str) {
    let remote = ip_details(ctx, (!v6).then_some(ip));
    let local = local_ip(resource);
    let ephemeral = ctx.rng.range(32_768, 60_999);
    match act {
        Act::Inbound { port, name } => {
            let mut network = json!({"Direction": "IN", "Protocol": "TCP", "SourcePort": ephemeral, "DestinationIpV4": local, "DestinationPort": port});
            network[if v6 { "SourceIpV6" } else { "SourceIpV4" }] = json!(ip);
            (
                json!({"ActionType": "NETWORK_CONNECTION", "NetworkConnectionAction": {"ConnectionDirection": "INBOUND", "RemoteIpDetails": remote,
                    "RemotePortDetails": {"Port": ephemeral, "PortName": "Unknown"}, "LocalPortDetails": {"Port": port, "PortName": name}, "Protocol": "TCP", "Blocked": false}}),
                Some(network),
                "NETWORK_CONNECTION",
            )
        }
        Act::Outbound { port } => (
            json!({"ActionType": "NETWORK_CONNECTION", "NetworkConnectionAction": {"ConnectionDirection": "OUTBOUND", "RemoteIpDetails": remote,
                "RemotePortDetails": {"Port": port, "PortName": "Unknown"}, "LocalPortDetails": {"Port": ephemeral, "PortName": "Unknown"}, "Protocol": "TCP", "Blocked": false}}),
            Some(
                json!({"Direction": "OUT", "Protocol": "TCP", "SourceIpV4": local, "SourcePort": ephemeral, "DestinationIpV4": ip, "DestinationPort": port}),
            ),
            "NETWORK_CONNECTION",
        ),
        Act::Probe { port, name } => (
            json!({"ActionType": "PORT_PROBE", "PortProbeAction": {"Blocked": false, "PortProbeDetails": [{
                "LocalPortDetails": {"Port": port, "PortName": name}, "LocalIpDetails": {"IpAddressV4": local}, "RemoteIpDetails": remote}]}}),
            Some(
                json!({"Direction": "IN", "Protocol": "TCP", "SourceIpV4": ip, "DestinationIpV4": local, "DestinationPort": port}),
            ),
            "PORT_PROBE",
        ),
        Act::Api { api, service } => (
            json!({"ActionType": "AWS_API_CALL", "AwsApiCallAction": {"Api": api, "ServiceName": service, "CallerType": "Remote IP",
                "RemoteIpDetails": remote, "FirstSeen": ts(ctx.created), "LastSeen": ts(ctx.updated)}}),
            None,
            "AWS_API_CALL",
        ),
        Act::Dns { domain } => (
            json!({"ActionType": "DNS_REQUEST", "DnsRequestAction": {"Domain": domain, "Protocol": "UDP", "Blocked": false}}),
            Some(
                json!({"Direction": "OUT", "Protocol": "UDP", "SourceIpV4": local, "DestinationDomain": domain, "DestinationPort": 53}),
            ),
            "DNS_REQUEST",
        ),
    }
}
