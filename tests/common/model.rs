//! AWS's own service model (botocore's `service-2.json`, shipped in the venv the conformance
//! suite installs) as a validator: a JSON request or response body is checked against an
//! operation's input or output shape, member by member, the way the service would check
//! it: unknown members, required members, JSON types (string, integer, long, double,
//! boolean, timestamp, blob, list, map, structure, union, document), enums, patterns,
//! string lengths, list and map sizes and numeric ranges.
//!
//! Used where no independent emulator exists (Security Hub's V2 operations) and generic over
//! services: `ServiceModel::load("securityhub")`, `ServiceModel::load("accessanalyzer")`.
//!
//! ```ignore
//! let model = common::model::ServiceModel::load("securityhub");
//! model.check_input("GetFindingsV2", &body).unwrap();      // Err(violations) names each path
//! let op = model.operation_for("POST", "/findingsv2");       // route -> operation name
//! ```
//!
//! Members bound to the URI, query string or headers are left out of body checks (a body
//! never carries them); a structure with a `payload` member is checked through that member.

use std::collections::HashMap;
use std::fmt;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value};

use super::moto;

/// One way a value breaks the model: where (`$.Filters.CompositeFilters[0].Operator`) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub path: String,
    pub problem: String,
}

impl Violation {
    fn at(path: &str, problem: impl Into<String>) -> Violation {
        Violation {
            path: path.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// The violations of one check, printable as one message per line.
#[derive(Debug, Clone)]
pub struct Violations(pub Vec<Violation>);

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for v in &self.0 {
            writeln!(f, "{v}")?;
        }
        Ok(())
    }
}

/// Which half of an operation a body belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Input,
    Output,
}

/// One service's model, loaded once per test process.
pub struct ServiceModel {
    pub service: String,
    json: Value,
}

impl ServiceModel {
    /// The model botocore ships for `service` (installs the venv first if needed); panics
    /// with the reason when it cannot be loaded, so a conformance test never passes empty.
    pub fn load(service: &str) -> &'static ServiceModel {
        static MODELS: OnceLock<Mutex<HashMap<String, &'static ServiceModel>>> = OnceLock::new();
        let mut models = MODELS.get_or_init(Default::default).lock().unwrap();
        if let Some(model) = models.get(service) {
            return model;
        }
        let model = match Self::read(service) {
            Ok(model) => Box::leak(Box::new(model)),
            Err(e) => panic!("cannot load the {service} service model: {e}"),
        };
        models.insert(service.to_string(), model);
        model
    }

    /// Reads the newest API version of `service` through botocore's own loader (which
    /// knows the folder layout and the `.json.gz` packing).
    pub fn read(service: &str) -> Result<ServiceModel, String> {
        moto::ensure_installed()?;
        let script = "import json, sys, botocore.loaders\n\
                      m = botocore.loaders.Loader().load_service_model(sys.argv[1], 'service-2')\n\
                      sys.stdout.write(json.dumps(m))";
        let out = Command::new(moto::python())
            .args(["-c", script, service])
            .output()
            .map_err(|e| format!("cannot run the venv's python: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let json: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("botocore printed no JSON model: {e}"))?;
        Ok(ServiceModel::from_json(service, json))
    }

    /// A model from its JSON text (for tests of the validator itself).
    pub fn from_json(service: &str, json: Value) -> ServiceModel {
        ServiceModel {
            service: service.to_string(),
            json,
        }
    }

    /// botocore's version of the model (`metadata.apiVersion`).
    pub fn api_version(&self) -> &str {
        self.json["metadata"]["apiVersion"].as_str().unwrap_or("")
    }

    pub fn has_operation(&self, operation: &str) -> bool {
        self.json["operations"].get(operation).is_some()
    }

    /// The operation served at `method` + `path` (query string ignored): the model's
    /// `requestUri` templates matched segment by segment, `{Param}` / `{Param+}` as wildcards.
    pub fn operation_for(&self, method: &str, path: &str) -> Option<&str> {
        let path = path.split('?').next().unwrap_or(path);
        let ops = self.json["operations"].as_object()?;
        ops.iter().find_map(|(name, op)| {
            let http = &op["http"];
            let uri = http["requestUri"].as_str()?;
            let uri = uri.split('?').next().unwrap_or(uri);
            (http["method"].as_str()? == method && uri_matches(uri, path)).then_some(name.as_str())
        })
    }

    pub fn check_input(&self, operation: &str, body: &Value) -> Result<(), Violations> {
        self.check(operation, Direction::Input, body)
    }

    pub fn check_output(&self, operation: &str, body: &Value) -> Result<(), Violations> {
        self.check(operation, Direction::Output, body)
    }

    /// An operation's request or response body against its shape. An operation without an
    /// input/output shape accepts only an empty object.
    pub fn check(&self, operation: &str, dir: Direction, body: &Value) -> Result<(), Violations> {
        let Some(op) = self.json["operations"].get(operation) else {
            return Err(Violations(vec![Violation {
                path: "$".into(),
                problem: format!("{} has no operation {operation}", self.service),
            }]));
        };
        let key = match dir {
            Direction::Input => "input",
            Direction::Output => "output",
        };
        let mut out = Vec::new();
        match op[key]["shape"].as_str() {
            Some(shape) => self.top_level(shape, body, &mut out),
            None if body.as_object().is_some_and(Map::is_empty) || body.is_null() => {}
            None => out.push(Violation::at(
                "$",
                format!("{operation} has no {key} body, got {body}"),
            )),
        }
        if out.is_empty() {
            Ok(())
        } else {
            Err(Violations(out))
        }
    }

    /// Any named shape against a value, all violations collected.
    pub fn check_shape(&self, shape: &str, value: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        self.value(shape, value, "$", &mut out);
        out
    }

    /// The values of an enum shape, in the model's order.
    pub fn enum_values(&self, shape: &str) -> Vec<&str> {
        self.shape(shape)["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// The error shapes `operation` declares.
    pub fn operation_errors(&self, operation: &str) -> Vec<&str> {
        self.json["operations"][operation]["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["shape"].as_str())
            .collect()
    }

    /// `params` less the members of `operation`'s input bound to the URI, query string or
    /// headers (what a body never carries).
    pub fn without_located_members(&self, operation: &str, params: &Value) -> Value {
        let input = self.json["operations"][operation]["input"]["shape"].as_str();
        let members = input.map(|i| &self.shape(i)["members"]);
        let mut body = params.clone();
        if let (Some(obj), Some(Value::Object(members))) = (body.as_object_mut(), members) {
            obj.retain(|k, _| members.get(k).is_none_or(|m| m.get("location").is_none()));
        }
        body
    }

    fn shape(&self, name: &str) -> &Value {
        &self.json["shapes"][name]
    }

    /// The body level: located members (uri, querystring, header) are not in the body,
    /// and a `payload` member *is* the body.
    fn top_level(&self, name: &str, body: &Value, out: &mut Vec<Violation>) {
        let shape = self.shape(name);
        if let Some(payload) = shape["payload"].as_str() {
            let member = &shape["members"][payload];
            if let Some(target) = member["shape"].as_str() {
                self.value(target, body, "$", out);
            }
            return;
        }
        self.structure(shape, body, "$", true, out);
    }

    fn value(&self, name: &str, value: &Value, path: &str, out: &mut Vec<Violation>) {
        let shape = self.shape(name);
        let mut bad = |problem: String| {
            out.push(Violation {
                path: path.to_string(),
                problem,
            })
        };
        if shape.is_null() {
            return bad(format!("shape {name} is not in the model"));
        }
        let kind = shape["type"].as_str().unwrap_or("");
        if shape["document"].as_bool() == Some(true) {
            return; // any JSON value
        }
        match kind {
            "structure" => self.structure(shape, value, path, false, out),
            "list" => self.list(shape, value, path, out),
            "map" => self.map(shape, value, path, out),
            "string" => match value.as_str() {
                Some(s) => string(shape, s, &mut bad),
                None => bad(format!("expected a string ({name}), got {value}")),
            },
            "integer" | "long" => match value.as_i64() {
                Some(n) if kind == "integer" && i32::try_from(n).is_err() => {
                    bad(format!("{n} does not fit an integer ({name})"))
                }
                Some(n) => range(shape, n as f64, &mut bad),
                None => bad(format!("expected a whole number ({name}), got {value}")),
            },
            "double" | "float" => match value {
                Value::Number(n) => range(shape, n.as_f64().unwrap_or(0.0), &mut bad),
                Value::String(s) if ["NaN", "Infinity", "-Infinity"].contains(&s.as_str()) => {}
                _ => bad(format!("expected a number ({name}), got {value}")),
            },
            "boolean" if !value.is_boolean() => {
                bad(format!("expected true or false ({name}), got {value}"))
            }
            "timestamp" => self.timestamp(shape, value, &mut bad),
            "blob" if !value.is_string() => {
                bad(format!("expected base64 text ({name}), got {value}"))
            }
            _ => {}
        }
    }

    fn structure(
        &self,
        shape: &Value,
        value: &Value,
        path: &str,
        body_level: bool,
        out: &mut Vec<Violation>,
    ) {
        let Some(obj) = value.as_object() else {
            out.push(Violation::at(
                path,
                format!("expected an object, got {value}"),
            ));
            return;
        };
        let members = shape["members"].as_object().cloned().unwrap_or_default();
        let in_body = |m: &Value| !body_level || m.get("location").is_none();
        // A null member reads as absent (as the SDKs' deserializers treat it).
        let present = |k: &str| obj.get(k).is_some_and(|v| !v.is_null());
        for required in shape["required"].as_array().into_iter().flatten() {
            let Some(name) = required.as_str() else {
                continue;
            };
            if members.get(name).is_some_and(in_body) && !present(name) {
                out.push(Violation::at(
                    &format!("{path}.{name}"),
                    "required member is missing",
                ));
            }
        }
        let mut set = 0;
        for (key, v) in obj {
            let member_path = format!("{path}.{key}");
            let Some(member) = members.get(key).filter(|m| in_body(m)) else {
                out.push(Violation::at(&member_path, "member is not in the model"));
                continue;
            };
            if v.is_null() {
                continue;
            }
            set += 1;
            if let Some(target) = member["shape"].as_str() {
                self.value(target, v, &member_path, out);
            }
        }
        if shape["union"].as_bool() == Some(true) && set != 1 {
            out.push(Violation::at(
                path,
                format!("a union takes exactly one member, {set} set"),
            ));
        }
    }

    fn list(&self, shape: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
        let Some(items) = value.as_array() else {
            out.push(Violation::at(path, format!("expected a list, got {value}")));
            return;
        };
        count(shape, items.len(), "entries", path, out);
        if let Some(member) = shape["member"]["shape"].as_str() {
            for (i, item) in items.iter().enumerate() {
                self.value(member, item, &format!("{path}[{i}]"), out);
            }
        }
    }

    fn map(&self, shape: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
        let Some(obj) = value.as_object() else {
            out.push(Violation::at(
                path,
                format!("expected a map object, got {value}"),
            ));
            return;
        };
        count(shape, obj.len(), "entries", path, out);
        let key_shape = shape["key"]["shape"].as_str();
        let value_shape = shape["value"]["shape"].as_str();
        for (k, v) in obj {
            let entry = format!("{path}[{k:?}]");
            if let Some(key_shape) = key_shape {
                self.value(key_shape, &Value::String(k.clone()), &entry, out);
            }
            if let Some(value_shape) = value_shape {
                self.value(value_shape, v, &entry, out);
            }
        }
    }

    /// Timestamps in JSON bodies: `iso8601` text where the shape says so, else epoch seconds
    /// (the json/rest-json default).
    fn timestamp(&self, shape: &Value, value: &Value, bad: &mut dyn FnMut(String)) {
        let format = shape["timestampFormat"].as_str().unwrap_or(
            match self.json["metadata"]["protocol"].as_str() {
                Some("rest-xml" | "query" | "ec2") => "iso8601",
                _ => "unixTimestamp",
            },
        );
        match format {
            "iso8601" => {
                let rfc3339 = &time::format_description::well_known::Rfc3339;
                let ok = value
                    .as_str()
                    .is_some_and(|s| time::OffsetDateTime::parse(s, rfc3339).is_ok());
                if !ok {
                    bad(format!("expected an ISO 8601 timestamp, got {value}"));
                }
            }
            _ if !value.is_number() => bad(format!("expected epoch seconds, got {value}")),
            _ => {}
        }
    }
}

fn string(shape: &Value, s: &str, bad: &mut dyn FnMut(String)) {
    if let Some(allowed) = shape["enum"].as_array()
        && !allowed.iter().any(|a| a.as_str() == Some(s))
    {
        let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
        bad(format!("{s:?} is not one of {}", names.join(", ")));
    }
    size_limits(shape, s.chars().count(), "characters", bad);
    if let Some(pattern) = shape["pattern"].as_str()
        && let Some(re) = pattern_regex(pattern)
        && !re.is_match(s)
    {
        bad(format!("{s:?} does not match the pattern {pattern}"));
    }
}

/// Patterns compiled once; a Java-only construct the `regex` crate lacks is skipped
/// rather than failing every value.
fn pattern_regex(pattern: &str) -> Option<regex::Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regex::Regex>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache
        .entry(pattern.to_string())
        // AWS patterns are searched, not anchored, unless they say ^...$ themselves.
        .or_insert_with(|| regex::Regex::new(pattern).ok())
        .clone()
}

fn range(shape: &Value, n: f64, bad: &mut dyn FnMut(String)) {
    if let Some(min) = shape["min"].as_f64()
        && n < min
    {
        bad(format!("{n} is below the minimum {min}"));
    }
    if let Some(max) = shape["max"].as_f64()
        && n > max
    {
        bad(format!("{n} is above the maximum {max}"));
    }
}

fn count(shape: &Value, n: usize, what: &str, path: &str, out: &mut Vec<Violation>) {
    size_limits(shape, n, what, &mut |problem| {
        out.push(Violation::at(path, problem))
    });
}

/// The model's `min` / `max` for a size: characters of a string, entries of a list or map.
fn size_limits(shape: &Value, n: usize, what: &str, bad: &mut dyn FnMut(String)) {
    if let Some(min) = shape["min"].as_u64()
        && (n as u64) < min
    {
        bad(format!("{n} {what}, at least {min} required"));
    }
    if let Some(max) = shape["max"].as_u64()
        && n as u64 > max
    {
        bad(format!("{n} {what}, at most {max} allowed"));
    }
}

fn uri_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    if t.last().is_some_and(|s| s.ends_with("+}")) {
        return p.len() >= t.len() && t.iter().zip(&p).all(|(a, b)| segment(a, b));
    }
    t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| segment(a, b))
}

fn segment(template: &str, actual: &str) -> bool {
    (template.starts_with('{') && template.ends_with('}') && !actual.is_empty())
        || template == actual
}
