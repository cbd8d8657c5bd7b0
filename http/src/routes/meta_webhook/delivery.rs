//! Channel reports on outbound messages (WhatsApp statuses, Messenger and Instagram receipts)
//! handed to the sessions of those messages as [`SessionEvent::DeliveryUpdated`]. A report names
//! a message by the id the channel gave it (recorded by the outbox when the send was accepted),
//! or, for a Messenger read receipt, by a watermark: everything sent before it was read. A
//! report that overtook the send's answer (no message has that id yet) is parked in storage and
//! applied when the outbox records the id (see the storage's `early_deliveries`). A WhatsApp
//! status on a campaign message goes to the campaign runner instead, which moves the
//! recipient's journey on.

use crate::errors::AppError;
use crate::sessions::Envelope;
use crate::state::AppState;
use botwot_actors::RunError;
use botwot_engine::message::{Delivery, Direction};
use botwot_engine::session::{SessionEvent, SessionKey};
use botwot_engine::{Channel, Timestamp};
use tracing::{debug, warn};

/// How many of a session's latest messages a watermark read receipt looks at: a contact
/// reads what was sent lately, and older replies were marked by earlier receipts.
const READ_RECEIPT_WINDOW: usize = 50;

/// A campaign runner's failure, as the webhook answers it (Meta delivers the webhook again).
pub(super) fn campaign_error(error: RunError) -> AppError {
    match error {
        RunError::Store(error) => error.into(),
        RunError::Lock(error) => AppError::new(
            crate::errors::ErrorCode::StorageUnavailable,
            error.to_string(),
        ),
    }
}

/// Hands a channel's report on an outbound message (named by the id the channel gave it) to the
/// message's session. A report on a message no send has recorded yet is parked until one does
/// (or for a day: another app on the same number sends messages this one never will).
pub(super) async fn update_delivery(
    state: &AppState,
    channel: Channel,
    account: &str,
    provider_message_id: &str,
    delivery: Delivery,
) -> Result<(), AppError> {
    if let Some(runner) = state
        .campaigns
        .as_ref()
        .filter(|_| channel == Channel::WhatsApp)
    {
        let campaign_message = runner
            .report_status(account, provider_message_id, &delivery, state.now())
            .await
            .map_err(campaign_error)?;
        if campaign_message {
            return Ok(());
        }
    }
    let Some(integration) = state.store.find_integration(channel, account).await? else {
        warn!(%channel, account, "status for an account no integration connects; ignored");
        ::metrics::counter!("botwot_meta_events_unrouted_total").increment(1);
        return Ok(());
    };
    let tenant = &integration.tenant_id;
    let store = &state.store;
    let mut delivery = delivery;
    let mut found = store
        .find_outbound_message(tenant, channel, provider_message_id)
        .await?;
    if found.is_none() {
        store
            .park_early_delivery(
                tenant,
                channel,
                provider_message_id,
                delivery.clone(),
                state.now(),
            )
            .await?;
        // The outbox may have recorded the id meanwhile, before it could see the parked report.
        found = store
            .find_outbound_message(tenant, channel, provider_message_id)
            .await?;
        let Some(_) = found else {
            debug!(%channel, provider_message_id, "status ahead of its send (or not sent from here); parked");
            ::metrics::counter!("botwot_meta_statuses_parked_total").increment(1);
            return Ok(());
        };
        if let Some(parked) = store
            .take_early_delivery(tenant, channel, provider_message_id)
            .await?
        {
            delivery = parked;
        }
    }
    let Some(message) = found else {
        return Ok(());
    };
    let Some(session) = state.store.get_session(tenant, &message.session_id).await? else {
        warn!(message_id = %message.id, "status for a message whose session is gone");
        return Ok(());
    };
    let event = SessionEvent::DeliveryUpdated {
        message_id: message.id,
        delivery,
    };
    let envelope = Envelope {
        key: session.key,
        bot_id: session.bot_id,
        event,
    };
    state.sessions.accept(envelope).await?;
    Ok(())
}

/// Marks every reply of the contact's session sent up to `watermark` read (Messenger's read
/// receipt). Replies not handed to the channel yet, or already read or failed, are left alone.
pub(super) async fn read_up_to(
    state: &AppState,
    channel: Channel,
    account: &str,
    contact: &str,
    watermark: Timestamp,
) -> Result<(), AppError> {
    let Some(integration) = state.store.find_integration(channel, account).await? else {
        warn!(%channel, account, "read receipt for an account no integration connects; ignored");
        ::metrics::counter!("botwot_meta_events_unrouted_total").increment(1);
        return Ok(());
    };
    let key = SessionKey::new(integration.tenant_id.clone(), channel, account, contact);
    let Some(session) = state.store.load_session(&key).await? else {
        debug!(%channel, "read receipt for a contact with no session");
        return Ok(());
    };
    let recent = state
        .store
        .recent_messages(&key.tenant_id, &session.id, READ_RECEIPT_WINDOW)
        .await?;
    let unread = recent.into_iter().filter(|message| {
        message.direction == Direction::Outbound
            && message.created_at <= watermark
            && matches!(message.delivery, Delivery::Sent | Delivery::Delivered)
    });
    for message in unread {
        let envelope = Envelope {
            key: session.key.clone(),
            bot_id: session.bot_id.clone(),
            event: SessionEvent::DeliveryUpdated {
                message_id: message.id,
                delivery: Delivery::Read,
            },
        };
        state.sessions.accept(envelope).await?;
    }
    Ok(())
}
