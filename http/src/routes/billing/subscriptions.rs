//! Subscribing: `POST /v1/billing/subscriptions` starts a monthly subscription to a tier (the
//! customer pays at its `shortUrl`, or in the checkout opened with the subscription id);
//! `.../confirm` hands over what the checkout returned, so the tier applies at once rather than
//! when the provider's webhook arrives; `.../cancel` ends it now or at the end of the paid month.

use super::account::view;
use super::views::{AccountView, SubscriptionView};
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

/// The tier to subscribe to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubscribeInput {
    /// BASE or PRO.
    #[schema(value_type = String, example = "PRO")]
    pub tier: PlanTier,
}

/// A new subscription and what the checkout opens with.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionStarted {
    pub subscription: SubscriptionView,
    /// The key id for the provider's checkout (`key`), with `subscription.id` as its
    /// `subscription_id`.
    pub checkout_key: String,
}

/// The `{subscriptionId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct SubscriptionPath {
    /// The provider's subscription id (`sub_...`).
    subscription_id: String,
}

/// What the provider's checkout handed the browser after the first payment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionCheckout {
    pub razorpay_payment_id: String,
    pub razorpay_signature: String,
    /// The subscription the checkout was opened with; must match the path when given.
    #[serde(default)]
    pub razorpay_subscription_id: Option<String>,
}

/// When a cancellation takes effect.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancelInput {
    /// `true`: at the end of the month already paid (the tier stays until then); `false`
    /// (default): now.
    #[serde(default)]
    pub at_cycle_end: bool,
}

/// Starts a monthly subscription to a tier (PRD `POST /payment/subscription/:planId`).
#[utoipa::path(post, path = "/v1/billing/subscriptions", tag = "billing",
    request_body = SubscribeInput,
    responses(
        (status = 201, description = "created at the provider; the customer pays next", body = SubscriptionStarted),
        (status = 409, description = "`tier_not_priced`, `subscription_exists` or `enterprise_billed_separately`"),
        (status = 422, description = "`tier_not_purchasable` (ENTERPRISE)"),
        (status = 502, description = "`payment_provider_refused`"),
        (status = 503, description = "`payment_provider_unavailable`, with `Retry-After`"),
    ))]
pub async fn subscribe(
    Billed(payments): Billed,
    principal: Principal,
    JsonBody(input): JsonBody<SubscribeInput>,
) -> Result<(StatusCode, Json<SubscriptionStarted>), AppError> {
    let subscription = payments
        .billing
        .subscribe(principal.tenant(), input.tier)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SubscriptionStarted {
            subscription: SubscriptionView::from(&subscription),
            checkout_key: payments.billing.checkout_key().to_owned(),
        }),
    ))
}

/// Confirms the checkout's first payment: the signature is checked, the subscription read
/// from the provider and the tier applied.
#[utoipa::path(post, path = "/v1/billing/subscriptions/{subscriptionId}/confirm", tag = "billing",
    params(SubscriptionPath), request_body = SubscriptionCheckout,
    responses(
        (status = 200, description = "the organisation's billing after it", body = AccountView),
        (status = 400, description = "`invalid_checkout_signature`"),
        (status = 404, description = "no such subscription of the organisation"),
    ))]
pub async fn confirm_subscription(
    State(state): State<AppState>,
    Billed(payments): Billed,
    principal: Principal,
    PathParams(path): PathParams<SubscriptionPath>,
    JsonBody(input): JsonBody<SubscriptionCheckout>,
) -> Result<Json<AccountView>, AppError> {
    same_checkout(
        input.razorpay_subscription_id.as_deref(),
        &path.subscription_id,
    )?;
    let account = payments
        .billing
        .confirm_subscription(
            principal.tenant(),
            &path.subscription_id,
            &input.razorpay_payment_id,
            &input.razorpay_signature,
        )
        .await?;
    Ok(Json(view(&state, &payments.billing, &account).await?))
}

/// Cancels the subscription, now or at the end of the paid month.
#[utoipa::path(post, path = "/v1/billing/subscriptions/{subscriptionId}/cancel", tag = "billing",
    params(SubscriptionPath), request_body = CancelInput,
    responses(
        (status = 200, description = "the organisation's billing after it", body = AccountView),
        (status = 404, description = "no such subscription of the organisation"),
        (status = 409, description = "`subscription_ended`"),
    ))]
pub async fn cancel_subscription(
    State(state): State<AppState>,
    Billed(payments): Billed,
    principal: Principal,
    PathParams(path): PathParams<SubscriptionPath>,
    JsonBody(input): JsonBody<CancelInput>,
) -> Result<Json<AccountView>, AppError> {
    let account = payments
        .billing
        .cancel_subscription(
            principal.tenant(),
            &path.subscription_id,
            input.at_cycle_end,
        )
        .await?;
    Ok(Json(view(&state, &payments.billing, &account).await?))
}
