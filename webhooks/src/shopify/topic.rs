//! The webhook's topic, from `X-Shopify-Topic`: which event the body reports, and so what the
//! body is. The `orders/*` topics named here send the order as it now stands; every other
//! topic is kept by name as [`Topic::Other`].

/// A webhook topic as Shopify names it (`orders/create`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    OrdersCreate,
    OrdersUpdated,
    OrdersPaid,
    OrdersFulfilled,
    OrdersPartiallyFulfilled,
    OrdersCancelled,
    AppUninstalled,
    /// Any other topic, trimmed and in lower case.
    Other(String),
}

impl Topic {
    /// Reads `X-Shopify-Topic`, ignoring case and surrounding spaces.
    pub fn parse(header: &str) -> Topic {
        let name = header.trim().to_ascii_lowercase();
        match name.as_str() {
            "orders/create" => Topic::OrdersCreate,
            "orders/updated" => Topic::OrdersUpdated,
            "orders/paid" => Topic::OrdersPaid,
            "orders/fulfilled" => Topic::OrdersFulfilled,
            "orders/partially_fulfilled" => Topic::OrdersPartiallyFulfilled,
            "orders/cancelled" => Topic::OrdersCancelled,
            "app/uninstalled" => Topic::AppUninstalled,
            _ => Topic::Other(name),
        }
    }

    /// The topic as Shopify names it.
    pub fn as_str(&self) -> &str {
        match self {
            Topic::OrdersCreate => "orders/create",
            Topic::OrdersUpdated => "orders/updated",
            Topic::OrdersPaid => "orders/paid",
            Topic::OrdersFulfilled => "orders/fulfilled",
            Topic::OrdersPartiallyFulfilled => "orders/partially_fulfilled",
            Topic::OrdersCancelled => "orders/cancelled",
            Topic::AppUninstalled => "app/uninstalled",
            Topic::Other(name) => name,
        }
    }

    /// Whether the body is an order, to read with [`parse_order`](super::parse_order). Not
    /// every `orders/*` topic sends one: `orders/delete` sends only the id and `orders/edited`
    /// an order edit, so they are [`Topic::Other`].
    pub fn is_order(&self) -> bool {
        matches!(
            self,
            Topic::OrdersCreate
                | Topic::OrdersUpdated
                | Topic::OrdersPaid
                | Topic::OrdersFulfilled
                | Topic::OrdersPartiallyFulfilled
                | Topic::OrdersCancelled
        )
    }
}
