//! `GET /v1/me`: the signed-in user, their organisation and the modules they may use.

use crate::auth::Principal;
use crate::auth::views::{OrganisationView, UserView};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub user: UserView,
    pub organisation: OrganisationView,
}

/// Who the access token belongs to.
#[utoipa::path(
    get, path = "/v1/me", tag = "users",
    responses((status = 200, description = "the caller", body = Me)),
)]
pub async fn me(principal: Principal) -> Json<Me> {
    Json(Me {
        user: UserView::from(&principal.user),
        organisation: OrganisationView::from(&principal.organisation),
    })
}
