//! Password hashing with argon2id: PHC strings with a random 16-byte salt, OWASP's parameters in
//! production (19 MiB, 2 passes, 1 lane) and lighter ones for tests. New passwords must pass a
//! minimal policy: 10 to 128 characters.

use super::random::{self, RandomError};
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use std::fmt;
use thiserror::Error;

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 128;

#[derive(Debug, Error)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_CHARS} characters")]
    TooShort,
    #[error("the password must have at most {MAX_CHARS} characters")]
    TooLong,
    #[error("the stored password hash is not a valid PHC string")]
    BadHash,
    #[error("invalid argon2 parameters: {0}")]
    Params(String),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl PasswordError {
    pub fn code(&self) -> &'static str {
        match self {
            PasswordError::TooShort => "password_too_short",
            PasswordError::TooLong => "password_too_long",
            PasswordError::BadHash => "password_bad_hash",
            PasswordError::Params(_) => "password_bad_params",
            PasswordError::Hashing(_) => "password_hashing_failed",
            PasswordError::Random(error) => error.code(),
        }
    }
}

/// Refuses passwords outside the policy. Length counts characters, not bytes.
pub fn check_policy(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

/// Hashes and verifies passwords with fixed argon2id parameters.
pub struct Passwords {
    argon: Argon2<'static>,
}

impl Passwords {
    /// OWASP's recommended argon2id parameters: 19 MiB, 2 iterations, 1 lane.
    pub fn owasp() -> Self {
        Self {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default()),
        }
    }

    /// Custom parameters (memory in KiB), e.g. cheap ones for tests.
    pub fn with_params(
        memory_kib: u32,
        iterations: u32,
        lanes: u32,
    ) -> Result<Self, PasswordError> {
        let params = Params::new(memory_kib, iterations, lanes, None)
            .map_err(|error| PasswordError::Params(error.to_string()))?;
        Ok(Self {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
        })
    }

    /// Checks the policy, then hashes with a fresh salt; returns the PHC string.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        check_policy(password)?;
        let salt = random::bytes::<16>()?;
        let hash = self
            .argon
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map_err(|error| PasswordError::Hashing(error.to_string()))?;
        Ok(hash.to_string())
    }

    /// Whether `password` matches the PHC string `stored` (using the parameters written in it).
    pub fn verify(&self, password: &str, stored: &str) -> Result<bool, PasswordError> {
        let hash = PasswordHash::new(stored).map_err(|_| PasswordError::BadHash)?;
        match self.argon.verify_password(password.as_bytes(), &hash) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(error) => Err(PasswordError::Hashing(error.to_string())),
        }
    }
}

impl fmt::Debug for Passwords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passwords(argon2id)")
    }
}
