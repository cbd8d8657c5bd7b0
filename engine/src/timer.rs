//! Durable timers: the records that make a session's deadlines survive a crash.

use crate::ids::{SessionId, TimerId};
use crate::session::SessionKey;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TimerKind {
    /// Tell a quiet contact the chat will close soon.
    InactivityWarning,
    /// Close a quiet session.
    AutoClose,
    /// Escalate a conversation that waited too long for an agent.
    AgentSla,
    /// Ask the brain again for a question that got no answer (the node stopped meanwhile).
    AnswerWatchdog,
}

impl TimerKind {
    /// Every kind, for whoever removes all timers of a session.
    pub const ALL: [TimerKind; 4] = [
        TimerKind::InactivityWarning,
        TimerKind::AutoClose,
        TimerKind::AgentSla,
        TimerKind::AnswerWatchdog,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::InactivityWarning => "warn",
            TimerKind::AutoClose => "close",
            TimerKind::AgentSla => "sla",
            TimerKind::AnswerWatchdog => "answer",
        }
    }
}

/// A deadline of one session. A session has at most one timer per kind, so its id is derived
/// from the session and the kind: setting it again moves it instead of adding a second one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DurableTimer {
    pub id: TimerId,
    pub key: SessionKey,
    pub session_id: SessionId,
    pub kind: TimerKind,
    pub due_at: Timestamp,
    /// In a cluster: the shard of the session, so the node that adopts the shard finds its
    /// timers without reading everyone's. `None` on a single node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<u32>,
}

impl DurableTimer {
    pub fn id_for(session_id: &SessionId, kind: TimerKind) -> TimerId {
        TimerId::new(format!("{session_id}:{}", kind.as_str()))
    }

    pub fn new(key: SessionKey, session_id: SessionId, kind: TimerKind, due_at: Timestamp) -> Self {
        Self {
            id: Self::id_for(&session_id, kind),
            key,
            session_id,
            kind,
            due_at,
            shard: None,
        }
    }
}
