//! `X-Hub-Signature-256` checks against signatures computed here with `hmac` directly.

use crate::fixture;
use botwot_adapters::meta::signature::{SignatureError, signature_header, verify_signature};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const SECRET: &[u8] = b"6f1c8d4e2a9b7c3d5e0f1a2b3c4d5e6f";

/// The header value, computed without the adapter's code.
fn independent_header(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

fn assert_refused(header: Option<&str>, body: &[u8], expected: SignatureError, code: &str) {
    let error = verify_signature(SECRET, header, body).expect_err("refused");
    assert_eq!(error, expected, "header {header:?}");
    assert_eq!(error.code(), code);
}

fn assert_mismatch(header: &str, body: &[u8]) {
    assert_refused(
        Some(header),
        body,
        SignatureError::Mismatch,
        "signature_mismatch",
    );
}

#[test]
fn a_good_signature_over_the_raw_fixture_bytes_passes() {
    let body = fixture("whatsapp_text");
    let header = independent_header(SECRET, &body);
    assert_eq!(verify_signature(SECRET, Some(&header), &body), Ok(()));
    assert_eq!(
        verify_signature(SECRET, Some(&header.to_uppercase()), &body),
        Ok(())
    );
    assert_eq!(signature_header(SECRET, &body).unwrap(), header);
}

#[test]
fn a_changed_body_fails() {
    let body = fixture("whatsapp_text");
    let header = independent_header(SECRET, &body);
    let mut changed = body.clone();
    changed.extend_from_slice(b" ");
    assert_mismatch(&header, &changed);
}

#[test]
fn a_bad_signature_fails() {
    let body = fixture("whatsapp_image");
    let mut header = independent_header(SECRET, &body);
    let last = if header.ends_with('0') { "1" } else { "0" };
    header.replace_range(header.len() - 1.., last);
    assert_mismatch(&header, &body);
}

#[test]
fn the_wrong_secret_fails() {
    let body = fixture("whatsapp_status_failed");
    let header = independent_header(b"another app's secret", &body);
    assert_mismatch(&header, &body);
}

#[test]
fn a_missing_header_fails() {
    assert_refused(
        None,
        b"{}",
        SignatureError::MissingHeader,
        "signature_missing",
    );
}

#[test]
fn malformed_headers_fail_before_any_hashing() {
    let body = fixture("whatsapp_text");
    let good = independent_header(SECRET, &body);
    let digits = good.trim_start_matches("sha256=");
    let malformed = [
        String::new(),
        "sha256=".to_owned(),
        digits.to_owned(),
        format!("sha1={digits}"),
        format!("sha256={}", &digits[..62]),
        format!("sha256={digits}00"),
        format!("sha256={}zz", &digits[..62]),
        "sha256=é".to_owned(),
    ];
    for header in malformed {
        let malformed = SignatureError::MalformedHeader;
        assert_refused(Some(&header), &body, malformed, "signature_malformed");
    }
}

#[test]
fn without_a_secret_nothing_verifies() {
    let header = independent_header(b"", b"{}");
    assert_eq!(
        verify_signature(b"", Some(&header), b"{}"),
        Err(SignatureError::NoSecret)
    );
    assert_eq!(signature_header(b"", b"{}"), Err(SignatureError::NoSecret));
}
