//! Refresh tokens: opaque random strings (256 bits from the OS generator, base64url) kept only
//! as SHA-256 digests. One login starts a [`RefreshFamily`]; each use spends the presented token
//! and issues the next one. Presenting a spent token again means it was copied, so the whole
//! family is revoked (reuse detection). Each token lives [`DEFAULT_TTL`] from its issue (the
//! family slides forward with use). Pure state: storage looks families up by digest later.

use super::random::{self, RandomError};
use botwot_engine::time::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::time::Duration;
use thiserror::Error;

/// How long an unused refresh token stays valid.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The token handed to the client; shown once, never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl RefreshToken {
    /// A fresh token from 32 random bytes.
    pub fn generate() -> Result<Self, RandomError> {
        Ok(Self(random::base64url::<32>()?))
    }
    /// Wraps a token presented by a client.
    pub fn presented(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn digest(&self) -> RefreshDigest {
        RefreshDigest(hex::encode(Sha256::digest(self.0.as_bytes())))
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}

/// The SHA-256 of a refresh token, in hex: what storage keeps and indexes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RefreshDigest(String);

impl RefreshDigest {
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

/// The chain of refresh tokens of one login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshFamily {
    pub user_id: String,
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
    /// Starts a family whose first token is `first`.
    pub fn start(user_id: impl Into<String>, first: &RefreshToken, now: Timestamp) -> Self {
        Self::start_with_ttl(user_id, first, now, DEFAULT_TTL)
    }

    pub fn start_with_ttl(
        user_id: impl Into<String>,
        first: &RefreshToken,
        now: Timestamp,
        ttl: Duration,
    ) -> Self {
        Self {
            user_id: user_id.into(),
            current: first.digest(),
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
        presented: &RefreshToken,
        next: &RefreshToken,
        now: Timestamp,
    ) -> Result<(), RefreshError> {
        if self.revoked.is_some() {
            return Err(RefreshError::Revoked);
        }
        let digest = presented.digest();
        if self.spent.contains(&digest) {
            self.revoke(RevokeReason::Reuse, now);
            return Err(RefreshError::Reused);
        }
        if digest != self.current {
            return Err(RefreshError::Unknown);
        }
        if now >= self.current_expires_at {
            return Err(RefreshError::Expired);
        }
        let spent = std::mem::replace(&mut self.current, next.digest());
        self.spent.push(spent);
        self.current_expires_at = now.plus(Duration::from_secs(self.ttl_secs));
        Ok(())
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
