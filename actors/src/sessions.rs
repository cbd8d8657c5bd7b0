//! The handle the outside (HTTP, channel adapters) uses to talk to session actors.

use crate::registry::LocalRegistry;
use crate::session_actor::{Dispatch, SessionMsg};
use botwot_cluster::RouteError;
use botwot_engine::access::LimitExceeded;
use botwot_engine::session::{Rejection, SessionEvent, SessionKey, SessionState};
use botwot_engine::{BotId, Message};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use thiserror::Error;
use tokio::sync::oneshot;

/// One event for the session of `key`, answered by the bot `bot_id` when the session is new.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub key: SessionKey,
    pub bot_id: BotId,
    pub event: SessionEvent,
}

/// What became of an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    /// Applied and durably committed; `messages` are the ones this event appended.
    Applied {
        session: SessionState,
        messages: Vec<Message>,
    },
    /// An inbound message already stored (a redelivery): nothing was written.
    Duplicate { session: SessionState },
    /// The session refused the event; nothing changed.
    Rejected {
        session: SessionState,
        rejection: Rejection,
    },
    /// The session was closed and erased with its messages (`None`: there was none to erase).
    Erased {
        session: Option<SessionState>,
        messages_erased: usize,
    },
}

impl Outcome {
    /// The session after the event with the messages it appended (none for a redelivery), or
    /// why the event was refused; an erasure, which leaves no session, answers as closed.
    pub fn into_session(self) -> Result<(SessionState, Vec<Message>), Rejection> {
        match self {
            Outcome::Applied { session, messages } => Ok((session, messages)),
            Outcome::Duplicate { session } => Ok((session, Vec::new())),
            Outcome::Rejected { rejection, .. } => Err(rejection),
            Outcome::Erased { .. } => Err(Rejection::SessionClosed),
        }
    }
}

#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "camelCase")]
pub enum SessionError {
    /// The node is past its configured load; retry after the given seconds.
    #[error("the node is overloaded, retry in {retry_after_secs} s")]
    Overloaded { retry_after_secs: u64 },
    /// The bot is missing, deleted or inactive, so no new session can start.
    #[error("the bot is unavailable")]
    BotUnavailable,
    /// A new session would pass the organisation's sessions-a-month limit.
    #[error("{0}")]
    PlanLimit(LimitExceeded),
    #[error("storage failed: {0}")]
    Storage(String),
    /// The session actor failed while handling the event; nothing was acknowledged.
    #[error("the session actor failed")]
    ActorFailed,
    #[error("the node is stopping")]
    Stopped,
    /// The session's shard is not (or no longer) run by this node: it moved to another cluster
    /// node. Retrying reaches the new owner.
    #[error("the session moved to another node")]
    Moved,
    /// In a cluster: the event could not be handed to the node that runs the session, or that
    /// node did not answer in time (when it was handed over, it is still applied).
    #[error("the cluster could not reach the session: {0}")]
    Unreachable(String),
}

impl SessionError {
    /// Whether the same event may be taken later: the node, its storage or the cluster was
    /// away or busy for a while. The others (no bot, the plan's limit, the actor failing on
    /// the event) would fail again.
    pub fn is_passing(&self) -> bool {
        matches!(
            self,
            SessionError::Overloaded { .. }
                | SessionError::Storage(_)
                | SessionError::Stopped
                | SessionError::Moved
                | SessionError::Unreachable(_)
        )
    }
}

/// Sends events to session actors. Cheap to clone.
#[derive(Clone)]
pub struct Sessions {
    registry: Arc<LocalRegistry>,
}

impl Sessions {
    pub(crate) fn new(registry: Arc<LocalRegistry>) -> Self {
        Self { registry }
    }

    /// Names of the node's background tasks (timer service, outbox dispatcher, ...) that have
    /// stopped; empty while the node is healthy.
    pub fn stopped_tasks(&self) -> Vec<&'static str> {
        self.registry.stopped_tasks()
    }

    /// Applies one event to the session of `envelope.key`, creating the session on first use.
    /// Returns only after the transition is durably committed.
    pub async fn dispatch(&self, envelope: Envelope) -> Result<Outcome, SessionError> {
        let (reply, answer) = oneshot::channel();
        let message = SessionMsg::Dispatch(Box::new(Dispatch {
            bot_id: envelope.bot_id,
            event: envelope.event,
            reply: Some(reply),
        }));
        self.registry
            .route_message(&envelope.key, message)
            .map_err(|error| match error {
                RouteError::Overloaded { .. } => SessionError::Overloaded {
                    retry_after_secs: 1,
                },
                RouteError::Stopped => SessionError::Stopped,
            })?;
        answer.await.unwrap_or(Err(SessionError::ActorFailed))
    }
}
