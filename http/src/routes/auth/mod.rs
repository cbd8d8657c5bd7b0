//! `/v1/auth`: creating an organisation with an emailed code ([`signup`]), signing in, refreshing
//! and signing out ([`session`]), and setting a password with an emailed code, after an
//! invitation or to reset it ([`password`]). Anyone may call these; each is charged to the
//! caller's IP budget, and every password or code tried to the address's own budget.

pub mod password;
pub mod session;
pub mod signup;

use crate::errors::AppError;
use crate::state::AppState;
use botwot_adapters::auth::passwords::check_policy;
use botwot_engine::access::normalise_email;
use botwot_engine::validation::ValidationErrors;

/// The canonical form of `raw`, or a `validation_failed` naming `email`.
pub fn email_field(raw: &str, errors: &mut ValidationErrors) -> String {
    normalise_email(raw).unwrap_or_else(|| {
        errors.add("email", "must be an email address such as ana@example.com");
        String::new()
    })
}

/// Adds a `password` error when it breaks the policy.
pub fn check_password(password: &str, errors: &mut ValidationErrors) {
    if let Err(error) = check_policy(password) {
        errors.add("password", error.to_string());
    }
}

/// Hashes off the async runtime: argon2id is deliberately slow.
pub async fn hash_password(state: &AppState, password: String) -> Result<String, AppError> {
    let passwords = state.auth.passwords.clone();
    let hashed = tokio::task::spawn_blocking(move || passwords.hash(&password)).await;
    match hashed {
        Ok(Ok(hash)) => Ok(hash),
        failed => {
            let reason = match failed {
                Ok(Err(error)) => error.to_string(),
                _ => "hashing task failed".to_owned(),
            };
            tracing::error!(reason, "password hashing failed");
            Err(AppError::new(
                crate::errors::ErrorCode::Internal,
                "cannot store the password right now",
            ))
        }
    }
}

/// Whether `password` matches `stored`, checked off the async runtime. With no stored hash a
/// dummy one is checked, so an unknown address takes as long as a wrong password.
pub async fn password_matches(state: &AppState, password: String, stored: Option<String>) -> bool {
    let passwords = state.auth.passwords.clone();
    let checked = tokio::task::spawn_blocking(move || match stored {
        Some(stored) => passwords.verify(&password, &stored).unwrap_or(false),
        None => {
            let _ = passwords.hash("not-a-real-password-at-all");
            false
        }
    })
    .await;
    checked.unwrap_or(false)
}
