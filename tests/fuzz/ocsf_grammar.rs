//! The OCSF filter grammar (`sev=Critical (cvss>=9 | title~~lambda)`, sent to GetFindingsV2):
//! arbitrary text never panics and a refusal points at bytes of the input; what compiles
//! keeps GetFindingsV2's limits (10 composites, 20 filters of a kind in one).

use proptest::prelude::*;
use secdeck::domain::ocsf_filter::{Composite, MAX_COMPOSITES, MAX_PER_KIND, OcsfFilters};

use crate::support::{config, filter_text, is_span_of};

const FRAGMENTS: &[&str] = &[
    "sev",
    "status",
    "title",
    "desc",
    "class",
    "cve",
    "cvss",
    "ip",
    "exposure",
    "tag[env]",
    "finding_info.types",
    "finding_info.titel",
    "updated",
    "|",
    " or ",
    "(",
    ")",
    ",",
    "\"",
    " ",
    "7d",
    "2024-05-01",
    "Critical",
    "New",
    "in_progress",
    "9",
    "10.0.0.0/8",
    "true",
    "Reachability",
    "lambda",
    "*",
    "日",
];

/// Leaves of a composite and its nested ones, by kind, each within the limit.
fn within_limits(c: &Composite) -> bool {
    let mut kinds = std::collections::HashMap::new();
    for leaf in &c.leaves {
        *kinds.entry(format!("{:?}", leaf.kind())).or_insert(0usize) += 1;
    }
    kinds.values().all(|n| *n <= MAX_PER_KIND) && c.nested.iter().all(within_limits)
}

fn check(input: &str) -> Result<(), TestCaseError> {
    match OcsfFilters::compile(input) {
        Ok(f) => {
            prop_assert!(f.composites.len() <= MAX_COMPOSITES, "{input:?}");
            prop_assert!(f.composites.iter().all(within_limits), "{input:?}");
        }
        Err(e) => {
            prop_assert!(is_span_of(input, e.offset, e.len), "{e:?} in {input:?}");
            prop_assert!(!e.message.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1000))]

    /// Arbitrary text and text shaped like the grammar, half and half.
    #[test]
    fn any_text_compiles_or_is_refused_at_a_span_of_it(
        input in prop_oneof![any::<String>(), filter_text(FRAGMENTS, 14)]
    ) {
        check(&input)?;
    }
}
