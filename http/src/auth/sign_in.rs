//! Token pairs: a sign-in starts a refresh family and gets a 60-minute access token with the
//! PRD's claims; refreshing spends the refresh token and returns the next pair; signing out
//! revokes the family. A refresh token used twice revokes its family (someone copied it).

use super::views::{TokenPair, UserView, as_text};
use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use botwot_adapters::auth::refresh::RefreshToken;
use botwot_adapters::auth::tokens::Subject;
use botwot_engine::access::{RefreshError, RefreshFamily, RevokeReason, UserAccount};
use botwot_engine::ids::RefreshFamilyId;
use botwot_engine::ports::StoreError;

/// Starts a sign-in for `user` (who has just proved who they are).
pub async fn start(state: &AppState, user: &UserAccount) -> Result<TokenPair, AppError> {
    let id = RefreshFamilyId::generate();
    let refresh = RefreshToken::generate(&id).map_err(internal)?;
    let family = RefreshFamily::start(
        id,
        user.tenant_id.clone(),
        user.id.clone(),
        refresh.digest(),
        state.now(),
        state.auth.refresh_ttl,
    );
    state.store.put_refresh_family(&family).await?;
    pair(state, user, &refresh)
}

/// Spends `presented` and returns the next pair.
pub async fn refresh(state: &AppState, presented: &str) -> Result<TokenPair, AppError> {
    let now = state.now();
    let presented = RefreshToken::presented(presented);
    let mut family = find_family(state, &presented).await?;
    let next = RefreshToken::generate(&family.id).map_err(internal)?;
    let spent = presented.digest();
    if let Err(refused) = family.rotate(&spent, next.digest(), now) {
        if refused == RefreshError::Reused {
            tracing::warn!(family_id = %family.id, user_id = %family.user_id, "refresh token reused; sign-in revoked");
            state.store.put_refresh_family(&family).await?;
        }
        return Err(refresh_error(&refused));
    }
    let user = state
        .store
        .get_user(&family.tenant_id, &family.user_id)
        .await?
        .filter(UserAccount::is_active)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::AccountDisabled,
                "this account is disabled or no longer exists",
            )
        })?;
    match state.store.rotate_refresh_family(&family, &spent).await {
        Ok(()) => pair(state, &user, &next),
        Err(StoreError::Conflict(_)) => {
            // Another request spent this token first: treat it as the reuse it is.
            family.revoke(RevokeReason::Reuse, now);
            state.store.put_refresh_family(&family).await?;
            Err(refresh_error(&RefreshError::Reused))
        }
        Err(error) => Err(error.into()),
    }
}

/// Revokes the sign-in `presented` belongs to. Unknown tokens are ignored (signing out twice is
/// fine); a token of another family is not proof enough to end it.
pub async fn end(state: &AppState, presented: &str) -> Result<(), AppError> {
    let presented = RefreshToken::presented(presented);
    let Ok(mut family) = find_family(state, &presented).await else {
        return Ok(());
    };
    if family.accepts(&presented.digest(), state.now()) {
        family.revoke(RevokeReason::Logout, state.now());
        state.store.put_refresh_family(&family).await?;
    }
    Ok(())
}

async fn find_family(
    state: &AppState,
    presented: &RefreshToken,
) -> Result<RefreshFamily, AppError> {
    let unknown = || refresh_error(&RefreshError::Unknown);
    let id = presented.family().ok_or_else(unknown)?;
    state
        .store
        .get_refresh_family(&id)
        .await?
        .ok_or_else(unknown)
}

fn pair(
    state: &AppState,
    user: &UserAccount,
    refresh: &RefreshToken,
) -> Result<TokenPair, AppError> {
    let subject = Subject {
        user_id: user.id.to_string(),
        email_id: user.email.clone(),
        org_id: user.tenant_id.clone(),
        role_id: as_text(&user.permissions.role),
    };
    let access_token = state
        .auth
        .tokens
        .issue(subject, state.now())
        .map_err(|error| internal(error.to_string()))?;
    Ok(TokenPair {
        access_token,
        token_type: "Bearer",
        expires_in: state.auth.access_ttl.as_secs(),
        refresh_token: refresh.expose().to_owned(),
        user: UserView::from(user),
    })
}

fn refresh_error(error: &RefreshError) -> AppError {
    AppError::new(
        ErrorCode::InvalidRefreshToken,
        format!("{error} ({}); sign in again", error.code()),
    )
}

fn internal(error: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %error, "cannot issue tokens");
    AppError::new(ErrorCode::Internal, "cannot issue tokens right now")
}
