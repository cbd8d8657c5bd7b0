//! The HMAC key ring for access tokens. Every key has an id (`kid`, written in the token header);
//! the active key signs, older keys keep verifying until they are removed, so a secret can be
//! rotated without logging everyone out. Secrets shorter than 32 bytes are refused.

use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::Deserialize;
use std::fmt;
use thiserror::Error;

/// The shortest secret accepted, in bytes (HS256 wants at least its 256-bit output size).
pub const MIN_SECRET_BYTES: usize = 32;

/// A fresh secret for a key: 32 bytes from the OS generator, as base64url text.
pub fn random_secret() -> Result<String, super::RandomError> {
    super::random::base64url::<32>()
}

/// One key as configured: loaded by the caller from the environment or a file.
#[derive(Clone, Deserialize)]
pub struct KeyConfig {
    pub kid: String,
    pub secret: String,
}

/// Debug output naming the key but never its secret.
fn redacted(f: &mut fmt::Formatter<'_>, name: &str, kid: &str) -> fmt::Result {
    write!(f, "{name} {{ kid: {kid:?}, secret: <redacted> }}")
}

impl fmt::Debug for KeyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "KeyConfig", &self.kid)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("no signing key is configured")]
    Empty,
    #[error("a key id is empty")]
    EmptyKid,
    #[error("the secret of key {kid:?} is {len} bytes; at least {MIN_SECRET_BYTES} are required")]
    WeakSecret { kid: String, len: usize },
    #[error("key id {0:?} appears twice")]
    DuplicateKid(String),
    #[error("key {0:?} is the active signing key and cannot be removed")]
    RemovingActive(String),
    #[error("no key has id {0:?}")]
    UnknownKid(String),
}

impl KeyError {
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Empty => "keyring_empty",
            KeyError::EmptyKid => "keyring_empty_kid",
            KeyError::WeakSecret { .. } => "keyring_weak_secret",
            KeyError::DuplicateKid(_) => "keyring_duplicate_kid",
            KeyError::RemovingActive(_) => "keyring_removing_active",
            KeyError::UnknownKid(_) => "keyring_unknown_kid",
        }
    }
}

/// One HMAC secret, ready to sign and verify.
pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl SigningKey {
    pub fn new(kid: impl Into<String>, secret: &[u8]) -> Result<Self, KeyError> {
        let kid = kid.into();
        if kid.is_empty() {
            return Err(KeyError::EmptyKid);
        }
        if secret.len() < MIN_SECRET_BYTES {
            return Err(KeyError::WeakSecret {
                kid,
                len: secret.len(),
            });
        }
        Ok(Self {
            kid,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }
    pub(crate) fn encoding(&self) -> &EncodingKey {
        &self.encoding
    }
    pub(crate) fn decoding(&self) -> &DecodingKey {
        &self.decoding
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "SigningKey", &self.kid)
    }
}

/// The active key first, then the older keys still accepted for verification.
#[derive(Debug)]
pub struct KeyRing {
    keys: Vec<SigningKey>,
}

impl KeyRing {
    /// Builds the ring from configuration: the first key signs, the others only verify.
    pub fn from_config(configs: &[KeyConfig]) -> Result<Self, KeyError> {
        let mut keys = Vec::with_capacity(configs.len());
        for config in configs {
            if keys.iter().any(|key: &SigningKey| key.kid == config.kid) {
                return Err(KeyError::DuplicateKid(config.kid.clone()));
            }
            keys.push(SigningKey::new(
                config.kid.clone(),
                config.secret.as_bytes(),
            )?);
        }
        if keys.is_empty() {
            return Err(KeyError::Empty);
        }
        Ok(Self { keys })
    }

    /// A ring with one key.
    pub fn single(key: SigningKey) -> Self {
        Self { keys: vec![key] }
    }

    /// Makes `key` the signing key; the previous ones keep verifying.
    pub fn rotate(&mut self, key: SigningKey) -> Result<(), KeyError> {
        if self.find(&key.kid).is_some() {
            return Err(KeyError::DuplicateKid(key.kid));
        }
        self.keys.insert(0, key);
        Ok(())
    }

    /// Stops accepting tokens signed with `kid`.
    pub fn remove(&mut self, kid: &str) -> Result<(), KeyError> {
        if self.active().kid == kid {
            return Err(KeyError::RemovingActive(kid.to_owned()));
        }
        let before = self.keys.len();
        self.keys.retain(|key| key.kid != kid);
        if self.keys.len() == before {
            return Err(KeyError::UnknownKid(kid.to_owned()));
        }
        Ok(())
    }

    /// The key that signs new tokens.
    pub fn active(&self) -> &SigningKey {
        // The ring is never empty: construction refuses it and `remove` keeps the active key.
        &self.keys[0]
    }

    pub fn find(&self, kid: &str) -> Option<&SigningKey> {
        self.keys.iter().find(|key| key.kid == kid)
    }

    /// Every key id, active first.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|key| key.kid.as_str())
    }
}
