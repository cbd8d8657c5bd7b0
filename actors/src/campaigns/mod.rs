//! Campaigns run here (PRD §3.7.1, ADR 0018). A node's [`CampaignRunner`] looks for work
//! every `sweep` and whenever it is woken: it starts scheduled campaigns whose time has come,
//! and runs each running campaign it can claim (the coordination lock `campaign-run:<id>`, so
//! one node of a cluster runs a campaign) in a task of its own (`run.rs`).
//!
//! Nothing of a run lives only in memory. A recipient's next due time is part of its stored
//! journey (`CampaignRecipient::due`), and a template its journey decides is stored with it as
//! pending before it is handed to the channel (`recipient_step.rs`), so a runner that stops at
//! any point picks every overdue step, retry and unsent template up again from the store: a
//! campaign never stops half way. The one window left is the send itself: a process that dies
//! after the channel took a template and before its id was stored sends it again on restart.
//!
//! Delivery reports on campaign messages come back through [`CampaignRunner::report_status`],
//! which finds the recipient by the id the channel gave the message and moves its journey on;
//! a contact's opt-out reply ends its journeys through [`CampaignRunner::opt_out`].
//! Every change of a recipient holds its named lock, the runner's and a report's alike; starting
//! and completing a campaign hold the campaign's, which the API's changes hold too.

mod metrics;
mod recipient_step;
mod run;

pub use metrics::campaign_tally;

use crate::named_locks::{LockError, NamedLocks};
use botwot_engine::campaign::{CampaignStatus, RecipientEvent, StepTrigger};
use botwot_engine::coordination::Coordination;
use botwot_engine::ids::{CampaignId, TenantId};
use botwot_engine::message::Delivery;
use botwot_engine::ports::{CampaignSender, Storage, StoreError};
use botwot_engine::time::{Clock, Timestamp};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::sync::Notify;
use tracing::{info, warn};

/// Campaigns looked at per status in one sweep: every one (a cap would leave the newest never
/// started or run once more than that many were scheduled or running at once; a sweep reads a
/// few thousand records at most in practice).
const CAMPAIGNS_PER_SWEEP: usize = usize::MAX;

/// How a node runs campaigns (the `[campaigns]` section).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CampaignRunnerConfig {
    /// How often the node looks for campaigns to start or run, besides being woken.
    pub sweep_ms: u64,
    /// Recipients moved on per read of the store.
    pub batch: usize,
    /// Templates one campaign sends per second at most (WhatsApp's throughput per number is
    /// shared with the number's conversations).
    pub sends_per_second: u32,
    /// How long a campaign waits after the channel or the store asked it to.
    pub retry_pause_ms: u64,
}

impl Default for CampaignRunnerConfig {
    fn default() -> Self {
        Self {
            sweep_ms: 5_000,
            batch: 50,
            sends_per_second: 20,
            retry_pause_ms: 2_000,
        }
    }
}

impl CampaignRunnerConfig {
    fn sweep(&self) -> Duration {
        Duration::from_millis(self.sweep_ms.max(10))
    }

    fn retry_pause(&self) -> Duration {
        Duration::from_millis(self.retry_pause_ms)
    }

    /// The pause after each template, to keep to `sends_per_second`.
    fn pace(&self) -> Duration {
        Duration::from_secs(1) / self.sends_per_second.max(1)
    }
}

/// What the runner reads, sends with and locks.
#[derive(Clone)]
pub struct CampaignRunnerDeps {
    pub store: Arc<dyn Storage>,
    pub sender: Arc<dyn CampaignSender>,
    pub clock: Arc<dyn Clock>,
    /// Shared with the API, so a campaign's change and its runner exclude each other.
    pub locks: NamedLocks,
    /// Which node runs which campaign.
    pub coordination: Arc<dyn Coordination>,
}

/// Why a campaign could not move on now; it is tried again.
#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// The campaign runner of a node: a cheap handle.
#[derive(Clone)]
pub struct CampaignRunner {
    inner: Arc<Inner>,
}

struct Inner {
    deps: CampaignRunnerDeps,
    config: CampaignRunnerConfig,
    /// The campaigns this node runs, each with the bell that wakes its task.
    running: Mutex<HashMap<CampaignId, Arc<Notify>>>,
    wake: Notify,
}

/// The lock every change of a campaign holds.
pub fn campaign_lock_name(campaign: &CampaignId) -> String {
    format!("campaign:{campaign}")
}

/// The lock every change of one recipient's journey holds.
fn recipient_lock_name(campaign: &CampaignId, phone: &str) -> String {
    format!("campaign-recipient:{campaign}:{phone}")
}

impl CampaignRunner {
    /// Starts the sweeps; the first runs at once.
    pub fn start(deps: CampaignRunnerDeps, config: CampaignRunnerConfig) -> Self {
        let runner = Self {
            inner: Arc::new(Inner {
                deps,
                config,
                running: Mutex::new(HashMap::new()),
                wake: Notify::new(),
            }),
        };
        let sweeper = runner.clone();
        tokio::spawn(async move { sweeper.sweep_forever().await });
        runner
    }

    /// Looks at `campaign` again now: after it was launched, scheduled or resumed.
    pub fn wake(&self, campaign: &CampaignId) {
        if let Some(bell) = self.inner.running.lock().get(campaign) {
            bell.notify_one();
        }
        self.inner.wake.notify_one();
    }

    /// Moves on the journey of the recipient a campaign message went to, when `provider_id`
    /// (sent from `channel_account`) is one; `false` when it is not a campaign message.
    pub async fn report_status(
        &self,
        channel_account: &str,
        provider_id: &str,
        delivery: &Delivery,
        at: Timestamp,
    ) -> Result<bool, RunError> {
        let store = &self.inner.deps.store;
        let Some(sent) = store
            .find_campaign_message(channel_account, provider_id)
            .await?
        else {
            return Ok(false);
        };
        let Some(status) = StepTrigger::from_delivery(delivery) else {
            return Ok(true);
        };
        let Some(campaign) = store
            .get_campaign(&sent.tenant_id, &sent.campaign_id)
            .await?
        else {
            return Ok(true);
        };
        let event = RecipientEvent::Status {
            message: sent.message,
            status,
            at,
        };
        recipient_step::apply_event(&self.inner, &campaign, &sent.phone, event).await?;
        self.wake(&campaign.id);
        Ok(true)
    }

    /// Ends the journey of the contact of `phone` in every campaign of `tenant` it has not
    /// finished: the contact replied that it wants no more (see
    /// `botwot_engine::campaign::is_opt_out_reply`). How many journeys it ended.
    pub async fn opt_out(
        &self,
        tenant: &TenantId,
        phone: &str,
        at: Timestamp,
    ) -> Result<usize, RunError> {
        let store = &self.inner.deps.store;
        let mut ended = 0;
        for membership in store.contact_recipients(tenant, phone).await? {
            if membership.progress.is_finished() {
                continue;
            }
            let Some(campaign) = store.get_campaign(tenant, &membership.campaign_id).await? else {
                continue;
            };
            let event = RecipientEvent::OptedOut { at };
            recipient_step::apply_event(&self.inner, &campaign, phone, event).await?;
            ended += 1;
        }
        if ended > 0 {
            info!(tenant_id = %tenant, ended, "contact opted out of campaigns");
        }
        Ok(ended)
    }

    async fn sweep_forever(self) {
        loop {
            if let Err(error) = self.sweep().await {
                warn!(%error, "campaign sweep failed; trying again");
            }
            tokio::select! {
                () = tokio::time::sleep(self.inner.config.sweep()) => {}
                () = self.inner.wake.notified() => {}
            }
        }
    }

    /// Starts the scheduled campaigns that are due, and runs the running ones nobody runs.
    async fn sweep(&self) -> Result<(), RunError> {
        let store = &self.inner.deps.store;
        let now = self.inner.deps.clock.now();
        let scheduled = store
            .campaigns_in_status(CampaignStatus::Scheduled, CAMPAIGNS_PER_SWEEP)
            .await?;
        for campaign in scheduled.into_iter().filter(|c| c.is_due(now)) {
            run::start_scheduled(&self.inner, &campaign).await?;
        }
        let running = store
            .campaigns_in_status(CampaignStatus::Running, CAMPAIGNS_PER_SWEEP)
            .await?;
        for campaign in running {
            if self.inner.running.lock().contains_key(&campaign.id) {
                continue;
            }
            let claim_name = format!("campaign-run:{}", campaign.id);
            let Some(claim) = self
                .inner
                .deps
                .coordination
                .try_lock(&claim_name)
                .await
                .map_err(LockError::from)?
            else {
                continue;
            };
            let bell = Arc::new(Notify::new());
            self.inner
                .running
                .lock()
                .insert(campaign.id.clone(), bell.clone());
            info!(campaign_id = %campaign.id, "running campaign");
            let inner = self.inner.clone();
            tokio::spawn(async move {
                let id = campaign.id.clone();
                run::run_campaign(&inner, campaign, claim, bell).await;
                inner.running.lock().remove(&id);
            });
        }
        Ok(())
    }
}
