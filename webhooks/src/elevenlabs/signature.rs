//! Checks that a post-call webhook really comes from ElevenLabs, before anything reads its body.
//!
//! ElevenLabs signs each webhook with the secret shown when the webhook was created:
//! `ElevenLabs-Signature: t=<unix seconds>,v0=<hex>`, where the hex is the HMAC-SHA256 of
//! `<t>.<body>` (the timestamp's digits as sent, a dot, the raw body bytes). As ElevenLabs' SDKs
//! do, [`verify_webhook`] refuses a timestamp more than [`TOLERANCE_SECS`] old, so a captured
//! request cannot be replayed later, and also one as far in the future.

use crate::mac::{hex_matches, hex_of};

/// The header ElevenLabs puts the webhook signature in.
pub const SIGNATURE_HEADER: &str = "elevenlabs-signature";

/// How far the signed timestamp may be from now, either way: 30 minutes, as ElevenLabs' SDKs
/// allow.
pub const TOLERANCE_SECS: u64 = 30 * 60;

/// Why a webhook is refused. Every variant has a stable
/// [`code`](ElevenLabsSignatureError::code), the same as
/// [`SignatureError`](crate::meta::signature::SignatureError)'s for the same reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ElevenLabsSignatureError {
    #[error("signature header missing")]
    MissingHeader,
    #[error("signature header malformed: expected t=<unix seconds>,v0=<64 hex digits>")]
    MalformedHeader,
    #[error("signature does not match the body")]
    Mismatch,
    #[error("signature timestamp is more than {TOLERANCE_SECS} s from now: too old, or not yet")]
    Stale,
    /// No webhook secret is configured: nothing can be verified, so nothing is accepted.
    #[error("no webhook secret configured")]
    NoSecret,
}

impl ElevenLabsSignatureError {
    pub fn code(self) -> &'static str {
        match self {
            ElevenLabsSignatureError::MissingHeader => "signature_missing",
            ElevenLabsSignatureError::MalformedHeader => "signature_malformed",
            ElevenLabsSignatureError::Mismatch => "signature_mismatch",
            ElevenLabsSignatureError::Stale => "signature_stale",
            ElevenLabsSignatureError::NoSecret => "signature_secret_missing",
        }
    }
}

/// Verifies `header` (the value of `ElevenLabs-Signature`, `None` when absent) against the
/// HMAC-SHA256 of `<t>.<body>` under the webhook secret, at `now_unix_secs`. A header may carry
/// more than one `v0=`; one that matches is enough.
pub fn verify_webhook(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now_unix_secs: u64,
) -> Result<(), ElevenLabsSignatureError> {
    if secret.is_empty() {
        return Err(ElevenLabsSignatureError::NoSecret);
    }
    let header = header.ok_or(ElevenLabsSignatureError::MissingHeader)?;
    let Signed {
        timestamp,
        at,
        hashes,
    } = read_header(header).ok_or(ElevenLabsSignatureError::MalformedHeader)?;
    if at.abs_diff(now_unix_secs) > TOLERANCE_SECS {
        return Err(ElevenLabsSignatureError::Stale);
    }
    let parts: [&[u8]; 3] = [timestamp.as_bytes(), b".", body];
    if hashes.iter().any(|hash| hex_matches(secret, hash, &parts)) {
        Ok(())
    } else {
        Err(ElevenLabsSignatureError::Mismatch)
    }
}

/// The `ElevenLabs-Signature` value ElevenLabs would send for `body` at `t` (Unix seconds), for
/// simulators and tests; `None` when the secret is empty.
pub fn webhook_signature(secret: &[u8], t: u64, body: &[u8]) -> Option<String> {
    let timestamp = t.to_string();
    let hash = hex_of(secret, &[timestamp.as_bytes(), b".", body])?;
    Some(format!("t={timestamp},v0={hash}"))
}

/// A header's parts: the timestamp's digits as sent, their value, and the `v0` hashes.
struct Signed<'a> {
    timestamp: &'a str,
    at: u64,
    hashes: Vec<&'a str>,
}

/// Reads `t=<digits>,v0=<64 hex>[,v0=...]`, parts in any order, spaces around them allowed,
/// parts of other schemes ignored; `None` without exactly one `t` and at least one `v0`, or
/// when one of them is not digits or 64 hex digits.
fn read_header(header: &str) -> Option<Signed<'_>> {
    let mut timestamp = None;
    let mut hashes = Vec::new();
    for part in header.split(',').map(str::trim) {
        if let Some(digits) = part.strip_prefix("t=") {
            let valid = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            if !valid || timestamp.replace(digits).is_some() {
                return None;
            }
        } else if let Some(hash) = part.strip_prefix("v0=") {
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            hashes.push(hash);
        }
    }
    let timestamp = timestamp?;
    let at = timestamp.parse().ok()?;
    (!hashes.is_empty()).then_some(Signed {
        timestamp,
        at,
        hashes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"wsec_0123456789abcdef";
    const NOW: u64 = 1_784_021_400;
    const BODY: &[u8] = br#"{"type":"post_call_transcription","data":{}}"#;

    #[test]
    fn a_webhook_signed_with_the_secret_passes() {
        let good = webhook_signature(SECRET, NOW, BODY).unwrap();
        assert!(good.starts_with("t=1784021400,v0="), "{good}");
        assert_eq!(verify_webhook(SECRET, Some(&good), BODY, NOW), Ok(()));
        let late = NOW + TOLERANCE_SECS;
        assert_eq!(verify_webhook(SECRET, Some(&good), BODY, late), Ok(()));
        let early = NOW - TOLERANCE_SECS;
        assert_eq!(verify_webhook(SECRET, Some(&good), BODY, early), Ok(()));
        let (t, v0) = good.split_once(',').unwrap();
        let variants = [
            format!("{v0},{t}"),
            format!(" {t} , {} ", v0.to_uppercase().replace("V0=", "v0=")),
            format!("{t},v1=abc,{v0}"),
            format!("{t},v0={},{v0}", "0".repeat(64)),
        ];
        for header in variants {
            assert_eq!(
                verify_webhook(SECRET, Some(&header), BODY, NOW),
                Ok(()),
                "{header}"
            );
        }
    }

    #[test]
    fn the_hash_is_the_one_elevenlabs_documents() {
        // hex HMAC-SHA256 of "<t>.<body>", computed independently (Python's hmac module).
        let header = webhook_signature(b"secret", 1_700_000_000, b"{}").unwrap();
        let expected = "b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163";
        assert_eq!(header, format!("t=1700000000,v0={expected}"));
    }

    #[test]
    fn anything_else_is_refused_with_its_reason() {
        use ElevenLabsSignatureError::*;
        let good = webhook_signature(SECRET, NOW, BODY).unwrap();
        let check = |secret: &[u8], header: Option<&str>, body: &[u8], now: u64| {
            verify_webhook(secret, header, body, now).unwrap_err()
        };
        assert_eq!(check(SECRET, Some(&good), b"{}", NOW), Mismatch);
        assert_eq!(check(b"wsec_other", Some(&good), BODY, NOW), Mismatch);
        assert_eq!(
            check(SECRET, Some(&good), BODY, NOW + TOLERANCE_SECS + 1),
            Stale
        );
        assert_eq!(
            check(SECRET, Some(&good), BODY, NOW - TOLERANCE_SECS - 1),
            Stale
        );
        assert_eq!(check(SECRET, None, BODY, NOW), MissingHeader);
        assert_eq!(check(b"", Some(&good), BODY, NOW), NoSecret);
        let zeros = "0".repeat(64);
        let malformed = [
            String::new(),
            "v0=abc".into(),
            "t=1784021400".into(),
            format!("v0={zeros}"),
            format!("t=1784021400,v0={zeros}0"),
            format!("t=99999999999999999999999,v0={zeros}"),
            format!("t=-5,v0={zeros}"),
            format!("t=,v0={zeros}"),
            format!("{good},t={NOW}"),
            "sha256=abc".into(),
        ];
        for header in malformed {
            assert_eq!(
                check(SECRET, Some(&header), BODY, NOW),
                MalformedHeader,
                "{header}"
            );
        }
        assert_eq!(webhook_signature(b"", NOW, BODY), None);
    }

    #[test]
    fn codes_match_the_other_providers() {
        use crate::meta::signature::SignatureError;
        let pairs = [
            (
                ElevenLabsSignatureError::MissingHeader,
                SignatureError::MissingHeader,
            ),
            (
                ElevenLabsSignatureError::MalformedHeader,
                SignatureError::MalformedHeader,
            ),
            (ElevenLabsSignatureError::Mismatch, SignatureError::Mismatch),
            (ElevenLabsSignatureError::NoSecret, SignatureError::NoSecret),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours.code(), theirs.code());
        }
        assert_eq!(ElevenLabsSignatureError::Stale.code(), "signature_stale");
    }
}
