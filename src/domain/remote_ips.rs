//! The remote IP addresses of a finding: who attacked, probed or called from outside, as
//! a block-from-finding offers them for a WAF IP set. Read from the ASFF document in every
//! shape real findings carry them: `Action.*.RemoteIpDetails` (NetworkConnection,
//! AwsApiCall, PortProbe), `Network` (the source of inbound traffic, the destination of
//! outbound), GuardDuty's flattened `ProductFields` (`.../remoteIpDetails/ipAddressV4`),
//! and the IpV4Addresses of an EC2 instance resource explicitly marked as the actor.

use std::net::IpAddr;

use serde_json::Value;

/// One remote address and where in the finding it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteIp {
    pub addr: IpAddr,
    /// e.g. `Action.NetworkConnectionAction.RemoteIpDetails`.
    pub source: String,
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, key| cur.get(key))
}

fn push(out: &mut Vec<RemoteIp>, value: Option<&Value>, source: &str) {
    let Some(addr) = value
        .and_then(Value::as_str)
        .and_then(|s| s.trim().parse::<IpAddr>().ok())
    else {
        return;
    };
    // Never offer "any" or our own loopback, whatever a finding says.
    if addr.is_unspecified() || addr.is_loopback() {
        return;
    }
    if !out.iter().any(|r| r.addr == addr) {
        out.push(RemoteIp {
            addr,
            source: source.to_string(),
        });
    }
}

fn ip_details(out: &mut Vec<RemoteIp>, details: Option<&Value>, source: &str) {
    let Some(d) = details else { return };
    push(out, d.get("IpAddressV4"), source);
    push(out, d.get("IpAddressV6"), source);
}

/// Addresses a public network could route: what an EC2 resource marked as the actor
/// contributes (its private addresses are not the attacker's).
fn is_global(addr: &IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => !(a.is_private() || a.is_link_local() || a.is_broadcast()),
        IpAddr::V6(a) => {
            let s = a.segments()[0];
            // fc00::/7 unique local, fe80::/10 link local
            (s & 0xfe00) != 0xfc00 && (s & 0xffc0) != 0xfe80
        }
    }
}

/// The finding's remote addresses, deduplicated, in the order found.
pub fn remote_ips(asff: &Value) -> Vec<RemoteIp> {
    let mut out = Vec::new();
    let action = asff.get("Action");
    for kind in ["NetworkConnectionAction", "AwsApiCallAction"] {
        ip_details(
            &mut out,
            action.and_then(|a| at(a, &[kind, "RemoteIpDetails"])),
            &format!("Action.{kind}.RemoteIpDetails"),
        );
    }
    if let Some(probes) = action
        .and_then(|a| at(a, &["PortProbeAction", "PortProbeDetails"]))
        .and_then(Value::as_array)
    {
        for p in probes {
            ip_details(
                &mut out,
                p.get("RemoteIpDetails"),
                "Action.PortProbeAction.PortProbeDetails.RemoteIpDetails",
            );
        }
    }
    if let Some(network) = asff.get("Network") {
        // Outbound traffic's remote end is the destination; anything else is inbound.
        let outbound = network
            .get("Direction")
            .and_then(Value::as_str)
            .is_some_and(|d| d.eq_ignore_ascii_case("OUT"));
        let side = if outbound { "Destination" } else { "Source" };
        for v in ["V4", "V6"] {
            let key = format!("{side}Ip{v}");
            push(&mut out, network.get(&key), &format!("Network.{key}"));
        }
    }
    if let Some(fields) = asff.get("ProductFields").and_then(Value::as_object) {
        for (key, value) in fields {
            let k = key.to_ascii_lowercase();
            if k.ends_with("remoteipdetails/ipaddressv4")
                || k.ends_with("remoteipdetails/ipaddressv6")
            {
                push(&mut out, Some(value), &format!("ProductFields {key}"));
            }
        }
    }
    for r in asff
        .get("Resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let actor = r
            .get("ResourceRole")
            .and_then(Value::as_str)
            .is_some_and(|role| role.eq_ignore_ascii_case("Actor"));
        let addresses = at(r, &["Details", "AwsEc2Instance", "IpV4Addresses"]);
        if !actor || addresses.is_none() {
            continue;
        }
        for a in addresses.and_then(Value::as_array).into_iter().flatten() {
            let global = a
                .as_str()
                .and_then(|s| s.parse::<IpAddr>().ok())
                .is_some_and(|ip| is_global(&ip));
            if global {
                push(
                    &mut out,
                    Some(a),
                    "Resources.AwsEc2Instance.IpV4Addresses (ResourceRole Actor)",
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn addrs(v: &Value) -> Vec<String> {
        remote_ips(v).iter().map(|r| r.addr.to_string()).collect()
    }

    fn real(name: &str) -> Vec<Value> {
        let text = match name {
            "ssh" => {
                include_str!("../../assets/demo/securityhub/real/guardduty-ec2-ssh-bruteforce.json")
            }
            "network" => include_str!(
                "../../assets/demo/securityhub/real/guardduty-ec2-network-findings.json"
            ),
            "iamuser" => include_str!(
                "../../assets/demo/securityhub/real/guardduty-sample-iamuser-network-permissions.json"
            ),
            _ => include_str!(
                "../../assets/demo/securityhub/real/securityhub-fsbp-ec2-8-imdsv2.json"
            ),
        };
        let v: Value = serde_json::from_str(text).unwrap();
        match v.get("Findings").and_then(Value::as_array) {
            Some(list) => list.clone(),
            None => vec![v],
        }
    }

    #[test]
    fn real_guardduty_findings_yield_the_attacker_not_the_instance() {
        // The instance's own 18.234.130.16 / 172.31.43.6 are not the attacker.
        assert_eq!(addrs(&real("ssh")[0]), ["199.241.229.197"]);
        let network: Vec<Vec<String>> = real("network").iter().map(addrs).collect();
        assert_eq!(network[0], ["1.1.1.1"]);
        assert_eq!(network[1], ["1.2.3.4"]);
        assert_eq!(network[2], ["1.22.9.9"]);
        assert_eq!(addrs(&real("iamuser")[0]), ["198.51.100.0"]);
    }

    #[test]
    fn a_control_finding_has_no_remote_ip() {
        assert!(addrs(&real("control")[0]).is_empty());
    }

    #[test]
    fn structured_actions_network_direction_and_marked_actor_instances() {
        let f = json!({
            "Action": {
                "ActionType": "PORT_PROBE",
                "PortProbeAction": {"PortProbeDetails": [
                    {"RemoteIpDetails": {"IpAddressV4": "203.0.113.7"}},
                    {"RemoteIpDetails": {"IpAddressV4": "203.0.113.7"}},
                    {"RemoteIpDetails": {"IpAddressV4": "198.51.100.9"}}
                ]},
                "AwsApiCallAction": {"RemoteIpDetails": {"IpAddressV4": "192.0.2.44"}}
            },
            "Network": {"Direction": "IN", "SourceIpV6": "2001:db8::5", "DestinationIpV4": "10.0.0.4"},
            "Resources": [
                {"Type": "AwsEc2Instance", "ResourceRole": "Actor",
                 "Details": {"AwsEc2Instance": {"IpV4Addresses": ["10.1.1.1", "192.0.2.200"]}}},
                {"Type": "AwsEc2Instance",
                 "Details": {"AwsEc2Instance": {"IpV4Addresses": ["198.51.100.250"]}}}
            ]
        });
        assert_eq!(
            addrs(&f),
            [
                "192.0.2.44",
                "203.0.113.7",
                "198.51.100.9",
                "2001:db8::5",
                "192.0.2.200"
            ]
        );
        let outbound = json!({"Network": {"Direction": "OUT", "SourceIpV4": "10.0.0.4", "DestinationIpV4": "203.0.113.80"}});
        assert_eq!(addrs(&outbound), ["203.0.113.80"]);
    }
}
