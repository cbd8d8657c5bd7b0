//! Access tokens: round trip, forgeries, refused algorithms, key rotation and time checks.

use crate::{b64, segments, unb64};
use botwot_credentials::keys::{KeyConfig, KeyError, KeyRing, SigningKey};
use botwot_credentials::tokens::{AccessTokens, CLOCK_LEEWAY_SECS, Subject, TokenError};
use botwot_engine::ids::TenantId;
use botwot_engine::time::Timestamp;
use std::time::Duration;

const SECRET: &str = "0123456789abcdef0123456789abcdef";
const OTHER_SECRET: &str = "fedcba9876543210fedcba9876543210";
const ISSUER: &str = "botwot-test";
/// 2025-11-25T18:23:20.123Z
const NOW: Timestamp = Timestamp(1_764_095_000_123);
const HOUR_MS: i64 = 60 * 60 * 1000;

fn config(kid: &str, secret: &str) -> KeyConfig {
    KeyConfig {
        kid: kid.into(),
        secret: secret.into(),
    }
}

fn tokens_with(kid: &str, secret: &str, issuer: &str) -> AccessTokens {
    let ring = KeyRing::from_config(&[config(kid, secret)]).expect("a strong key");
    AccessTokens::new(ring, issuer)
}

fn tokens() -> AccessTokens {
    tokens_with("k1", SECRET, ISSUER)
}

fn subject() -> Subject {
    Subject {
        user_id: "usr_1".into(),
        email_id: "ada@example.com".into(),
        org_id: TenantId::new("org_1"),
        role_id: "AGENT".into(),
    }
}

fn issue(tokens: &AccessTokens, at: Timestamp) -> String {
    tokens.issue(subject(), at).expect("issued")
}

fn refused(tokens: &AccessTokens, token: &str, at: Timestamp) -> &'static str {
    match tokens.verify(token, at) {
        Ok(claims) => panic!("accepted {claims:?}"),
        Err(error) => error.code(),
    }
}

/// A token with the given header and the real payload of a valid token, and `signature`.
fn with_header(header: &str, signature: &str) -> String {
    let [_, payload, _] = segments(&issue(&tokens(), NOW));
    format!("{}.{payload}.{signature}", b64(header.as_bytes()))
}

#[test]
fn a_token_round_trips_with_the_prd_payload() {
    let tokens = tokens();
    let token = issue(&tokens, NOW);
    let claims = tokens.verify(&token, NOW).expect("valid");
    assert_eq!(claims.subject, subject());
    assert_eq!(claims.sub, "usr_1");
    assert_eq!(claims.iss, ISSUER);
    assert_eq!(claims.iat, 1_764_095_000);
    assert_eq!(claims.exp, claims.iat + 3600);
    assert!(!claims.jti.is_empty());

    let [header, payload, _] = segments(&token);
    let header: serde_json::Value = serde_json::from_slice(&unb64(&header)).expect("json");
    assert_eq!(header["alg"], "HS256");
    assert_eq!(header["kid"], "k1");
    let payload: serde_json::Value = serde_json::from_slice(&unb64(&payload)).expect("json");
    for field in [
        "userId", "emailId", "orgId", "roleId", "sub", "iat", "exp", "jti", "iss",
    ] {
        assert!(
            payload.get(field).is_some(),
            "payload lacks {field}: {payload}"
        );
    }
    assert_eq!(payload["orgId"], "org_1");
}

#[test]
fn every_token_gets_its_own_id() {
    let tokens = tokens();
    let first = tokens.verify(&issue(&tokens, NOW), NOW).expect("valid");
    let second = tokens.verify(&issue(&tokens, NOW), NOW).expect("valid");
    assert_ne!(first.jti, second.jti);
}

#[test]
fn tampering_with_any_segment_is_refused() {
    let tokens = tokens();
    let [header, payload, signature] = segments(&issue(&tokens, NOW));

    let mut claims: serde_json::Value = serde_json::from_slice(&unb64(&payload)).expect("json");
    claims["roleId"] = "SUPERADMIN".into();
    let forged_payload = b64(&serde_json::to_vec(&claims).expect("json"));
    let forged_header = b64(br#"{"alg":"HS256","typ":"JWT","kid":"k1","x":1}"#);
    let mut bytes = unb64(&signature);
    bytes[0] ^= 0x01;
    let forged_signature = b64(&bytes);

    for (what, token) in [
        ("payload", format!("{header}.{forged_payload}.{signature}")),
        ("header", format!("{forged_header}.{payload}.{signature}")),
        (
            "signature",
            format!("{header}.{payload}.{forged_signature}"),
        ),
        ("no signature", format!("{header}.{payload}.")),
    ] {
        assert_eq!(
            refused(&tokens, &token, NOW),
            "token_bad_signature",
            "{what}"
        );
    }
}

#[test]
fn alg_none_is_refused() {
    let token = with_header(r#"{"alg":"none","typ":"JWT"}"#, "");
    assert_eq!(refused(&tokens(), &token, NOW), "token_alg_none");
    let token = with_header(r#"{"alg":"None","typ":"JWT","kid":"k1"}"#, "");
    assert_eq!(refused(&tokens(), &token, NOW), "token_alg_none");
}

#[test]
fn other_algorithms_are_refused() {
    let token = with_header(r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#, "c2lnbmF0dXJl");
    assert_eq!(refused(&tokens(), &token, NOW), "token_alg_unsupported");

    // An HS384 token correctly signed with the very same secret is still refused.
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS384);
    header.kid = Some("k1".into());
    let claims = tokens().verify(&issue(&tokens(), NOW), NOW).expect("valid");
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
    let token = jsonwebtoken::encode(&header, &claims, &key).expect("signed");
    assert_eq!(refused(&tokens(), &token, NOW), "token_alg_unsupported");
}

#[test]
fn malformed_tokens_are_refused() {
    let tokens = tokens();
    for token in ["", "abc", "a.b", "a.b.c.d", "!!.e30.", "e30.e30.e30"] {
        assert_eq!(refused(&tokens, token, NOW), "token_malformed", "{token:?}");
    }
    let token = with_header(r#"{"typ":"JWT","kid":"k1"}"#, "");
    assert_eq!(refused(&tokens, &token, NOW), "token_malformed");
}

#[test]
fn a_missing_or_unknown_kid_is_refused() {
    let claims = tokens().verify(&issue(&tokens(), NOW), NOW).expect("valid");
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let token = jsonwebtoken::encode(&header, &claims, &key).expect("signed");
    assert_eq!(refused(&tokens(), &token, NOW), "token_kid_missing");

    let token = issue(&tokens_with("k9", SECRET, ISSUER), NOW);
    assert_eq!(refused(&tokens(), &token, NOW), "token_kid_unknown");
}

#[test]
fn a_foreign_key_with_the_same_kid_is_refused() {
    let token = issue(&tokens_with("k1", OTHER_SECRET, ISSUER), NOW);
    assert_eq!(refused(&tokens(), &token, NOW), "token_bad_signature");
}

#[test]
fn another_issuer_is_refused() {
    let token = issue(&tokens_with("k1", SECRET, "someone-else"), NOW);
    assert_eq!(refused(&tokens(), &token, NOW), "token_wrong_issuer");
}

#[test]
fn tokens_expire_after_sixty_minutes_and_the_leeway() {
    let tokens = tokens();
    let token = issue(&tokens, NOW);
    // iat is truncated to the second; exp = iat + 3600.
    let exp_ms = 1_764_095_000 * 1000 + HOUR_MS;
    let leeway_ms = CLOCK_LEEWAY_SECS * 1000;
    assert!(tokens.verify(&token, Timestamp(exp_ms - 1)).is_ok());
    assert!(
        tokens
            .verify(&token, Timestamp(exp_ms + leeway_ms - 1))
            .is_ok()
    );
    assert_eq!(
        refused(&tokens, &token, Timestamp(exp_ms + leeway_ms)),
        "token_expired"
    );
    assert_eq!(
        refused(&tokens, &token, Timestamp(exp_ms + 24 * HOUR_MS)),
        "token_expired"
    );
}

#[test]
fn the_lifetime_is_configurable() {
    let tokens = tokens().with_ttl(Duration::from_secs(300));
    let token = issue(&tokens, NOW);
    let claims = tokens.verify(&token, NOW).expect("valid");
    assert_eq!(claims.exp - claims.iat, 300);
    let later = NOW.plus(Duration::from_secs(300 + 31));
    assert_eq!(refused(&tokens, &token, later), "token_expired");
}

#[test]
fn a_token_issued_in_the_future_is_not_valid_yet() {
    let tokens = tokens();
    let token = issue(&tokens, NOW.plus(Duration::from_secs(10 * 60)));
    assert_eq!(refused(&tokens, &token, NOW), "token_not_yet_valid");
    let slightly_ahead = issue(&tokens, NOW.plus(Duration::from_secs(10)));
    assert!(tokens.verify(&slightly_ahead, NOW).is_ok());
}

#[test]
fn rotation_keeps_old_tokens_until_the_old_key_is_removed() {
    let mut tokens = tokens();
    let old = issue(&tokens, NOW);
    let key = SigningKey::new("k2", OTHER_SECRET.as_bytes()).expect("strong");
    tokens.keys_mut().rotate(key).expect("new kid");
    let new = issue(&tokens, NOW);
    let [header, _, _] = segments(&new);
    assert!(
        String::from_utf8(unb64(&header))
            .expect("utf8")
            .contains(r#""kid":"k2""#)
    );
    assert!(tokens.verify(&old, NOW).is_ok());
    assert!(tokens.verify(&new, NOW).is_ok());

    assert_eq!(
        tokens.keys_mut().remove("k2").map_err(|e| e.code()),
        Err("keyring_removing_active")
    );
    tokens.keys_mut().remove("k1").expect("old key removed");
    assert_eq!(refused(&tokens, &old, NOW), "token_kid_unknown");
    assert!(tokens.verify(&new, NOW).is_ok());
    assert_eq!(tokens.keys().kids().collect::<Vec<_>>(), ["k2"]);
}

#[test]
fn the_first_configured_key_signs_and_the_others_verify() {
    let older = issue(&tokens_with("k1", SECRET, ISSUER), NOW);
    let ring = KeyRing::from_config(&[config("k2", OTHER_SECRET), config("k1", SECRET)])
        .expect("strong keys");
    let tokens = AccessTokens::new(ring, ISSUER);
    assert_eq!(tokens.keys().active().kid(), "k2");
    assert!(tokens.verify(&older, NOW).is_ok());
}

#[test]
fn weak_or_inconsistent_key_configs_are_refused() {
    let weak = KeyRing::from_config(&[config("k1", &SECRET[..31])]).map_err(|e| e.code());
    assert_eq!(weak.err(), Some("keyring_weak_secret"));
    let error = SigningKey::new("k1", b"short").expect_err("weak");
    assert_eq!(
        error,
        KeyError::WeakSecret {
            kid: "k1".into(),
            len: 5
        }
    );
    assert!(error.to_string().contains("at least 32"));
    assert_eq!(
        KeyRing::from_config(&[]).map_err(|e| e.code()).err(),
        Some("keyring_empty")
    );
    assert_eq!(
        KeyRing::from_config(&[config("k1", SECRET), config("k1", OTHER_SECRET)])
            .map_err(|e| e.code())
            .err(),
        Some("keyring_duplicate_kid")
    );
    assert_eq!(
        KeyRing::from_config(&[config("", SECRET)])
            .map_err(|e| e.code())
            .err(),
        Some("keyring_empty_kid")
    );
}

#[test]
fn secrets_never_show_in_debug_output() {
    let cfg = config("k1", SECRET);
    let ring = KeyRing::from_config(std::slice::from_ref(&cfg)).expect("strong");
    let tokens = AccessTokens::new(ring, ISSUER);
    for text in [format!("{cfg:?}"), format!("{tokens:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("k1"), "{text}");
    }
}

#[test]
fn error_codes_are_distinct() {
    let errors = [
        TokenError::Malformed,
        TokenError::AlgNone,
        TokenError::UnsupportedAlgorithm("HS384".into()),
        TokenError::MissingKid,
        TokenError::UnknownKid,
        TokenError::BadSignature,
        TokenError::Expired,
        TokenError::NotYetValid,
        TokenError::WrongIssuer,
        TokenError::Signing("x".into()),
    ];
    let codes: std::collections::BTreeSet<_> = errors.iter().map(TokenError::code).collect();
    assert_eq!(codes.len(), errors.len());
}
