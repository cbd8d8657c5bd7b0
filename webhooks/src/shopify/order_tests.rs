//! Orders shaped like Shopify's published example order webhook (the fixture is also a fuzzing
//! seed, fuzz/webhooks/seeds/shopify_order.json), and the Admin API's answers that wrap them.

use super::*;
use botwot_engine::Timestamp;
use botwot_engine::commerce::{OrderItem, OrderSnapshot};
use serde_json::{Value, json};

const ORDER: &[u8] = include_bytes!("../../../fuzz/webhooks/seeds/shopify_order.json");

fn fixture() -> Value {
    serde_json::from_slice(ORDER).unwrap()
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

/// The fixture with `changes` merged into the order (a `null` sets the field to `null`).
fn changed(changes: Value) -> Value {
    let mut order = fixture();
    let (Value::Object(order_fields), Value::Object(changes)) = (&mut order, changes) else {
        panic!("objects");
    };
    order_fields.extend(changes);
    order
}

fn refused(order: &Value) -> OrderError {
    read_order(order).unwrap_err()
}

#[test]
fn the_example_order_maps_to_the_snapshot() {
    let expected = OrderSnapshot {
        order_id: "820982911946154508".into(),
        name: "#9999".into(),
        email: Some("priya.sharma@example.com".into()),
        phone: Some("+91 98765 43210".into()),
        customer_name: Some("Priya Sharma".into()),
        created_at: Timestamp::from_millis(1_704_688_200_000),
        updated_at: Timestamp::from_millis(1_704_688_203_000),
        cancelled_at: None,
        closed_at: None,
        financial_status: Some("pending".into()),
        fulfillment_status: None,
        payment_gateways: vec!["Cash on Delivery (COD)".into()],
        total_price: "598.94".into(),
        currency: "INR".into(),
        tags: vec!["VIP".into(), "imported".into()],
        items: vec![
            OrderItem {
                title: "Cotton Kurta".into(),
                quantity: 2,
            },
            OrderItem {
                title: "Block-print Dupatta".into(),
                quantity: 1,
            },
        ],
    };
    let order = parse_order(ORDER).unwrap();
    assert_eq!(order, expected);
    assert_eq!(read_order(&fixture()).unwrap(), expected);
    assert!(order.is_cash_on_delivery());
    assert!(!order.is_settled());
}

#[test]
fn a_cancelled_order_is_settled() {
    let cancelled = changed(json!({
        "cancel_reason": "customer",
        "cancelled_at": "2024-01-09T09:15:00+05:30",
        "financial_status": "voided",
        "updated_at": "2024-01-09T09:15:02+05:30",
    }));
    let order = read_order(&cancelled).unwrap();
    assert_eq!(
        order.cancelled_at,
        Some(Timestamp::from_millis(1_704_771_900_000))
    );
    assert_eq!(order.updated_at, at("2024-01-09T03:45:02Z"));
    assert_eq!(order.financial_status.as_deref(), Some("voided"));
    assert!(order.is_settled());
    assert!(order.is_cash_on_delivery());
}

#[test]
fn paid_closed_or_shipped_orders_are_settled_and_other_gateways_are_not_cod() {
    let paid = changed(json!({
        "financial_status": "paid",
        "payment_gateway_names": ["Razorpay Secure (UPI, Cards, Wallets, NetBanking)"],
    }));
    let paid = read_order(&paid).unwrap();
    assert!(paid.is_settled());
    assert!(!paid.is_cash_on_delivery());
    let closed = changed(json!({"closed_at": "2024-01-10T12:00:00-05:00"}));
    let closed = read_order(&closed).unwrap();
    assert_eq!(closed.closed_at, Some(at("2024-01-10T17:00:00Z")));
    assert!(closed.is_settled());
    let shipped = changed(json!({"fulfillment_status": "partial"}));
    assert!(read_order(&shipped).unwrap().is_settled());
    let unshipped = changed(json!({"fulfillment_status": "unfulfilled"}));
    let unshipped = read_order(&unshipped).unwrap();
    assert_eq!(unshipped.fulfillment_status, None);
    assert!(!unshipped.is_settled());
}

#[test]
fn the_id_may_be_a_decimal_string() {
    let order = read_order(&changed(json!({"id": "820982911946154508"}))).unwrap();
    assert_eq!(order.order_id, "820982911946154508");
    let order = read_order(&changed(json!({"id": " 0042 "}))).unwrap();
    assert_eq!(order.order_id, "42");
    for id in [
        json!("-1"),
        json!("12a"),
        json!(""),
        json!("18446744073709551616"),
        json!(-1),
        json!(1.5),
        json!(true),
        json!({"id": 1}),
    ] {
        let error = refused(&changed(json!({ "id": id })));
        assert_eq!(error.code(), "shopify_invalid_order", "{id}");
        let OrderError::InvalidOrder { field, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(field, "order.id");
    }
    let error = refused(&changed(json!({"id": null})));
    assert_eq!(
        error.to_string(),
        "not a Shopify order: order.id is missing"
    );
}

#[test]
fn tags_are_split_trimmed_and_empty_ones_left_out() {
    let cases = [
        (json!("VIP, imported"), vec!["VIP", "imported"]),
        (
            json!(" cod-confirm ,, ,wholesale,"),
            vec!["cod-confirm", "wholesale"],
        ),
        (json!("single"), vec!["single"]),
        (json!(""), vec![]),
        (json!(" , "), vec![]),
        (json!(null), vec![]),
        (json!(["a", " b ", "", null]), vec!["a", "b"]),
    ];
    for (tags, expected) in cases {
        let order = read_order(&changed(json!({ "tags": tags }))).unwrap();
        assert_eq!(order.tags, expected, "{tags}");
    }
    let mut untagged = fixture();
    untagged.as_object_mut().unwrap().remove("tags");
    assert_eq!(read_order(&untagged).unwrap().tags, Vec::<String>::new());
    assert_eq!(
        refused(&changed(json!({"tags": 7}))).to_string(),
        "not a Shopify order: order.tags is a number, not a string"
    );
}

#[test]
fn the_phone_falls_back_from_the_order_to_shipping_customer_and_billing() {
    let own = read_order(&changed(json!({"phone": "+91 90000 00001"}))).unwrap();
    assert_eq!(own.phone.as_deref(), Some("+91 90000 00001"));

    let mut order = changed(json!({"phone": "  "}));
    assert_eq!(
        read_order(&order).unwrap().phone.as_deref(),
        Some("+91 98765 43210")
    );
    order["shipping_address"]["phone"] = json!("");
    assert_eq!(
        read_order(&order).unwrap().phone.as_deref(),
        Some("+919812345678")
    );
    order["customer"]["phone"] = Value::Null;
    assert_eq!(
        read_order(&order).unwrap().phone.as_deref(),
        Some("+91 80 4123 4567")
    );
    order["billing_address"] = Value::Null;
    assert_eq!(read_order(&order).unwrap().phone, None);
    order["shipping_address"] = Value::Null;
    order["customer"] = Value::Null;
    assert_eq!(read_order(&order).unwrap().phone, None);
}

#[test]
fn the_customer_name_falls_back_to_the_shipping_address() {
    let mut order = fixture();
    order["customer"]["first_name"] = json!(" Priya ");
    order["customer"]["last_name"] = Value::Null;
    assert_eq!(
        read_order(&order).unwrap().customer_name.as_deref(),
        Some("Priya")
    );
    order["customer"]["first_name"] = json!("");
    order["shipping_address"]["name"] = json!("Ravi Kumar");
    assert_eq!(
        read_order(&order).unwrap().customer_name.as_deref(),
        Some("Ravi Kumar")
    );
    order["customer"] = Value::Null;
    assert_eq!(
        read_order(&order).unwrap().customer_name.as_deref(),
        Some("Ravi Kumar")
    );
    order["shipping_address"] = Value::Null;
    assert_eq!(read_order(&order).unwrap().customer_name, None);
}

#[test]
fn a_bare_order_needs_only_the_required_fields() {
    let order = json!({
        "id": 450789469,
        "name": "#1001",
        "created_at": "2024-01-08T10:00:00-05:00",
        "updated_at": "2024-01-08T10:00:00-05:00",
        "total_price": 1299,
        "currency": "USD",
        "email": "",
        "cancelled_at": null,
        "financial_status": null,
        "payment_gateway_names": null,
        "line_items": [null, {"name": "Gift card", "title": null, "quantity": 1}],
    });
    let order = read_order(&order).unwrap();
    assert_eq!(order.order_id, "450789469");
    assert_eq!(order.created_at, at("2024-01-08T15:00:00Z"));
    assert_eq!(order.total_price, "1299");
    assert_eq!(order.email, None);
    assert_eq!(order.financial_status, None);
    assert!(order.payment_gateways.is_empty());
    assert_eq!(
        order.items,
        vec![OrderItem {
            title: "Gift card".into(),
            quantity: 1
        }]
    );
    assert!(!order.is_cash_on_delivery());
    assert_eq!(
        read_order(&changed(json!({"total_price": 598.94})))
            .unwrap()
            .total_price,
        "598.94"
    );
}

#[test]
fn a_missing_or_malformed_field_is_refused_with_where_it_is() {
    let cases = [
        (json!({"name": null}), "order.name", "missing"),
        (json!({"name": "  "}), "order.name", "missing"),
        (
            json!({"name": 9999}),
            "order.name",
            "a number, not a string",
        ),
        (json!({"currency": null}), "order.currency", "missing"),
        (json!({"total_price": null}), "order.total_price", "missing"),
        (
            json!({"total_price": "598,94"}),
            "order.total_price",
            "not an amount like 598.94",
        ),
        (json!({"created_at": null}), "order.created_at", "missing"),
        (
            json!({"updated_at": "2024-01-08 10:00"}),
            "order.updated_at",
            "a string that is not an RFC 3339 time",
        ),
        (
            json!({"cancelled_at": "yesterday"}),
            "order.cancelled_at",
            "a string that is not an RFC 3339 time",
        ),
        (
            json!({"customer": ["Priya"]}),
            "order.customer",
            "an array, not an object",
        ),
        (
            json!({"payment_gateway_names": "Cash on Delivery (COD)"}),
            "order.payment_gateway_names",
            "a string, not an array",
        ),
        (
            json!({"payment_gateway_names": ["manual", 3]}),
            "order.payment_gateway_names[1]",
            "a number, not a string",
        ),
        (
            json!({"line_items": [{"title": "Kurta", "quantity": -1}]}),
            "order.line_items[0].quantity",
            "not a whole number from 0 to 2^32 - 1",
        ),
        (
            json!({"line_items": [{"title": "Kurta"}]}),
            "order.line_items[0].quantity",
            "missing",
        ),
        (
            json!({"line_items": [{"quantity": 1}]}),
            "order.line_items[0].title",
            "missing",
        ),
        (
            json!({"line_items": [{"title": "Kurta", "quantity": 1}, 5]}),
            "order.line_items[1]",
            "a number, not an object",
        ),
    ];
    for (change, field, reason) in cases {
        let error = refused(&changed(change.clone()));
        assert_eq!(error.code(), "shopify_invalid_order", "{change}");
        assert_eq!(
            error,
            OrderError::InvalidOrder {
                field: field.into(),
                reason: reason.into()
            },
            "{change}"
        );
    }
    let mut nameless = fixture();
    nameless.as_object_mut().unwrap().remove("name");
    let error = parse_order(nameless.to_string().as_bytes()).unwrap_err();
    assert_eq!(error.code(), "shopify_invalid_order");
    assert_eq!(
        error.to_string(),
        "not a Shopify order: order.name is missing"
    );
}

#[test]
fn a_body_that_is_not_json_or_not_an_object_is_refused_with_a_code() {
    for body in [
        &b"{"[..],
        b"",
        b"not json",
        &ORDER[..ORDER.len() / 2],
        b"\xff",
    ] {
        let error = parse_order(body).unwrap_err();
        assert_eq!(error.code(), "shopify_invalid_json", "{body:?}");
        assert!(error.to_string().starts_with("the body is not JSON: "));
    }
    for body in [&b"[]"[..], b"null", b"\"#9999\"", b"820982911946154508"] {
        let error = parse_order(body).unwrap_err();
        assert_eq!(error.code(), "shopify_invalid_order", "{body:?}");
    }
    assert_eq!(
        parse_order(b"[1]").unwrap_err().to_string(),
        "not a Shopify order: order is an array, not an object"
    );
}

#[test]
fn the_admin_apis_answers_wrap_the_same_order() {
    let expected = parse_order(ORDER).unwrap();
    let one = json!({"order": fixture()}).to_string();
    assert_eq!(parse_order_answer(one.as_bytes()).unwrap(), expected);

    let mut second = fixture();
    second["id"] = json!(820982911946154509u64);
    second["name"] = json!("#10000");
    let list = json!({"orders": [fixture(), second]}).to_string();
    let orders = parse_orders_answer(list.as_bytes()).unwrap();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0], expected);
    assert_eq!(
        (orders[1].order_id.as_str(), orders[1].name.as_str()),
        ("820982911946154509", "#10000")
    );
    assert_eq!(
        parse_orders_answer(br#"{"orders": []}"#).unwrap(),
        Vec::<OrderSnapshot>::new()
    );
}

#[test]
fn an_answer_of_the_wrong_shape_is_refused_whole() {
    let mut broken = fixture();
    broken["created_at"] = json!("not a time");
    let list = json!({"orders": [fixture(), fixture(), broken]}).to_string();
    let error = parse_orders_answer(list.as_bytes()).unwrap_err();
    assert_eq!(error.code(), "shopify_invalid_order");
    assert_eq!(
        error,
        OrderError::InvalidOrder {
            field: "orders[2].created_at".into(),
            reason: "a string that is not an RFC 3339 time".into()
        }
    );
    let with_null = json!({"orders": [fixture(), null]}).to_string();
    assert_eq!(
        parse_orders_answer(with_null.as_bytes())
            .unwrap_err()
            .to_string(),
        "not a Shopify order: orders[1] is null, not an object"
    );
    let cases: [(&[u8], &str); 6] = [
        (br#"{"orders": {}}"#, "orders"),
        (br#"{"orders": null}"#, "orders"),
        (br#"{"order": {}}"#, "orders"),
        (b"[]", "answer"),
        (br#"{"order": []}"#, "order"),
        (br#"{"order": {"id": 1}}"#, "order.name"),
    ];
    for (body, field) in cases {
        let parse = if field.starts_with("orders") || field == "answer" {
            parse_orders_answer(body).map(|_| ())
        } else {
            parse_order_answer(body).map(|_| ())
        };
        let error = parse.unwrap_err();
        assert_eq!(error.code(), "shopify_invalid_order", "{body:?}");
        let OrderError::InvalidOrder { field: at, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(at, field, "{body:?}");
    }
    // A bare order is not an answer, and an answer is not a bare order.
    assert!(parse_order_answer(ORDER).is_err());
    assert!(parse_order(json!({"order": fixture()}).to_string().as_bytes()).is_err());
    assert_eq!(
        parse_order_answer(b"{").unwrap_err().code(),
        "shopify_invalid_json"
    );
    assert_eq!(
        parse_orders_answer(b"").unwrap_err().code(),
        "shopify_invalid_json"
    );
}
