//! `botwot set-plan`: the operator moves an organisation to another plan tier (BASE, PRO or
//! ENTERPRISE) straight in the configured storage, without a running server (the same change
//! as `PUT /v1/admin/organisations/{organisationId}/plan`). It prints the organisation with the
//! limits now in force; running servers apply them on the next request. With the embedded store
//! the server must be stopped first: its database file belongs to one process at a time.

use crate::config::Config;
use anyhow::{Context, Result, anyhow};
use botwot_actors::SystemClock;
use botwot_engine::access::{AuditActor, PlanChange, PlanTier, change_plan};
use botwot_engine::ids::TenantId;
use botwot_engine::time::Clock;
use serde_json::json;

/// Sets `organisation`'s tier to `tier` and returns what to print.
pub async fn set_plan(config: &Config, organisation: &str, tier: &str) -> Result<String> {
    let tier = PlanTier::parse(tier)
        .ok_or_else(|| anyhow!("unknown plan tier {tier:?}: use BASE, PRO or ENTERPRISE"))?;
    let store = botwot_storage::open_storage(&config.storage)
        .await
        .context(
            "storage could not be opened (with the embedded store, stop the server first: \
             its database file belongs to one process at a time)",
        )?;
    let operator = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let change = PlanChange {
        organisation: TenantId::from(organisation),
        tier,
        by: AuditActor {
            kind: "operator".into(),
            label: format!("{operator} (botwot set-plan)"),
            id: operator,
        },
        at: SystemClock.now(),
    };
    let changed = change_plan(store.as_ref(), change).await?;
    Ok(serde_json::to_string_pretty(&json!({
        "organisation": changed,
        "limits": changed.limits(),
        "customLimitsApply": changed.custom_limits.is_some(),
    }))?)
}
