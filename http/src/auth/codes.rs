//! Emailed one-time codes: issuing one (or a new one, no sooner than the policy allows, without
//! resetting the attempt count) and checking one. Attempts are also charged to the address's
//! rate budget, so racing guesses cannot slip past the lockout.

use crate::errors::{AppError, ErrorCode};
use crate::rate_limit::{Budget, charge};
use crate::state::AppState;
use botwot_adapters::auth::codes;
use botwot_engine::access::{OtpChallenge, OtpError, OtpPurpose};
use botwot_engine::ports::OutgoingMail;
use botwot_engine::time::Timestamp;

/// Emails a fresh code for `purpose` to `email`.
pub async fn send(state: &AppState, purpose: OtpPurpose, email: &str) -> Result<(), AppError> {
    let now = state.now();
    let policy = &state.auth.otp;
    let issued = codes::issue().map_err(|error| {
        tracing::error!(error = %error, "cannot draw a one-time code");
        AppError::new(ErrorCode::Internal, "cannot send a code right now")
    })?;
    let challenge = match state.store.get_otp(purpose, email).await? {
        Some(mut pending) => {
            pending
                .reissue(issued.stored().to_owned(), now, policy)
                .map_err(|error| otp_error(error, now))?;
            pending
        }
        None => OtpChallenge::issue(issued.stored().to_owned(), now, policy),
    };
    state.store.put_otp(purpose, email, &challenge).await?;
    let minutes = policy.ttl_secs / 60;
    let mail = OutgoingMail {
        to: email.to_owned(),
        subject: subject(purpose).to_owned(),
        text: format!(
            "Your BotWot code is {}. It expires in {minutes} minutes. If you did not ask for it, ignore this email.",
            issued.code()
        ),
    };
    state.auth.mailer.send(&mail).await.map_err(|error| {
        tracing::warn!(error = %error, "one-time code not sent");
        AppError::new(
            ErrorCode::MailUnavailable,
            "the code could not be emailed; try again shortly",
        )
    })
}

/// Checks `code` for `purpose` and `email`; a right code is used up.
pub async fn check(
    state: &AppState,
    purpose: OtpPurpose,
    email: &str,
    code: &str,
) -> Result<(), AppError> {
    charge(state, Budget::Attempts, email).await?;
    let mut challenge = state.store.get_otp(purpose, email).await?.ok_or_else(|| {
        AppError::new(
            ErrorCode::InvalidCode,
            "no code is pending for this address; ask for one",
        )
    })?;
    let candidate = codes::candidate_digest(&challenge.digest, code).unwrap_or_default();
    let now = state.now();
    let verdict = challenge.verify(&candidate, now, &state.auth.otp);
    state.store.put_otp(purpose, email, &challenge).await?;
    verdict.map_err(|error| otp_error(error, now))
}

fn subject(purpose: OtpPurpose) -> &'static str {
    match purpose {
        OtpPurpose::Signup => "Your BotWot sign-up code",
        OtpPurpose::Invitation => "You are invited to BotWot",
        OtpPurpose::PasswordReset => "Your BotWot password reset code",
    }
}

fn otp_error(error: OtpError, now: Timestamp) -> AppError {
    let (code, wait_until) = match error {
        OtpError::Locked { until } => (ErrorCode::CodeLocked, Some(until)),
        OtpError::TooSoon { at } => (ErrorCode::RateLimited, Some(at)),
        _ => (ErrorCode::InvalidCode, None),
    };
    let mut app = AppError::new(code, error.to_string());
    app.retry_after_secs = wait_until.map(|at| {
        let millis = (at.millis() - now.millis()).max(1_000);
        u64::try_from((millis + 999) / 1_000).unwrap_or(1)
    });
    app
}
