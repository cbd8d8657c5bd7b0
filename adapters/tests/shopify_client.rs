//! The Shopify client against the local fake of `tests/support/shopify_fake/`: the shape of each
//! call (the shop's path, its token header, the GraphQL `tagsAdd` mutation, the webhook
//! subscription body), the answers read back, and every failure mapped to the port's errors (a
//! rejected token, a missing order, Shopify's rate limit with its `Retry-After`, an outage, a
//! refusal, a domain or an order id that cannot go into a URL).

#[path = "../../tests/support/shopify_fake/mod.rs"]
mod shopify_fake;

use botwot_adapters::shopify::{ShopifyClient, ShopifyConfig};
use botwot_engine::ports::{ShopAccess, ShopifyAdmin, ShopifyError};
use shopify_fake::{ShopifyFake, cod_order};
use std::time::Duration;

const SHOP: &str = "acme-kurtas.myshopify.com";
const TOKEN: &str = "shpat_0123456789abcdef0123456789abcdef";

fn access(token: &str) -> ShopAccess {
    ShopAccess {
        domain: SHOP.to_owned(),
        access_token: token.to_owned(),
    }
}

async fn fake() -> (ShopifyFake, ShopifyClient) {
    let fake = ShopifyFake::start(SHOP, TOKEN).await;
    let config = ShopifyConfig::default().with_api_url(fake.base_url());
    (fake, ShopifyClient::new(config).expect("a usable config"))
}

#[tokio::test]
async fn the_shop_and_its_orders_are_read_with_the_shops_token() {
    let (fake, client) = fake().await;
    let shop = client.shop(&access(TOKEN)).await.expect("the shop");
    assert_eq!(
        (shop.name.as_str(), shop.currency.as_str()),
        ("Acme Kurtas", "INR")
    );
    let request = fake.last_request().expect("a request");
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("/{SHOP}/admin/api/2025-01/shop.json"));
    assert_eq!(request.header("x-shopify-access-token"), Some(TOKEN));

    fake.put_order(SHOP, cod_order(450789469, "#1001", "+91 98765 43210", 600));
    let order = client
        .order(&access(TOKEN), "450789469")
        .await
        .expect("an answer")
        .expect("the order");
    assert_eq!(order.order_id, "450789469");
    assert_eq!(order.name, "#1001");
    assert!(order.is_cash_on_delivery());
    assert_eq!(order.phone.as_deref(), Some("+91 98765 43210"));
    assert_eq!(
        client.order(&access(TOKEN), "1").await,
        Ok(None),
        "a 404 is no order"
    );
}

#[tokio::test]
async fn tags_are_added_with_graphql_keeping_the_merchants() {
    let (fake, client) = fake().await;
    let mut order = cod_order(450789469, "#1001", "+919876543210", 600);
    order["tags"] = "VIP".into();
    fake.put_order(SHOP, order);
    let tags = vec!["first_reminder".to_owned()];
    client
        .add_order_tags(&access(TOKEN), "450789469", &tags)
        .await
        .expect("tagged");
    let request = fake.last_request().expect("a request");
    assert_eq!(
        request.path,
        format!("/{SHOP}/admin/api/2025-01/graphql.json")
    );
    let body = request.json();
    assert!(
        body["query"]
            .as_str()
            .unwrap_or_default()
            .contains("tagsAdd(id: $id, tags: $tags)")
    );
    assert_eq!(body["variables"]["id"], "gid://shopify/Order/450789469");
    assert_eq!(
        body["variables"]["tags"],
        serde_json::json!(["first_reminder"])
    );
    assert_eq!(fake.order(SHOP, 450789469)["tags"], "VIP, first_reminder");

    let missing = client.add_order_tags(&access(TOKEN), "1", &tags).await;
    assert!(
        matches!(missing, Err(ShopifyError::Refused(ref why)) if why.contains("Order does not exist")),
        "{missing:?}"
    );
    fake.answer_next(
        200,
        r#"{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}]}"#,
    );
    assert_eq!(
        client
            .add_order_tags(&access(TOKEN), "450789469", &tags)
            .await,
        Err(ShopifyError::Throttled { retry_after: None })
    );
    let before = fake.requests().len();
    client
        .add_order_tags(&access(TOKEN), "450789469", &[])
        .await
        .expect("nothing to add");
    assert_eq!(fake.requests().len(), before, "no request for no tags");
}

#[tokio::test]
async fn webhooks_are_subscribed_once_per_topic() {
    let (fake, client) = fake().await;
    let address = "https://botwot.example/webhooks/shopify";
    let topics = ["orders/create", "orders/updated"];
    client
        .subscribe_webhooks(&access(TOKEN), address, &topics)
        .await
        .expect("subscribed");
    let body = fake.last_request().expect("a request").json();
    assert_eq!(body["webhook"]["topic"], "orders/updated");
    assert_eq!(body["webhook"]["address"], address);
    assert_eq!(body["webhook"]["format"], "json");
    // Connecting the shop again finds the subscriptions there: that is no failure.
    client
        .subscribe_webhooks(&access(TOKEN), address, &topics)
        .await
        .expect("already subscribed");
    assert_eq!(fake.subscriptions().len(), 2);
}

#[tokio::test]
async fn failures_map_to_the_ports_errors() {
    let (fake, client) = fake().await;
    let refused = client.shop(&access("shpat_wrong")).await;
    assert!(
        matches!(refused, Err(ShopifyError::Unauthorized(ref why)) if why.contains("Invalid API key")),
        "{refused:?}"
    );
    fake.answer_next(429, r#"{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}"#);
    let throttled = client.shop(&access(TOKEN)).await;
    // The fake's canned answers carry no Retry-After; the header is read in the errors' tests.
    assert_eq!(
        throttled,
        Err(ShopifyError::Throttled { retry_after: None })
    );
    fake.set_unavailable(true);
    assert!(matches!(
        client.shop(&access(TOKEN)).await,
        Err(ShopifyError::Unavailable(_))
    ));
    fake.set_unavailable(false);
    fake.answer_next(
        400,
        r#"{"errors":{"order":"Required parameter missing or invalid"}}"#,
    );
    assert!(matches!(
        client.shop(&access(TOKEN)).await,
        Err(ShopifyError::Refused(_))
    ));
    let requests = fake.requests().len();
    let foreign = ShopAccess {
        domain: "evil.example.com".to_owned(),
        access_token: TOKEN.to_owned(),
    };
    assert!(matches!(
        client.shop(&foreign).await,
        Err(ShopifyError::Refused(_))
    ));
    assert!(matches!(
        client.order(&access(TOKEN), "1/../../shop").await,
        Err(ShopifyError::Refused(_))
    ));
    assert_eq!(fake.requests().len(), requests, "nothing sent for either");
}

#[tokio::test]
async fn a_server_too_slow_is_unavailable() {
    let (fake, _) = fake().await;
    let config = ShopifyConfig {
        timeout: Duration::from_millis(100),
        ..ShopifyConfig::default()
    }
    .with_api_url(fake.base_url());
    let client = ShopifyClient::new(config).expect("a usable config");
    fake.set_delay(Duration::from_millis(500));
    let slow = client.shop(&access(TOKEN)).await;
    assert!(
        matches!(slow, Err(ShopifyError::Unavailable(ref why)) if why.contains("timed out")),
        "{slow:?}"
    );
}

#[tokio::test]
async fn open_orders_are_read_a_page_at_a_time_on_the_configured_host() {
    let (fake, client) = fake().await;
    for id in 1..=260u64 {
        fake.put_order(
            SHOP,
            cod_order(id, &format!("#{id}"), "+919876543210", 60 * id as i64),
        );
    }
    let mut cancelled = cod_order(999, "#999", "+919876543210", 10);
    cancelled["cancelled_at"] = cancelled["created_at"].clone();
    fake.put_order(SHOP, cancelled);
    fake.put_order(
        SHOP,
        cod_order(1000, "#1000", "+919876543210", 3 * 24 * 3600),
    );
    let since = botwot_engine::time::Timestamp::from_millis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis() as i64
            - 48 * 3600 * 1000,
    );
    let orders = client
        .open_orders(&access(TOKEN), since)
        .await
        .expect("the orders");
    assert_eq!(
        orders.len(),
        260,
        "open ones of the last two days, over two pages"
    );
    assert_eq!(orders[0].order_id, "1", "newest first");
    let requests: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|request| request.path.ends_with("/orders.json"))
        .collect();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].query_value("status"), Some("open"));
    assert_eq!(requests[0].query_value("limit"), Some("250"));
    assert!(requests[0].query_value("created_at_min").is_some());
    // The second page is asked of the configured host by its cursor alone.
    assert!(requests[1].query_value("page_info").is_some());
    assert_eq!(requests[1].query_value("status"), None);
    assert_eq!(requests[1].header("x-shopify-access-token"), Some(TOKEN));
}
