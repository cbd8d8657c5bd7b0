//! One-time codes: shape, digests that fit the engine's `OtpChallenge`, and uniformity.

use botwot_credentials::codes::{self, candidate_digest, digest, generate_code};
use botwot_engine::access::{OtpChallenge, OtpError, OtpPolicy};
use botwot_engine::time::Timestamp;

#[test]
fn codes_are_always_six_digits() {
    for _ in 0..2_000 {
        let code = generate_code().expect("OS randomness");
        assert_eq!(code.len(), 6, "{code}");
        assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    }
}

#[test]
fn the_digest_is_sha256_of_salt_then_code() {
    // printf 'salt123456' | sha256sum
    assert_eq!(
        digest("salt", "123456"),
        "9898410d7f5045bc673db80c1a49b74f088fd7440037d8ce25c7d272a505bce5"
    );
    assert_eq!(digest("salt", "123456").len(), 64);
    assert_ne!(digest("salt", "123456"), digest("salu", "123456"));
    assert_ne!(digest("salt", "123456"), digest("salt", "123457"));
}

#[test]
fn an_issued_code_verifies_through_the_engine_challenge() {
    let issued = codes::issue().expect("OS randomness");
    let (salt, hex) = issued.stored().split_once('$').expect("salt$digest");
    assert_eq!(salt, issued.salt());
    assert_eq!(salt.len(), 32);
    assert_eq!(hex, digest(salt, issued.code()));
    assert!(!format!("{issued:?}").contains(issued.code()));

    let policy = OtpPolicy::default();
    let mut challenge = OtpChallenge::issue(issued.stored().to_owned(), Timestamp(0), &policy);
    let wrong = if issued.code() == "000000" {
        "000001"
    } else {
        "000000"
    };
    let candidate = candidate_digest(issued.stored(), wrong).expect("salted");
    assert!(matches!(
        challenge.verify(&candidate, Timestamp(1), &policy),
        Err(OtpError::Wrong { .. })
    ));
    let candidate = candidate_digest(issued.stored(), issued.code()).expect("salted");
    assert_eq!(challenge.verify(&candidate, Timestamp(2), &policy), Ok(()));
    assert_eq!(candidate_digest("no salt here", issued.code()), None);
}

#[test]
fn two_issues_use_different_salts() {
    let a = codes::issue().expect("OS randomness");
    let b = codes::issue().expect("OS randomness");
    assert_ne!(a.salt(), b.salt());
}

#[test]
fn every_digit_position_is_roughly_uniform() {
    const DRAWS: usize = 10_000;
    let mut counts = [[0usize; 10]; 6];
    for _ in 0..DRAWS {
        let code = generate_code().expect("OS randomness");
        for (position, digit) in code.bytes().enumerate() {
            counts[position][usize::from(digit - b'0')] += 1;
        }
    }
    // Chi-square with 9 degrees of freedom: a fair generator exceeds 40.0 with probability
    // 7.6e-6 per position, so the suite does not flake; a bias of a few percent on one digit
    // (e.g. a modulo bias on a small range) pushes it far above.
    let expected = DRAWS as f64 / 10.0;
    for (position, digits) in counts.iter().enumerate() {
        let chi2: f64 = digits
            .iter()
            .map(|&n| (n as f64 - expected).powi(2) / expected)
            .sum();
        assert!(
            chi2 < 40.0,
            "position {position}: {digits:?} (chi² {chi2:.1})"
        );
        for &n in digits {
            assert!((800..1200).contains(&n), "position {position}: {digits:?}");
        }
    }
}
