//! `POST /v1/sessions/{sessionId}/read`: the agent tells a WhatsApp contact that their messages
//! were read (the blue ticks), by the contact's latest message: Meta marks it and every earlier
//! one read. WhatsApp only; the widget and Messenger have no such receipt here.

use crate::contact_messages::latest_from_contact;
use crate::errors::AppError;
use crate::routes::sessions::{SessionPath, TenantSession};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::Channel;
use botwot_engine::validation::ValidationErrors;
use serde::Serialize;
use utoipa::ToSchema;

/// Which message Meta marked read.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MarkedRead {
    /// Our id of the contact's latest message.
    pub message_id: String,
    /// WhatsApp's id of it (`wamid`).
    pub provider_message_id: String,
}

/// Marks the contact's messages read on WhatsApp.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/read", tag = "handover", params(SessionPath),
    responses(
        (status = 200, description = "the message Meta marked read, with every earlier one", body = MarkedRead),
        (status = 422, description = "not a WhatsApp conversation, or the contact has written nothing", body = crate::errors::ErrorBody),
        (status = 502, description = "Meta did not take the receipt now", body = crate::errors::ErrorBody),
    ),
)]
pub async fn mark_read(
    State(state): State<AppState>,
    TenantSession(session): TenantSession,
) -> Result<Json<MarkedRead>, AppError> {
    let mut refused = ValidationErrors::default();
    if session.key.channel != Channel::WhatsApp {
        refused.add(
            "sessionId",
            "read receipts are sent on WhatsApp conversations only",
        );
        return Err(refused.into());
    }
    let Some((message_id, wamid)) = latest_from_contact(state.store.as_ref(), &session).await?
    else {
        refused.add("sessionId", "the contact has written nothing to mark read");
        return Err(refused.into());
    };
    let receipts = state
        .contact_signals
        .as_ref()
        .ok_or_else(AppError::no_graph)?;
    receipts
        .mark_read(&session.key.channel_account, &wamid)
        .await
        .map_err(AppError::from_meta)?;
    Ok(Json(MarkedRead {
        message_id: message_id.to_string(),
        provider_message_id: wamid,
    }))
}
