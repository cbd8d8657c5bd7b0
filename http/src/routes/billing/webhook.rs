//! `POST /webhooks/razorpay`: the URL to paste into Razorpay's dashboard (Settings → Webhooks,
//! with the secret set as `payments.razorpay.webhook_secret`; events `subscription.*`,
//! `payment.authorized`, `payment.captured`, `payment.failed`, `order.paid`).
//!
//! `X-Razorpay-Signature` is checked over the raw body before anything reads it. The report is
//! settled into the organisation's account and the event id (`x-razorpay-event-id`) recorded;
//! only then is it answered 200, so Razorpay delivers again anything not stored. The same event
//! delivered twice, or reports arriving out of order, change the account once and in the
//! provider's order (ADR 0021). Events billing does not act on, and reports about subscriptions
//! or orders BotWot did not create, are answered 200 and left alone.

use super::Billed;
use crate::errors::{AppError, ErrorCode};
use axum::Json;
use axum::body::Bytes;
use axum::http::HeaderMap;
use botwot_webhooks::razorpay::{EVENT_ID_HEADER, SIGNATURE_HEADER, parse_event, verify_webhook};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// What became of the event.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookTaken {
    /// `settled`, `duplicate`, `not_ours` or `ignored`.
    pub outcome: &'static str,
}

/// Payment reports from Razorpay.
#[utoipa::path(post, path = "/webhooks/razorpay", tag = "webhooks",
    request_body(content = String, description = "a Razorpay webhook body, signed with the webhook secret"),
    responses(
        (status = 200, description = "settled (or a duplicate, or not BotWot's)", body = WebhookTaken),
        (status = 400, description = "`invalid_payload`: not a Razorpay event"),
        (status = 401, description = "`invalid_signature`"),
        (status = 404, description = "`payments_disabled`"),
        (status = 503, description = "not stored; Razorpay delivers it again"),
    ))]
pub async fn receive(
    Billed(payments): Billed,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookTaken>, AppError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    verify_webhook(
        payments.webhook_secret.as_bytes(),
        header(SIGNATURE_HEADER),
        &body,
    )
    .map_err(|error| AppError::new(ErrorCode::InvalidSignature, error.to_string()))?;
    let event = parse_event(&body).map_err(|error| {
        AppError::new(
            ErrorCode::InvalidPayload,
            format!("{error} ({})", error.code()),
        )
    })?;
    // Razorpay names every event; a body without the header is still told apart by its bytes.
    let event_id = match header(EVENT_ID_HEADER).filter(|id| !id.is_empty()) {
        Some(id) => id.to_owned(),
        None => format!("body:{}", hex::encode(Sha256::digest(&body))),
    };
    let outcome = payments
        .billing
        .take_report(&event_id, event.report)
        .await?;
    ::metrics::counter!("botwot_billing_webhooks_total", "outcome" => outcome.as_str())
        .increment(1);
    tracing::info!(event = %event.event, event_id, outcome = outcome.as_str(), "razorpay webhook");
    Ok(Json(WebhookTaken {
        outcome: outcome.as_str(),
    }))
}
