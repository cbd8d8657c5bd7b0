//! Who is calling: the bearer access token is verified, its user and organisation are read
//! (so a disabled user or suspended organisation is refused at once, not when the token ends),
//! the caller's per-user and per-organisation budgets are charged, and the [`Principal`] is
//! handed to the handlers. The tenant a handler acts in comes only from here.

use crate::errors::{AppError, ErrorCode};
use crate::rate_limit::{Budget, charge};
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use botwot_adapters::auth::tokens::TokenError;
use botwot_engine::TenantId;
use botwot_engine::access::{
    AuditActor, Module, Organisation, OrganisationStatus, UserAccount, UserStatus,
};
use botwot_engine::ids::UserId;

/// The signed-in caller of a request.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: UserAccount,
    pub organisation: Organisation,
}

impl Principal {
    pub fn tenant(&self) -> &TenantId {
        &self.organisation.id
    }

    pub fn allows(&self, module: Module) -> bool {
        self.user.permissions.allows(module)
    }

    /// Who the audit log says acted.
    pub fn actor(&self) -> AuditActor {
        crate::audit::user_actor(&self.user)
    }

    /// `Ok` when the caller may use `module`, else 403 naming it.
    pub fn require(&self, module: Module) -> Result<(), AppError> {
        if self.allows(module) {
            Ok(())
        } else {
            Err(forbidden(module))
        }
    }
}

/// 403 for a module the caller's role and grants do not include.
pub fn forbidden(module: Module) -> AppError {
    AppError::new(
        ErrorCode::Forbidden,
        format!(
            "your role does not give access to {} (module {module})",
            module.name()
        ),
    )
}

/// The `Bearer` token of a request, if it sent one.
pub fn bearer(parts_headers: &axum::http::HeaderMap) -> Option<&str> {
    parts_headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
}

/// Middleware: admits only requests with a valid access token of an active user.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let token = bearer(request.headers()).ok_or_else(|| {
        AppError::new(
            ErrorCode::Unauthorized,
            "send `Authorization: Bearer <access token>`; sign in at /v1/auth/login",
        )
    })?;
    let principal = principal_of(&state, token).await?;
    charge(&state, Budget::User, principal.user.id.as_str()).await?;
    charge(&state, Budget::Organisation, principal.tenant().as_str()).await?;
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

/// Verifies `token` and reads its user and organisation.
pub async fn principal_of(state: &AppState, token: &str) -> Result<Principal, AppError> {
    let claims = state
        .auth
        .tokens
        .verify(token, state.now())
        .map_err(token_error)?;
    let tenant = claims.subject.org_id;
    let user = state
        .store
        .get_user(&tenant, &UserId::new(claims.sub))
        .await?
        .ok_or_else(|| {
            AppError::new(ErrorCode::InvalidToken, "the token's user no longer exists")
        })?;
    if user.status != UserStatus::Active {
        return Err(AppError::new(
            ErrorCode::AccountDisabled,
            "this account is disabled; ask an administrator of your organisation",
        ));
    }
    let organisation = state
        .store
        .get_organisation(&tenant)
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidToken,
                "the token's organisation no longer exists",
            )
        })?;
    if organisation.status != OrganisationStatus::Active {
        return Err(AppError::new(
            ErrorCode::OrganisationSuspended,
            "this organisation is suspended",
        ));
    }
    Ok(Principal { user, organisation })
}

fn token_error(error: TokenError) -> AppError {
    let code = match error {
        TokenError::Expired => ErrorCode::TokenExpired,
        TokenError::Signing(_) | TokenError::Random(_) => ErrorCode::Internal,
        _ => ErrorCode::InvalidToken,
    };
    AppError::new(code, format!("{error} ({})", error.code()))
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        parts.extensions.get::<Principal>().cloned().ok_or_else(|| {
            tracing::error!(path = %parts.uri.path(), "route reads the caller but is not behind authentication");
            AppError::new(ErrorCode::Internal, "this route is not set up for signed-in callers")
        })
    }
}

/// The organisation a call acts in: the signed-in caller's, never anything the request names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tenant(pub TenantId);

impl FromRequestParts<AppState> for Tenant {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        Ok(Tenant(principal.organisation.id))
    }
}
