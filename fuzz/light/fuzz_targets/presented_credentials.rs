//! Feeds arbitrary text, its first line as the presented credential and the rest as a stored
//! one-time-code digest (the seeds are plain text), to the readers of credentials a client presents: API keys
//! (`bwk.<id>.<secret>`), refresh tokens (`<family>.<secret>`), access tokens (JWTs, header read
//! by hand before the signature check) and one-time codes checked against a stored digest.
//!
//! Must hold: nothing panics; an accepted API key or refresh token names an id of the right kind
//! and never matches an empty digest; no access token made up by the fuzzer is accepted.

#![no_main]

use botwot_credentials::api_keys::PresentedApiKey;
use botwot_credentials::codes::candidate_digest;
use botwot_credentials::keys::{KeyRing, SigningKey};
use botwot_credentials::refresh::RefreshToken;
use botwot_credentials::tokens::AccessTokens;
use botwot_engine::Timestamp;
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzzing-secret-fuzzing-secret-fuzzing-secret";

/// The clock access tokens are checked against (2026-01-01).
const NOW_MILLIS: i64 = 1_767_225_600_000;

fuzz_target!(|text: &str| {
    let (presented, stored) = text.split_once('\n').unwrap_or((text, ""));
    if let Some(key) = PresentedApiKey::parse(presented) {
        assert!(key.id.as_str().starts_with("key_"));
        assert!(!key.matches(""));
    }
    let refresh = RefreshToken::presented(presented);
    if let Some(family) = refresh.family() {
        assert!(family.as_str().starts_with("rtf_"));
    }
    let _ = refresh.digest();
    let _ = candidate_digest(stored, presented);
    let key = SigningKey::new("k1", SECRET).expect("a long secret is a key");
    let tokens = AccessTokens::new(KeyRing::single(key), "botwot");
    assert!(
        tokens
            .verify(presented, Timestamp::from_millis(NOW_MILLIS))
            .is_err()
    );
});
