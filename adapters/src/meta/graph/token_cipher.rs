//! Access tokens encrypted at rest. [`TokenCipher`] seals a token with AES-256-GCM under a
//! 32-byte key from configuration, binding it to the integration it belongs to (its id is the
//! associated data, so a sealed token copied onto another integration does not open). A sealed
//! token is `v1.` then base64 of a fresh 12-byte nonce and the ciphertext with its tag. Opening
//! with another key fails with [`CipherError::WrongKey`], never with garbage.

use super::token::AccessToken;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use botwot_engine::integration::SealedSecret;
use std::fmt;

const VERSION_PREFIX: &str = "v1.";
const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;

/// Why a token could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("the integration secret key must be 32 bytes in base64 ({0})")]
    BadKey(String),
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
    #[error("the sealed token is not in the v1 format")]
    Malformed,
    /// The key is not the one the token was sealed with, or the token was altered or moved to
    /// another integration.
    #[error(
        "the sealed token does not open with this key (was http.integration_secret_key changed?)"
    )]
    WrongKey,
    #[error("the token could not be sealed")]
    Seal,
}

/// Seals and opens access tokens. `Debug` does not print the key.
#[derive(Clone)]
pub struct TokenCipher {
    cipher: Aes256Gcm,
}

impl fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenCipher(<key redacted>)")
    }
}

impl TokenCipher {
    /// From a key given as standard base64 of exactly 32 bytes.
    pub fn from_base64_key(key: &str) -> Result<Self, CipherError> {
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| CipherError::BadKey("not base64".into()))?;
        if bytes.len() != KEY_BYTES {
            return Err(CipherError::BadKey(format!("{} bytes", bytes.len())));
        }
        let cipher = Aes256Gcm::new_from_slice(&bytes)
            .map_err(|_| CipherError::BadKey("wrong length".into()))?;
        Ok(Self { cipher })
    }

    /// A new random key, as standard base64 (for a process that has none configured).
    pub fn random_base64_key() -> Result<String, CipherError> {
        Ok(STANDARD.encode(random::<KEY_BYTES>()?))
    }

    /// Seals `token` for the integration `integration_id`.
    pub fn seal(
        &self,
        integration_id: &str,
        token: &AccessToken,
    ) -> Result<SealedSecret, CipherError> {
        let nonce = random::<NONCE_BYTES>()?;
        let payload = Payload {
            msg: token.expose_secret().as_bytes(),
            aad: integration_id.as_bytes(),
        };
        let ciphertext = self
            .cipher
            .encrypt(&Nonce::from(nonce), payload)
            .map_err(|_| CipherError::Seal)?;
        let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(SealedSecret::new(format!(
            "{VERSION_PREFIX}{}",
            STANDARD.encode(sealed)
        )))
    }

    /// Opens a token sealed for `integration_id`.
    pub fn open(
        &self,
        integration_id: &str,
        sealed: &SealedSecret,
    ) -> Result<AccessToken, CipherError> {
        let encoded = sealed
            .as_str()
            .strip_prefix(VERSION_PREFIX)
            .ok_or(CipherError::Malformed)?;
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| CipherError::Malformed)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(CipherError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| CipherError::Malformed)?;
        let payload = Payload {
            msg: ciphertext,
            aad: integration_id.as_bytes(),
        };
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), payload)
            .map_err(|_| CipherError::WrongKey)?;
        String::from_utf8(plain)
            .map(AccessToken::new)
            .map_err(|_| CipherError::Malformed)
    }
}

/// The engine's port: the same cipher, a secret sealed for the record `context`.
impl botwot_engine::ports::Sealer for TokenCipher {
    fn seal(&self, context: &str, secret: &str) -> Result<SealedSecret, String> {
        TokenCipher::seal(self, context, &AccessToken::new(secret))
            .map_err(|error| error.to_string())
    }

    fn open(&self, context: &str, sealed: &SealedSecret) -> Result<String, String> {
        TokenCipher::open(self, context, sealed)
            .map(|token| token.expose_secret().to_owned())
            .map_err(|error| error.to_string())
    }
}

fn random<const N: usize>() -> Result<[u8; N], CipherError> {
    let mut buffer = [0u8; N];
    getrandom::fill(&mut buffer).map_err(|error| CipherError::Random(error.to_string()))?;
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "EAAGm0PX4ZCpsBAKSECRETSECRET";
    const INTEGRATION: &str = "whatsapp:106540352242922";

    fn cipher() -> TokenCipher {
        TokenCipher::from_base64_key(&TokenCipher::random_base64_key().unwrap()).unwrap()
    }

    #[test]
    fn a_sealed_token_opens_with_its_key_and_integration() {
        let cipher = cipher();
        let sealed = cipher.seal(INTEGRATION, &AccessToken::new(TOKEN)).unwrap();
        assert!(sealed.as_str().starts_with("v1."));
        assert!(!sealed.as_str().contains(TOKEN));
        let opened = cipher.open(INTEGRATION, &sealed).unwrap();
        assert_eq!(opened.expose_secret(), TOKEN);
    }

    #[test]
    fn sealing_twice_gives_different_text() {
        let cipher = cipher();
        let token = AccessToken::new(TOKEN);
        let first = cipher.seal(INTEGRATION, &token).unwrap();
        let second = cipher.seal(INTEGRATION, &token).unwrap();
        assert_ne!(first, second, "a fresh nonce every time");
    }

    #[test]
    fn a_wrong_key_fails_clearly() {
        let sealed = cipher()
            .seal(INTEGRATION, &AccessToken::new(TOKEN))
            .unwrap();
        let error = cipher().open(INTEGRATION, &sealed).unwrap_err();
        assert_eq!(error, CipherError::WrongKey);
        assert!(
            error.to_string().contains("integration_secret_key"),
            "{error}"
        );
    }

    #[test]
    fn a_token_moved_to_another_integration_does_not_open() {
        let cipher = cipher();
        let sealed = cipher.seal(INTEGRATION, &AccessToken::new(TOKEN)).unwrap();
        let moved = cipher.open("messenger:555", &sealed).unwrap_err();
        assert_eq!(moved, CipherError::WrongKey);
    }

    #[test]
    fn malformed_text_and_bad_keys_are_refused() {
        let cipher = cipher();
        for text in ["", "v2.abc", "v1.!!!", "v1.AAAA"] {
            let error = cipher
                .open(INTEGRATION, &SealedSecret::new(text))
                .unwrap_err();
            assert_eq!(error, CipherError::Malformed, "{text:?}");
        }
        assert!(matches!(
            TokenCipher::from_base64_key("c2hvcnQ="),
            Err(CipherError::BadKey(_))
        ));
        assert!(matches!(
            TokenCipher::from_base64_key("not base64 at all"),
            Err(CipherError::BadKey(_))
        ));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = TokenCipher::random_base64_key().unwrap();
        let cipher = TokenCipher::from_base64_key(&key).unwrap();
        let printed = format!("{cipher:?}");
        assert!(!printed.contains(&key), "{printed}");
        assert_eq!(printed, "TokenCipher(<key redacted>)");
    }
}
