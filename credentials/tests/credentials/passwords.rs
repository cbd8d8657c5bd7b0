//! Passwords: argon2id PHC strings, verification and the length policy.

use botwot_credentials::passwords::{Passwords, check_policy};

/// Cheap parameters so the suite stays fast; production uses `Passwords::owasp()`.
fn passwords() -> Passwords {
    Passwords::with_params(256, 1, 1).expect("valid params")
}

#[test]
fn the_right_password_verifies_and_a_wrong_one_does_not() {
    let passwords = passwords();
    let hash = passwords.hash("correct horse battery").expect("hashed");
    assert!(hash.starts_with("$argon2id$v=19$m=256,t=1,p=1$"), "{hash}");
    assert!(
        passwords
            .verify("correct horse battery", &hash)
            .expect("valid hash")
    );
    assert!(
        !passwords
            .verify("correct horse batterY", &hash)
            .expect("valid hash")
    );
    assert!(!passwords.verify("", &hash).expect("valid hash"));
}

#[test]
fn two_hashes_of_one_password_differ() {
    let passwords = passwords();
    let a = passwords.hash("same password!").expect("hashed");
    let b = passwords.hash("same password!").expect("hashed");
    assert_ne!(a, b);
    assert!(passwords.verify("same password!", &a).expect("valid"));
    assert!(passwords.verify("same password!", &b).expect("valid"));
}

#[test]
fn the_parameters_in_the_hash_are_used_to_verify() {
    let hash = passwords().hash("long enough pw").expect("hashed");
    let other = Passwords::with_params(512, 2, 1).expect("valid params");
    assert!(other.verify("long enough pw", &hash).expect("valid"));
}

#[test]
fn the_policy_wants_ten_to_128_characters() {
    assert_eq!(
        check_policy("short").map_err(|e| e.code()),
        Err("password_too_short")
    );
    assert_eq!(
        check_policy("123456789").map_err(|e| e.code()),
        Err("password_too_short")
    );
    assert!(check_policy("1234567890").is_ok());
    // Characters, not bytes: ten accented letters are enough.
    assert!(check_policy("éééééééééé").is_ok());
    assert!(check_policy(&"x".repeat(128)).is_ok());
    assert_eq!(
        check_policy(&"x".repeat(129)).map_err(|e| e.code()),
        Err("password_too_long")
    );
    let error = passwords().hash("tiny").expect_err("refused");
    assert_eq!(error.code(), "password_too_short");
    assert!(error.to_string().contains("at least 10"));
}

#[test]
fn a_garbage_hash_is_an_error_not_a_mismatch() {
    let error = passwords()
        .verify("whatever pw", "not a phc string")
        .expect_err("bad");
    assert_eq!(error.code(), "password_bad_hash");
}

#[test]
fn bad_parameters_are_refused() {
    let error = Passwords::with_params(1, 1, 1).expect_err("too little memory");
    assert_eq!(error.code(), "password_bad_params");
}
