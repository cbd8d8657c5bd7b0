//! Moving one recipient's journey on, under the recipient's lock: the event that is due (the
//! start, the armed step's timer, a retry) is applied and stored with the templates it decides
//! as pending, and only then are they handed to the channel; each one the channel takes is
//! stored with the id it got, one it refuses is a `SendFailed` event for the journey (retried
//! later by the journey's own rules), and when the channel is busy the template stays pending.
//! Delivery reports are applied here too.

use super::{Inner, RunError, recipient_lock_name};
use botwot_engine::Channel;
use botwot_engine::campaign::{
    Campaign, CampaignMessageRef, CampaignRecipient, RecipientEvent, StepTrigger,
};
use botwot_engine::ports::DeliveryError;
use std::time::Duration;
use tracing::debug;

/// What moving a recipient on did.
pub(super) enum Outcome {
    /// This many templates were handed to the channel (or refused by it).
    Sent(u32),
    /// The channel asked to wait (its rate, or a passing failure); the template stays pending.
    ChannelBusy(Option<Duration>),
}

/// Moves the recipient of `phone` on, if it is still due.
pub(super) async fn step(
    inner: &Inner,
    campaign: &Campaign,
    phone: &str,
) -> Result<Outcome, RunError> {
    let deps = &inner.deps;
    let _lock = deps
        .locks
        .hold(&recipient_lock_name(&campaign.id, phone))
        .await?;
    let Some(mut recipient) = stored(inner, campaign, phone).await? else {
        return Ok(Outcome::Sent(0));
    };
    let now = deps.clock.now();
    if recipient.pending.is_empty() {
        // A report may have moved the journey on since it was read as due.
        let Some(event) = recipient.progress.due_event(now) else {
            return Ok(Outcome::Sent(0));
        };
        recipient.apply(campaign, event);
        deps.store.save_recipient(&recipient, None).await?;
    }
    send_pending(inner, campaign, &mut recipient).await
}

/// Hands the recipient's pending templates to the channel, storing what became of each.
async fn send_pending(
    inner: &Inner,
    campaign: &Campaign,
    recipient: &mut CampaignRecipient,
) -> Result<Outcome, RunError> {
    let deps = &inner.deps;
    let mut sends = 0;
    while let Some(pending) = recipient.pending.first().cloned() {
        let answer = deps
            .sender
            .send_campaign_template(campaign, recipient, &pending.template_id)
            .await;
        let at = deps.clock.now();
        match answer {
            Ok(provider_id) => {
                recipient.pending.remove(0);
                let sent = CampaignMessageRef {
                    tenant_id: campaign.tenant_id.clone(),
                    campaign_id: campaign.id.clone(),
                    channel_account: campaign.channel_account.clone(),
                    provider_id,
                    phone: recipient.phone.clone(),
                    message: pending.message,
                };
                deps.store.save_recipient(recipient, Some(&sent)).await?;
                apply_early_report(inner, campaign, recipient, &sent).await?;
            }
            Err(DeliveryError::Permanent(reason)) => {
                recipient.pending.remove(0);
                let refused = RecipientEvent::SendFailed {
                    message: pending.message,
                    at,
                    reason,
                };
                recipient.apply(campaign, refused);
                deps.store.save_recipient(recipient, None).await?;
            }
            Err(DeliveryError::Retryable {
                retry_after,
                reason,
            }) => {
                debug!(campaign_id = %campaign.id, reason, "campaign send will be tried again");
                return Ok(Outcome::ChannelBusy(retry_after));
            }
            Err(DeliveryError::Deferred { retry_after }) => {
                return Ok(Outcome::ChannelBusy(Some(retry_after)));
            }
        }
        sends += 1;
    }
    Ok(Outcome::Sent(sends))
}

/// A report that arrived before the id it names was stored was parked with the session
/// reports; it is the campaign's, so it is taken and applied now.
async fn apply_early_report(
    inner: &Inner,
    campaign: &Campaign,
    recipient: &mut CampaignRecipient,
    sent: &CampaignMessageRef,
) -> Result<(), RunError> {
    let store = &inner.deps.store;
    let parked = store
        .take_early_delivery(&campaign.tenant_id, Channel::WhatsApp, &sent.provider_id)
        .await?;
    let Some(status) = parked.as_ref().and_then(StepTrigger::from_delivery) else {
        return Ok(());
    };
    let at = inner.deps.clock.now();
    let event = RecipientEvent::Status {
        message: sent.message,
        status,
        at,
    };
    recipient.apply(campaign, event);
    store.save_recipient(recipient, None).await?;
    Ok(())
}

/// Applies `event` to the journey of the recipient of `phone` in `campaign`: a delivery
/// report, an opt-out.
pub(super) async fn apply_event(
    inner: &Inner,
    campaign: &Campaign,
    phone: &str,
    event: RecipientEvent,
) -> Result<(), RunError> {
    let deps = &inner.deps;
    let _lock = deps
        .locks
        .hold(&recipient_lock_name(&campaign.id, phone))
        .await?;
    let Some(mut recipient) = stored(inner, campaign, phone).await? else {
        return Ok(());
    };
    recipient.apply(campaign, event);
    deps.store.save_recipient(&recipient, None).await?;
    Ok(())
}

/// The recipient of `phone` as stored; read under its lock.
async fn stored(
    inner: &Inner,
    campaign: &Campaign,
    phone: &str,
) -> Result<Option<CampaignRecipient>, RunError> {
    let store = &inner.deps.store;
    Ok(store
        .get_recipient(&campaign.tenant_id, &campaign.id, phone)
        .await?)
}
