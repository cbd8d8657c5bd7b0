//! Payments through the local Razorpay (`tests/support/razorpay_fake/`, speaking Razorpay's
//! documented API and webhooks): an operator prices a tier; an organisation subscribes or
//! prepays months, confirms what the checkout returned, and its plan tier follows what it paid
//! for; Razorpay's webhooks are verified before parsing and settle once, in Razorpay's order,
//! however often and in whatever order they come; paid time that runs out returns the
//! organisation to BASE.

use crate::cluster_admin::OPERATOR;
use crate::support::razorpay_fake::{self, RazorpayFake};
use crate::support::{Reply, TestApp};
use axum::http::{Method, StatusCode};
use botwot_engine::Timestamp;
use botwot_engine::time::ManualClock;
use botwot_webhooks::razorpay::order_checkout_signature;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24 * 3600);

struct Shop {
    app: TestApp,
    fake: RazorpayFake,
    clock: Arc<ManualClock>,
}

/// The application with payments on, its organisation on BASE and PRO priced at $299.
async fn shop() -> Shop {
    let (_, fake) = razorpay_fake::start("rzp_test_botwot", "key_secret_42", "whsec_42").await;
    let clock = Arc::new(ManualClock::starting_at(Timestamp::from_millis(
        fake.now() * 1000,
    )));
    let app = TestApp::with_payments(&fake, clock.clone()).await;
    let shop = Shop { app, fake, clock };
    shop.set_tier("BASE").await;
    let priced = shop
        .operator(
            "/v1/admin/billing/plans",
            json!({"tier": "PRO", "amount": 29900, "currency": "usd"}),
        )
        .await;
    assert_eq!(priced.status, StatusCode::CREATED, "{:?}", priced.body);
    shop
}

impl Shop {
    async fn operator(&self, path: &str, body: Value) -> Reply {
        let body = body.to_string();
        self.app
            .call(Method::POST, path, Some(&body), &[OPERATOR])
            .await
    }

    async fn set_tier(&self, tier: &str) {
        let me = self.app.get("/v1/me").await.body;
        let organisation = me["organisation"]["id"].as_str().expect("an id");
        let body = json!({"tier": tier}).to_string();
        let path = format!("/v1/admin/organisations/{organisation}/plan");
        let set = self
            .app
            .call(Method::PUT, &path, Some(&body), &[OPERATOR])
            .await;
        assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    }

    async fn post(&self, path: &str, body: Value) -> Reply {
        self.app.send(Method::POST, path, body).await
    }

    async fn tier(&self) -> String {
        let me = self.app.get("/v1/me").await.body;
        me["organisation"]["subscriptionTier"]
            .as_str()
            .expect("a tier")
            .to_owned()
    }

    async fn account(&self) -> Value {
        let account = self.app.get("/v1/billing").await;
        assert_eq!(account.status, StatusCode::OK, "{:?}", account.body);
        account.body
    }

    /// Delivers a webhook body signed with the webhook secret, as event `event_id`.
    async fn webhook(&self, body: &[u8], event_id: &str) -> Reply {
        let signature = self.fake.webhook_signature(body);
        self.raw_webhook(
            body,
            &[
                ("x-razorpay-signature", &signature),
                ("x-razorpay-event-id", event_id),
            ],
        )
        .await
    }

    async fn raw_webhook(&self, body: &[u8], headers: &[(&str, &str)]) -> Reply {
        let text = String::from_utf8_lossy(body).into_owned();
        self.app
            .call(Method::POST, "/webhooks/razorpay", Some(&text), headers)
            .await
    }

    async fn subscribe(&self) -> String {
        let started = self
            .post("/v1/billing/subscriptions", json!({"tier": "PRO"}))
            .await;
        assert_eq!(started.status, StatusCode::CREATED, "{:?}", started.body);
        started.body["subscription"]["id"]
            .as_str()
            .expect("an id")
            .to_owned()
    }

    async fn order(&self, months: u32) -> Value {
        let created = self
            .post(
                "/v1/billing/orders",
                json!({"tier": "PRO", "months": months}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        created.body["order"].clone()
    }

    fn requests_to(&self, method: &str, path: &str) -> Vec<Value> {
        self.fake
            .requests()
            .into_iter()
            .filter(|request| request.method == method && request.path == path)
            .map(|request| request.body)
            .collect()
    }
}

#[tokio::test]
async fn payments_are_off_without_keys() {
    let app = TestApp::new().await;
    for (method, path) in [
        (Method::GET, "/v1/billing"),
        (Method::POST, "/v1/billing/subscriptions"),
        (Method::POST, "/webhooks/razorpay"),
    ] {
        let off = app.call(method.clone(), path, Some("{}"), &[]).await;
        assert_eq!(
            (off.status, off.code()),
            (StatusCode::NOT_FOUND, "payments_disabled"),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn an_operator_prices_a_tier_as_a_monthly_plan_at_razorpay() {
    let shop = shop().await;
    let plans = shop.requests_to("POST", "/v1/plans");
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0]["period"], "monthly");
    assert_eq!(plans[0]["interval"], 1);
    assert_eq!(plans[0]["item"]["amount"], 29900);
    assert_eq!(plans[0]["item"]["currency"], "USD");
    let listed = shop.app.get("/v1/billing/plans").await.body;
    assert_eq!(listed[0]["tier"], "PRO");
    assert_eq!(listed[0]["amount"], 29900);
    assert!(
        listed[0]["providerPlanId"]
            .as_str()
            .expect("id")
            .starts_with("plan_")
    );

    let enterprise = shop
        .operator(
            "/v1/admin/billing/plans",
            json!({"tier": "ENTERPRISE", "amount": 100000, "currency": "USD"}),
        )
        .await;
    assert_eq!(enterprise.code(), "tier_not_purchasable");
    let cheap = shop
        .operator(
            "/v1/admin/billing/plans",
            json!({"tier": "BASE", "amount": 50, "currency": "USD"}),
        )
        .await;
    assert_eq!(
        (cheap.code(), cheap.fields_at_fault()),
        ("validation_failed", vec!["amount"])
    );
    let tenant = shop
        .app
        .send(
            Method::POST,
            "/v1/admin/billing/plans",
            json!({"tier": "BASE", "amount": 9900, "currency": "USD"}),
        )
        .await;
    assert_eq!(tenant.code(), "invalid_operator_token");
    assert_eq!(
        shop.requests_to("POST", "/v1/plans").len(),
        1,
        "nothing refused reached Razorpay"
    );
}

#[tokio::test]
async fn a_subscription_confirmed_at_checkout_moves_the_organisation_and_cancelling_returns_it() {
    let shop = shop().await;
    let started = shop
        .post("/v1/billing/subscriptions", json!({"tier": "PRO"}))
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{:?}", started.body);
    assert_eq!(started.body["checkoutKey"], "rzp_test_botwot");
    assert_eq!(started.body["subscription"]["status"], "created");
    let sub = started.body["subscription"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let asked = shop.requests_to("POST", "/v1/subscriptions");
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0]["plan_id"]
            .as_str()
            .expect("plan")
            .starts_with("plan_")
    );
    assert_eq!(asked[0]["notes"]["tier"], "PRO");
    assert!(asked[0]["notes"]["organisationId"].is_string());

    let again = shop
        .post("/v1/billing/subscriptions", json!({"tier": "PRO"}))
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "subscription_exists")
    );
    let unpriced = shop
        .post("/v1/billing/orders", json!({"tier": "BASE", "months": 1}))
        .await;
    assert_eq!(unpriced.code(), "tier_not_priced");

    let (payment, signature) = shop.fake.authenticate_subscription(&sub);
    let confirm = format!("/v1/billing/subscriptions/{sub}/confirm");
    let forged = shop
        .post(
            &confirm,
            json!({"razorpay_payment_id": payment, "razorpay_signature": "ab".repeat(32)}),
        )
        .await;
    assert_eq!(forged.code(), "invalid_checkout_signature");
    assert_eq!(shop.tier().await, "BASE");
    let confirmed = shop
        .post(&confirm, json!({"razorpay_payment_id": payment, "razorpay_signature": signature, "razorpay_subscription_id": sub}))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    assert_eq!(confirmed.body["tier"], "PRO");
    assert_eq!(confirmed.body["paidTier"], "PRO");
    assert_eq!(confirmed.body["subscriptions"][0]["status"], "active");
    assert_eq!(shop.tier().await, "PRO");
    let audit = shop.app.get("/v1/audit").await.body;
    let by_billing = audit["items"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| {
            entry["action"] == "organisation.plan" && entry["actor"]["kind"] == "billing"
        })
        .count();
    assert_eq!(by_billing, 1, "{audit}");

    // The local Razorpay stamps the cancellation with the system clock's second, which may be
    // one past the test's clock on a slow run: BotWot's now is moved past any stamp it made.
    shop.clock.advance(Duration::from_secs(2));
    let cancelled = shop
        .post(
            &format!("/v1/billing/subscriptions/{sub}/cancel"),
            json!({"atCycleEnd": false}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.body);
    assert_eq!(cancelled.body["subscriptions"][0]["status"], "cancelled");
    assert_eq!(
        shop.requests_to("POST", &format!("/v1/subscriptions/{sub}/cancel"))[0]["cancel_at_cycle_end"],
        0
    );
    assert_eq!(shop.tier().await, "BASE");
    let twice = shop
        .post(
            &format!("/v1/billing/subscriptions/{sub}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(twice.code(), "subscription_ended");
    // A new subscription may start once the old one ended.
    shop.subscribe().await;
    let audited: BTreeSet<String> = shop.app.get("/v1/audit?limit=200").await.body["items"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|entry| entry["action"].as_str().map(str::to_owned))
        .collect();
    for change in [
        "POST /v1/billing/subscriptions",
        "POST /v1/billing/subscriptions/{subscriptionId}/confirm",
        "POST /v1/billing/subscriptions/{subscriptionId}/cancel",
    ] {
        assert!(audited.contains(change), "{change} audited: {audited:?}");
    }
}

#[tokio::test]
async fn webhooks_settle_once_and_in_razorpays_order() {
    let shop = shop().await;
    let sub = shop.subscribe().await;
    let (first_payment, _) = shop.fake.authenticate_subscription(&sub);
    let activated = shop
        .fake
        .webhook_body("subscription.activated", &[&sub, &first_payment]);
    shop.fake.advance(40);
    let renewal = shop.fake.charge_subscription(&sub);
    let charged = shop
        .fake
        .webhook_body("subscription.charged", &[&sub, &renewal]);

    // The newer report first, then the older one: the account keeps the newer.
    let taken = shop.webhook(&charged, "evt_charged").await;
    assert_eq!(
        (taken.status, taken.body["outcome"].as_str()),
        (StatusCode::OK, Some("settled"))
    );
    assert_eq!(shop.tier().await, "PRO");
    let late = shop.webhook(&activated, "evt_activated").await;
    assert_eq!(late.status, StatusCode::OK);
    let account = shop.account().await;
    assert_eq!(account["subscriptions"][0]["paidCount"], 2, "{account}");

    // The same event delivered twice at once: settled once, the other seen as a duplicate.
    let (one, two) = tokio::join!(
        shop.webhook(&charged, "evt_charged_again"),
        shop.webhook(&charged, "evt_charged_again")
    );
    let outcomes: BTreeSet<_> = [&one, &two]
        .iter()
        .map(|reply| reply.body["outcome"].as_str().unwrap_or("?").to_owned())
        .collect();
    assert_eq!(
        outcomes,
        BTreeSet::from(["duplicate".to_owned(), "settled".to_owned()])
    );
    assert_eq!(
        shop.webhook(&charged, "evt_charged").await.body["outcome"],
        "duplicate"
    );

    // Every retry failed: Razorpay halts the subscription, and the tier goes.
    shop.fake.advance(40);
    shop.fake.halt_subscription(&sub);
    let halted = shop.fake.webhook_body("subscription.halted", &[&sub]);
    assert_eq!(
        shop.webhook(&halted, "evt_halted").await.status,
        StatusCode::OK
    );
    assert_eq!(shop.tier().await, "BASE");
    assert_eq!(shop.account().await["paidTier"], Value::Null);
}

#[tokio::test]
async fn webhooks_are_verified_before_they_are_read() {
    let shop = shop().await;
    let sub = shop.subscribe().await;
    shop.fake.authenticate_subscription(&sub);
    let body = shop.fake.webhook_body("subscription.activated", &[&sub]);
    let good = shop.fake.webhook_signature(&body);
    let refused = [
        shop.raw_webhook(&body, &[]).await,
        shop.raw_webhook(&body, &[("x-razorpay-signature", "nothex")])
            .await,
        shop.raw_webhook(&body, &[("x-razorpay-signature", &"0".repeat(64))])
            .await,
        shop.raw_webhook(b"{\"tampered\":1}", &[("x-razorpay-signature", &good)])
            .await,
    ];
    for reply in &refused {
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::UNAUTHORIZED, "invalid_signature")
        );
    }
    assert_eq!(shop.tier().await, "BASE", "nothing refused was applied");

    let garbage = shop.webhook(b"not json", "evt_garbage").await;
    assert_eq!(
        (garbage.status, garbage.code()),
        (StatusCode::BAD_REQUEST, "invalid_payload")
    );
    let refund = br#"{"entity":"event","event":"refund.processed","contains":["refund"],"payload":{"refund":{"entity":{"id":"rfnd_1"}}},"created_at":1700000000}"#;
    assert_eq!(
        shop.webhook(refund, "evt_refund").await.body["outcome"],
        "ignored"
    );
    let stranger = body_of_unknown_subscription();
    assert_eq!(
        shop.webhook(stranger.as_bytes(), "evt_stranger").await.body["outcome"],
        "not_ours"
    );

    assert_eq!(
        shop.webhook(&body, "evt_good").await.body["outcome"],
        "settled"
    );
    assert_eq!(shop.tier().await, "PRO");
}

fn body_of_unknown_subscription() -> String {
    json!({
        "entity": "event", "event": "subscription.charged", "contains": ["subscription"],
        "payload": {"subscription": {"entity": {
            "id": "sub_SomeoneElses01", "entity": "subscription", "plan_id": "plan_Other0000001",
            "status": "active", "current_start": 1700000000, "current_end": 1702592000,
            "ended_at": null, "paid_count": 1, "short_url": null, "notes": []
        }}},
        "created_at": 1700000000
    })
    .to_string()
}

#[tokio::test]
async fn an_order_is_captured_for_its_price_and_prepays_months() {
    let shop = shop().await;
    for months in [0, 25] {
        let refused = shop
            .post(
                "/v1/billing/orders",
                json!({"tier": "PRO", "months": months}),
            )
            .await;
        assert_eq!(
            (refused.code(), refused.fields_at_fault()),
            ("validation_failed", vec!["months"])
        );
    }
    let order = shop.order(3).await;
    assert_eq!(
        (order["amount"].as_u64(), order["currency"].as_str()),
        (Some(89700), Some("USD"))
    );
    let id = order["id"].as_str().expect("id").to_owned();
    assert_eq!(shop.requests_to("POST", "/v1/orders")[0]["amount"], 89700);

    let (payment, signature) = shop.fake.pay_order(&id, false);
    let capture = format!("/v1/billing/orders/{id}/capture");
    let forged = shop
        .post(
            &capture,
            json!({"razorpay_payment_id": payment, "razorpay_signature": "00".repeat(32)}),
        )
        .await;
    assert_eq!(forged.code(), "invalid_checkout_signature");
    let paid = shop
        .post(
            &capture,
            json!({"razorpay_payment_id": payment, "razorpay_signature": signature}),
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.body);
    assert_eq!(paid.body["tier"], "PRO");
    assert_eq!(paid.body["orders"][0]["status"], "paid");
    let from =
        Timestamp::parse_rfc3339(paid.body["orders"][0]["coversFrom"].as_str().expect("from"))
            .expect("time");
    let until = Timestamp::parse_rfc3339(
        paid.body["orders"][0]["coversUntil"]
            .as_str()
            .expect("until"),
    )
    .expect("time");
    assert_eq!(until.since(from), DAY * 90);
    let captures = shop.requests_to("POST", &format!("/v1/payments/{payment}/capture"));
    assert_eq!(captures.len(), 1);
    assert_eq!(
        (
            captures[0]["amount"].as_u64(),
            captures[0]["currency"].as_str()
        ),
        (Some(89700), Some("USD"))
    );

    let again = shop
        .post(
            &capture,
            json!({"razorpay_payment_id": payment, "razorpay_signature": signature}),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "confirming twice is harmless: {:?}",
        again.body
    );
    assert_eq!(
        shop.requests_to("POST", &format!("/v1/payments/{payment}/capture"))
            .len(),
        1
    );
    assert_eq!(again.body["paidUntil"], paid.body["paidUntil"]);
}

#[tokio::test]
async fn an_authorised_payment_is_captured_from_its_webhook_when_the_browser_never_returns() {
    let shop = shop().await;
    let id = shop.order(1).await["id"].as_str().expect("id").to_owned();
    let (payment, _) = shop.fake.pay_order(&id, false);
    let authorized = shop.fake.webhook_body("payment.authorized", &[&payment]);
    assert_eq!(
        shop.webhook(&authorized, "evt_auth").await.body["outcome"],
        "settled"
    );
    assert_eq!(
        shop.requests_to("POST", &format!("/v1/payments/{payment}/capture"))
            .len(),
        1
    );
    assert_eq!(shop.tier().await, "PRO");
    let captured = shop.fake.webhook_body("payment.captured", &[&payment]);
    assert_eq!(
        shop.webhook(&captured, "evt_captured").await.body["outcome"],
        "settled"
    );
    assert_eq!(
        shop.account().await["orders"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn a_failed_payment_is_noted_and_refused_with_razorpays_reason() {
    let shop = shop().await;
    let id = shop.order(1).await["id"].as_str().expect("id").to_owned();
    let payment = shop.fake.fail_payment(&id, "Your card was declined");
    let failed = shop.fake.webhook_body("payment.failed", &[&payment]);
    assert_eq!(
        shop.webhook(&failed, "evt_failed").await.body["outcome"],
        "settled"
    );
    let account = shop.account().await;
    assert_eq!(
        account["orders"][0]["lastFailure"],
        "Your card was declined"
    );
    assert_eq!(account["tier"], "BASE");
    let signature = order_checkout_signature(b"key_secret_42", &id, &payment);
    let refused = shop
        .post(
            &format!("/v1/billing/orders/{id}/capture"),
            json!({"razorpay_payment_id": payment, "razorpay_signature": signature}),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::PAYMENT_REQUIRED, "payment_failed")
    );
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("declined")
    );
}

#[tokio::test]
async fn paid_time_that_runs_out_returns_the_organisation_to_base() {
    let shop = shop().await;
    let id = shop.order(1).await["id"].as_str().expect("id").to_owned();
    let (payment, signature) = shop.fake.pay_order(&id, true);
    let paid = shop
        .post(
            &format!("/v1/billing/orders/{id}/capture"),
            json!({"razorpay_payment_id": payment, "razorpay_signature": signature}),
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.body);
    assert_eq!(
        shop.requests_to("POST", &format!("/v1/payments/{payment}/capture"))
            .len(),
        0,
        "captured at checkout"
    );
    let billing = shop.app.state.payments.clone().expect("payments").billing;
    shop.clock.advance(DAY * 29);
    assert_eq!(billing.settle_due().await.expect("sweep"), 0);
    assert_eq!(shop.tier().await, "PRO");
    shop.clock.advance(DAY * 2);
    assert_eq!(billing.settle_due().await.expect("sweep"), 1);
    assert_eq!(shop.tier().await, "BASE");
    assert_eq!(shop.account().await["paidTier"], Value::Null);
    assert_eq!(
        billing.settle_due().await.expect("sweep"),
        0,
        "settled once"
    );
}

#[tokio::test]
async fn an_enterprise_organisation_buys_nothing_here_and_billing_leaves_it_alone() {
    let shop = shop().await;
    shop.set_tier("ENTERPRISE").await;
    let refused = shop
        .post("/v1/billing/subscriptions", json!({"tier": "PRO"}))
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::CONFLICT, "enterprise_billed_separately")
    );
    let enterprise = shop
        .post(
            "/v1/billing/orders",
            json!({"tier": "ENTERPRISE", "months": 1}),
        )
        .await;
    assert_eq!(enterprise.code(), "tier_not_purchasable");
    assert!(shop.requests_to("POST", "/v1/orders").is_empty());
}
