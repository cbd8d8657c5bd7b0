//! Authentication tests: access tokens (forgeries, algorithms, keys, time), refresh-token
//! families, argon2id passwords and one-time codes.

mod codes;
mod passwords;
mod refresh;
mod tokens;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Unpadded base64url, as JWT segments are written.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes one JWT segment.
pub fn unb64(segment: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .unwrap_or_else(|error| panic!("segment {segment}: {error}"))
}

/// The three segments of a compact JWT.
pub fn segments(token: &str) -> [String; 3] {
    let parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts
        .try_into()
        .unwrap_or_else(|parts: Vec<String>| panic!("{} segments", parts.len()))
}
