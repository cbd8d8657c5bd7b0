//! `X-Shopify-Topic` read into a [`Topic`], whatever its case and spaces.

use super::*;

#[test]
fn order_topics_are_read_whatever_the_case() {
    let cases = [
        ("orders/create", Topic::OrdersCreate),
        ("orders/updated", Topic::OrdersUpdated),
        ("orders/paid", Topic::OrdersPaid),
        ("orders/fulfilled", Topic::OrdersFulfilled),
        (
            "orders/partially_fulfilled",
            Topic::OrdersPartiallyFulfilled,
        ),
        ("orders/cancelled", Topic::OrdersCancelled),
    ];
    for (name, topic) in cases {
        assert_eq!(Topic::parse(name), topic);
        assert_eq!(Topic::parse(&format!(" {} \n", name.to_uppercase())), topic);
        assert_eq!(topic.as_str(), name);
        assert!(topic.is_order(), "{name}");
    }
}

#[test]
fn other_topics_are_kept_by_name_and_are_not_orders() {
    assert_eq!(Topic::parse("app/uninstalled"), Topic::AppUninstalled);
    assert_eq!(Topic::AppUninstalled.as_str(), "app/uninstalled");
    assert!(!Topic::AppUninstalled.is_order());
    for name in [
        "orders/delete",
        "orders/edited",
        "Customers/Create",
        " ",
        "",
    ] {
        let topic = Topic::parse(name);
        let expected = name.trim().to_ascii_lowercase();
        assert_eq!(topic, Topic::Other(expected.clone()));
        assert_eq!(topic.as_str(), expected);
        assert!(!topic.is_order(), "{name}");
    }
}

#[test]
fn a_topic_read_back_from_its_name_is_the_same() {
    for name in ["orders/paid", "app/uninstalled", "products/update"] {
        let topic = Topic::parse(name);
        assert_eq!(Topic::parse(topic.as_str()), topic);
    }
}
