//! An exposure finding (OCSF Detection Finding with `finding_info.analytic.name =
//! "Exposure"`) read for the exposure view: its traits, the resource it is about, and its
//! contributing findings (`finding_info.related_events`).
//!
//! Two shapes of a contributing finding's traits are read: `traits: [{category, name}]`
//! (the field GetFindingsV2 filters and groups by, `finding_info.related_events.traits.category`)
//! and `tags: [{name, values}]` (the Security Hub user guide's sample exposure finding).

use serde_json::Value;

/// One finding that contributes to an exposure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contributing {
    /// `related_events[].uid`: the contributing finding's `finding_info.uid`.
    pub uid: String,
    pub title: String,
    /// The product's `productv2` ARN, shown by its last part (`inspector`, `securityhub`).
    pub product: String,
    /// Trait categories it lends the exposure (`Reachability`, ...), each with its titles.
    pub traits: Vec<Trait>,
}

/// A trait category and the titles that make it up (`Vulnerability`: `Exploit Available`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trait {
    pub category: String,
    pub names: Vec<String>,
}

/// What the exposure view shows of an exposure finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Every trait category of the contributing findings, in first-seen order, with the
    /// titles of all of them.
    pub traits: Vec<Trait>,
    /// `resources[0]`: type and uid.
    pub resource: (String, String),
    pub contributing: Vec<Contributing>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Whether a document is an exposure finding.
pub fn is_exposure(doc: &Value) -> bool {
    doc.pointer("/finding_info/analytic/name")
        .and_then(Value::as_str)
        == Some("Exposure")
}

/// The exposure view of `doc`, or None when it is not an exposure finding.
pub fn read(doc: &Value) -> Option<Exposure> {
    if !is_exposure(doc) {
        return None;
    }
    let contributing: Vec<Contributing> = doc
        .pointer("/finding_info/related_events")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| Contributing {
            uid: text(e, "uid"),
            title: text(e, "title"),
            product: e
                .pointer("/product/uid")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            traits: traits_of(e),
        })
        .collect();
    let mut traits: Vec<Trait> = Vec::new();
    for t in contributing.iter().flat_map(|c| &c.traits) {
        match traits.iter_mut().find(|k| k.category == t.category) {
            Some(k) => {
                for n in &t.names {
                    if !k.names.contains(n) {
                        k.names.push(n.clone());
                    }
                }
            }
            None => traits.push(t.clone()),
        }
    }
    let resource = doc
        .pointer("/resources/0")
        .map_or_else(Default::default, |r| (text(r, "type"), text(r, "uid")));
    Some(Exposure {
        traits,
        resource,
        contributing,
    })
}

/// A related event's traits, from `traits` (category, name) or `tags` (name, values).
fn traits_of(event: &Value) -> Vec<Trait> {
    let mut out: Vec<Trait> = Vec::new();
    let mut add = |category: String, names: Vec<String>| {
        if category.is_empty() {
            return;
        }
        // A document may give the same trait both ways: each title once.
        let mut names_once: Vec<String> = Vec::new();
        for n in names {
            if !names_once.contains(&n) {
                names_once.push(n);
            }
        }
        match out.iter_mut().find(|t| t.category == category) {
            Some(t) => {
                for n in names_once {
                    if !t.names.contains(&n) {
                        t.names.push(n);
                    }
                }
            }
            None => out.push(Trait {
                category,
                names: names_once,
            }),
        }
    };
    for t in event
        .get("traits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = text(t, "name");
        add(
            text(t, "category"),
            [name].into_iter().filter(|n| !n.is_empty()).collect(),
        );
    }
    for t in event
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let values = t
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        add(text(t, "name"), values);
    }
    out
}

/// A product ARN's short name: `arn:...:productv2/aws/inspector` -> `inspector`.
pub fn product_short(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_traits_from_either_shape_and_merges_them_by_category() {
        let doc = json!({
            "finding_info": {"analytic": {"name": "Exposure"}, "related_events": [
                {"uid": "a", "title": "CVE-1", "product": {"uid": "arn:x:productv2/aws/inspector"},
                 "tags": [{"name": "Vulnerability", "values": ["Exploit Available", "Vulnerable"]}]},
                {"uid": "b", "title": "Lambda.1",
                 "traits": [{"category": "Reachability", "name": "Publicly Invocable"},
                            {"category": "Vulnerability", "name": "Vulnerable"}],
                 "tags": [{"name": "Reachability", "values": ["Publicly Invocable"]}]}
            ]},
            "resources": [{"type": "AwsLambdaFunction", "uid": "arn:aws:lambda:f"}]
        });
        let e = read(&doc).expect("an exposure");
        assert_eq!(
            e.resource,
            ("AwsLambdaFunction".into(), "arn:aws:lambda:f".into())
        );
        let cats: Vec<(&str, usize)> = e
            .traits
            .iter()
            .map(|t| (t.category.as_str(), t.names.len()))
            .collect();
        assert_eq!(
            cats,
            [("Vulnerability", 2), ("Reachability", 1)],
            "each title once"
        );
        assert_eq!(e.contributing[1].traits[0].names, ["Publicly Invocable"]);
        assert_eq!(e.contributing.len(), 2);
        assert_eq!(product_short(&e.contributing[0].product), "inspector");
        assert!(read(&json!({"finding_info": {"analytic": {"name": "Rule"}}})).is_none());
    }
}
