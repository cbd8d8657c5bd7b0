//! `GET /v1/billing` and `GET /v1/billing/plans`: what the organisation pays for, and what it
//! could.

use super::Billed;
use super::views::{AccountView, PlanView};
use crate::auth::Principal;
use crate::errors::AppError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_actors::Billing;
use botwot_engine::billing::BillingAccount;

/// The organisation's billing: the tier in force, the tier paid for and until when, its
/// subscriptions and orders.
#[utoipa::path(get, path = "/v1/billing", tag = "billing",
    responses(
        (status = 200, description = "the organisation's billing", body = AccountView),
        (status = 404, description = "`payments_disabled`"),
    ))]
pub async fn billing_account(
    State(state): State<AppState>,
    Billed(payments): Billed,
    principal: Principal,
) -> Result<Json<AccountView>, AppError> {
    let account = payments.billing.account(principal.tenant()).await?;
    Ok(Json(view(&state, &payments.billing, &account).await?))
}

/// The tiers on sale and their monthly prices.
#[utoipa::path(get, path = "/v1/billing/plans", tag = "billing",
    responses(
        (status = 200, description = "the priced tiers", body = Vec<PlanView>),
        (status = 404, description = "`payments_disabled`"),
    ))]
pub async fn billing_plans(Billed(payments): Billed) -> Result<Json<Vec<PlanView>>, AppError> {
    let plans = payments.billing.plans().await?;
    Ok(Json(plans.iter().map(PlanView::from).collect()))
}

/// The account as answered, with the tier now in force read again (settling may just have
/// moved it).
pub(super) async fn view(
    state: &AppState,
    billing: &Billing,
    account: &BillingAccount,
) -> Result<AccountView, AppError> {
    let organisation = state
        .store
        .get_organisation(&account.tenant_id)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    Ok(AccountView::new(
        account,
        organisation.subscription_tier,
        billing.checkout_key(),
    ))
}
