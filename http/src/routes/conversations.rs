//! `GET /v1/conversations?queue=...`: the agents' console queues. `bot` (answered by the bot),
//! `waiting` (waiting for an agent), `mine` (owned by the caller), `team` (owned by any agent)
//! and `closed`; each a page of sessions, newest first, like `/v1/sessions`.

use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::QueryParams;
use crate::openapi::schemas::SessionPageSchema;
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::ports::SessionFilter;
use botwot_engine::session::SessionQueue;
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{Channel, SessionState};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConversationsQuery {
    /// `bot`, `waiting`, `mine`, `team` or `closed`; every conversation when absent.
    queue: Option<String>,
    /// `web`, `whatsapp`, `messenger`, `instagram` or `voice`.
    channel: Option<String>,
    /// At most this many conversations (1 to 200, default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The filter of a queue name, for the agent `me`.
fn queue_filter(queue: &str, me: &str) -> Option<SessionFilter> {
    let (queue, assigned_agent) = match queue {
        "bot" => (SessionQueue::Bot, None),
        "waiting" => (SessionQueue::Waiting, None),
        "mine" => (SessionQueue::Agent, Some(me.to_owned())),
        "team" => (SessionQueue::Agent, None),
        "closed" => (SessionQueue::Closed, None),
        _ => return None,
    };
    Some(SessionFilter {
        queue: Some(queue),
        assigned_agent,
        ..SessionFilter::default()
    })
}

/// The organisation's conversations in one console queue, newest first.
#[utoipa::path(
    get, path = "/v1/conversations", tag = "handover",
    params(ConversationsQuery),
    responses((status = 200, description = "a page of conversations", body = SessionPageSchema)),
)]
pub async fn list_conversations(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ConversationsQuery>,
) -> Result<Json<Page<SessionState>>, AppError> {
    let mut errors = ValidationErrors::default();
    let me = principal.user.id.to_string();
    let mut filter = match query.queue.as_deref() {
        None => SessionFilter::default(),
        Some(name) => queue_filter(name, &me).unwrap_or_else(|| {
            errors.add(
                "queue",
                format!("{name:?} is not one of bot, waiting, mine, team, closed"),
            );
            SessionFilter::default()
        }),
    };
    if let Some(channel) = query.channel.as_deref() {
        filter.channel = Channel::parse(channel);
        if filter.channel.is_none() {
            errors.add("channel", format!("{channel:?} is not a valid value"));
        }
    }
    let limit = LISTING.check(query.limit, &mut errors);
    errors.into_result(())?;
    let page = botwot_engine::ports::PageRequest {
        limit,
        cursor: query.cursor,
    };
    let sessions = state
        .store
        .list_sessions(principal.tenant(), &filter, &page)
        .await?;
    Ok(Json(sessions.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mine_is_the_team_queue_of_one_agent() {
        let mine = queue_filter("mine", "u1").expect("a queue");
        assert_eq!(mine.queue, Some(SessionQueue::Agent));
        assert_eq!(mine.assigned_agent.as_deref(), Some("u1"));
        let team = queue_filter("team", "u1").expect("a queue");
        assert_eq!(team.assigned_agent, None);
        assert!(queue_filter("everything", "u1").is_none());
    }
}
