//! `POST /v1/admin/billing/plans`: an operator prices a tier (PRD `POST /payment/plan`). A
//! monthly plan is created at the provider and becomes the tier's price for new subscriptions
//! and orders; subscriptions already running keep theirs. Behind the operators' token, not in
//! the access map.

use super::Billed;
use super::views::PlanView;
use crate::errors::AppError;
use crate::extract::JsonBody;
use axum::Json;
use axum::http::StatusCode;
use botwot_engine::access::PlanTier;
use serde::Deserialize;
use utoipa::ToSchema;

/// A tier's monthly price.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceInput {
    /// BASE or PRO.
    #[schema(value_type = String, example = "PRO")]
    pub tier: PlanTier,
    /// One month in the currency's smallest unit (29900 is $299.00), at least 100.
    pub amount: u64,
    /// ISO 4217, such as USD or INR.
    pub currency: String,
}

/// Prices a tier monthly.
#[utoipa::path(post, path = "/v1/admin/billing/plans", tag = "operators", request_body = PriceInput,
    responses(
        (status = 201, description = "the tier's new price", body = PlanView),
        (status = 422, description = "`tier_not_purchasable` or `validation_failed`"),
        (status = 502, description = "`payment_provider_refused`"),
    ))]
pub async fn price_tier(
    Billed(payments): Billed,
    JsonBody(input): JsonBody<PriceInput>,
) -> Result<(StatusCode, Json<PlanView>), AppError> {
    let plan = payments
        .billing
        .price_tier(input.tier, input.amount, &input.currency)
        .await?;
    tracing::info!(tier = plan.tier.as_str(), amount = plan.amount, currency = %plan.currency, "tier priced by an operator");
    Ok((StatusCode::CREATED, Json(PlanView::from(&plan))))
}
