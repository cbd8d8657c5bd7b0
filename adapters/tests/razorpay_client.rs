//! The Razorpay client against the local fake of `tests/support/razorpay_fake/`: the shape of
//! each call (path, Basic auth, body), the snapshots read back, and every failure mapped to the
//! port's errors (a rejected key, Razorpay's refusals, an outage, an unreadable answer, an id
//! that cannot go into a path).

#[path = "../../tests/support/razorpay_fake/mod.rs"]
mod razorpay_fake;

use botwot_adapters::razorpay::{RazorpayClient, RazorpayConfig};
use botwot_engine::billing::{PaymentStatus, SubscriptionStatus};
use botwot_engine::ports::{PaymentProvider, ProviderError};
use botwot_engine::time::{ManualClock, Timestamp};
use razorpay_fake::{CYCLE_SECS, RazorpayFake};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const KEY_ID: &str = "rzp_test_1DP5mmOlF5G5ag";
const KEY_SECRET: &str = "thisisthekeysecret";
const WEBHOOK_SECRET: &str = "whsec_razorpay_test";
/// The fake's clock in every test: 2025-01-01T00:00:00Z.
const NOW: i64 = 1_735_689_600;
/// The client's clock, which stamps what it reads...
const CLIENT_NOW_MS: i64 = 1_735_689_612_345;
/// ... in whole seconds, like Razorpay's own times.
const STAMPED_MS: i64 = 1_735_689_612_000;

async fn fake() -> (RazorpayFake, RazorpayClient) {
    let (base_url, fake) = razorpay_fake::start(KEY_ID, KEY_SECRET, WEBHOOK_SECRET).await;
    fake.set_now(NOW);
    let client = client_at(&base_url, KEY_SECRET);
    (fake, client)
}

fn client_at(base_url: &str, secret: &str) -> RazorpayClient {
    RazorpayClient::new(
        RazorpayConfig::new(KEY_ID, secret)
            .with_api_url(base_url)
            .with_timeout(Duration::from_secs(5)),
    )
    .expect("a usable config")
    .with_clock(Arc::new(ManualClock::starting_at(Timestamp::from_millis(
        CLIENT_NOW_MS,
    ))))
}

fn notes() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("organisationId".to_owned(), "ten_42".to_owned()),
        ("tier".to_owned(), "pro".to_owned()),
    ])
}

fn secs(unix: i64) -> Timestamp {
    Timestamp::from_millis(unix * 1000)
}

fn razorpay_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|rest| rest.len() == 14 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn refused(code: &str, description: &str) -> ProviderError {
    ProviderError::Refused {
        code: code.to_owned(),
        description: description.to_owned(),
    }
}

async fn plan_and_subscription(fake: &RazorpayFake, client: &RazorpayClient) -> (String, String) {
    let plan = client
        .create_plan("BotWot Pro", 499_900, "INR")
        .await
        .expect("plan");
    let subscription = client
        .create_subscription(&plan, 12, &notes())
        .await
        .expect("subscription");
    fake.clear_requests();
    (plan, subscription.provider_id)
}

#[tokio::test]
async fn a_plan_is_created_monthly_with_basic_auth() {
    let (fake, client) = fake().await;
    assert_eq!(client.checkout_key(), KEY_ID);

    let plan_id = client
        .create_plan("BotWot Pro", 499_900, "INR")
        .await
        .expect("plan");

    assert!(razorpay_id(&plan_id, "plan_"), "{plan_id}");
    let [request] = fake.requests().try_into().expect("one request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/plans")
    );
    assert_eq!(request.authorization, Some(fake.expected_authorization()));
    assert_eq!(
        request.body,
        json!({"period": "monthly", "interval": 1,
               "item": {"name": "BotWot Pro", "amount": 499_900, "currency": "INR"}})
    );
    let plan = fake.plan(&plan_id).expect("the fake holds the plan");
    assert_eq!(plan["item"]["amount"], 499_900);
    assert_eq!(plan["notes"], json!([]));
}

#[tokio::test]
async fn a_subscription_is_created_with_its_cycles_and_notes() {
    let (fake, client) = fake().await;
    let plan_id = client
        .create_plan("BotWot Pro", 499_900, "INR")
        .await
        .expect("plan");
    fake.clear_requests();

    let created = client
        .create_subscription(&plan_id, 12, &notes())
        .await
        .expect("subscription");

    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/subscriptions")
    );
    assert_eq!(request.authorization, Some(fake.expected_authorization()));
    assert_eq!(
        request.body,
        json!({"plan_id": plan_id, "total_count": 12, "quantity": 1, "customer_notify": 1,
               "notes": {"organisationId": "ten_42", "tier": "pro"}})
    );
    assert!(razorpay_id(&created.provider_id, "sub_"), "{created:?}");
    assert_eq!(created.provider_plan_id, plan_id);
    assert_eq!(created.status, SubscriptionStatus::Created);
    assert_eq!(created.paid_count, 0);
    assert_eq!(
        (created.current_start, created.current_end, created.ended_at),
        (None, None, None)
    );
    assert!(
        created
            .short_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://rzp.io/i/"))
    );
    assert_eq!(created.reported_at, Timestamp::from_millis(STAMPED_MS));
    let entity = fake.subscription(&created.provider_id).expect("held");
    assert_eq!(
        entity["notes"],
        json!({"organisationId": "ten_42", "tier": "pro"})
    );
}

#[tokio::test]
async fn a_subscription_is_fetched_as_it_stands_after_each_cycle() {
    let (fake, client) = fake().await;
    let (_, subscription_id) = plan_and_subscription(&fake, &client).await;

    let (payment_id, signature) = fake.authenticate_subscription(&subscription_id);
    let active = client
        .fetch_subscription(&subscription_id)
        .await
        .expect("fetched");

    let request = fake.last_request().expect("a request");
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("/v1/subscriptions/{subscription_id}"));
    assert_eq!(request.body, Value::Null);
    assert_eq!(request.authorization, Some(fake.expected_authorization()));
    assert_eq!(active.status, SubscriptionStatus::Active);
    assert_eq!(active.paid_count, 1);
    assert_eq!(active.current_start, Some(secs(NOW)));
    assert_eq!(active.current_end, Some(secs(NOW + CYCLE_SECS)));
    assert!(client.verify_subscription_checkout(&subscription_id, &payment_id, &signature));
    assert!(!client.verify_subscription_checkout(&subscription_id, "pay_other", &signature));

    fake.set_now(NOW + CYCLE_SECS);
    fake.charge_subscription(&subscription_id);
    let renewed = client
        .fetch_subscription(&subscription_id)
        .await
        .expect("fetched");
    assert_eq!(renewed.paid_count, 2);
    assert_eq!(renewed.current_start, Some(secs(NOW + CYCLE_SECS)));
    assert_eq!(renewed.current_end, Some(secs(NOW + 2 * CYCLE_SECS)));

    fake.halt_subscription(&subscription_id);
    let halted = client
        .fetch_subscription(&subscription_id)
        .await
        .expect("fetched");
    assert_eq!(halted.status, SubscriptionStatus::Halted);
}

#[tokio::test]
async fn a_subscription_is_cancelled_at_cycle_end_or_now() {
    let (fake, client) = fake().await;
    let (_, subscription_id) = plan_and_subscription(&fake, &client).await;
    fake.authenticate_subscription(&subscription_id);

    let scheduled = client
        .cancel_subscription(&subscription_id, true)
        .await
        .expect("cancel at cycle end");
    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        (
            "POST",
            format!("/v1/subscriptions/{subscription_id}/cancel").as_str()
        )
    );
    assert_eq!(request.body, json!({"cancel_at_cycle_end": 1}));
    assert_eq!(scheduled.status, SubscriptionStatus::Active);
    assert_eq!(scheduled.ended_at, None);

    fake.set_now(NOW + 60);
    let cancelled = client
        .cancel_subscription(&subscription_id, false)
        .await
        .expect("cancel now");
    assert_eq!(
        fake.last_request().expect("a request").body,
        json!({"cancel_at_cycle_end": 0})
    );
    assert_eq!(cancelled.status, SubscriptionStatus::Cancelled);
    assert_eq!(cancelled.ended_at, Some(secs(NOW + 60)));

    let again = client.cancel_subscription(&subscription_id, false).await;
    assert_eq!(
        again,
        Err(refused(
            "BAD_REQUEST_ERROR",
            "Subscription is not cancellable in cancelled status."
        ))
    );
}

#[tokio::test]
async fn an_order_is_paid_fetched_and_captured() {
    let (fake, client) = fake().await;

    let order = client
        .create_order(1_499_700, "INR", "rcpt_ten_42_3m", &notes())
        .await
        .expect("order");

    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/orders")
    );
    assert_eq!(request.authorization, Some(fake.expected_authorization()));
    assert_eq!(
        request.body,
        json!({"amount": 1_499_700, "currency": "INR", "receipt": "rcpt_ten_42_3m",
               "notes": {"organisationId": "ten_42", "tier": "pro"}})
    );
    assert!(razorpay_id(&order.provider_id, "order_"), "{order:?}");
    assert_eq!((order.amount, order.currency.as_str()), (1_499_700, "INR"));

    let (payment_id, signature) = fake.pay_order(&order.provider_id, false);
    assert!(client.verify_order_checkout(&order.provider_id, &payment_id, &signature));
    assert!(!client.verify_order_checkout("order_other", &payment_id, &signature));

    let authorised = client.fetch_payment(&payment_id).await.expect("payment");
    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", format!("/v1/payments/{payment_id}").as_str())
    );
    assert_eq!(authorised.provider_id, payment_id);
    assert_eq!(
        authorised.order_id.as_deref(),
        Some(order.provider_id.as_str())
    );
    assert_eq!(authorised.status, PaymentStatus::Authorized);
    assert_eq!(
        (authorised.amount, authorised.currency.as_str()),
        (1_499_700, "INR")
    );
    assert_eq!(authorised.reported_at, Timestamp::from_millis(STAMPED_MS));

    let captured = client
        .capture_payment(&payment_id, 1_499_700, "INR")
        .await
        .expect("captured");
    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        (
            "POST",
            format!("/v1/payments/{payment_id}/capture").as_str()
        )
    );
    assert_eq!(
        request.body,
        json!({"amount": 1_499_700, "currency": "INR"})
    );
    assert_eq!(captured.status, PaymentStatus::Captured);
    assert_eq!(
        fake.order(&order.provider_id).expect("held")["status"],
        "paid"
    );

    let twice = client.capture_payment(&payment_id, 1_499_700, "INR").await;
    assert_eq!(
        twice,
        Err(refused(
            "BAD_REQUEST_ERROR",
            "This payment has already been captured"
        ))
    );
}

#[tokio::test]
async fn a_failed_payment_keeps_razorpays_reason() {
    let (fake, client) = fake().await;
    let order = client
        .create_order(49_900, "INR", "rcpt_1", &BTreeMap::new())
        .await
        .expect("order");
    assert_eq!(
        fake.order(&order.provider_id).expect("held")["notes"],
        json!([])
    );

    let payment_id = fake.fail_payment(&order.provider_id, "Payment was declined by the bank");
    let failed = client.fetch_payment(&payment_id).await.expect("payment");

    assert_eq!(failed.status, PaymentStatus::Failed);
    assert_eq!(
        failed.error_description.as_deref(),
        Some("Payment was declined by the bank")
    );
}

#[tokio::test]
async fn razorpays_refusals_keep_their_code_and_description() {
    let (fake, client) = fake().await;

    let too_small = client
        .create_order(50, "INR", "rcpt_1", &BTreeMap::new())
        .await;
    assert_eq!(
        too_small,
        Err(refused(
            "BAD_REQUEST_ERROR",
            "The amount must be atleast INR 1.00"
        ))
    );

    let unknown = client.fetch_payment("pay_00000000000000").await;
    assert_eq!(
        unknown,
        Err(refused(
            "BAD_REQUEST_ERROR",
            "The id provided does not exist"
        ))
    );

    let order = client
        .create_order(10_000, "INR", "rcpt_2", &BTreeMap::new())
        .await
        .expect("order");
    let (payment_id, _) = fake.pay_order(&order.provider_id, false);
    let wrong_amount = client.capture_payment(&payment_id, 9_999, "INR").await;
    assert_eq!(
        wrong_amount,
        Err(refused(
            "BAD_REQUEST_ERROR",
            "Capture amount must be equal to the amount authorized"
        ))
    );
}

#[tokio::test]
async fn a_rejected_key_is_unauthorised() {
    let (fake, _) = fake().await;
    let wrong = client_at(fake.base_url(), "not-the-secret");

    let answer = wrong.create_plan("BotWot Pro", 499_900, "INR").await;

    assert_eq!(answer, Err(ProviderError::Unauthorised));
    let request = fake.last_request().expect("a request");
    assert_ne!(request.authorization, Some(fake.expected_authorization()));
    assert!(
        request
            .authorization
            .is_some_and(|value| value.starts_with("Basic "))
    );
}

#[tokio::test]
async fn outages_are_unavailable() {
    let (fake, client) = fake().await;

    fake.set_unavailable(true);
    let down = client.fetch_payment("pay_00000000000000").await;
    assert!(
        matches!(down, Err(ProviderError::Unavailable(_))),
        "{down:?}"
    );
    fake.set_unavailable(false);

    fake.answer_next(
        429,
        r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"Too many requests"}}"#,
    );
    let throttled = client.fetch_payment("pay_00000000000000").await;
    assert!(
        matches!(throttled, Err(ProviderError::Unavailable(_))),
        "{throttled:?}"
    );

    fake.answer_next(502, "<html>Bad Gateway</html>");
    let gateway = client.fetch_payment("pay_00000000000000").await;
    assert_eq!(
        gateway,
        Err(ProviderError::Unavailable(
            "http 502: <html>Bad Gateway</html>".into()
        ))
    );
}

#[tokio::test]
async fn a_server_that_is_down_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = client_at(&format!("http://{address}"), KEY_SECRET);

    let answer = client.fetch_subscription("sub_00000000000000").await;

    assert!(
        matches!(answer, Err(ProviderError::Unavailable(_))),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_unavailable() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let client = RazorpayClient::new(
        RazorpayConfig::new(KEY_ID, KEY_SECRET)
            .with_api_url(format!("http://{address}"))
            .with_timeout(Duration::from_millis(200)),
    )
    .expect("a usable config");

    let answer = client.fetch_payment("pay_00000000000000").await;

    held.abort();
    let Err(ProviderError::Unavailable(reason)) = answer else {
        panic!("expected unavailable, got {answer:?}");
    };
    assert!(reason.starts_with("timed out"), "{reason}");
}

#[tokio::test]
async fn unreadable_answers_are_malformed() {
    let (fake, client) = fake().await;

    fake.answer_next(200, "<html>maintenance</html>");
    let not_json = client.fetch_payment("pay_00000000000000").await;
    assert!(
        matches!(not_json, Err(ProviderError::Malformed(_))),
        "{not_json:?}"
    );

    fake.answer_next(
        200,
        r#"{"id":"sub_00000000000000","entity":"subscription","plan_id":"plan_1","status":"asleep"}"#,
    );
    let odd_status = client.fetch_subscription("sub_00000000000000").await;
    assert!(
        matches!(odd_status, Err(ProviderError::Malformed(_))),
        "{odd_status:?}"
    );

    fake.answer_next(200, r#"{"entity":"plan"}"#);
    let no_id = client.create_plan("BotWot Pro", 499_900, "INR").await;
    assert!(
        matches!(no_id, Err(ProviderError::Malformed(_))),
        "{no_id:?}"
    );

    fake.answer_next(
        200,
        r#"{"id":"order_00000000000000","entity":"order","amount":100,"currency":"INR","status":"created"}"#,
    );
    let other_amount = client
        .create_order(49_900, "INR", "rcpt_1", &BTreeMap::new())
        .await;
    assert!(
        matches!(other_amount, Err(ProviderError::Malformed(_))),
        "{other_amount:?}"
    );
}

#[tokio::test]
async fn ids_that_cannot_be_razorpays_are_refused_without_a_request() {
    let (fake, client) = fake().await;

    for id in [
        "pay_1/capture",
        "../v1/orders",
        "pay_1?x=1",
        "pay 1",
        "",
        "pay_é",
    ] {
        let fetched = client.fetch_payment(id).await;
        let captured = client.capture_payment(id, 100, "INR").await;
        let subscription = client.fetch_subscription(id).await;
        let cancelled = client.cancel_subscription(id, false).await;
        for answer in [
            fetched.map(|_| ()),
            captured.map(|_| ()),
            subscription.map(|_| ()),
            cancelled.map(|_| ()),
        ] {
            assert!(
                matches!(&answer, Err(ProviderError::Refused { code, .. }) if code == "invalid_id"),
                "{id:?}: {answer:?}"
            );
        }
    }
    assert_eq!(fake.requests(), Vec::new());
}

#[tokio::test]
async fn the_client_never_shows_the_secret() {
    let (_, client) = fake().await;
    let text = format!("{client:?}");
    assert!(text.contains(KEY_ID), "{text}");
    assert!(!text.contains(KEY_SECRET), "{text}");
}

#[tokio::test]
async fn webhooks_carry_the_entities_as_they_stand_signed() {
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    use botwot_webhooks::razorpay::{parse_event, read_subscription, verify_webhook};

    let (fake, client) = fake().await;
    let (_, subscription_id) = plan_and_subscription(&fake, &client).await;
    let (payment_id, _) = fake.authenticate_subscription(&subscription_id);

    let received = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/webhooks/razorpay",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sink = sink.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned)
                };
                let signed = verify_webhook(
                    WEBHOOK_SECRET.as_bytes(),
                    header("x-razorpay-signature").as_deref(),
                    &body,
                )
                .is_ok();
                sink.lock().expect("sink").push((
                    header("x-razorpay-event-id"),
                    signed,
                    body.to_vec(),
                ));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/webhooks/razorpay",
        listener.local_addr().expect("address")
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let body = fake.webhook_body("subscription.charged", &[&subscription_id, &payment_id]);
    let answer = fake.send_webhook(&url, &body).await;
    assert_eq!(answer.status(), 200);
    fake.send_webhook_as(&url, &body, "evt_00000000000001")
        .await;
    server.abort();

    let received = received.lock().expect("sink").clone();
    let [
        (first_id, first_signed, first_body),
        (second_id, second_signed, _),
    ] = <[_; 2]>::try_from(received).expect("two deliveries");
    assert!(first_signed && second_signed);
    assert!(first_id.is_some_and(|id| razorpay_id(&id, "evt_")));
    assert_eq!(second_id.as_deref(), Some("evt_00000000000001"));
    let envelope: Value = serde_json::from_slice(&first_body).expect("json");
    assert_eq!(envelope["entity"], "event");
    assert_eq!(envelope["contains"], json!(["subscription", "payment"]));
    assert_eq!(envelope["created_at"], NOW);
    assert!(razorpay_id(
        envelope["account_id"].as_str().unwrap_or_default(),
        "acc_"
    ));
    let event = parse_event(&first_body).expect("a readable event");
    assert_eq!(event.event, "subscription.charged");
    let subscription = read_subscription(&envelope["payload"]["subscription"]["entity"], secs(NOW))
        .expect("a readable subscription");
    assert_eq!(subscription.provider_id, subscription_id);
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    assert_eq!(subscription.paid_count, 1);
    assert_eq!(
        envelope["payload"]["payment"]["entity"]["id"],
        payment_id.as_str()
    );
    assert_eq!(
        envelope["payload"]["payment"]["entity"]["status"],
        "captured"
    );
}

#[tokio::test]
async fn a_subscription_cancelled_at_cycle_end_ends_with_its_cycle_and_the_last_cycle_completes() {
    let (fake, client) = fake().await;
    let (plan_id, subscription_id) = plan_and_subscription(&fake, &client).await;
    fake.authenticate_subscription(&subscription_id);
    client
        .cancel_subscription(&subscription_id, true)
        .await
        .expect("cancel at cycle end");
    assert_eq!(
        fake.subscription(&subscription_id).expect("held")["has_scheduled_changes"],
        true
    );

    fake.set_now(NOW + CYCLE_SECS);
    fake.end_cycle(&subscription_id);
    let ended = client
        .fetch_subscription(&subscription_id)
        .await
        .expect("fetched");
    assert_eq!(ended.status, SubscriptionStatus::Cancelled);
    assert_eq!(ended.ended_at, Some(secs(NOW + CYCLE_SECS)));

    let two_months = client
        .create_subscription(&plan_id, 2, &BTreeMap::new())
        .await
        .expect("subscription");
    fake.authenticate_subscription(&two_months.provider_id);
    fake.charge_subscription(&two_months.provider_id);
    let completed = client
        .fetch_subscription(&two_months.provider_id)
        .await
        .expect("fetched");
    assert_eq!(completed.status, SubscriptionStatus::Completed);
    assert_eq!(completed.paid_count, 2);
}
