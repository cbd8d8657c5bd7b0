//! Setting a password with an emailed code: after forgetting it (`/v1/auth/password-reset`, then
//! `/confirm`, which also ends every sign-in of the account), or to accept an invitation (`/v1/auth/invitation/accept`, which also signs in).

use super::signup::CodeSent;
use super::{check_password, email_field, hash_password};
use crate::audit::{self, RequestOrigin};
use crate::auth::codes;
use crate::auth::sign_in;
use crate::auth::views::TokenPair;
use crate::errors::{AppError, ErrorCode};
use crate::extract::JsonBody;
use crate::rate_limit::{Budget, charge};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::access::{OtpPurpose, UserAccount, UserStatus};
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

/// Emails a reset code when the address belongs to an active user; answers the same either way.
#[utoipa::path(
    post, path = "/v1/auth/password-reset", tag = "auth",
    request_body = ResetRequest,
    responses((status = 202, description = "a code was emailed if the account exists", body = CodeSent)),
)]
pub async fn request_reset(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ResetRequest>,
) -> Result<(StatusCode, Json<CodeSent>), AppError> {
    let mut errors = ValidationErrors::default();
    let email = email_field(&request.email, &mut errors);
    errors.into_result(())?;
    charge(&state, Budget::Attempts, &email).await?;
    let user = state.store.find_user_by_email(&email).await?;
    if user.is_some_and(|user| user.is_active()) {
        codes::send(&state, OtpPurpose::PasswordReset, &email).await?;
    }
    Ok((StatusCode::ACCEPTED, Json(CodeSent::new(&state))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetPasswordRequest {
    pub email: String,
    /// The six-digit code from the email.
    pub code: String,
    /// The new password, at least 10 characters.
    pub password: String,
}

/// Sets a new password with the reset code.
#[utoipa::path(
    post, path = "/v1/auth/password-reset/confirm", tag = "auth",
    request_body = SetPasswordRequest,
    responses((status = 204, description = "the password is changed")),
)]
pub async fn confirm_reset(
    State(state): State<AppState>,
    origin: RequestOrigin,
    JsonBody(request): JsonBody<SetPasswordRequest>,
) -> Result<StatusCode, AppError> {
    let (email, password) = checked(&request)?;
    codes::check(&state, OtpPurpose::PasswordReset, &email, &request.code).await?;
    let mut user = user_of(&state, &email, UserStatus::Active).await?;
    set_password(&state, &mut user, password).await?;
    state
        .store
        .delete_otp(OtpPurpose::PasswordReset, &email)
        .await?;
    // Whoever knew the old password is signed out everywhere.
    let ended = state
        .store
        .revoke_sign_ins(&user.tenant_id, &user.id, state.now())
        .await?;
    tracing::info!(user_id = %user.id, tenant_id = %user.tenant_id, ended, "password reset");
    let target = "/v1/auth/password-reset/confirm";
    let actor = audit::user_actor(&user);
    audit::record(
        &state,
        &user.tenant_id,
        actor,
        "auth.password_reset",
        target,
        204,
        &origin,
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts an invitation: sets the password with the emailed code and signs in.
#[utoipa::path(
    post, path = "/v1/auth/invitation/accept", tag = "auth",
    request_body = SetPasswordRequest,
    responses((status = 200, description = "the account is active and signed in", body = TokenPair)),
)]
pub async fn accept_invitation(
    State(state): State<AppState>,
    origin: RequestOrigin,
    JsonBody(request): JsonBody<SetPasswordRequest>,
) -> Result<Json<TokenPair>, AppError> {
    let (email, password) = checked(&request)?;
    codes::check(&state, OtpPurpose::Invitation, &email, &request.code).await?;
    let mut user = user_of(&state, &email, UserStatus::Invited).await?;
    user.status = UserStatus::Active;
    user.last_login_at = Some(state.now());
    set_password(&state, &mut user, password).await?;
    state
        .store
        .delete_otp(OtpPurpose::Invitation, &email)
        .await?;
    tracing::info!(user_id = %user.id, tenant_id = %user.tenant_id, "invitation accepted");
    let target = "/v1/auth/invitation/accept";
    let actor = audit::user_actor(&user);
    audit::record(
        &state,
        &user.tenant_id,
        actor,
        "auth.invitation_accepted",
        target,
        200,
        &origin,
    )
    .await;
    Ok(Json(sign_in::start(&state, &user).await?))
}

fn checked(request: &SetPasswordRequest) -> Result<(String, String), AppError> {
    let mut errors = ValidationErrors::default();
    let email = email_field(&request.email, &mut errors);
    check_password(&request.password, &mut errors);
    errors
        .into_result((email, request.password.clone()))
        .map_err(AppError::from)
}

/// The user of `email`, in the status the step expects.
async fn user_of(
    state: &AppState,
    email: &str,
    status: UserStatus,
) -> Result<UserAccount, AppError> {
    state
        .store
        .find_user_by_email(email)
        .await?
        .filter(|user| user.status == status)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidCode,
                "this code does not apply to any account",
            )
        })
}

async fn set_password(
    state: &AppState,
    user: &mut UserAccount,
    password: String,
) -> Result<(), AppError> {
    user.password_hash = Some(hash_password(state, password).await?);
    user.updated_at = state.now();
    Ok(state.store.update_user(user).await?)
}
