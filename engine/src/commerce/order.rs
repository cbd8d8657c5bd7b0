//! A Shopify order as the shop reports it (a webhook's body, or the Admin API's answer), reduced
//! to what BotWot acts on: who to remind, how they pay, and whether anything is left to remind
//! them of.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// One order, as Shopify last described it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSnapshot {
    /// Shopify's numeric order id, in decimal.
    pub order_id: String,
    /// The order's name the customer sees (`#1001`, or the shop's own prefix).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The phone to reach the customer on, as the shop has it: the order's own, else the
    /// shipping address's, else the customer's, else the billing address's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The customer's name, from the customer or the shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    pub created_at: Timestamp,
    /// When Shopify last changed it: a snapshot older than the one kept is stale.
    pub updated_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    /// `pending`, `authorized`, `partially_paid`, `paid`, `partially_refunded`, `refunded`,
    /// `voided`; absent when Shopify left it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub financial_status: Option<String>,
    /// `fulfilled`, `partial`, `restocked`; absent (Shopify's `null`) while nothing shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfillment_status: Option<String>,
    /// `payment_gateway_names`: how the customer chose to pay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment_gateways: Vec<String>,
    /// The total as Shopify writes it (`"1299.00"`), in `currency`.
    pub total_price: String,
    pub currency: String,
    /// The order's tags, split from Shopify's comma-separated list, trimmed, empty ones left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<OrderItem>,
}

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    pub title: String,
    pub quantity: u32,
}

impl OrderSnapshot {
    /// Whether the customer pays on delivery: a gateway named cash on delivery (Shopify's
    /// manual `Cash on Delivery (COD)`, or a gateway app's name with `COD` in it).
    pub fn is_cash_on_delivery(&self) -> bool {
        self.payment_gateways.iter().any(|gateway| {
            let gateway = gateway.to_ascii_lowercase();
            gateway.contains("cash on delivery")
                || gateway
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|word| word == "cod")
        })
    }

    /// Whether nothing is left to ask the customer: the order was cancelled, closed, paid,
    /// refunded, voided or (partly) shipped.
    pub fn is_settled(&self) -> bool {
        self.cancelled_at.is_some()
            || self.closed_at.is_some()
            || self.fulfillment_status.is_some()
            || matches!(
                self.financial_status.as_deref(),
                Some("paid" | "partially_refunded" | "refunded" | "voided")
            )
    }
}
