//! Who is calling: the bearer access token (or API key) is verified, its user and organisation are read
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
use botwot_adapters::auth::api_keys::{API_KEY_PREFIX, PresentedApiKey};
use botwot_adapters::auth::tokens::TokenError;
use botwot_engine::TenantId;
use botwot_engine::access::{
    ApiKey, AuditActor, Module, Organisation, OrganisationStatus, Permissions, Role, UserAccount,
    UserStatus,
};
use botwot_engine::ids::UserId;

/// The signed-in caller of a request: a user, or an API key acting as a CUSTOM user with the
/// key's modules.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: UserAccount,
    pub organisation: Organisation,
    /// Set when the caller is an API key (then `user` stands for the key).
    pub api_key: Option<ApiKey>,
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
        match &self.api_key {
            Some(key) => AuditActor {
                kind: "apiKey".to_owned(),
                id: key.id.to_string(),
                label: key.name.clone(),
            },
            None => crate::audit::user_actor(&self.user),
        }
    }

    /// `Ok` when the caller may hand out (or take away) `permissions`: a SUPERADMIN may do
    /// anything; others never the SUPERADMIN role, and only modules they hold themselves.
    pub fn may_grant(&self, permissions: &Permissions) -> Result<(), AppError> {
        if self.user.permissions.role == Role::SuperAdmin {
            return Ok(());
        }
        if permissions.role == Role::SuperAdmin {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "only a SUPERADMIN can make or change a SUPERADMIN",
            ));
        }
        let beyond: Vec<String> = Module::all()
            .filter(|module| permissions.allows(*module) && !self.allows(*module))
            .map(|module| module.to_string())
            .collect();
        if beyond.is_empty() {
            Ok(())
        } else {
            Err(AppError::new(
                ErrorCode::Forbidden,
                format!(
                    "you can only grant modules you hold yourself; not {}",
                    beyond.join(", ")
                ),
            ))
        }
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

/// Verifies `token` (an access token or an API key) and reads who it belongs to.
pub async fn principal_of(state: &AppState, token: &str) -> Result<Principal, AppError> {
    if token.starts_with(API_KEY_PREFIX) {
        return principal_of_key(state, token).await;
    }
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
    let organisation = active_organisation(state, &tenant).await?;
    Ok(Principal {
        user,
        organisation,
        api_key: None,
    })
}

async fn active_organisation(
    state: &AppState,
    tenant: &TenantId,
) -> Result<Organisation, AppError> {
    let organisation = state.store.get_organisation(tenant).await?.ok_or_else(|| {
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
    Ok(organisation)
}

/// An API key: found by the id it names, its secret checked against the stored digest.
async fn principal_of_key(state: &AppState, token: &str) -> Result<Principal, AppError> {
    let refused = || AppError::new(ErrorCode::InvalidToken, "the API key is unknown or revoked");
    let presented = PresentedApiKey::parse(token).ok_or_else(refused)?;
    let key = state
        .store
        .get_api_key(&presented.id)
        .await?
        .filter(|key| !key.is_revoked() && presented.matches(&key.digest))
        .ok_or_else(refused)?;
    let organisation = active_organisation(state, &key.tenant_id).await?;
    let mut user = UserAccount::create(
        key.tenant_id.clone(),
        String::new(),
        (key.name.clone(), String::new()),
        key.permissions(),
        UserStatus::Active,
        key.created_at,
    );
    user.id = UserId::new(key.id.as_str());
    Ok(Principal {
        user,
        organisation,
        api_key: Some(key),
    })
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
