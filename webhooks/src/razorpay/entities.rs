//! Razorpay's entities as its API and its webhooks write them, read into the engine's
//! snapshots. Times are Unix seconds or `null`; `notes` is an object, or `[]` when empty.

use botwot_engine::billing::{
    PaymentSnapshot, PaymentStatus, SubscriptionSnapshot, SubscriptionStatus,
};
use botwot_engine::time::Timestamp;
use serde::Deserialize;
use serde_json::Value;

/// Why an entity could not be read. Stable codes for the API's errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntityError {
    #[error("the {entity} is not valid JSON of Razorpay's shape: {reason}")]
    Shape {
        entity: &'static str,
        reason: String,
    },
    #[error("the {entity} has an unknown status {status:?}")]
    UnknownStatus {
        entity: &'static str,
        status: String,
    },
}

impl EntityError {
    pub fn code(&self) -> &'static str {
        match self {
            EntityError::Shape { .. } => "razorpay_entity_malformed",
            EntityError::UnknownStatus { .. } => "razorpay_status_unknown",
        }
    }
}

#[derive(Deserialize)]
struct RawSubscription {
    id: String,
    plan_id: String,
    status: String,
    current_start: Option<i64>,
    current_end: Option<i64>,
    ended_at: Option<i64>,
    #[serde(default)]
    paid_count: Option<u32>,
    short_url: Option<String>,
}

#[derive(Deserialize)]
struct RawPayment {
    id: String,
    amount: u64,
    currency: String,
    status: String,
    order_id: Option<String>,
    error_description: Option<String>,
}

/// A Razorpay order, as created.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct OrderEntity {
    pub id: String,
    pub amount: u64,
    pub currency: String,
    pub status: String,
    #[serde(default)]
    pub receipt: Option<String>,
}

/// Reads a subscription entity; `reported_at` is when Razorpay wrote it (the event's time, or
/// when its API answered).
pub fn read_subscription(
    entity: &Value,
    reported_at: Timestamp,
) -> Result<SubscriptionSnapshot, EntityError> {
    let raw: RawSubscription = shaped("subscription", entity)?;
    let status = SubscriptionStatus::parse(&raw.status).ok_or(EntityError::UnknownStatus {
        entity: "subscription",
        status: raw.status.clone(),
    })?;
    Ok(SubscriptionSnapshot {
        provider_id: raw.id,
        provider_plan_id: raw.plan_id,
        status,
        current_start: raw.current_start.map(seconds),
        current_end: raw.current_end.map(seconds),
        ended_at: raw.ended_at.map(seconds),
        paid_count: raw.paid_count.unwrap_or(0),
        short_url: raw.short_url.filter(|url| !url.is_empty()),
        reported_at,
    })
}

/// Reads a payment entity.
pub fn read_payment(
    entity: &Value,
    reported_at: Timestamp,
) -> Result<PaymentSnapshot, EntityError> {
    let raw: RawPayment = shaped("payment", entity)?;
    let status = PaymentStatus::parse(&raw.status).ok_or(EntityError::UnknownStatus {
        entity: "payment",
        status: raw.status.clone(),
    })?;
    Ok(PaymentSnapshot {
        provider_id: raw.id,
        order_id: raw.order_id.filter(|id| !id.is_empty()),
        amount: raw.amount,
        currency: raw.currency.to_ascii_uppercase(),
        status,
        error_description: raw.error_description.filter(|text| !text.is_empty()),
        reported_at,
    })
}

/// Reads an order entity.
pub fn read_order(entity: &Value) -> Result<OrderEntity, EntityError> {
    shaped("order", entity)
}

fn shaped<T: for<'de> Deserialize<'de>>(
    entity: &'static str,
    value: &Value,
) -> Result<T, EntityError> {
    T::deserialize(value).map_err(|error| EntityError::Shape {
        entity,
        reason: error.to_string(),
    })
}

/// Unix seconds as a timestamp, saturating far outside any real date.
pub(super) fn seconds(secs: i64) -> Timestamp {
    Timestamp::from_millis(secs.saturating_mul(1000))
}
