//! `POST /webhooks/shopify`: the one URL every connected shop's webhooks come to (subscribed
//! when the shop is connected, or added by hand in the app's settings: topics `orders/create`,
//! `orders/updated`, `orders/paid`, `orders/fulfilled`, `orders/cancelled`, `app/uninstalled`).
//!
//! The shop is found by `X-Shopify-Shop-Domain`, and `X-Shopify-Hmac-Sha256` is checked over the
//! raw body with that shop's client secret before anything reads it. An order is stored as the
//! shop reported it, and only then answered 200, so Shopify delivers again anything not stored.
//! Redeliveries and reports out of order need no ledger of webhook ids: a report older than the
//! one kept (by the order's `updated_at`) changes nothing, and the same report twice changes
//! nothing either. `app/uninstalled` marks the shop unhealthy.

use super::Shops;
use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use botwot_actors::shop_secret_context;
use botwot_webhooks::shopify::{
    HMAC_HEADER, SHOP_DOMAIN_HEADER, TOPIC_HEADER, Topic, parse_order, verify_webhook,
};
use serde::Serialize;
use utoipa::ToSchema;

/// What became of the webhook.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopifyWebhookTaken {
    /// `stored`, `uninstalled` or `ignored` (a topic BotWot does not act on).
    pub outcome: &'static str,
    /// Where the order's confirmation stands now, for an order topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_status: Option<&'static str>,
}

/// Order webhooks from connected Shopify shops.
#[utoipa::path(post, path = "/webhooks/shopify", tag = "webhooks",
    request_body(content = String, description = "a Shopify webhook body, signed with the app's client secret"),
    responses(
        (status = 200, description = "stored (or a topic BotWot does not act on)", body = ShopifyWebhookTaken),
        (status = 400, description = "`invalid_payload`: not a Shopify order"),
        (status = 401, description = "`invalid_signature`"),
        (status = 404, description = "`not_found`: no connected shop of that domain"),
        (status = 503, description = "not stored; Shopify delivers it again"),
    ))]
pub async fn receive(
    State(state): State<AppState>,
    Shops(commerce): Shops,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ShopifyWebhookTaken>, AppError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let domain = header(SHOP_DOMAIN_HEADER)
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some(mut shop) = state.store.find_shop(&domain).await? else {
        return Err(AppError::not_found("connected shop"));
    };
    let secret = commerce
        .orders
        .deps()
        .sealer
        .open(
            &shop_secret_context(&shop.domain),
            &shop.sealed_webhook_secret,
        )
        .map_err(|error| {
            AppError::new(
                ErrorCode::Internal,
                format!("the shop's secret does not open: {error}"),
            )
        })?;
    verify_webhook(secret.as_bytes(), header(HMAC_HEADER), &body)
        .map_err(|error| AppError::new(ErrorCode::InvalidSignature, error.to_string()))?;
    let topic = Topic::parse(header(TOPIC_HEADER).unwrap_or_default());
    ::metrics::counter!("botwot_shopify_webhooks_total", "topic" => topic.as_str().to_owned())
        .increment(1);
    if topic == Topic::AppUninstalled {
        shop.unhealthy = Some("BotWot's app was uninstalled from the shop".to_owned());
        shop.updated_at = state.now();
        state.store.save_shop(&shop).await?;
        tracing::warn!(shop = %shop.domain, "the app was uninstalled from a shop");
        return Ok(Json(ShopifyWebhookTaken {
            outcome: "uninstalled",
            reminder_status: None,
        }));
    }
    if !topic.is_order() {
        return Ok(Json(ShopifyWebhookTaken {
            outcome: "ignored",
            reminder_status: None,
        }));
    }
    let snapshot = parse_order(&body).map_err(|error| {
        AppError::new(
            ErrorCode::InvalidPayload,
            format!("{error} ({})", error.code()),
        )
    })?;
    let order = commerce.orders.observe(&shop, snapshot).await?;
    tracing::info!(order = %order.id, topic = topic.as_str(), status = order.reminder_status.as_str(), "shopify order webhook");
    Ok(Json(ShopifyWebhookTaken {
        outcome: "stored",
        reminder_status: Some(order.reminder_status.as_str()),
    }))
}
