//! `waf sync` planning on the real ip-ranges.json of 2026-08-22 (2.6 MB, 10,668 IPv4 +
//! 6,160 IPv6 prefixes): parse, select, diff against the 2026-07-26 selection, aggregate.
//! Each step alone and the whole pipeline; the issue asks for the whole one's median.

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ipnet::IpNet;
use secdeck::domain::cidr::{SetDiff, aggregate};
use secdeck::domain::ip_ranges::{IpRanges, Selection};

const NEW: &str = "tests/fixtures/ip-ranges/ip-ranges-2026-08-22.json";
const OLD: &str = "tests/fixtures/ip-ranges/ip-ranges-2026-07-26.json";

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

/// Every service, so the diff and aggregation work on the whole file.
fn everything(r: &IpRanges) -> Selection {
    Selection {
        services: r.services().into_iter().map(str::to_string).collect(),
        regions: Vec::new(),
    }
}

fn sync(bytes: &[u8], previous: &BTreeSet<IpNet>) -> (SetDiff, usize) {
    let ranges = IpRanges::parse(bytes, NEW).expect("parses");
    let selected = ranges.select(&everything(&ranges)).expect("selects");
    let aggregated = aggregate(&selected.v4);
    let diff = SetDiff::between(previous, &aggregated);
    (diff, aggregated.len())
}

fn bench(c: &mut Criterion) {
    let bytes = read(NEW);
    let old = IpRanges::parse(&read(OLD), OLD).expect("old parses");
    let previous = aggregate(&old.select(&everything(&old)).expect("old selects").v4);
    let ranges = IpRanges::parse(&bytes, NEW).expect("parses");
    let selected = ranges.select(&everything(&ranges)).expect("selects");

    c.bench_function("ip_ranges/parse", |b| {
        b.iter(|| IpRanges::parse(black_box(&bytes), NEW).expect("parses"))
    });
    c.bench_function("ip_ranges/select_all_services", |b| {
        b.iter(|| {
            ranges
                .select(black_box(&everything(&ranges)))
                .expect("selects")
        })
    });
    c.bench_function("ip_ranges/aggregate_v4", |b| {
        b.iter(|| aggregate(black_box(&selected.v4)))
    });
    c.bench_function("ip_ranges/sync_parse_filter_diff_aggregate", |b| {
        b.iter(|| sync(black_box(&bytes), &previous))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
