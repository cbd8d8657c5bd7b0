//! Shops (PRD §3.8.2): `/v1/shopify/shops` connects an organisation's Shopify shops (the PRD's
//! `POST /shopify/save`) with how their cash-on-delivery orders are confirmed on WhatsApp,
//! `/v1/shopify/orders` lists the orders followed and where each one's confirmation stands
//! (`GET /shopify/orders`), and `/webhooks/shopify` takes the shops' order webhooks
//! (`POST /shopify/webhook`). The reminders themselves go out from the node's
//! [`OrderReminders`]; a customer's tap on a reminder's button comes back through Meta's webhook.

mod errors;
pub mod orders;
pub mod shops;
pub mod webhook;

use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use botwot_actors::OrderReminders;

/// The topics a connected shop's webhooks are subscribed to.
pub const WEBHOOK_TOPICS: [&str; 6] = [
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/fulfilled",
    "orders/cancelled",
    "app/uninstalled",
];

/// The path Shopify's webhooks come to.
pub const WEBHOOK_PATH: &str = "/webhooks/shopify";

/// A node's shops: the order reminders (with the store, the Admin API and the sealer they
/// use) and the public address Shopify is told to send webhooks to.
#[derive(Clone)]
pub struct Commerce {
    pub orders: OrderReminders,
    /// `http.public_url`; without it a shop's webhooks are subscribed by hand.
    pub public_url: Option<String>,
}

impl Commerce {
    /// The full URL of the webhook endpoint, when the server knows its public address.
    pub fn webhook_url(&self) -> Option<String> {
        self.public_url
            .as_deref()
            .map(|base| format!("{}{WEBHOOK_PATH}", base.trim_end_matches('/')))
    }
}

/// The node's shops; 404 `commerce_disabled` when the node has none (tests of other parts).
pub struct Shops(pub Commerce);

impl FromRequestParts<AppState> for Shops {
    type Rejection = AppError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.commerce.clone().map(Shops).ok_or_else(|| {
            AppError::new(
                ErrorCode::CommerceDisabled,
                "shops are not served by this node",
            )
        })
    }
}
