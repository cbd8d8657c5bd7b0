//! `/v1/sessions`: list conversations with filters, read one and its transcript, close one.

use crate::auth::Tenant;
use crate::console::offers::offer_waiting_soon;
use crate::errors::AppError;
use crate::extract::{QueryParams, tenant_and_path};
use crate::openapi::schemas::{SessionPageSchema, SessionSchema, TranscriptSchema};
use crate::routes::paging::{LISTING, Limits, Page};
use crate::sessions::Envelope;
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use botwot_engine::ports::{PageRequest, SessionFilter};
use botwot_engine::session::{CloseReason, SessionStatus};
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{BotId, Channel, Message, SessionEvent, SessionId, SessionState, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

const TRANSCRIPT: Limits = Limits {
    default: 100,
    max: 500,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSessionsQuery {
    /// `open`, `warned` or `closed`.
    status: Option<String>,
    /// `web`, `whatsapp`, `messenger`, `instagram` or `voice`.
    channel: Option<String>,
    bot_id: Option<String>,
    /// The contact's id on the channel: a WhatsApp number (`wa_id`), a Messenger or Instagram
    /// user id, a widget visitor id.
    contact: Option<String>,
    /// Sessions created at or after this RFC 3339 time.
    created_from: Option<String>,
    /// Sessions created before this RFC 3339 time.
    created_until: Option<String>,
    /// At most this many sessions (1 to 200, default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TranscriptQuery {
    /// Only messages with a greater sequence number (default 0: from the start).
    after_seq: Option<u64>,
    /// At most this many messages (1 to 500, default 100).
    limit: Option<usize>,
}

/// Messages of a session in order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transcript {
    pub items: Vec<Message>,
    /// Pass as `afterSeq` to read on; absent when this page was not full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after_seq: Option<u64>,
}

/// The tenant's sessions, newest first, filtered.
#[utoipa::path(
    get, path = "/v1/sessions", tag = "sessions",
    params(ListSessionsQuery),
    responses((status = 200, description = "a page of sessions", body = SessionPageSchema)),
)]
pub async fn list_sessions(
    State(state): State<AppState>,
    Tenant(tenant): Tenant,
    QueryParams(query): QueryParams<ListSessionsQuery>,
) -> Result<Json<Page<SessionState>>, AppError> {
    let mut errors = ValidationErrors::default();
    let filter = SessionFilter {
        status: parsed(&mut errors, "status", query.status, SessionStatus::parse),
        channel: parsed(&mut errors, "channel", query.channel, Channel::parse),
        bot_id: query.bot_id.as_deref().map(BotId::from),
        contact: query.contact,
        created_from: parsed(
            &mut errors,
            "createdFrom",
            query.created_from,
            Timestamp::parse_rfc3339,
        ),
        created_until: parsed(
            &mut errors,
            "createdUntil",
            query.created_until,
            Timestamp::parse_rfc3339,
        ),
        ..SessionFilter::default()
    };
    let limit = LISTING.check(query.limit, &mut errors);
    errors.into_result(())?;
    let page = PageRequest {
        limit,
        cursor: query.cursor,
    };
    let sessions = state.store.list_sessions(&tenant, &filter, &page).await?;
    Ok(Json(sessions.into()))
}

/// The `{sessionId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct SessionPath {
    /// The session's id.
    session_id: String,
}

/// The session named by `{sessionId}`, of the caller's tenant; `not_found` otherwise.
pub struct TenantSession(pub SessionState);

impl FromRequestParts<AppState> for TenantSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (tenant, SessionPath { session_id }) = tenant_and_path(parts, state).await?;
        state
            .store
            .get_session(&tenant, &SessionId::from(session_id.as_str()))
            .await?
            .map(TenantSession)
            .ok_or_else(|| AppError::not_found(format_args!("session {session_id}")))
    }
}

/// One session.
#[utoipa::path(
    get, path = "/v1/sessions/{sessionId}", tag = "sessions", params(SessionPath),
    responses((status = 200, description = "the session", body = SessionSchema)),
)]
pub async fn get_session(TenantSession(session): TenantSession) -> Json<SessionState> {
    Json(session)
}

/// A session's messages in order, a page at a time.
#[utoipa::path(
    get, path = "/v1/sessions/{sessionId}/transcript", tag = "sessions",
    params(SessionPath, TranscriptQuery),
    responses((status = 200, description = "messages in order", body = TranscriptSchema)),
)]
pub async fn get_transcript(
    State(state): State<AppState>,
    TenantSession(session): TenantSession,
    QueryParams(query): QueryParams<TranscriptQuery>,
) -> Result<Json<Transcript>, AppError> {
    let mut errors = ValidationErrors::default();
    let limit = TRANSCRIPT.check(query.limit, &mut errors);
    errors.into_result(())?;
    let after_seq = query.after_seq.unwrap_or(0);
    let items = state
        .store
        .transcript(&session.key.tenant_id, &session.id, after_seq, limit)
        .await?;
    let next_after_seq = (items.len() == limit)
        .then(|| items.last().map(|message| message.seq))
        .flatten();
    Ok(Json(Transcript {
        items,
        next_after_seq,
    }))
}

/// Closes a session now, as its inactivity timer would; the contact's next message reopens it.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/close", tag = "sessions", params(SessionPath),
    responses((status = 200, description = "the closed session", body = SessionSchema)),
)]
pub async fn close_session(
    State(state): State<AppState>,
    TenantSession(session): TenantSession,
) -> Result<Json<SessionState>, AppError> {
    let had_agent = session.assigned_agent().is_some();
    let event = SessionEvent::CloseRequested {
        reason: CloseReason::Api,
    };
    let envelope = Envelope {
        key: session.key,
        bot_id: session.bot_id,
        event,
    };
    let (session, _) = state.sessions.dispatch(envelope).await?.into_session()?;
    tracing::info!(session_id = %session.id, "session closed through the api");
    if had_agent {
        // Its agent has room for another waiting conversation.
        offer_waiting_soon(&state, &session.key.tenant_id);
    }
    Ok(Json(session))
}

/// Parses an optional query value, noting `field` in `errors` when it does not parse.
fn parsed<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<String>,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let value = value?;
    let result = parse(&value);
    if result.is_none() {
        errors.add(field, format!("{value:?} is not a valid value"));
    }
    result
}
