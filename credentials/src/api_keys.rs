//! API key strings: `bwk.<key id>.<secret>`, the secret 256 bits from the OS generator. Only the
//! SHA-256 of the secret is stored; a presented key names its id, so it is found without an
//! index and compared in constant time.

use super::random::{self, RandomError};
use botwot_engine::ids::ApiKeyId;
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

/// Every API key starts with this, so a bearer credential is told apart from an access token.
pub const API_KEY_PREFIX: &str = "bwk.";

/// A new key: the string shown once to its creator, and the digest to store.
pub struct IssuedApiKey {
    pub token: String,
    pub digest: String,
}

impl fmt::Debug for IssuedApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IssuedApiKey {{ digest: {:?}, token: <redacted> }}",
            self.digest
        )
    }
}

/// Draws the secret of key `id`.
pub fn issue(id: &ApiKeyId) -> Result<IssuedApiKey, RandomError> {
    let secret = random::base64url::<32>()?;
    Ok(IssuedApiKey {
        token: format!("{API_KEY_PREFIX}{id}.{secret}"),
        digest: digest(&secret),
    })
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A key as a client presented it.
pub struct PresentedApiKey {
    pub id: ApiKeyId,
    secret: String,
}

impl fmt::Debug for PresentedApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PresentedApiKey {{ id: {}, secret: <redacted> }}",
            self.id
        )
    }
}

impl PresentedApiKey {
    /// Reads `bwk.<id>.<secret>`; `None` when the string is not shaped like a key.
    pub fn parse(token: &str) -> Option<Self> {
        let rest = token.strip_prefix(API_KEY_PREFIX)?;
        let (id, secret) = rest.split_once('.')?;
        let plausible = id.starts_with("key_")
            && id.len() <= 64
            && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
            && !secret.is_empty();
        plausible.then(|| Self {
            id: ApiKeyId::new(id),
            secret: secret.to_owned(),
        })
    }

    /// Whether the secret hashes to `stored`, compared in constant time.
    pub fn matches(&self, stored: &str) -> bool {
        digest(&self.secret)
            .as_bytes()
            .ct_eq(stored.as_bytes())
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_key_parses_back_and_matches_only_its_digest() {
        let id = ApiKeyId::generate();
        let issued = issue(&id).unwrap();
        assert!(issued.token.starts_with(&format!("bwk.{id}.")));
        let presented = PresentedApiKey::parse(&issued.token).unwrap();
        assert_eq!(presented.id, id);
        assert!(presented.matches(&issued.digest));
        let other = issue(&id).unwrap();
        assert!(!presented.matches(&other.digest));
        assert!(!format!("{issued:?}{presented:?}").contains(&issued.token[40..]));
    }

    #[test]
    fn strings_not_shaped_like_keys_are_refused() {
        for token in [
            "",
            "bwk.",
            "bwk.key_1",
            "bwk.key_1.",
            "bwk.usr_1.x",
            "key_1.x",
            "bwk.key 1.x",
        ] {
            assert!(PresentedApiKey::parse(token).is_none(), "{token}");
        }
    }
}
