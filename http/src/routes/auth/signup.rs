//! Creating an organisation: `POST /v1/auth/signup` emails a code to the address, and
//! `POST /v1/auth/signup/verify` with that code creates the organisation (BASE plan) and its
//! first user, a SUPERADMIN, and signs them in.

use super::{check_password, email_field, hash_password};
use crate::audit::{self, RequestOrigin};
use crate::auth::codes;
use crate::auth::sign_in;
use crate::auth::views::{OrganisationView, TokenPair};
use crate::errors::{AppError, ErrorCode};
use crate::extract::JsonBody;
use crate::rate_limit::{Budget, charge};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::access::{Organisation, OtpPurpose, Permissions, Role, UserAccount, UserStatus};
use botwot_engine::ports::{OutgoingMail, StoreError};
use botwot_engine::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignupRequest {
    pub email: String,
}

/// A code is on its way (also when the address has an account already: the answer never says
/// which addresses exist).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeSent {
    pub status: &'static str,
    /// Seconds the code stays valid.
    pub expires_in: u64,
}

impl CodeSent {
    pub fn new(state: &AppState) -> Self {
        Self {
            status: "code_sent",
            expires_in: state.auth.otp.ttl_secs,
        }
    }
}

/// Emails a sign-up code to the address.
#[utoipa::path(
    post, path = "/v1/auth/signup", tag = "auth",
    request_body = SignupRequest,
    responses((status = 202, description = "a code was emailed", body = CodeSent)),
)]
pub async fn signup(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<SignupRequest>,
) -> Result<(StatusCode, Json<CodeSent>), AppError> {
    if !state.config.auth.open_signup {
        return Err(AppError::new(
            ErrorCode::SignupClosed,
            "this server does not take sign-ups; ask an administrator for an invitation",
        ));
    }
    let mut errors = ValidationErrors::default();
    let email = email_field(&request.email, &mut errors);
    errors.into_result(())?;
    charge(&state, Budget::Attempts, &email).await?;
    if state.store.find_user_by_email(&email).await?.is_some() {
        let notice = OutgoingMail {
            to: email.clone(),
            subject: "Your BotWot account".to_owned(),
            text: "Someone asked to sign up with this address, which already has an account. Sign in, or reset your password if you forgot it.".to_owned(),
        };
        if let Err(error) = state.auth.mailer.send(&notice).await {
            tracing::warn!(error = %error, "account notice not sent");
        }
    } else {
        codes::send(&state, OtpPurpose::Signup, &email).await?;
    }
    Ok((StatusCode::ACCEPTED, Json(CodeSent::new(&state))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifySignupRequest {
    pub email: String,
    /// The six-digit code from the email.
    pub code: String,
    /// At least 10 characters.
    pub password: String,
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    pub organisation_name: String,
}

/// The new organisation and its first user, signed in.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignedUp {
    pub organisation: OrganisationView,
    #[serde(flatten)]
    pub tokens: TokenPair,
}

/// Creates the organisation and its SUPERADMIN with the emailed code.
#[utoipa::path(
    post, path = "/v1/auth/signup/verify", tag = "auth",
    request_body = VerifySignupRequest,
    responses((status = 201, description = "the organisation exists and its owner is signed in", body = SignedUp)),
)]
pub async fn verify_signup(
    State(state): State<AppState>,
    origin: RequestOrigin,
    JsonBody(request): JsonBody<VerifySignupRequest>,
) -> Result<(StatusCode, Json<SignedUp>), AppError> {
    let mut errors = ValidationErrors::default();
    let email = email_field(&request.email, &mut errors);
    check_password(&request.password, &mut errors);
    errors.check_text("firstName", &request.first_name, 100);
    UserAccount::check_name(&mut errors, "lastName", &request.last_name);
    Organisation::check_name(&mut errors, "organisationName", &request.organisation_name);
    errors.into_result(())?;
    codes::check(&state, OtpPurpose::Signup, &email, &request.code).await?;

    let now = state.now();
    let organisation = Organisation::create(&request.organisation_name, &email, now);
    let mut owner = UserAccount::create(
        organisation.id.clone(),
        email.clone(),
        (request.first_name, request.last_name),
        Permissions::of(Role::SuperAdmin),
        UserStatus::Active,
        now,
    );
    owner.password_hash = Some(hash_password(&state, request.password).await?);
    owner.last_login_at = Some(now);
    match state.store.create_organisation(&organisation, &owner).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::new(
                ErrorCode::EmailTaken,
                "this address already has an account; sign in instead",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    state.store.delete_otp(OtpPurpose::Signup, &email).await?;
    tracing::info!(tenant_id = %organisation.id, user_id = %owner.id, "organisation created");
    let actor = audit::user_actor(&owner);
    let target = "/v1/auth/signup/verify";
    audit::record(
        &state,
        &organisation.id,
        actor,
        "auth.signup",
        target,
        201,
        &origin,
    )
    .await;
    let tokens = sign_in::start(&state, &owner).await?;
    Ok((
        StatusCode::CREATED,
        Json(SignedUp {
            organisation: OrganisationView::from(&organisation),
            tokens,
        }),
    ))
}
