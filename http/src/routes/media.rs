//! `GET /v1/sessions/{sessionId}/messages/{messageId}/media`: the file a contact sent (inbound
//! messages only: their URLs come from signed webhooks), from the blob store (downloaded from Meta as soon as the message arrived, or now if that did not
//! happen). Images, audio and video are served inline for the console to show; anything else as
//! an attachment, so a browser never renders a contact's HTML or SVG in the console's origin.

use crate::errors::{AppError, ErrorCode};
use crate::extract::PathParams;
use crate::routes::sessions::TenantSession;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use botwot_adapters::meta::media::{MediaError, MediaRef};
use botwot_engine::ids::MessageId;
use botwot_engine::{Direction, MessageBody};
use serde::Deserialize;
use tracing::warn;
use utoipa::IntoParams;

/// The `{sessionId}` and `{messageId}` path segments.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct MessagePath {
    /// The session's id.
    #[allow(dead_code)] // read by `TenantSession`
    session_id: String,
    /// The message's id.
    pub(crate) message_id: String,
}

/// The file of a media message.
#[utoipa::path(
    get, path = "/v1/sessions/{sessionId}/messages/{messageId}/media", tag = "sessions",
    params(MessagePath),
    responses(
        (status = 200, description = "the file, with its content type", content_type = "application/octet-stream"),
        (status = 404, description = "no such message in the session, or it carries no file", body = crate::errors::ErrorBody),
        (status = 502, description = "the file is not kept yet and the channel could not give it now", body = crate::errors::ErrorBody),
    ),
)]
pub async fn get_message_media(
    State(state): State<AppState>,
    TenantSession(session): TenantSession,
    PathParams(path): PathParams<MessagePath>,
) -> Result<Response, AppError> {
    let tenant = &session.key.tenant_id;
    let message_id = MessageId::from(path.message_id.as_str());
    let not_found = || AppError::not_found(format_args!("media of message {message_id}"));
    let message = state
        .store
        .get_message(tenant, &message_id)
        .await?
        .filter(|message| message.session_id == session.id)
        .filter(|message| message.direction == Direction::Inbound)
        .ok_or_else(not_found)?;
    let MessageBody::Media { url, .. } = &message.body else {
        return Err(not_found());
    };
    let library = state.media.as_ref().ok_or_else(|| {
        AppError::new(
            ErrorCode::MediaUnavailable,
            "this node downloads no channel media (no Graph API configured)",
        )
    })?;
    let key = &session.key;
    let media = MediaRef {
        tenant,
        channel: key.channel,
        account: &key.channel_account,
        contact: &key.contact,
        url,
    };
    let stored = library.open(media).await.map_err(|error| {
        warn!(message_id = %message_id, %error, "media not available");
        match error {
            MediaError::NotMedia(_) => not_found(),
            error => AppError::new(ErrorCode::MediaUnavailable, error.to_string()),
        }
    })?;
    let disposition = if is_shown_inline(&stored.content_type) {
        "inline"
    } else {
        "attachment"
    };
    Ok((
        [
            (CONTENT_TYPE, stored.content_type),
            (CONTENT_DISPOSITION, disposition.to_owned()),
        ],
        stored.bytes,
    )
        .into_response())
}

fn is_shown_inline(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    (essence.starts_with("image/") && essence != "image/svg+xml")
        || essence.starts_with("audio/")
        || essence.starts_with("video/")
}
