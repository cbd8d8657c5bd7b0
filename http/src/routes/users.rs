//! `/v1/users`: the organisation's users. Administrators invite people (an emailed code lets
//! them set a password), change their role, modules and status, and remove them. Nobody can
//! give more than they hold: only a SUPERADMIN makes or changes a SUPERADMIN, and others grant
//! only modules they may use themselves. Nobody changes their own role or status, or removes
//! themselves. Inviting past the plan's user limit is refused with the limit named.

use crate::auth::views::UserView;
use crate::auth::{Principal, codes, plan_limits};
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::auth::email_field;
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use botwot_engine::access::{
    LimitedResource, Module, OtpPurpose, Permissions, Role, UserAccount, UserStatus,
};
use botwot_engine::ids::UserId;
use botwot_engine::ports::StoreError;
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use std::collections::BTreeSet;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListUsersQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{userId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct UserPath {
    /// The user's id.
    user_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InviteUser {
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// SUPERADMIN, MANAGER, AGENT or CUSTOM.
    #[schema(value_type = String)]
    pub role: Role,
    /// Modules granted beyond the role's (all of them for CUSTOM), such as `["5.2", "11"]`.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub modules: BTreeSet<Module>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUser {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[schema(value_type = Option<String>)]
    pub role: Option<Role>,
    /// Replaces the granted modules.
    #[schema(value_type = Option<Vec<String>>)]
    pub modules: Option<BTreeSet<Module>>,
    /// ACTIVE or DISABLED (an invited user becomes active by accepting).
    #[schema(value_type = Option<String>)]
    pub status: Option<UserStatus>,
}

/// Lists the organisation's users, oldest first.
#[utoipa::path(
    get, path = "/v1/users", tag = "users", params(ListUsersQuery),
    responses((status = 200, description = "a page of users", body = Vec<UserView>)),
)]
pub async fn list_users(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListUsersQuery>,
) -> Result<Json<Page<UserView>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let users = state.store.list_users(principal.tenant(), &page).await?;
    Ok(Json(Page {
        items: users.items.iter().map(UserView::from).collect(),
        next_cursor: users.next_cursor,
    }))
}

/// Invites a user: they get an emailed code to set their password.
#[utoipa::path(
    post, path = "/v1/users", tag = "users", request_body = InviteUser,
    responses((status = 201, description = "the invited user", body = UserView)),
)]
pub async fn invite_user(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(request): JsonBody<InviteUser>,
) -> Result<impl IntoResponse, AppError> {
    let mut errors = ValidationErrors::default();
    let email = email_field(&request.email, &mut errors);
    UserAccount::check_name(&mut errors, "firstName", &request.first_name);
    UserAccount::check_name(&mut errors, "lastName", &request.last_name);
    errors.into_result(())?;
    let permissions = Permissions::of(request.role).granting(request.modules);
    principal.may_grant(&permissions)?;
    check_user_limit(&state, &principal).await?;
    let user = UserAccount::create(
        principal.tenant().clone(),
        email.clone(),
        (request.first_name, request.last_name),
        permissions,
        UserStatus::Invited,
        state.now(),
    );
    match state.store.insert_user(&user).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::new(
                ErrorCode::EmailTaken,
                "this address already belongs to a user",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    codes::send(&state, OtpPurpose::Invitation, &email).await?;
    tracing::info!(user_id = %user.id, tenant_id = %user.tenant_id, by = %principal.user.id, "user invited");
    let location = format!("/v1/users/{}", user.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(UserView::from(&user)),
    ))
}

/// One user of the organisation.
#[utoipa::path(
    get, path = "/v1/users/{userId}", tag = "users", params(UserPath),
    responses((status = 200, description = "the user", body = UserView)),
)]
pub async fn get_user(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<UserPath>,
) -> Result<Json<UserView>, AppError> {
    let user = find(&state, &principal, &path.user_id).await?;
    Ok(Json(UserView::from(&user)))
}

/// Changes a user's names, role, modules or status.
#[utoipa::path(
    patch, path = "/v1/users/{userId}", tag = "users", params(UserPath),
    request_body = UpdateUser,
    responses((status = 200, description = "the changed user", body = UserView)),
)]
pub async fn update_user(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<UserPath>,
    JsonBody(request): JsonBody<UpdateUser>,
) -> Result<Json<UserView>, AppError> {
    let mut user = find(&state, &principal, &path.user_id).await?;
    let mut errors = ValidationErrors::default();
    if let Some(name) = &request.first_name {
        UserAccount::check_name(&mut errors, "firstName", name);
    }
    if let Some(name) = &request.last_name {
        UserAccount::check_name(&mut errors, "lastName", name);
    }
    if request.status == Some(UserStatus::Invited) {
        errors.add("status", "must be ACTIVE or DISABLED");
    }
    errors.into_result(())?;
    let changes_access =
        request.role.is_some() || request.modules.is_some() || request.status.is_some();
    if changes_access && user.id == principal.user.id {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "you cannot change your own role, modules or status",
        ));
    }
    principal.may_grant(&user.permissions)?;
    let mut permissions = user.permissions.clone();
    if let Some(role) = request.role {
        permissions.role = role;
    }
    if let Some(modules) = request.modules {
        permissions.granted = modules;
    }
    principal.may_grant(&permissions)?;
    user.permissions = permissions;
    if let Some(status) = request.status {
        if user.status == UserStatus::Invited && status == UserStatus::Active {
            return Err(AppError::new(
                ErrorCode::Conflict,
                "an invited user becomes active by accepting the invitation",
            ));
        }
        user.status = status;
    }
    if let Some(name) = request.first_name {
        user.first_name = name.trim().to_owned();
    }
    if let Some(name) = request.last_name {
        user.last_name = name.trim().to_owned();
    }
    user.updated_at = state.now();
    state.store.update_user(&user).await?;
    tracing::info!(user_id = %user.id, tenant_id = %user.tenant_id, by = %principal.user.id, "user updated");
    Ok(Json(UserView::from(&user)))
}

/// Removes a user and ends their sign-ins.
#[utoipa::path(
    delete, path = "/v1/users/{userId}", tag = "users", params(UserPath),
    responses((status = 204, description = "the user is removed")),
)]
pub async fn delete_user(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<UserPath>,
) -> Result<StatusCode, AppError> {
    let user = find(&state, &principal, &path.user_id).await?;
    if user.id == principal.user.id {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "you cannot remove yourself",
        ));
    }
    principal.may_grant(&user.permissions)?;
    state
        .store
        .delete_user(principal.tenant(), &user.id)
        .await?;
    tracing::info!(user_id = %user.id, tenant_id = %user.tenant_id, by = %principal.user.id, "user removed");
    Ok(StatusCode::NO_CONTENT)
}

async fn find(state: &AppState, principal: &Principal, id: &str) -> Result<UserAccount, AppError> {
    state
        .store
        .get_user(principal.tenant(), &UserId::from(id))
        .await?
        .ok_or_else(|| AppError::not_found(format_args!("user {id}")))
}

async fn check_user_limit(state: &AppState, principal: &Principal) -> Result<(), AppError> {
    let Some(needed) = plan_limits::count_needed(principal, LimitedResource::Users) else {
        return Ok(());
    };
    let in_use = state.store.count_users(principal.tenant(), needed).await?;
    plan_limits::allow_one_more(principal, LimitedResource::Users, in_use)
}
