//! Settling an organisation's account: after any change, decide the tier it paid for
//! ([`BillingAccount::reconcile`]), move the organisation there when that changed (audited as
//! billing's act), then store the account. The organisation moves before the account is
//! stored: a node that dies in between decides the same move again next time, and moving an
//! organisation to the tier it is on changes nothing. An organisation on ENTERPRISE is on an
//! agreement and never moved by billing.
//!
//! The sweep settles the accounts whose grant ran out, so an organisation whose paid time ended
//! returns to BASE without any report from the provider, and forgets handled event ids a week
//! old (long after the provider stopped redelivering them).

use super::{Billing, BillingError, billing_lock_name};
use crate::named_locks::NamedGuard;
use botwot_engine::access::{AuditActor, PlanChange, PlanChangeError, PlanTier, change_plan};
use botwot_engine::billing::BillingAccount;
use botwot_engine::ids::TenantId;
use std::time::Duration;
use tokio::task::JoinHandle;
use tracing::{info, warn};

/// Accounts settled per read of the store in one sweep.
const DUE_AT_ONCE: usize = 200;
/// How long a handled event id is remembered: Razorpay redelivers for 24 hours.
const EVENTS_REMEMBERED: Duration = Duration::from_secs(7 * 24 * 3600);
/// Event ids forgotten per sweep.
const EVENTS_FORGOTTEN_AT_ONCE: usize = 1_000;

impl Billing {
    pub(super) async fn hold(&self, tenant: &TenantId) -> Result<NamedGuard<'_>, BillingError> {
        Ok(self.inner.locks.hold(&billing_lock_name(tenant)).await?)
    }

    /// The organisation's account as stored, or a new empty one.
    pub async fn account(&self, tenant: &TenantId) -> Result<BillingAccount, BillingError> {
        Ok(self
            .inner
            .store
            .billing_account(tenant)
            .await?
            .unwrap_or_else(|| BillingAccount::new(tenant.clone(), self.inner.clock.now())))
    }

    /// Decides the tier, moves the organisation if it changed, and stores the account. The
    /// caller holds the organisation's billing lock.
    pub(super) async fn store_settled(
        &self,
        mut account: BillingAccount,
    ) -> Result<BillingAccount, BillingError> {
        let now = self.inner.clock.now();
        let decided = account.reconcile(now, self.inner.config.grace());
        if let Some(tier) = decided.tier_change {
            self.move_organisation(&account.tenant_id, tier).await?;
        }
        self.inner.store.save_billing_account(&account).await?;
        Ok(account)
    }

    async fn move_organisation(
        &self,
        tenant: &TenantId,
        tier: PlanTier,
    ) -> Result<(), BillingError> {
        let store = self.inner.store.as_ref();
        let Some(organisation) = store.get_organisation(tenant).await? else {
            warn!(tenant_id = %tenant, "billing settled an account of an organisation that is gone");
            return Ok(());
        };
        if organisation.subscription_tier == PlanTier::Enterprise {
            info!(tenant_id = %tenant, tier = tier.as_str(), "organisation on ENTERPRISE: billing leaves its tier");
            return Ok(());
        }
        if organisation.subscription_tier == tier {
            return Ok(());
        }
        let change = PlanChange {
            organisation: tenant.clone(),
            tier,
            by: AuditActor {
                kind: "billing".into(),
                id: "payments".into(),
                label: "payments (what the organisation paid for)".into(),
            },
            at: self.inner.clock.now(),
        };
        match change_plan(store, change).await {
            Ok(_) => {
                info!(tenant_id = %tenant, tier = tier.as_str(), "plan changed by billing");
                Ok(())
            }
            Err(PlanChangeError::UnknownOrganisation(_)) => Ok(()),
            Err(PlanChangeError::Store(error)) => Err(error.into()),
        }
    }

    /// Settles every account whose paid time ran out; how many it settled.
    pub async fn settle_due(&self) -> Result<usize, BillingError> {
        let mut settled = 0;
        loop {
            let now = self.inner.clock.now();
            let due = self
                .inner
                .store
                .billing_accounts_due(now, DUE_AT_ONCE)
                .await?;
            let full = due.len() == DUE_AT_ONCE;
            let mut failed = false;
            for stale in due {
                match self.settle_if_due(&stale.tenant_id).await {
                    Ok(true) => settled += 1,
                    Ok(false) => {}
                    Err(error) => {
                        warn!(tenant_id = %stale.tenant_id, %error, "billing could not settle an account; next sweep");
                        failed = true;
                    }
                }
            }
            if !full || failed {
                return Ok(settled);
            }
        }
    }

    async fn settle_if_due(&self, tenant: &TenantId) -> Result<bool, BillingError> {
        let _lock = self.hold(tenant).await?;
        let account = self.account(tenant).await?;
        let now = self.inner.clock.now();
        if account.due().is_none_or(|due| due > now) {
            return Ok(false);
        }
        self.store_settled(account).await?;
        Ok(true)
    }

    /// Settles due accounts every `sweep_ms` until the task is aborted.
    pub fn spawn_sweep(&self) -> JoinHandle<()> {
        let billing = self.clone();
        let every = Duration::from_millis(self.inner.config.sweep_ms.max(100));
        tokio::spawn(async move {
            loop {
                match billing.settle_due().await {
                    Ok(0) => {}
                    Ok(settled) => info!(settled, "billing: paid time ran out"),
                    Err(error) => warn!(%error, "billing sweep failed; trying again later"),
                }
                let forget_before = billing.inner.clock.now().minus(EVENTS_REMEMBERED);
                if let Err(error) = billing
                    .inner
                    .store
                    .forget_billing_events(forget_before, EVENTS_FORGOTTEN_AT_ONCE)
                    .await
                {
                    warn!(%error, "billing could not forget old event ids; next sweep");
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}
