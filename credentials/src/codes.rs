//! Six-digit one-time codes for the engine's `OtpChallenge`. Codes are drawn uniformly from the
//! OS generator (rejection sampling, no modulo bias); the challenge keeps only a digest: the
//! SHA-256 hex of a per-challenge random salt followed by the code. [`IssuedCode::stored`] puts
//! the salt beside the digest (`salt$digest`) so the challenge record is self-contained, and
//! [`candidate_digest`] recomputes the same string from a code the user typed.

use super::random::{self, RandomError};
use sha2::{Digest, Sha256};
use std::fmt;

/// Number of digits in a code.
pub const DIGITS: usize = 6;
const SPACE: u32 = 1_000_000;
/// The largest multiple of [`SPACE`] that fits in a `u32`: draws at or above it are redrawn.
const ZONE: u32 = (u32::MAX / SPACE) * SPACE;

/// A freshly drawn code, its salt and the string to store in `OtpChallenge::digest`.
#[derive(Clone)]
pub struct IssuedCode {
    code: String,
    salt: String,
    stored: String,
}

impl IssuedCode {
    /// The code to send to the user.
    pub fn code(&self) -> &str {
        &self.code
    }
    pub fn salt(&self) -> &str {
        &self.salt
    }
    /// `salt$digest`, for `OtpChallenge::issue` / `reissue`.
    pub fn stored(&self) -> &str {
        &self.stored
    }
}

impl fmt::Debug for IssuedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedCode")
            .field("code", &"<redacted>")
            .field("stored", &self.stored)
            .finish()
    }
}

/// A uniformly drawn six-digit code, zero-padded.
pub fn generate_code() -> Result<String, RandomError> {
    loop {
        let draw = u32::from_le_bytes(random::bytes::<4>()?);
        if draw < ZONE {
            return Ok(format!("{:0width$}", draw % SPACE, width = DIGITS));
        }
    }
}

/// SHA-256 hex of `salt` followed by `code`.
pub fn digest(salt: &str, code: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(code.as_bytes());
    hex::encode(hasher.finalize())
}

/// A new code with a fresh 128-bit salt.
pub fn issue() -> Result<IssuedCode, RandomError> {
    let code = generate_code()?;
    let salt = hex::encode(random::bytes::<16>()?);
    let stored = format!("{salt}${}", digest(&salt, &code));
    Ok(IssuedCode { code, salt, stored })
}

/// What to pass to `OtpChallenge::verify` for a typed `code`, using the salt in `stored`.
/// `None` when `stored` has no salt (then no code can match).
pub fn candidate_digest(stored: &str, code: &str) -> Option<String> {
    let (salt, _) = stored.split_once('$')?;
    Some(format!("{salt}${}", digest(salt, code.trim())))
}
