//! A Razorpay webhook body read into what billing acts on.
//!
//! The body is `{"entity":"event","event":"subscription.charged","contains":[...],
//! "payload":{"subscription":{"entity":{...}},"payment":{"entity":{...}}},"created_at":...}`.
//! Subscription events carry the subscription as it stands; payment and order events carry the
//! payment. Events billing does not act on, and events without the entity billing reads, are
//! events without a report, never refused; an entity that is there but unreadable is.

use super::entities::{EntityError, read_payment, read_subscription, seconds};
use botwot_engine::billing::ProviderReport;
use serde::Deserialize;
use serde_json::Value;

/// The header with the event's id, the same on every delivery of one event.
pub const EVENT_ID_HEADER: &str = "x-razorpay-event-id";

/// What a webhook reports: the event's name and, for the events billing acts on
/// (`subscription.*`, `payment.*`, `order.paid`), the subscription or payment as it stands.
/// Anything else (refunds, invoices, disputes, ...) has no report: acknowledged, not acted on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillingEvent {
    pub event: String,
    pub report: Option<ProviderReport>,
}

#[derive(Deserialize)]
struct RawEvent {
    event: String,
    created_at: i64,
    #[serde(default)]
    payload: Value,
}

/// Reads a webhook body (already verified against its signature).
pub fn parse_event(body: &[u8]) -> Result<BillingEvent, EntityError> {
    let raw: RawEvent = serde_json::from_slice(body).map_err(|error| EntityError::Shape {
        entity: "event",
        reason: error.to_string(),
    })?;
    let at = seconds(raw.created_at);
    let entity = |name: &str| raw.payload.get(name).and_then(|part| part.get("entity"));
    let family = raw.event.split('.').next().unwrap_or_default();
    let report = match (family, entity("subscription"), entity("payment")) {
        ("subscription", Some(subscription), _) => Some(ProviderReport::Subscription(
            read_subscription(subscription, at)?,
        )),
        ("payment" | "order", _, Some(payment)) => {
            Some(ProviderReport::Payment(read_payment(payment, at)?))
        }
        _ => None,
    };
    Ok(BillingEvent {
        event: raw.event,
        report,
    })
}
