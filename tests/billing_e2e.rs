//! Payments end to end through the real binary, against the local Razorpay
//! (`tests/support/razorpay_fake/`): an operator prices PRO, the organisation subscribes and
//! pays at the checkout, Razorpay's signed webhooks move it to PRO over real HTTP (a redelivery
//! is recognised), the state survives `kill -9`, and a halted subscription returns it to BASE;
//! a prepaid order whose browser never comes back is captured from its `payment.authorized`
//! webhook. Every signature the local Razorpay makes is checked by Razorpay's own Python client
//! (PyPI `razorpay`, installed by `deploy/test-services.sh`), so the scheme BotWot verifies is
//! the one Razorpay's SDK speaks.

mod support;

use serde_json::{Value, json};
use support::Server;
use support::razorpay_fake::{self, RazorpayFake};

const OPERATOR_TOKEN: &str = "e2e-operator-token-for-payments";
const KEY_ID: &str = "rzp_test_e2eBotWot";
const KEY_SECRET: &str = "e2e_key_secret_0123456789";
const WEBHOOK_SECRET: &str = "e2e_webhook_secret";

async fn server_with_payments(fake: &RazorpayFake, dir: &std::path::Path) -> Server {
    Server::start(
        dir,
        &[
            ("BOTWOT__HTTP__ADMIN_TOKEN", OPERATOR_TOKEN),
            ("BOTWOT__PAYMENTS__RAZORPAY__API_URL", fake.base_url()),
            ("BOTWOT__PAYMENTS__RAZORPAY__KEY_ID", KEY_ID),
            ("BOTWOT__PAYMENTS__RAZORPAY__KEY_SECRET", KEY_SECRET),
            ("BOTWOT__PAYMENTS__RAZORPAY__WEBHOOK_SECRET", WEBHOOK_SECRET),
        ],
    )
    .await
}

async fn price_pro(server: &Server) {
    let priced = server
        .http
        .post(format!("{}/v1/admin/billing/plans", server.base))
        .bearer_auth(OPERATOR_TOKEN)
        .json(&json!({"tier": "PRO", "amount": 29900, "currency": "USD"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(priced.status(), 201, "{:?}", priced.text().await);
}

async fn tier(server: &Server) -> String {
    let (status, me) = server.get("/v1/me").await;
    assert_eq!(status, 200, "{me}");
    me["organisation"]["subscriptionTier"]
        .as_str()
        .expect("a tier")
        .to_owned()
}

async fn webhook(fake: &RazorpayFake, server: &Server, body: &[u8], event_id: &str) -> Value {
    assert_python_client_accepts(json!({
        "check": "webhook",
        "body": String::from_utf8_lossy(body),
        "signature": fake.webhook_signature(body),
        "secret": WEBHOOK_SECRET,
    }));
    let url = format!("{}/webhooks/razorpay", server.base);
    let answer = fake.send_webhook_as(&url, body, event_id).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.expect("json")
}

/// Asks Razorpay's Python client whether it accepts a signature.
fn assert_python_client_accepts(check: Value) {
    let script = r#"
import json, sys
import razorpay
check = json.load(sys.stdin)
client = razorpay.Client(auth=(check.get("key_id", "k"), check.get("key_secret", "s")))
if check["check"] == "webhook":
    client.utility.verify_webhook_signature(check["body"], check["signature"], check["secret"])
elif check["check"] == "subscription":
    client.utility.verify_subscription_payment_signature(check["params"])
else:
    client.utility.verify_payment_signature(check["params"])
print("accepted")
"#;
    let output = support::python_with(script, &check);
    assert!(
        output.status.success() && output.stdout.starts_with(b"accepted"),
        "Razorpay's Python client refused {check}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_paid_at_razorpay_moves_the_organisation_and_survives_a_crash() {
    let (_, fake) = razorpay_fake::start(KEY_ID, KEY_SECRET, WEBHOOK_SECRET).await;
    let dir = tempfile::tempdir().expect("data dir");
    let mut server = server_with_payments(&fake, dir.path()).await;
    price_pro(&server).await;
    assert_eq!(tier(&server).await, "BASE");

    let (status, started) = server
        .post("/v1/billing/subscriptions", json!({"tier": "PRO"}))
        .await;
    assert_eq!(status, 201, "{started}");
    assert_eq!(started["checkoutKey"], KEY_ID);
    let sub = started["subscription"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // The customer pays at the checkout; Razorpay's SDK accepts the signature it hands back.
    let (payment, signature) = fake.authenticate_subscription(&sub);
    assert_python_client_accepts(json!({
        "check": "subscription", "key_id": KEY_ID, "key_secret": KEY_SECRET,
        "params": {"razorpay_subscription_id": sub, "razorpay_payment_id": payment, "razorpay_signature": signature},
    }));
    // The browser never confirms: Razorpay's webhooks alone move the organisation.
    let activated = fake.webhook_body("subscription.activated", &[&sub]);
    assert_eq!(
        webhook(&fake, &server, &activated, "evt_activated").await["outcome"],
        "settled"
    );
    assert_eq!(tier(&server).await, "PRO");
    assert_eq!(
        webhook(&fake, &server, &activated, "evt_activated").await["outcome"],
        "duplicate"
    );

    server.kill_and_restart().await;
    assert_eq!(tier(&server).await, "PRO");
    let (_, account) = server.get("/v1/billing").await;
    assert_eq!(account["paidTier"], "PRO", "{account}");
    assert_eq!(account["subscriptions"][0]["status"], "active");

    fake.advance(60);
    fake.halt_subscription(&sub);
    let halted = fake.webhook_body("subscription.halted", &[&sub]);
    assert_eq!(
        webhook(&fake, &server, &halted, "evt_halted").await["outcome"],
        "settled"
    );
    assert_eq!(tier(&server).await, "BASE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prepaid_order_is_captured_from_its_webhook_when_the_browser_never_returns() {
    let (_, fake) = razorpay_fake::start(KEY_ID, KEY_SECRET, WEBHOOK_SECRET).await;
    let dir = tempfile::tempdir().expect("data dir");
    let server = server_with_payments(&fake, dir.path()).await;
    price_pro(&server).await;
    let (status, created) = server
        .post("/v1/billing/orders", json!({"tier": "PRO", "months": 2}))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["order"]["amount"], 59800);
    let order = created["order"]["id"].as_str().expect("id").to_owned();

    let (payment, signature) = fake.pay_order(&order, false);
    assert_python_client_accepts(json!({
        "check": "order", "key_id": KEY_ID, "key_secret": KEY_SECRET,
        "params": {"razorpay_order_id": order, "razorpay_payment_id": payment, "razorpay_signature": signature},
    }));
    let authorized = fake.webhook_body("payment.authorized", &[&payment]);
    assert_eq!(
        webhook(&fake, &server, &authorized, "evt_authorized").await["outcome"],
        "settled"
    );
    assert_eq!(
        fake.payment(&payment).expect("payment")["status"],
        "captured"
    );
    assert_eq!(tier(&server).await, "PRO");
    let (_, account) = server.get("/v1/billing").await;
    assert_eq!(account["orders"][0]["status"], "paid", "{account}");

    // The checkout's own confirmation arriving late changes nothing and captures nothing more.
    let capture = format!("/v1/billing/orders/{order}/capture");
    let (status, again) = server
        .post(
            &capture,
            json!({"razorpay_payment_id": payment, "razorpay_signature": signature}),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["paidUntil"], account["paidUntil"]);
    let captures = fake
        .requests()
        .into_iter()
        .filter(|request| request.path.ends_with("/capture"))
        .count();
    assert_eq!(captures, 1);
}
