//! The audit log: who changed what, when, from where, under which request id. Entries are
//! append-only records of an organisation; nothing in them is secret (no bodies, no tokens).

use crate::ids::{AuditId, TenantId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Who acted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditActor {
    /// `user` or `apiKey`.
    pub kind: String,
    /// The user's or the API key's id.
    pub id: String,
    /// The user's email or the key's name.
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: AuditId,
    pub tenant_id: TenantId,
    pub at: Timestamp,
    pub actor: AuditActor,
    /// What was done: the route, such as `PATCH /v1/bots/{botId}`, or a named event such as
    /// `auth.login`.
    pub action: String,
    /// What it was done to: the path called, such as `/v1/bots/bot_1`.
    pub target: String,
    /// The HTTP status the change was answered with.
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Which entries to list; every field that is set must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries at or after this time.
    pub from: Option<Timestamp>,
    /// Entries before this time.
    pub until: Option<Timestamp>,
    /// Entries of this actor id.
    pub actor_id: Option<String>,
}
