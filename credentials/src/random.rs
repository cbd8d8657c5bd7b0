//! The OS random generator, the one source of randomness for secrets, salts and codes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use thiserror::Error;

/// The operating system could not provide random bytes.
#[derive(Debug, Error)]
#[error("the operating system's random generator failed: {0}")]
pub struct RandomError(String);

impl RandomError {
    pub fn code(&self) -> &'static str {
        "random_unavailable"
    }
}

/// `N` bytes from the OS random generator.
pub fn bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut buffer = [0u8; N];
    getrandom::fill(&mut buffer).map_err(|error| RandomError(error.to_string()))?;
    Ok(buffer)
}

/// `N` random bytes as unpadded base64url text.
pub fn base64url<const N: usize>() -> Result<String, RandomError> {
    Ok(URL_SAFE_NO_PAD.encode(bytes::<N>()?))
}
