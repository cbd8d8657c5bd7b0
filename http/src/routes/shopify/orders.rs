//! `/v1/shopify/orders`: the orders followed for the organisation's shops (the PRD's
//! `GET /shopify/orders`), the most recently placed first, with where each one's confirmation
//! stands: the reminders sent, the customer's answer, and why an order gets none.

use super::Shops;
use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::commerce::{ReminderStatus, TrackedOrder};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListOrdersQuery {
    /// Only this shop's orders (`name.myshopify.com`).
    shop: Option<String>,
    /// Only orders whose confirmation stands so: `awaiting`, `confirmed`, `declined`,
    /// `unanswered`, `settled`, `failed`, `not_cash_on_delivery`, `no_phone`, `too_old`, `off`.
    status: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{shopDomain}/orders/{orderId}` path segments.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct OrderPath {
    shop_domain: String,
    /// Shopify's numeric order id.
    order_id: String,
}

/// The orders followed, the most recently placed first.
#[utoipa::path(get, path = "/v1/shopify/orders", tag = "shopify", params(ListOrdersQuery),
    responses(
        (status = 200, description = "a page of orders", body = Object),
        (status = 400, description = "`invalid_query`: an unknown status"),
    ))]
pub async fn list_orders(
    State(state): State<AppState>,
    _shops: Shops,
    principal: Principal,
    QueryParams(query): QueryParams<ListOrdersQuery>,
) -> Result<Json<Page<TrackedOrder>>, AppError> {
    let status = match query.status.as_deref() {
        None => None,
        Some(name) => Some(ReminderStatus::parse(name).ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidQuery,
                format!("status {name:?} is not one of the reminder statuses"),
            )
        })?),
    };
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .list_orders(principal.tenant(), query.shop.as_deref(), status, &page)
        .await?;
    Ok(Json(Page {
        items: listed.items,
        next_cursor: listed.next_cursor,
    }))
}

/// One order.
#[utoipa::path(get, path = "/v1/shopify/shops/{shopDomain}/orders/{orderId}", tag = "shopify",
    params(OrderPath),
    responses((status = 200, description = "the order", body = Object)))]
pub async fn get_order(
    State(state): State<AppState>,
    _shops: Shops,
    principal: Principal,
    PathParams(path): PathParams<OrderPath>,
) -> Result<Json<TrackedOrder>, AppError> {
    let key = TrackedOrder::key(&path.shop_domain, &path.order_id);
    let order = state
        .store
        .get_order(principal.tenant(), &key)
        .await?
        .ok_or_else(|| AppError::not_found("order"))?;
    Ok(Json(order))
}
