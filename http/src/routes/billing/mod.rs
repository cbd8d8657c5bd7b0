//! Payments (PRD §3.12, ADR 0021): `/v1/billing` for an organisation's people with the Payments
//! module — the priced tiers, its account (the tier paid for and until when, subscriptions,
//! orders), subscribing (`subscriptions.rs`) and prepaying months (`orders.rs`) through the
//! provider's checkout; `/v1/admin/billing/plans` for operators to price a tier (`plans.rs`);
//! and `/webhooks/razorpay` for the provider's reports (`webhook.rs`). The work is done by the
//! node's [`Billing`]; a server without payment keys answers 404 `payments_disabled`.

pub mod account;
mod errors;
pub mod orders;
pub mod plans;
pub mod subscriptions;
mod views;
pub mod webhook;

use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use botwot_actors::Billing;

/// A node's payments: its billing and the secret the provider signs webhooks with.
#[derive(Clone)]
pub struct Payments {
    pub billing: Billing,
    pub webhook_secret: String,
}

/// The id a checkout result names for what it paid, when it names one, must be the one in the
/// path: a result for another order or subscription is refused as not signing this payment.
fn same_checkout(named: Option<&str>, in_path: &str) -> Result<(), AppError> {
    match named {
        Some(named) if named != in_path => {
            Err(botwot_actors::BillingError::BadCheckoutSignature.into())
        }
        _ => Ok(()),
    }
}

/// The node's payments; 404 `payments_disabled` when none are configured.
pub struct Billed(pub Payments);

impl FromRequestParts<AppState> for Billed {
    type Rejection = AppError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.payments.clone().map(Billed).ok_or_else(|| {
            AppError::new(
                ErrorCode::PaymentsDisabled,
                "payments are off on this server: set [payments.razorpay] key_id, key_secret and webhook_secret",
            )
        })
    }
}
