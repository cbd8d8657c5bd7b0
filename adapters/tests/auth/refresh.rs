//! Refresh-token families: rotation, reuse detection, revocation and expiry.

use botwot_adapters::auth::refresh::{
    DEFAULT_TTL, RefreshError, RefreshFamily, RefreshToken, RevokeReason,
};
use botwot_engine::time::Timestamp;
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

fn token() -> RefreshToken {
    RefreshToken::generate().expect("OS randomness")
}

fn family() -> (RefreshFamily, RefreshToken) {
    let first = token();
    (RefreshFamily::start("usr_1", &first, Timestamp(0)), first)
}

/// A family whose first token was used at time 1; returns it, the spent token and the current one.
fn rotated_once() -> (RefreshFamily, RefreshToken, RefreshToken) {
    let (mut family, first) = family();
    let second = token();
    family
        .rotate(&first, &second, Timestamp(1))
        .expect("fresh token");
    (family, first, second)
}

#[test]
fn tokens_are_long_random_and_stored_only_as_digests() {
    let a = token();
    let b = token();
    assert_ne!(a, b);
    // 32 bytes in unpadded base64url.
    assert_eq!(a.expose().len(), 43);
    assert!(
        a.expose()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    );
    assert_eq!(a.digest().as_str().len(), 64);
    assert_eq!(a.digest(), RefreshToken::presented(a.expose()).digest());
    let (family, first) = family();
    let stored = serde_json::to_string(&family).expect("json");
    assert!(!stored.contains(first.expose()));
    assert!(stored.contains(first.digest().as_str()));
    assert!(!format!("{first:?}").contains(first.expose()));
}

#[test]
fn each_use_spends_the_token_and_issues_the_next() {
    let (mut family, first, second) = rotated_once();
    assert_eq!(family.current, second.digest());
    assert_eq!(family.spent, vec![first.digest()]);
    let third = token();
    family
        .rotate(&second, &third, Timestamp(2))
        .expect("fresh token");
    assert_eq!(family.spent.len(), 2);
    assert!(!family.is_revoked());
}

#[test]
fn reusing_a_spent_token_revokes_the_family() {
    let (mut family, first, second) = rotated_once();
    assert_eq!(
        family.rotate(&first, &token(), Timestamp(2)),
        Err(RefreshError::Reused)
    );
    assert_eq!(
        family.revoked.map(|r| (r.at, r.reason)),
        Some((Timestamp(2), RevokeReason::Reuse))
    );
    // Even the legitimate current token no longer works.
    assert_eq!(
        family.rotate(&second, &token(), Timestamp(3)),
        Err(RefreshError::Revoked)
    );
}

#[test]
fn a_token_from_elsewhere_is_unknown_and_harmless() {
    let (mut family, _) = family();
    assert_eq!(
        family.rotate(&token(), &token(), Timestamp(1)),
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
        .rotate(&first, &token(), Timestamp(7))
        .expect_err("revoked");
    assert_eq!(error.code(), "refresh_revoked");
}

#[test]
fn tokens_expire_thirty_days_after_issue_and_use_slides_the_window() {
    assert_eq!(DEFAULT_TTL, 30 * DAY);
    let (mut family, first) = family();
    let day_29 = Timestamp(0).plus(29 * DAY);
    let second = token();
    family.rotate(&first, &second, day_29).expect("still valid");
    let day_58 = day_29.plus(29 * DAY);
    let third = token();
    family.rotate(&second, &third, day_58).expect("window slid");
    let too_late = day_58.plus(30 * DAY);
    assert_eq!(
        family.rotate(&third, &token(), too_late),
        Err(RefreshError::Expired)
    );
    assert!(!family.is_revoked());
}

#[test]
fn a_custom_lifetime_applies() {
    let first = token();
    let mut family =
        RefreshFamily::start_with_ttl("usr_1", &first, Timestamp(0), Duration::from_secs(60));
    assert_eq!(
        family.rotate(&first, &token(), Timestamp(60_000)),
        Err(RefreshError::Expired)
    );
}
