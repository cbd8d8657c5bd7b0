//! Refresh-token families (PRD §4.7.1 extended): one sign-in starts a [`RefreshFamily`]; each
//! use spends the presented token and makes the next one current. Presenting a spent token again
//! means it was copied, so the whole family is revoked (reuse detection). Each token lives the
//! family's lifetime from its issue, so the family slides forward with use.
//!
//! Tokens themselves never reach the engine: callers hash them (see `botwot-adapters`'
//! `auth::refresh`) and hand over the [`RefreshDigest`], which is all storage ever keeps.

use crate::ids::{RefreshFamilyId, TenantId, UserId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;

/// How long an unused refresh token stays valid.
pub const DEFAULT_REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The SHA-256 of a refresh token, in hex: what storage keeps.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RefreshDigest(String);

impl RefreshDigest {
    /// Wraps a digest computed by the caller.
    pub fn new(hex: impl Into<String>) -> Self {
        Self(hex.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RefreshError {
    #[error("the refresh token does not belong to this session")]
    Unknown,
    #[error("the refresh token was already used; the session has been revoked")]
    Reused,
    #[error("the session has been revoked")]
    Revoked,
    #[error("the refresh token has expired")]
    Expired,
}

impl RefreshError {
    pub fn code(&self) -> &'static str {
        match self {
            RefreshError::Unknown => "refresh_unknown",
            RefreshError::Reused => "refresh_reused",
            RefreshError::Revoked => "refresh_revoked",
            RefreshError::Expired => "refresh_expired",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeReason {
    Logout,
    Reuse,
    Admin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    pub at: Timestamp,
    pub reason: RevokeReason,
}

/// The chain of refresh tokens of one sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshFamily {
    pub id: RefreshFamilyId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub current: RefreshDigest,
    pub current_expires_at: Timestamp,
    /// Every token already used, kept to recognise reuse.
    pub spent: Vec<RefreshDigest>,
    pub started_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
    /// Lifetime of each token, in seconds.
    pub ttl_secs: u64,
}

impl RefreshFamily {
    /// Starts family `id` (the id its tokens carry) whose first token has digest `first`, each
    /// token living `ttl`.
    pub fn start(
        id: RefreshFamilyId,
        tenant_id: TenantId,
        user_id: UserId,
        first: RefreshDigest,
        now: Timestamp,
        ttl: Duration,
    ) -> Self {
        Self {
            id,
            tenant_id,
            user_id,
            current: first,
            current_expires_at: now.plus(ttl),
            spent: Vec::new(),
            started_at: now,
            revoked: None,
            ttl_secs: ttl.as_secs(),
        }
    }

    /// Spends `presented` and makes `next` the current token. A spent token revokes the family.
    pub fn rotate(
        &mut self,
        presented: &RefreshDigest,
        next: RefreshDigest,
        now: Timestamp,
    ) -> Result<(), RefreshError> {
        if self.revoked.is_some() {
            return Err(RefreshError::Revoked);
        }
        if self.spent.contains(presented) {
            self.revoke(RevokeReason::Reuse, now);
            return Err(RefreshError::Reused);
        }
        if *presented != self.current {
            return Err(RefreshError::Unknown);
        }
        if now >= self.current_expires_at {
            return Err(RefreshError::Expired);
        }
        let spent = std::mem::replace(&mut self.current, next);
        self.spent.push(spent);
        self.current_expires_at = now.plus(Duration::from_secs(self.ttl_secs));
        Ok(())
    }

    /// Whether `presented` is the live token of this family (not spent, not expired, not revoked).
    pub fn accepts(&self, presented: &RefreshDigest, now: Timestamp) -> bool {
        self.revoked.is_none() && *presented == self.current && now < self.current_expires_at
    }

    /// Ends the family; its tokens are refused from now on.
    pub fn revoke(&mut self, reason: RevokeReason, now: Timestamp) {
        if self.revoked.is_none() {
            self.revoked = Some(Revocation { at: now, reason });
        }
    }

    pub fn is_revoked(&self) -> bool {
        self.revoked.is_some()
    }
}
