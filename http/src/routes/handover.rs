//! Live-agent handover on `/v1/sessions/{sessionId}/...`: take over, reply, hand back, transfer
//! and private notes. Each is one event dispatched to the session actor, which alone decides
//! who answers: two agents taking one conversation at once are ordered by its mailbox, and the
//! second is told who won (`session_taken`).

use crate::auth::Principal;
use crate::console::offers::offer_waiting_soon;
use crate::errors::{AppError, ErrorCode};
use crate::extract::JsonBody;
use crate::openapi::schemas::{MessageSchema, SessionSchema};
use crate::routes::reply_body::{AgentReply, check_text};
use crate::routes::sessions::{SessionPath, TenantSession};
use crate::routes::uploads;
use crate::sessions::Envelope;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::access::{Module, UserStatus};
use botwot_engine::ids::UserId;
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{Message, SessionEvent, SessionState};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A private note for the team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentText {
    /// Up to 4,096 characters, not blank.
    pub text: String,
    /// Ignored for notes (kept so the console sends replies and notes alike).
    #[serde(default)]
    pub client_message_id: Option<String>,
}

/// Whom to hand the conversation to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferRequest {
    /// An active user of the organisation with the Live Chat module (11).
    pub agent_id: String,
}

/// The session after the event and the message it stored, if any.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostedMessage {
    #[schema(value_type = SessionSchema)]
    pub session: SessionState,
    #[schema(value_type = MessageSchema)]
    pub message: Message,
}

/// The caller becomes the conversation's agent; the bot stops answering.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/takeover", tag = "handover", params(SessionPath),
    responses(
        (status = 200, description = "the session, now owned by the caller", body = SessionSchema),
        (status = 409, description = "`session_taken`: another agent owns it; `session_rejected`: it is closed"),
    ),
)]
pub async fn take_over(
    State(state): State<AppState>,
    principal: Principal,
    TenantSession(session): TenantSession,
) -> Result<Json<SessionState>, AppError> {
    let agent_id = principal.user.id.to_string();
    let event = SessionEvent::AgentTookOver {
        agent_id: agent_id.clone(),
    };
    let (session, _) = dispatch(&state, session, event).await?;
    tracing::info!(session_id = %session.id, agent_id, "agent took over");
    Ok(Json(session))
}

/// The owning agent answers the contact; the reply goes out on the conversation's channel.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/messages", tag = "handover", params(SessionPath),
    request_body = AgentReply,
    responses(
        (status = 201, description = "the reply, stored and on its way", body = PostedMessage),
        (status = 409, description = "`not_assigned`: the caller does not own the conversation"),
    ),
)]
pub async fn reply(
    State(state): State<AppState>,
    principal: Principal,
    TenantSession(session): TenantSession,
    JsonBody(reply): JsonBody<AgentReply>,
) -> Result<(StatusCode, Json<PostedMessage>), AppError> {
    let body = reply.body_for(&session.key)?;
    uploads::check_uploaded_file(&state, &session.key, &body).await?;
    let event = SessionEvent::AgentReplied {
        agent_id: principal.user.id.to_string(),
        body,
        client_message_id: reply.client_message_id,
    };
    posted(&state, session, event).await
}

/// A private note for the team: kept in the transcript, never sent to the contact. Any agent
/// with Live Chat may add one, whoever owns the conversation.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/notes", tag = "handover", params(SessionPath),
    request_body = AgentText,
    responses((status = 201, description = "the stored note", body = PostedMessage)),
)]
pub async fn add_note(
    State(state): State<AppState>,
    principal: Principal,
    TenantSession(session): TenantSession,
    JsonBody(body): JsonBody<AgentText>,
) -> Result<(StatusCode, Json<PostedMessage>), AppError> {
    checked_text(&body.text)?;
    let event = SessionEvent::NoteAdded {
        agent_id: principal.user.id.to_string(),
        text: body.text,
    };
    posted(&state, session, event).await
}

/// The owning agent gives the conversation back to the bot.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/handback", tag = "handover", params(SessionPath),
    responses(
        (status = 200, description = "the session, answered by the bot again", body = SessionSchema),
        (status = 409, description = "`not_assigned`: the caller does not own the conversation"),
    ),
)]
pub async fn hand_back(
    State(state): State<AppState>,
    principal: Principal,
    TenantSession(session): TenantSession,
) -> Result<Json<SessionState>, AppError> {
    let event = SessionEvent::HandedBack {
        agent_id: principal.user.id.to_string(),
    };
    let (session, _) = dispatch(&state, session, event).await?;
    tracing::info!(session_id = %session.id, "conversation handed back to the bot");
    // The agent has room for another waiting conversation.
    offer_waiting_soon(&state, &session.key.tenant_id);
    Ok(Json(session))
}

/// The owning agent hands the conversation to a colleague, in one step.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/transfer", tag = "handover", params(SessionPath),
    request_body = TransferRequest,
    responses(
        (status = 200, description = "the session, now owned by the colleague", body = SessionSchema),
        (status = 409, description = "`not_assigned`: the caller does not own the conversation"),
        (status = 422, description = "the colleague is unknown, inactive or without Live Chat"),
    ),
)]
pub async fn transfer(
    State(state): State<AppState>,
    principal: Principal,
    TenantSession(session): TenantSession,
    JsonBody(body): JsonBody<TransferRequest>,
) -> Result<Json<SessionState>, AppError> {
    let colleague = state
        .store
        .get_user(principal.tenant(), &UserId::new(body.agent_id.as_str()))
        .await?
        .filter(|user| user.status == UserStatus::Active)
        .filter(|user| user.permissions.allows(Module::LIVE_CHAT));
    let Some(colleague) = colleague else {
        let mut errors = ValidationErrors::default();
        errors.add(
            "agentId",
            "no active user of your organisation with Live Chat has this id",
        );
        return Err(errors.into());
    };
    let event = SessionEvent::AgentTransferred {
        agent_id: principal.user.id.to_string(),
        to_agent_id: colleague.id.to_string(),
    };
    let (session, _) = dispatch(&state, session, event).await?;
    tracing::info!(session_id = %session.id, to_agent_id = %colleague.id, "conversation transferred");
    // The agent has room for another waiting conversation.
    offer_waiting_soon(&state, &session.key.tenant_id);
    Ok(Json(session))
}

fn checked_text(text: &str) -> Result<(), AppError> {
    let mut errors = ValidationErrors::default();
    check_text(text, "text", &mut errors);
    Ok(errors.into_result(())?)
}

pub(crate) async fn posted(
    state: &AppState,
    session: SessionState,
    event: SessionEvent,
) -> Result<(StatusCode, Json<PostedMessage>), AppError> {
    let (session, messages) = dispatch(state, session, event).await?;
    let message = messages
        .into_iter()
        .next()
        .ok_or_else(|| AppError::new(ErrorCode::Internal, "the conversation stored no message"))?;
    Ok((
        StatusCode::CREATED,
        Json(PostedMessage { session, message }),
    ))
}

/// Sends `event` to the session's actor; a refusal becomes its error code.
async fn dispatch(
    state: &AppState,
    session: SessionState,
    event: SessionEvent,
) -> Result<(SessionState, Vec<Message>), AppError> {
    let envelope = Envelope {
        key: session.key,
        bot_id: session.bot_id,
        event,
    };
    Ok(state.sessions.dispatch(envelope).await?.into_session()?)
}
