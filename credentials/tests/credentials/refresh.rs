//! Refresh tokens and their families: shape, digests, rotation, reuse detection, revocation and
//! expiry.

use botwot_credentials::refresh::RefreshToken;
use botwot_engine::access::{DEFAULT_REFRESH_TTL, RefreshError, RefreshFamily, RevokeReason};
use botwot_engine::ids::{RefreshFamilyId, TenantId, UserId};
use botwot_engine::time::Timestamp;
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

fn token_of(family: &RefreshFamilyId) -> RefreshToken {
    RefreshToken::generate(family).expect("OS randomness")
}

fn family_with_ttl(ttl: Duration) -> (RefreshFamily, RefreshToken) {
    let id = RefreshFamilyId::generate();
    let first = token_of(&id);
    let family = RefreshFamily::start(
        id,
        TenantId::from("org_1"),
        UserId::from("usr_1"),
        first.digest(),
        Timestamp(0),
        ttl,
    );
    (family, first)
}

fn family() -> (RefreshFamily, RefreshToken) {
    family_with_ttl(DEFAULT_REFRESH_TTL)
}

/// A family whose first token was used at time 1; returns it, the spent token and the current one.
fn rotated_once() -> (RefreshFamily, RefreshToken, RefreshToken) {
    let (mut family, first) = family();
    let second = token_of(&family.id);
    family
        .rotate(&first.digest(), second.digest(), Timestamp(1))
        .expect("fresh token");
    (family, first, second)
}

#[test]
fn tokens_name_their_family_are_long_random_and_stored_only_as_digests() {
    let (family, first) = family();
    let other = token_of(&family.id);
    assert_ne!(first, other);
    let (prefix, secret) = first.expose().split_once('.').expect("family.secret");
    assert_eq!(prefix, family.id.as_str());
    // 32 bytes in unpadded base64url.
    assert_eq!(secret.len(), 43);
    assert!(
        secret
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    );
    assert_eq!(first.family(), Some(family.id.clone()));
    assert_eq!(first.digest().as_str().len(), 64);
    assert_eq!(
        first.digest(),
        RefreshToken::presented(first.expose()).digest()
    );
    let stored = serde_json::to_string(&family).expect("json");
    assert!(!stored.contains(first.expose()));
    assert!(stored.contains(first.digest().as_str()));
    assert!(!format!("{first:?}").contains(secret));
}

#[test]
fn tokens_not_shaped_like_ours_name_no_family() {
    for presented in [
        "",
        "abc",
        "rtf_1",
        "rtf_1.",
        "usr_1.secret",
        "rtf_a b.secret",
    ] {
        assert_eq!(
            RefreshToken::presented(presented).family(),
            None,
            "{presented}"
        );
    }
}

#[test]
fn each_use_spends_the_token_and_issues_the_next() {
    let (mut family, first, second) = rotated_once();
    assert_eq!(family.current, second.digest());
    assert_eq!(family.spent, vec![first.digest()]);
    assert!(family.accepts(&second.digest(), Timestamp(2)));
    assert!(!family.accepts(&first.digest(), Timestamp(2)));
    let third = token_of(&family.id);
    family
        .rotate(&second.digest(), third.digest(), Timestamp(2))
        .expect("fresh token");
    assert_eq!(family.spent.len(), 2);
    assert!(!family.is_revoked());
}

#[test]
fn reusing_a_spent_token_revokes_the_family() {
    let (mut family, first, second) = rotated_once();
    let next = token_of(&family.id).digest();
    assert_eq!(
        family.rotate(&first.digest(), next.clone(), Timestamp(2)),
        Err(RefreshError::Reused)
    );
    assert_eq!(
        family.revoked.map(|r| (r.at, r.reason)),
        Some((Timestamp(2), RevokeReason::Reuse))
    );
    // Even the legitimate current token no longer works.
    assert_eq!(
        family.rotate(&second.digest(), next, Timestamp(3)),
        Err(RefreshError::Revoked)
    );
}

#[test]
fn a_token_from_elsewhere_is_unknown_and_harmless() {
    let (mut family, _) = family();
    let stranger = token_of(&family.id).digest();
    assert_eq!(
        family.rotate(&stranger, stranger.clone(), Timestamp(1)),
        Err(RefreshError::Unknown)
    );
    assert!(!family.is_revoked());
}

#[test]
fn an_explicit_revoke_ends_the_family() {
    let (mut family, first) = family();
    family.revoke(RevokeReason::Logout, Timestamp(5));
    family.revoke(RevokeReason::Admin, Timestamp(6));
    assert_eq!(family.revoked.map(|r| r.reason), Some(RevokeReason::Logout));
    let error = family
        .rotate(&first.digest(), first.digest(), Timestamp(7))
        .expect_err("revoked");
    assert_eq!(error.code(), "refresh_revoked");
}

#[test]
fn tokens_expire_thirty_days_after_issue_and_use_slides_the_window() {
    assert_eq!(DEFAULT_REFRESH_TTL, 30 * DAY);
    let (mut family, first) = family();
    let day_29 = Timestamp(0).plus(29 * DAY);
    let second = token_of(&family.id);
    family
        .rotate(&first.digest(), second.digest(), day_29)
        .expect("still valid");
    let day_58 = day_29.plus(29 * DAY);
    let third = token_of(&family.id);
    family
        .rotate(&second.digest(), third.digest(), day_58)
        .expect("window slid");
    let too_late = day_58.plus(30 * DAY);
    assert_eq!(
        family.rotate(&third.digest(), first.digest(), too_late),
        Err(RefreshError::Expired)
    );
    assert!(!family.is_revoked());
}

#[test]
fn a_custom_lifetime_applies() {
    let (mut family, first) = family_with_ttl(Duration::from_secs(60));
    assert_eq!(
        family.rotate(&first.digest(), first.digest(), Timestamp(60_000)),
        Err(RefreshError::Expired)
    );
}
