//! Moving an organisation to another plan tier: the operators' act (their command line or their
//! administration route) until payments change plans themselves. The organisation is stored
//! with its new tier and its audit log says who changed it from what to what. Limits agreed for
//! the organisation alone ([`Organisation::custom_limits`]) stay in force over the tier's.

use super::{AuditActor, AuditEntry, Organisation, PlanTier};
use crate::ids::{AuditId, TenantId};
use crate::ports::{Storage, StoreError};
use crate::time::Timestamp;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum PlanChangeError {
    #[error("no organisation {0}")]
    UnknownOrganisation(TenantId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who asked, and when.
pub struct PlanChange {
    pub organisation: TenantId,
    pub tier: PlanTier,
    pub by: AuditActor,
    pub at: Timestamp,
}

/// Stores the organisation with its new tier, then audits the change; returns it as stored.
pub async fn change_plan(
    store: &dyn Storage,
    change: PlanChange,
) -> Result<Organisation, PlanChangeError> {
    let mut organisation = store
        .get_organisation(&change.organisation)
        .await?
        .ok_or_else(|| PlanChangeError::UnknownOrganisation(change.organisation.clone()))?;
    let before = organisation.subscription_tier;
    organisation.subscription_tier = change.tier;
    organisation.updated_at = change.at;
    store.update_organisation(&organisation).await?;
    let entry = AuditEntry {
        id: AuditId::generate(),
        tenant_id: change.organisation,
        at: change.at,
        actor: change.by,
        action: "organisation.plan".into(),
        target: format!("{} → {}", before.as_str(), change.tier.as_str()),
        status: 200,
        ip: None,
        request_id: None,
    };
    store.record_audit(&entry).await?;
    Ok(organisation)
}
