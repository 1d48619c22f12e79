//! One finding generator per product family; [`draft`] dispatches on the family.

mod controls;
mod posture;
mod threats;
mod vulns;

use super::generate::{Ctx, Draft};
use super::world::Source;

pub fn draft(source: Source, ctx: &mut Ctx) -> Draft {
    match source {
        Source::Controls => controls::draft(ctx),
        Source::GuardDuty => threats::draft(ctx),
        Source::Inspector => vulns::inspector(ctx),
        Source::Trivy => vulns::trivy(ctx),
        Source::Macie => posture::macie(ctx),
        Source::AccessAnalyzer => posture::access_analyzer(ctx),
        Source::IotDeviceDefender => posture::iot(ctx),
        Source::Prowler => posture::prowler(ctx),
        Source::Custom => posture::custom(ctx),
    }
}

#[cfg(test)]
pub use controls::control_ids;
