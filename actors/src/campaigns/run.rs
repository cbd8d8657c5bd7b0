//! One running campaign's task: reads the recipients that are due, moves each on
//! (`recipient_step.rs`) at the campaign's pace, sleeps until the next one is due or a report
//! or an action wakes it, and completes the campaign once every recipient finished. It stops
//! when the campaign is no longer running (paused, cancelled, completed) or the node lost its
//! claim on it; the next sweep of whichever node claims it next goes on from the store.

use super::recipient_step::{self, Outcome};
use super::{Inner, RunError, campaign_lock_name};
use botwot_engine::campaign::{Campaign, CampaignRefusal, CampaignStatus};
use botwot_engine::coordination::HeldLock;
use botwot_engine::time::Timestamp;
use futures::FutureExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;
use tracing::{info, warn};

/// Runs `campaign` until it stops running here.
pub(super) async fn run_campaign(
    inner: &Arc<Inner>,
    campaign: Campaign,
    claim: Box<dyn HeldLock>,
    bell: Arc<Notify>,
) {
    let (tenant, id) = (campaign.tenant_id.clone(), campaign.id.clone());
    while claim.is_held() {
        match turn(inner, &tenant, &id, &bell).await {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                warn!(campaign_id = %id, %error, "campaign could not move on; trying again");
                tokio::time::sleep(inner.config.retry_pause()).await;
            }
        }
    }
    claim.release().await;
    info!(campaign_id = %id, "campaign no longer runs here");
}

/// One turn: moves the due recipients on, or waits. `false` once the campaign stopped running.
async fn turn(
    inner: &Arc<Inner>,
    tenant: &botwot_engine::TenantId,
    id: &botwot_engine::ids::CampaignId,
    bell: &Notify,
) -> Result<bool, RunError> {
    let store = &inner.deps.store;
    let Some(campaign) = store.get_campaign(tenant, id).await? else {
        return Ok(false);
    };
    if campaign.status != CampaignStatus::Running {
        return Ok(false);
    }
    let now = inner.deps.clock.now();
    let due = store
        .due_recipients(&campaign, now, inner.config.batch)
        .await?;
    if due.is_empty() {
        if !store.has_unfinished_recipients(&campaign).await? {
            complete(inner, &campaign).await?;
            return Ok(false);
        }
        let next = store.next_recipient_due(&campaign).await?;
        let sweep = inner.config.sweep();
        let wait = next.map_or(sweep, |next| next.since(now).min(sweep));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = bell.notified() => {}
        }
        return Ok(true);
    }
    let mut pace = Pace::new(inner.config.pace());
    for recipient in due {
        pace.wait().await;
        match recipient_step::step(inner, &campaign, &recipient.phone).await? {
            Outcome::Sent(sends) => pace.spent(sends),
            Outcome::ChannelBusy(wait) => {
                tokio::time::sleep(wait.unwrap_or(inner.config.retry_pause())).await;
                break;
            }
        }
        // A pause, a cancel or a report rang: read the campaign again before sending more.
        if bell.notified().now_or_never().is_some() {
            break;
        }
    }
    Ok(true)
}

/// Keeps a campaign's sends `every` apart: measured from when each step began, so the time a
/// send takes counts towards the wait before the next; a campaign that fell behind (a slow
/// send) goes on at its pace rather than in a burst; nothing waits when no pace is set.
struct Pace {
    every: Duration,
    /// When the next step may begin.
    next: Instant,
    /// When the current step began.
    began: Instant,
}

impl Pace {
    fn new(every: Duration) -> Self {
        let now = Instant::now();
        Self {
            every,
            next: now,
            began: now,
        }
    }

    async fn wait(&mut self) {
        if !self.every.is_zero() {
            tokio::time::sleep_until(self.next).await;
        }
        self.began = Instant::now();
    }

    /// The step that began last sent `sends` templates.
    fn spent(&mut self, sends: u32) {
        self.next = self.began + self.every * sends;
    }
}

/// Starts a scheduled campaign whose time has come.
pub(super) async fn start_scheduled(inner: &Inner, campaign: &Campaign) -> Result<(), RunError> {
    move_campaign(
        inner,
        campaign,
        "scheduled campaign started",
        Campaign::start,
    )
    .await
}

/// Completes a running campaign whose recipients all finished (none becomes unfinished
/// again: a running campaign's audience is closed).
async fn complete(inner: &Inner, campaign: &Campaign) -> Result<(), RunError> {
    move_campaign(inner, campaign, "campaign completed", Campaign::complete).await
}

/// Applies `change` to the stored campaign under its lock, as the API's changes do, and
/// stores it when the change applies.
async fn move_campaign(
    inner: &Inner,
    campaign: &Campaign,
    what: &str,
    change: impl FnOnce(&mut Campaign, Timestamp) -> Result<(), CampaignRefusal>,
) -> Result<(), RunError> {
    let _lock = inner
        .deps
        .locks
        .hold(&campaign_lock_name(&campaign.id))
        .await?;
    let store = &inner.deps.store;
    let Some(mut fresh) = store
        .get_campaign(&campaign.tenant_id, &campaign.id)
        .await?
    else {
        return Ok(());
    };
    if change(&mut fresh, inner.deps.clock.now()).is_ok() {
        store.update_campaign(&fresh).await?;
        info!(campaign_id = %fresh.id, "{what}");
    }
    Ok(())
}
