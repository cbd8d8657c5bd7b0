//! Prepaying: `POST /v1/billing/orders` creates an order for whole months of a tier at its
//! price (PRD `POST /payment/create`); the browser pays it in the provider's checkout and hands
//! the result to `.../capture` (PRD `POST /payment/capture/:id`), which checks the signature,
//! captures the payment if it is only authorised, and applies the months bought.

use super::account::view;
use super::views::{AccountView, OrderView};
use super::{Billed, same_checkout};
use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::access::PlanTier;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What to prepay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderInput {
    /// BASE or PRO.
    #[schema(value_type = String, example = "PRO")]
    pub tier: PlanTier,
    /// Whole months, 1 to 24; the price is the tier's monthly price times this.
    pub months: u32,
}

/// A new order and what the checkout opens with.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreated {
    pub order: OrderView,
    /// The key id for the provider's checkout (`key`), with `order.id` as its `order_id`.
    pub checkout_key: String,
}

/// The `{orderId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct OrderPath {
    /// The provider's order id (`order_...`).
    order_id: String,
}

/// What the provider's checkout handed the browser after the payment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderCheckout {
    pub razorpay_payment_id: String,
    pub razorpay_signature: String,
    /// The order the checkout was opened with; must match the path when given.
    #[serde(default)]
    pub razorpay_order_id: Option<String>,
}

/// Creates an order for months of a tier.
#[utoipa::path(post, path = "/v1/billing/orders", tag = "billing", request_body = OrderInput,
    responses(
        (status = 201, description = "created at the provider; the customer pays next", body = OrderCreated),
        (status = 409, description = "`tier_not_priced` or `enterprise_billed_separately`"),
        (status = 422, description = "`validation_failed` (months) or `tier_not_purchasable`"),
    ))]
pub async fn create_order(
    Billed(payments): Billed,
    principal: Principal,
    JsonBody(input): JsonBody<OrderInput>,
) -> Result<(StatusCode, Json<OrderCreated>), AppError> {
    let order = payments
        .billing
        .order(principal.tenant(), input.tier, input.months)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(OrderCreated {
            order: OrderView::from(&order),
            checkout_key: payments.billing.checkout_key().to_owned(),
        }),
    ))
}

/// Captures the checkout's payment of the order and applies the months it bought.
#[utoipa::path(post, path = "/v1/billing/orders/{orderId}/capture", tag = "billing",
    params(OrderPath), request_body = OrderCheckout,
    responses(
        (status = 200, description = "the organisation's billing with the order paid", body = AccountView),
        (status = 400, description = "`invalid_checkout_signature`"),
        (status = 402, description = "`payment_failed`: the provider's reason in the message"),
        (status = 404, description = "no such order of the organisation"),
        (status = 409, description = "`payment_mismatch`: another order's payment, or another amount"),
    ))]
pub async fn capture_order(
    State(state): State<AppState>,
    Billed(payments): Billed,
    principal: Principal,
    PathParams(path): PathParams<OrderPath>,
    JsonBody(input): JsonBody<OrderCheckout>,
) -> Result<Json<AccountView>, AppError> {
    same_checkout(input.razorpay_order_id.as_deref(), &path.order_id)?;
    let account = payments
        .billing
        .capture_order(
            principal.tenant(),
            &path.order_id,
            &input.razorpay_payment_id,
            &input.razorpay_signature,
        )
        .await?;
    Ok(Json(view(&state, &payments.billing, &account).await?))
}
