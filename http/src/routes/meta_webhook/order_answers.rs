//! A customer's tap on an order reminder's button (a WhatsApp template quick reply whose payload
//! names the order, see `botwot_adapters::meta::graph::order_reminder`) is the customer's answer
//! to the shop: handed to the node's order reminders, for the order of the number's organisation
//! and of that customer only. The tap joins the conversation with the shop's acknowledgement as
//! the bot's reply, so the bot's brain is not asked about a button.

use crate::errors::AppError;
use crate::state::AppState;
use botwot_adapters::meta::graph::order_reminder::read_reminder_payload;
use botwot_adapters::meta::whatsapp::{WhatsAppContent, WhatsAppInbound};
use botwot_engine::Channel;
use tracing::info;

/// Takes the answer in `inbound`, if it is one; what the customer is told in reply.
pub async fn take_answer(
    state: &AppState,
    inbound: &WhatsAppInbound,
) -> Result<Option<String>, AppError> {
    let WhatsAppContent::Button(button) = &inbound.content else {
        return Ok(None);
    };
    let Some((answer, key)) = button.payload.as_deref().and_then(read_reminder_payload) else {
        return Ok(None);
    };
    let Some(commerce) = &state.commerce else {
        return Ok(None);
    };
    let account = &inbound.account.phone_number_id;
    let Some(integration) = state
        .store
        .find_integration(Channel::WhatsApp, account)
        .await?
    else {
        return Ok(None);
    };
    let taken = commerce
        .orders
        .answer(&integration.tenant_id, key, &inbound.wa_id, answer)
        .await?;
    if taken.is_none() {
        info!(
            order = key,
            "a reminder answer names no order of this customer; ignored"
        );
    }
    Ok(taken.and_then(|order| order.acknowledgement()))
}
