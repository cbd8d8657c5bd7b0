//! `POST /v1/sessions/{sessionId}/messages/{messageId}/reaction`: the owning agent reacts to a
//! message of the conversation with an emoji, or takes the reaction back with an empty one. It
//! goes out like a reply, through the session and the outbox: a WhatsApp reaction message, a
//! Messenger or Instagram `react`/`unreact` sender action, a reaction line in the widget. The
//! message must have reached the channel (it needs the channel's id), and under a comment
//! there is nothing to react with.

use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams};
use crate::routes::handover::{PostedMessage, posted};
use crate::routes::media::MessagePath;
use crate::routes::sessions::TenantSession;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::MessageBody;
use botwot_engine::ids::MessageId;
use botwot_engine::integration::commented;
use botwot_engine::session::SessionEvent;
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::ToSchema;

/// The longest emoji accepted, in characters (a flag or a family is several code points).
const MAX_EMOJI_CHARS: usize = 16;

/// The reaction: one emoji, or empty to take it back.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentReaction {
    pub emoji: String,
}

/// The owning agent reacts to a message of the conversation.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/messages/{messageId}/reaction", tag = "handover",
    params(MessagePath),
    request_body = AgentReaction,
    responses(
        (status = 201, description = "the reaction, stored and on its way", body = PostedMessage),
        (status = 404, description = "no such message in the conversation", body = crate::errors::ErrorBody),
        (status = 409, description = "`not_assigned`: the caller does not own the conversation"),
        (status = 422, description = "not an emoji, or the message has no id on its channel yet", body = crate::errors::ErrorBody),
    ),
)]
pub async fn react(
    State(state): State<AppState>,
    principal: Principal,
    TenantSession(session): TenantSession,
    PathParams(path): PathParams<MessagePath>,
    JsonBody(reaction): JsonBody<AgentReaction>,
) -> Result<(StatusCode, Json<PostedMessage>), AppError> {
    let message_id = MessageId::from(path.message_id.as_str());
    let message = state
        .store
        .get_message(&session.key.tenant_id, &message_id)
        .await?
        .filter(|message| message.session_id == session.id)
        .filter(|message| message.direction.is_visible_to_contact())
        .ok_or_else(|| AppError::not_found(format_args!("message {message_id}")))?;
    let emoji = reaction.emoji.trim();
    let mut errors = ValidationErrors::default();
    if emoji.chars().count() > MAX_EMOJI_CHARS
        || emoji
            .chars()
            .any(|c| c.is_alphanumeric() || c.is_whitespace())
    {
        errors.add(
            "emoji",
            "must be one emoji, or empty to take the reaction back",
        );
    }
    if commented(&session.key.contact).is_some() {
        errors.add("emoji", "a comment thread has no reactions");
    }
    let provider_message_id = message.provider_message_id.clone().unwrap_or_default();
    if provider_message_id.is_empty() {
        errors.add("messageId", "the message has not reached the channel yet");
    }
    errors.into_result(())?;
    let event = SessionEvent::AgentReplied {
        agent_id: principal.user.id.to_string(),
        body: MessageBody::Reaction {
            reacts_to: message.id,
            provider_message_id,
            emoji: emoji.to_owned(),
        },
        client_message_id: None,
    };
    posted(&state, session, event).await
}
