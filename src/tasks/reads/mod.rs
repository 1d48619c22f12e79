//! The reads the effect runner starts, one module per service (and the ip-ranges.json
//! source): each runs on tokio and answers with actions. None of them can change AWS
//! (GenerateFindingRecommendation starts an advisory job, no resource changes; CreateTicketV2
//! is only sent here with Mode=DRYRUN, which opens nothing).

pub mod accessanalyzer;
pub mod findings_store;
pub mod findings_store_ocsf;
pub mod findings_window;
pub mod iot;
pub mod iot_import;
pub mod ip_ranges;
pub mod proofs;
pub mod recommendation;
pub mod securityhub;
pub mod tickets;
pub mod wafv2;
