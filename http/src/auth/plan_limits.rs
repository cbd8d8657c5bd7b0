//! The plan's limits where they bite (PRD §3.12): before one more bot or user is added, the
//! organisation's count is checked against its limits, and a refusal names the limit. Counts
//! read at most one past the limit. Two creations racing at the limit may both pass; the limit is
//! a commercial one, so one over is tolerated rather than serialising every creation.

use super::Principal;
use crate::errors::{AppError, ErrorCode};
use botwot_engine::access::LimitedResource;

/// The most items a count has to read to check `resource`, `None` when the plan has no limit.
pub fn count_needed(principal: &Principal, resource: LimitedResource) -> Option<usize> {
    let limit = principal.organisation.limits().limit_of(resource)?;
    Some(
        usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_add(1),
    )
}

/// `Ok` when one more of `resource` fits beside the `in_use` ones.
pub fn allow_one_more(
    principal: &Principal,
    resource: LimitedResource,
    in_use: usize,
) -> Result<(), AppError> {
    let in_use = u32::try_from(in_use).unwrap_or(u32::MAX);
    principal
        .organisation
        .limits()
        .allow_one_more(resource, in_use)
        .map_err(|exceeded| {
            AppError::new(
                ErrorCode::PlanLimitReached,
                format!("{exceeded}; upgrade the plan to add more"),
            )
        })
}
