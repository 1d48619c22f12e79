//! Generated ASFF findings: a deterministic mix of products over a described world
//! (accounts, regions, product weights), shared by the demo world and `--seed-scale N`.

use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};

use super::rng::Rng;
use super::sources;
use super::world::WorldSpec;

/// Everything one finding generator needs: its random stream and where and when it lives.
pub struct Ctx<'a> {
    pub rng: Rng,
    /// Distinct for every index of one world (splitmix is a bijection), so ids built
    /// from it never collide and `n` generated findings are `n` distinct findings.
    pub unique: u64,
    pub account: &'a str,
    pub region: &'a str,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
}

/// The product-specific part of a finding; [`finish`] adds the envelope every finding shares.
impl Ctx<'_> {
    /// 32 hex digits, unique within the world: the random part of finding ids.
    pub fn uid(&mut self) -> String {
        format!("{:016x}{}", self.unique, self.rng.hex(16))
    }
}

pub struct Draft {
    pub id: String,
    pub product_arn: String,
    pub product_name: &'static str,
    pub company_name: &'static str,
    pub generator_id: String,
    pub types: Vec<String>,
    pub title: String,
    pub description: String,
    pub severity: &'static str,
    pub resources: Vec<Value>,
    /// Extra top-level ASFF fields (Compliance, Remediation, Network, Vulnerabilities...).
    pub extra: Map<String, Value>,
    pub product_fields: Map<String, Value>,
    /// Control findings that PASSED are resolved by Security Hub itself.
    pub passed: bool,
}

impl Draft {
    pub fn set(&mut self, key: &str, value: Value) {
        self.extra.insert(key.to_string(), value);
    }
}

/// `n` findings of the default world mix, deterministic for (n, seed, now).
pub fn generate_findings(n: usize, seed: u64, now: OffsetDateTime) -> Vec<Value> {
    generate_with(&WorldSpec::default(), n, seed, now)
}

/// `n` findings over `spec`'s accounts, regions and product mix.
pub fn generate_with(spec: &WorldSpec, n: usize, seed: u64, now: OffsetDateTime) -> Vec<Value> {
    let sources = spec.source_weights();
    let accounts = spec.account_weights();
    let regions = spec.region_weights();
    let now = now.to_offset(time::UtcOffset::UTC);
    let mut seen = std::collections::HashSet::with_capacity(n);
    (0..n as u64)
        .map(|i| {
            let mut rng = Rng::for_index(seed, i);
            let unique = rng.next_u64();
            let source = *rng.weighted(&sources);
            let account = *rng.weighted(&accounts);
            let region = *rng.weighted(&regions);
            let (created, updated) = timeline(&mut rng, now);
            let mut ctx = Ctx {
                rng,
                unique,
                account,
                region,
                created,
                updated,
            };
            let mut draft = sources::draft(source, &mut ctx);
            // Products with natural-key ids (Access Analyzer, IoT, Prowler, Trivy) can
            // name the same finding twice; a suffix keeps `n` findings `n` findings.
            if !seen.insert(draft.id.clone()) {
                draft.id = format!("{}-{i}", draft.id);
                seen.insert(draft.id.clone());
            }
            finish(draft, &mut ctx)
        })
        .collect()
}

/// CreatedAt within the last 90 days; about a third updated within the last week, so
/// "updated in the last 7 days" filters pick out a meaningful slice.
fn timeline(rng: &mut Rng, now: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
    const DAY: u64 = 86_400;
    let created_age = rng.range(3_600, 90 * DAY);
    let updated_age = if rng.chance(35) {
        rng.below(7 * DAY).min(created_age)
    } else {
        rng.range(0, created_age)
    };
    let millis = |rng: &mut Rng| Duration::milliseconds(rng.below(1000) as i64);
    let created = now - Duration::seconds(created_age as i64) - millis(rng);
    let updated = (now - Duration::seconds(updated_age as i64) - millis(rng)).max(created);
    (created, updated)
}

/// ASFF timestamps as Security Hub writes them: UTC, millisecond precision, `Z`.
pub fn ts(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Normalized score Security Hub pairs with each label.
pub fn normalized(label: &str) -> u32 {
    match label {
        "CRITICAL" => 90,
        "HIGH" => 70,
        "MEDIUM" => 40,
        "LOW" => 1,
        _ => 0,
    }
}

fn finish(draft: Draft, ctx: &mut Ctx) -> Value {
    let rng = &mut ctx.rng;
    let (workflow, record_state) = if draft.passed {
        (
            "RESOLVED",
            if rng.chance(20) { "ARCHIVED" } else { "ACTIVE" },
        )
    } else {
        let status = *rng.weighted(&[
            ("NEW", 58),
            ("NOTIFIED", 22),
            ("RESOLVED", 12),
            ("SUPPRESSED", 8),
        ]);
        let archived = match status {
            "RESOLVED" => rng.chance(35),
            _ => rng.chance(3),
        };
        (status, if archived { "ARCHIVED" } else { "ACTIVE" })
    };
    // ProductFields aws/securityhub/* and FindingProviderFields are written by Security
    // Hub on import, not by providers: the sandbox adds them like the service does.
    let product_fields = draft.product_fields;
    let types: Vec<Value> = draft.types.into_iter().map(Value::String).collect();
    let created = ts(ctx.created);
    let updated = ts(ctx.updated);
    // Built by moving values in rather than with json!, which deep-copies every
    // interpolated value: this is the hot path of `--seed-scale 100000`.
    let mut map = Map::with_capacity(32);
    let mut put = |k: &str, v: Value| {
        map.insert(k.to_string(), v);
    };
    put("SchemaVersion", json!("2018-10-08"));
    put("Id", Value::String(draft.id));
    put("ProductArn", Value::String(draft.product_arn));
    put("ProductName", json!(draft.product_name));
    put("CompanyName", json!(draft.company_name));
    put("Region", json!(ctx.region));
    put("GeneratorId", Value::String(draft.generator_id));
    put("AwsAccountId", json!(ctx.account));
    put("FirstObservedAt", json!(created));
    put("LastObservedAt", json!(updated));
    put("CreatedAt", Value::String(created));
    put("UpdatedAt", Value::String(updated));
    put(
        "Severity",
        json!({"Label": draft.severity, "Normalized": normalized(draft.severity), "Original": draft.severity}),
    );
    put("Title", Value::String(draft.title));
    put("Description", Value::String(draft.description));
    put("ProductFields", Value::Object(product_fields));
    put("Resources", Value::Array(draft.resources));
    put("WorkflowState", json!(workflow_state(workflow)));
    put("Workflow", json!({"Status": workflow}));
    put("RecordState", json!(record_state));
    put("Types", Value::Array(types));
    map.extend(draft.extra);
    Value::Object(map)
}

/// The deprecated WorkflowState Security Hub still returns next to Workflow.Status.
fn workflow_state(status: &str) -> &'static str {
    match status {
        "NOTIFIED" => "ASSIGNED",
        "RESOLVED" => "RESOLVED",
        "SUPPRESSED" => "DEFERRED",
        _ => "NEW",
    }
}
