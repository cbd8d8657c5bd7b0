//! Signing in with email and password, refreshing the token pair, and signing out.

use super::{email_field, password_matches};
use crate::audit::{self, RequestOrigin};
use crate::auth::sign_in;
use crate::auth::views::TokenPair;
use crate::errors::{AppError, ErrorCode};
use crate::extract::JsonBody;
use crate::rate_limit::{Budget, charge};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::access::UserStatus;
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Signs in; wrong addresses and wrong passwords get the same answer.
#[utoipa::path(
    post, path = "/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses((status = 200, description = "signed in", body = TokenPair)),
)]
pub async fn login(
    State(state): State<AppState>,
    origin: RequestOrigin,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<TokenPair>, AppError> {
    let mut errors = ValidationErrors::default();
    let email = email_field(&request.email, &mut errors);
    errors.into_result(())?;
    charge(&state, Budget::Attempts, &email).await?;
    let user = state.store.find_user_by_email(&email).await?;
    let stored = user.as_ref().and_then(|user| user.password_hash.clone());
    let matches = password_matches(&state, request.password, stored).await;
    let Some(mut user) = user.filter(|_| matches) else {
        return Err(AppError::new(
            ErrorCode::InvalidCredentials,
            "the email or the password is wrong",
        ));
    };
    if user.status != UserStatus::Active {
        return Err(AppError::new(
            ErrorCode::AccountDisabled,
            "this account is disabled; ask an administrator of your organisation",
        ));
    }
    user.last_login_at = Some(state.now());
    state.store.update_user(&user).await?;
    let actor = audit::user_actor(&user);
    let target = "/v1/auth/login";
    audit::record(
        &state,
        &user.tenant_id,
        actor,
        "auth.login",
        target,
        200,
        &origin,
    )
    .await;
    Ok(Json(sign_in::start(&state, &user).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Spends a refresh token for the next pair. A token used twice ends its sign-in.
#[utoipa::path(
    post, path = "/v1/auth/refresh", tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, description = "the next token pair", body = TokenPair)),
)]
pub async fn refresh(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<RefreshRequest>,
) -> Result<Json<TokenPair>, AppError> {
    Ok(Json(
        sign_in::refresh(&state, &request.refresh_token).await?,
    ))
}

/// Signs out: the refresh token and its successors stop working.
#[utoipa::path(
    post, path = "/v1/auth/logout", tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "signed out")),
)]
pub async fn logout(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<RefreshRequest>,
) -> Result<StatusCode, AppError> {
    sign_in::end(&state, &request.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}
