//! Why a Shopify body is refused: not JSON at all, or JSON that is not an order of Shopify's
//! shape (a required field missing, or a field of the wrong type or form). Every variant has a
//! stable `shopify_*` code.

/// Why an order (a webhook's body or the Admin API's answer) is refused. Every variant has a
/// stable [`code`](OrderError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("the body is not JSON: {reason}")]
    InvalidJson { reason: String },
    /// `field` is where in the body, as a path: `order.line_items[2].quantity`, or
    /// `orders[3].name` in a list.
    #[error("not a Shopify order: {field} is {reason}")]
    InvalidOrder { field: String, reason: String },
}

impl OrderError {
    pub fn code(&self) -> &'static str {
        match self {
            OrderError::InvalidJson { .. } => "shopify_invalid_json",
            OrderError::InvalidOrder { .. } => "shopify_invalid_order",
        }
    }

    pub(super) fn invalid(field: String, reason: impl Into<String>) -> Self {
        OrderError::InvalidOrder {
            field,
            reason: reason.into(),
        }
    }
}
