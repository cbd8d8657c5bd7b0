//! Refresh tokens: opaque random strings (256 bits from the OS generator, base64url) that name
//! their family, `<familyId>.<secret>`, so a presented token finds its family without an index.
//! Only the SHA-256 of the whole token is kept (the engine's `RefreshDigest`); the family and its
//! rotation rules live in `botwot_engine::access`.

use super::random::{self, RandomError};
use botwot_engine::access::RefreshDigest;
use botwot_engine::ids::RefreshFamilyId;
use sha2::{Digest, Sha256};
use std::fmt;

/// The token handed to the client; shown once, never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl RefreshToken {
    /// A fresh token of `family` from 32 random bytes.
    pub fn generate(family: &RefreshFamilyId) -> Result<Self, RandomError> {
        Ok(Self(format!("{family}.{}", random::base64url::<32>()?)))
    }
    /// Wraps a token presented by a client.
    pub fn presented(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// The family the token says it belongs to; `None` when it is not shaped like one of ours.
    pub fn family(&self) -> Option<RefreshFamilyId> {
        let (family, secret) = self.0.split_once('.')?;
        let plausible = family.starts_with("rtf_")
            && family.len() <= 64
            && family
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_')
            && !secret.is_empty();
        plausible.then(|| RefreshFamilyId::new(family))
    }
    pub fn digest(&self) -> RefreshDigest {
        RefreshDigest::new(hex::encode(Sha256::digest(self.0.as_bytes())))
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}
