//! A Shopify order read into the engine's [`OrderSnapshot`]: the bare Order resource of the
//! REST Admin API, as the `orders/*` webhooks send it, or the API's answers that wrap it
//! (`{"order": {...}}`, `{"orders": [...]}`).
//!
//! What is read: `id` (a number, or a decimal string), `name`, `email`, the phone (the order's,
//! else the shipping address's, the customer's, the billing address's), the customer's name (the
//! customer's first and last names, else the shipping address's name), `created_at`,
//! `updated_at`, `cancelled_at`, `closed_at`, `financial_status`, `fulfillment_status`,
//! `payment_gateway_names`, `total_price` (a string, or a number), `currency`, `tags` (Shopify's
//! comma-separated list) and each line item's `title` and `quantity`. Every other field is
//! ignored; `null` is the same as absent, and an empty text is no text.

use super::error::OrderError;
use super::json::{Fields, kind, non_empty, not_a_string};
use botwot_engine::commerce::{OrderItem, OrderSnapshot};
use serde_json::Value;

/// Reads a webhook's body: the order itself (topics `orders/create`, `orders/updated`, ...).
pub fn parse_order(body: &[u8]) -> Result<OrderSnapshot, OrderError> {
    read_order(&json(body)?)
}

/// Reads an order already parsed: the object inside the Admin API's `{"order": {...}}`.
pub fn read_order(value: &Value) -> Result<OrderSnapshot, OrderError> {
    read_at(value, "order".to_owned())
}

/// Reads the Admin API's answer for one order, `{"order": {...}}`.
pub fn parse_order_answer(body: &[u8]) -> Result<OrderSnapshot, OrderError> {
    let answer = json(body)?;
    read_at(answer_field(&answer, "order")?, "order".to_owned())
}

/// Reads the Admin API's answer for a list of orders, `{"orders": [...]}`, in its order. An
/// order in the list that cannot be read refuses the whole answer (the error's field says
/// which: `orders[3].name`), so a caller never acts on part of a page believing it whole.
pub fn parse_orders_answer(body: &[u8]) -> Result<Vec<OrderSnapshot>, OrderError> {
    let answer = json(body)?;
    let orders = match answer_field(&answer, "orders")? {
        Value::Array(orders) => orders,
        other => {
            return Err(OrderError::invalid(
                "orders".to_owned(),
                format!("{}, not an array", kind(other)),
            ));
        }
    };
    orders
        .iter()
        .enumerate()
        .map(|(index, order)| read_at(order, format!("orders[{index}]")))
        .collect()
}

fn json(body: &[u8]) -> Result<Value, OrderError> {
    serde_json::from_slice(body).map_err(|error| OrderError::InvalidJson {
        reason: error.to_string(),
    })
}

/// The field `name` of an answer, which must be an object.
fn answer_field<'a>(answer: &'a Value, name: &str) -> Result<&'a Value, OrderError> {
    let Value::Object(fields) = answer else {
        return Err(OrderError::invalid(
            "answer".to_owned(),
            format!("{}, not an object", kind(answer)),
        ));
    };
    fields
        .get(name)
        .filter(|value| !value.is_null())
        .ok_or_else(|| OrderError::invalid(name.to_owned(), "missing"))
}

fn read_at(value: &Value, path: String) -> Result<OrderSnapshot, OrderError> {
    let order = Fields::of(value, path)?;
    let customer = order.object("customer")?;
    let shipping = order.object("shipping_address")?;
    let billing = order.object("billing_address")?;
    Ok(OrderSnapshot {
        order_id: order_id(&order)?,
        name: order.required_text("name")?,
        email: order.text("email")?,
        phone: phone(&[
            Some(&order),
            shipping.as_ref(),
            customer.as_ref(),
            billing.as_ref(),
        ])?,
        customer_name: customer_name(customer.as_ref(), shipping.as_ref())?,
        created_at: order.required_time("created_at")?,
        updated_at: order.required_time("updated_at")?,
        cancelled_at: order.time("cancelled_at")?,
        closed_at: order.time("closed_at")?,
        financial_status: order.text("financial_status")?,
        fulfillment_status: fulfillment_status(&order)?,
        payment_gateways: texts(&order, "payment_gateway_names")?,
        total_price: total_price(&order)?,
        currency: order.required_text("currency")?,
        tags: tags(&order)?,
        items: items(&order)?,
    })
}

/// Shopify's numeric id in decimal: a JSON number (as the REST API writes it), or a string of
/// digits (as a JSON reader that cannot hold 64-bit integers may have rewritten it).
fn order_id(order: &Fields) -> Result<String, OrderError> {
    let id = match order.get("id") {
        None => return Err(order.missing("id")),
        Some(Value::Number(number)) => number.as_u64(),
        Some(Value::String(text)) => {
            let text = text.trim();
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                text.parse::<u64>().ok()
            }
        }
        Some(other) => return Err(order.invalid("id", format!("{}, not an id", kind(other)))),
    };
    id.map(|id| id.to_string())
        .ok_or_else(|| order.invalid("id", "not a whole number from 0 to 2^64 - 1"))
}

/// The first phone of the order, its shipping address, its customer, its billing address.
fn phone(sources: &[Option<&Fields>]) -> Result<Option<String>, OrderError> {
    for source in sources.iter().flatten() {
        if let Some(phone) = source.text("phone")? {
            return Ok(Some(phone));
        }
    }
    Ok(None)
}

/// The customer's first and last names, else the name on the shipping address.
fn customer_name(
    customer: Option<&Fields>,
    shipping: Option<&Fields>,
) -> Result<Option<String>, OrderError> {
    if let Some(customer) = customer {
        let first = customer.text("first_name")?;
        let last = customer.text("last_name")?;
        let full = [first, last].into_iter().flatten().collect::<Vec<_>>();
        if !full.is_empty() {
            return Ok(Some(full.join(" ")));
        }
    }
    match shipping {
        Some(shipping) => shipping.text("name"),
        None => Ok(None),
    }
}

/// `fulfillment_status`, with `unfulfilled` (how Shopify's other APIs write the REST API's
/// `null`) read as nothing shipped, so that it never counts as settled.
fn fulfillment_status(order: &Fields) -> Result<Option<String>, OrderError> {
    Ok(order
        .text("fulfillment_status")?
        .filter(|status| !status.eq_ignore_ascii_case("unfulfilled")))
}

/// An array of texts, `null` and empty ones left out.
fn texts(order: &Fields, name: &str) -> Result<Vec<String>, OrderError> {
    let mut texts = Vec::new();
    for (index, value) in order.array(name)?.iter().enumerate() {
        match value {
            Value::Null => {}
            Value::String(text) => texts.extend(non_empty(text)),
            other => {
                return Err(OrderError::invalid(
                    order.element_path(name, index),
                    not_a_string(other),
                ));
            }
        }
    }
    Ok(texts)
}

/// `total_price` as Shopify writes it (`"598.94"`); a number is written back as it was read.
fn total_price(order: &Fields) -> Result<String, OrderError> {
    let price = match order.get("total_price") {
        None => return Err(order.missing("total_price")),
        Some(Value::String(text)) => text.trim().to_owned(),
        Some(Value::Number(number)) => number.to_string(),
        Some(other) => {
            return Err(order.invalid("total_price", format!("{}, not an amount", kind(other))));
        }
    };
    if is_amount(&price) {
        Ok(price)
    } else {
        Err(order.invalid("total_price", "not an amount like 598.94"))
    }
}

/// Digits, then a point and digits if there is a fraction.
fn is_amount(text: &str) -> bool {
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    match text.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(text),
    }
}

/// `tags`: Shopify's comma-separated list (`"VIP, imported"`), or a list of texts.
fn tags(order: &Fields) -> Result<Vec<String>, OrderError> {
    match order.get("tags") {
        None => Ok(Vec::new()),
        Some(Value::String(list)) => Ok(list.split(',').filter_map(non_empty).collect()),
        Some(Value::Array(_)) => texts(order, "tags"),
        Some(other) => Err(order.invalid("tags", not_a_string(other))),
    }
}

/// Each line item's title (its `name` when it has none) and quantity; `null` items left out.
fn items(order: &Fields) -> Result<Vec<OrderItem>, OrderError> {
    let mut items = Vec::new();
    for (index, value) in order.array("line_items")?.iter().enumerate() {
        if value.is_null() {
            continue;
        }
        let item = Fields::of(value, order.element_path("line_items", index))?;
        let title = match item.text("title")? {
            Some(title) => title,
            None => item.text("name")?.ok_or_else(|| item.missing("title"))?,
        };
        let quantity = item
            .get("quantity")
            .ok_or_else(|| item.missing("quantity"))?;
        let quantity = quantity
            .as_u64()
            .and_then(|quantity| u32::try_from(quantity).ok())
            .ok_or_else(|| item.invalid("quantity", "not a whole number from 0 to 2^32 - 1"))?;
        items.push(OrderItem { title, quantity });
    }
    Ok(items)
}
