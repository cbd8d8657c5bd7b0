//! Signals to a contact on Meta's channels that are not messages: read receipts and typing.
//!
//! - WhatsApp read receipt (the blue ticks): `POST /{phone-number-id}/messages` with `status:
//!   "read"` and the `wamid` of the contact's message, which marks it and every earlier message
//!   of the conversation read. Meta answers `{"success": true}`.
//! - WhatsApp typing indicator: the same request with `typing_indicator: {type: "text"}`; it
//!   also marks the message read, and WhatsApp hides it after 25 seconds or when the reply
//!   arrives, so there is no request to stop it.
//! - Messenger and Instagram: `POST /me/messages` with `recipient: {id}` and `sender_action:
//!   "typing_on"` or `"typing_off"`; Meta answers `{"recipient_id": ...}`.

use super::client::GraphClient;
use super::errors::GraphError;
use super::messenger::{Recipient, SEND_PATH};
use super::sender::checked_phone_number_id;
use super::token::AccessTokenSource;
use botwot_engine::Channel;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Serialize)]
struct MarkRead<'a> {
    messaging_product: &'static str,
    status: &'static str,
    message_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    typing_indicator: Option<TypingIndicator>,
}

#[derive(Serialize)]
struct TypingIndicator {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Deserialize)]
struct Confirmed {
    #[serde(default)]
    success: bool,
}

#[derive(Serialize)]
struct SenderAction {
    recipient: Recipient,
    sender_action: &'static str,
}

#[derive(Deserialize)]
struct ActionTaken {
    #[serde(default)]
    recipient_id: Option<String>,
}

/// Whom a typing indicator is shown to.
#[derive(Clone, Copy, Debug)]
pub enum TypingTarget<'a> {
    /// A WhatsApp contact, by the number that talks to them and their latest message's `wamid`.
    WhatsApp {
        phone_number_id: &'a str,
        latest_wamid: &'a str,
    },
    /// A Messenger or Instagram user, by their page- or Instagram-scoped id.
    Messaging {
        channel: Channel,
        account: &'a str,
        recipient_id: &'a str,
    },
}

/// Sends read receipts and typing indicators for the connected accounts.
pub struct ContactSignals {
    client: GraphClient,
    tokens: Arc<dyn AccessTokenSource>,
}

impl ContactSignals {
    pub fn new(client: GraphClient, tokens: Arc<dyn AccessTokenSource>) -> Self {
        Self { client, tokens }
    }

    /// Marks the contact's message `wamid` (and every earlier one) read, from the number
    /// `phone_number_id`.
    pub async fn mark_read(&self, phone_number_id: &str, wamid: &str) -> Result<(), GraphError> {
        self.read_receipt(phone_number_id, wamid, None).await
    }

    /// Shows the contact that someone is typing (`typing`), or stops showing it. WhatsApp has
    /// no way to stop it early: stopping there sends nothing.
    pub async fn typing(&self, target: TypingTarget<'_>, typing: bool) -> Result<(), GraphError> {
        match target {
            TypingTarget::WhatsApp {
                phone_number_id,
                latest_wamid,
            } => {
                if !typing {
                    return Ok(());
                }
                let indicator = TypingIndicator { kind: "text" };
                self.read_receipt(phone_number_id, latest_wamid, Some(indicator))
                    .await
            }
            TypingTarget::Messaging {
                channel,
                account,
                recipient_id,
            } => {
                let token = self.tokens.access_token(channel, account).await?;
                let action = SenderAction {
                    recipient: Recipient {
                        id: recipient_id.to_owned(),
                    },
                    sender_action: if typing { "typing_on" } else { "typing_off" },
                };
                let taken: ActionTaken = self.client.post_json(SEND_PATH, &token, &action).await?;
                match taken.recipient_id {
                    Some(_) => Ok(()),
                    None => Err(GraphError::UnreadableResponse {
                        status: 200,
                        detail: "Meta did not confirm the typing indicator".into(),
                    }),
                }
            }
        }
    }

    async fn read_receipt(
        &self,
        phone_number_id: &str,
        wamid: &str,
        typing_indicator: Option<TypingIndicator>,
    ) -> Result<(), GraphError> {
        checked_phone_number_id(phone_number_id)?;
        let token = self
            .tokens
            .access_token(Channel::WhatsApp, phone_number_id)
            .await?;
        let receipt = MarkRead {
            messaging_product: "whatsapp",
            status: "read",
            message_id: wamid,
            typing_indicator,
        };
        let path = format!("{phone_number_id}/messages");
        let confirmed: Confirmed = self.client.post_json(&path, &token, &receipt).await?;
        if confirmed.success {
            Ok(())
        } else {
            Err(GraphError::UnreadableResponse {
                status: 200,
                detail: "Meta did not confirm the read receipt".into(),
            })
        }
    }
}
