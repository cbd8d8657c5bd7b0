//! Telling a WhatsApp contact that their messages were read (the blue ticks): `POST
//! /{phone-number-id}/messages` with `status: "read"` and the `wamid` of the contact's message,
//! which marks it and every earlier message of the conversation read. Meta answers
//! `{"success": true}`.

use super::client::GraphClient;
use super::errors::GraphError;
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
}

#[derive(Deserialize)]
struct Confirmed {
    #[serde(default)]
    success: bool,
}

/// Sends read receipts for the connected WhatsApp numbers.
pub struct ReadReceipts {
    client: GraphClient,
    tokens: Arc<dyn AccessTokenSource>,
}

impl ReadReceipts {
    pub fn new(client: GraphClient, tokens: Arc<dyn AccessTokenSource>) -> Self {
        Self { client, tokens }
    }

    /// Marks the contact's message `wamid` (and every earlier one) read, from the number
    /// `phone_number_id`.
    pub async fn mark_read(&self, phone_number_id: &str, wamid: &str) -> Result<(), GraphError> {
        checked_phone_number_id(phone_number_id)?;
        let token = self
            .tokens
            .access_token(Channel::WhatsApp, phone_number_id)
            .await?;
        let receipt = MarkRead {
            messaging_product: "whatsapp",
            status: "read",
            message_id: wamid,
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
