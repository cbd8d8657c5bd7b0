//! A local stand-in for Razorpay in tests: its REST API for plans, subscriptions, orders and
//! payments (entity shapes, ids, Unix-second times and refusals as Razorpay writes them), HTTP
//! Basic auth, a record of every request, and the other side of a payment: the customer paying
//! at checkout, Razorpay charging a subscription every cycle, and its signed webhooks.
//!
//! Included by several test crates (`#[path = "../../tests/support/razorpay_fake/mod.rs"] mod
//! razorpay_fake;` or as a `support` module), so it uses nothing crate-specific: axum, tokio,
//! serde_json, reqwest and the signature helpers of `botwot_webhooks::razorpay`.
//!
//! ```ignore
//! let (base_url, fake) = razorpay_fake::start("rzp_test_key", "key_secret", "whsec").await;
//! // ... the code under test creates an order at `base_url` ...
//! let (payment_id, signature) = fake.pay_order(&order_id, false);
//! let body = fake.webhook_body("payment.authorized", &[&payment_id]);
//! let answer = fake.send_webhook(&webhook_url, &body).await;
//! ```

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use botwot_webhooks::razorpay::{
    order_checkout_signature, subscription_checkout_signature, webhook_signature,
};
use serde_json::{Map, Value, json};
use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

/// The length of one subscription cycle in the fake (Razorpay's monthly plans, as 30 days).
pub const CYCLE_SECS: i64 = 30 * 24 * 60 * 60;
/// The description Razorpay gives an unknown id.
pub const NO_SUCH_ID: &str = "The id provided does not exist";

/// One request the fake API received, authorised or not.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `Authorization` header, as sent.
    pub authorization: Option<String>,
    /// The JSON body; `Null` when there was none, a string when it was not JSON.
    pub body: Value,
}

/// The fake Razorpay: what it holds, the requests it received, and the customer's and
/// Razorpay's moves. Cheap to clone; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct RazorpayFake {
    shared: Arc<Shared>,
    base_url: String,
    _server: Arc<ServerTask>,
}

struct ServerTask(tokio::task::JoinHandle<()>);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Shared {
    key_id: String,
    key_secret: String,
    webhook_secret: String,
    account_id: String,
    ledger: Mutex<Ledger>,
}

#[derive(Default)]
struct Ledger {
    /// The fake's time when set; the system clock's otherwise.
    now: Option<i64>,
    plans: BTreeMap<String, Plan>,
    subscriptions: BTreeMap<String, Subscription>,
    orders: BTreeMap<String, Order>,
    payments: BTreeMap<String, Payment>,
    requests: Vec<RecordedRequest>,
    /// Answers given instead of the API's, oldest first.
    canned: VecDeque<(u16, String)>,
    unavailable: bool,
}

mod api;
mod entities;
mod fields;

use api::*;
use entities::*;
use fields::*;

/// Starts the fake on `127.0.0.1` at a free port; its base URL (no trailing slash) and the
/// fake. Requests must sign in with `key_id`/`key_secret`; webhooks are signed with
/// `webhook_secret`.
pub async fn start(key_id: &str, key_secret: &str, webhook_secret: &str) -> (String, RazorpayFake) {
    let shared = Arc::new(Shared {
        key_id: key_id.to_owned(),
        key_secret: key_secret.to_owned(),
        webhook_secret: webhook_secret.to_owned(),
        account_id: fresh_id("acc_"),
        ledger: Mutex::new(Ledger::default()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the fake razorpay api");
    let address = listener
        .local_addr()
        .expect("the fake razorpay api's address");
    let app = Router::new().fallback(answer).with_state(shared.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let base_url = format!("http://{address}");
    let fake = RazorpayFake {
        shared,
        base_url: base_url.clone(),
        _server: Arc::new(ServerTask(task)),
    };
    (base_url, fake)
}

/// A fresh webhook event id (`evt_` and 14 alphanumerics).
pub fn new_event_id() -> String {
    fresh_id("evt_")
}

impl RazorpayFake {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn key_id(&self) -> &str {
        &self.shared.key_id
    }

    pub fn key_secret(&self) -> &str {
        &self.shared.key_secret
    }

    pub fn webhook_secret(&self) -> &str {
        &self.shared.webhook_secret
    }

    // ---- time ----

    /// The fake's time in Unix seconds: the system clock's until [`Self::set_now`].
    pub fn now(&self) -> i64 {
        self.ledger().now()
    }

    /// Stops the fake's clock at `unix_secs`; every time it writes from now on is this one,
    /// until set again or [`Self::advance`]d.
    pub fn set_now(&self, unix_secs: i64) {
        self.ledger().now = Some(unix_secs);
    }

    /// Moves the fake's clock `secs` on (and stops it there).
    pub fn advance(&self, secs: i64) {
        let mut ledger = self.ledger();
        ledger.now = Some(ledger.now() + secs);
    }

    // ---- what the API received ----

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.ledger().requests.clone()
    }

    /// The latest request received.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.ledger().requests.last().cloned()
    }

    pub fn clear_requests(&self) {
        self.ledger().requests.clear();
    }

    /// The `Authorization` header of a request signed in with the fake's key.
    pub fn expected_authorization(&self) -> String {
        basic_authorization(&self.shared.key_id, &self.shared.key_secret)
    }

    // ---- failure knobs ----

    /// The next request is answered with `status` and `body` (as is), whatever it asks.
    /// Queued: several calls answer several requests in turn.
    pub fn answer_next(&self, status: u16, body: &str) {
        self.ledger().canned.push_back((status, body.to_owned()));
    }

    /// While on, every request is answered 503 with Razorpay's server error.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.ledger().unavailable = unavailable;
    }

    // ---- entities as they stand ----

    pub fn plan(&self, plan_id: &str) -> Option<Value> {
        self.ledger().plans.get(plan_id).map(Plan::entity)
    }

    pub fn subscription(&self, subscription_id: &str) -> Option<Value> {
        self.ledger()
            .subscriptions
            .get(subscription_id)
            .map(Subscription::entity)
    }

    pub fn order(&self, order_id: &str) -> Option<Value> {
        self.ledger().orders.get(order_id).map(Order::entity)
    }

    pub fn payment(&self, payment_id: &str) -> Option<Value> {
        self.ledger().payments.get(payment_id).map(Payment::entity)
    }

    /// The id of every payment made, in id order (not the order they were made in).
    pub fn payment_ids(&self) -> Vec<String> {
        self.ledger().payments.keys().cloned().collect()
    }

    // ---- the customer's and Razorpay's moves ----

    /// The customer pays order `order_id` at checkout: a payment of the order's amount,
    /// `authorized` (the merchant captures it) or `captured` when `capture` (the order is then
    /// paid). Its id and the checkout's `razorpay_signature`.
    pub fn pay_order(&self, order_id: &str, capture: bool) -> (String, String) {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let order = ledger
            .orders
            .get_mut(order_id)
            .unwrap_or_else(|| panic!("no order {order_id} at the fake razorpay"));
        assert_ne!(order.status, "paid", "order {order_id} is already paid");
        order.attempts += 1;
        order.status = "attempted".to_owned();
        let mut payment = Payment::new(order.amount, &order.currency, now);
        payment.order_id = Some(order_id.to_owned());
        payment.status = "authorized".to_owned();
        if capture {
            payment.status = "captured".to_owned();
            order.status = "paid".to_owned();
            order.amount_paid = order.amount;
        }
        let payment_id = payment.id.clone();
        ledger.payments.insert(payment_id.clone(), payment);
        let signature =
            order_checkout_signature(self.shared.key_secret.as_bytes(), order_id, &payment_id);
        (payment_id, signature)
    }

    /// The customer's payment of order `order_id` fails with Razorpay's `description`; the
    /// failed payment's id.
    pub fn fail_payment(&self, order_id: &str, description: &str) -> String {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let order = ledger
            .orders
            .get_mut(order_id)
            .unwrap_or_else(|| panic!("no order {order_id} at the fake razorpay"));
        order.attempts += 1;
        if order.status == "created" {
            order.status = "attempted".to_owned();
        }
        let mut payment = Payment::new(order.amount, &order.currency, now);
        payment.order_id = Some(order_id.to_owned());
        payment.status = "failed".to_owned();
        payment.error_description = Some(description.to_owned());
        let payment_id = payment.id.clone();
        ledger.payments.insert(payment_id.clone(), payment);
        payment_id
    }

    /// The customer authorises subscription `subscription_id` at checkout and pays its first
    /// cycle: it is `active` with one cycle paid, from now for [`CYCLE_SECS`]. The payment's
    /// id and the checkout's `razorpay_signature`.
    pub fn authenticate_subscription(&self, subscription_id: &str) -> (String, String) {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let (amount, currency) = ledger.subscription_price(subscription_id);
        let subscription = ledger.subscription_mut(subscription_id);
        assert_eq!(
            subscription.status, "created",
            "subscription {subscription_id} was authenticated already"
        );
        let customer_id = fresh_id("cust_");
        subscription.customer_id = Some(customer_id.clone());
        subscription.payment_method = Some("card".to_owned());
        subscription.start_at = Some(now);
        subscription.end_at = Some(now + CYCLE_SECS * to_i64(subscription.total_count));
        subscription.paid_count = 0;
        subscription.start_cycle(now, now);
        let mut payment = Payment::recurring(amount, &currency, &customer_id, now);
        payment.description = Some("Subscription authentication".to_owned());
        let payment_id = payment.id.clone();
        ledger.payments.insert(payment_id.clone(), payment);
        let signature = subscription_checkout_signature(
            self.shared.key_secret.as_bytes(),
            subscription_id,
            &payment_id,
        );
        (payment_id, signature)
    }

    /// Razorpay charges subscription `subscription_id` for its next cycle: one more cycle paid,
    /// the period moved on by [`CYCLE_SECS`] from where the last one ended (`completed` after
    /// the last cycle). The captured payment's id.
    pub fn charge_subscription(&self, subscription_id: &str) -> String {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let (amount, currency) = ledger.subscription_price(subscription_id);
        let subscription = ledger.subscription_mut(subscription_id);
        assert!(
            matches!(
                subscription.status.as_str(),
                "authenticated" | "active" | "pending" | "halted"
            ),
            "subscription {subscription_id} is {}: nothing to charge",
            subscription.status
        );
        let start = subscription.current_end.unwrap_or(now);
        subscription.start_cycle(start, now);
        let customer_id = subscription.customer_id.clone().unwrap_or_default();
        let mut payment = Payment::recurring(amount, &currency, &customer_id, now);
        payment.description = Some("Recurring Payment via Subscription".to_owned());
        let payment_id = payment.id.clone();
        ledger.payments.insert(payment_id.clone(), payment);
        payment_id
    }

    /// Every retry of a charge failed: the subscription is `halted`.
    pub fn halt_subscription(&self, subscription_id: &str) {
        let mut ledger = self.ledger();
        let subscription = ledger.subscription_mut(subscription_id);
        subscription.status = "halted".to_owned();
        subscription.charge_at = None;
    }

    /// Sets a subscription's status as it is (`pending`, `paused`, `expired`, ...), for states
    /// the other moves do not reach.
    pub fn set_subscription_status(&self, subscription_id: &str, status: &str) {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let subscription = ledger.subscription_mut(subscription_id);
        subscription.status = status.to_owned();
        if matches!(status, "cancelled" | "completed" | "expired") {
            subscription.ended_at = Some(now);
            subscription.charge_at = None;
        }
    }

    /// The current cycle of a subscription cancelled at its end runs out: it is `cancelled`.
    pub fn end_cycle(&self, subscription_id: &str) {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let subscription = ledger.subscription_mut(subscription_id);
        if subscription.change_scheduled_at.take().is_some() {
            subscription.status = "cancelled".to_owned();
            subscription.ended_at = Some(now);
            subscription.charge_at = None;
        }
    }

    // ---- webhooks ----

    /// Razorpay's webhook body for `event` at the fake's time, carrying each entity of
    /// `entity_ids` as it stands (`sub_…` as `subscription`, `pay_…` as `payment`, `order_…`
    /// as `order`, `plan_…` as `plan`), in that order in `contains`.
    pub fn webhook_body(&self, event: &str, entity_ids: &[&str]) -> Vec<u8> {
        let ledger = self.ledger();
        let mut contains = Vec::new();
        let mut payload = Map::new();
        for id in entity_ids {
            let (name, entity) = ledger
                .entity_of(id)
                .unwrap_or_else(|| panic!("no entity {id} at the fake razorpay"));
            contains.push(Value::from(name));
            payload.insert(name.to_owned(), json!({ "entity": entity }));
        }
        json!({
            "entity": "event",
            "account_id": self.shared.account_id,
            "event": event,
            "contains": contains,
            "payload": payload,
            "created_at": ledger.now(),
        })
        .to_string()
        .into_bytes()
    }

    /// The `X-Razorpay-Signature` of `body` under the webhook secret.
    pub fn webhook_signature(&self, body: &[u8]) -> String {
        webhook_signature(self.shared.webhook_secret.as_bytes(), body)
            .expect("an hmac key of any length")
    }

    /// Delivers `body` to `url` as Razorpay does, signed, with a fresh event id.
    pub async fn send_webhook(&self, url: &str, body: &[u8]) -> reqwest::Response {
        self.send_webhook_as(url, body, &new_event_id()).await
    }

    /// Delivers `body` to `url` with the event id `event_id` (the same id again is a
    /// redelivery of the same event).
    pub async fn send_webhook_as(
        &self,
        url: &str,
        body: &[u8],
        event_id: &str,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .header("X-Razorpay-Signature", self.webhook_signature(body))
            .header("x-razorpay-event-id", event_id)
            .body(body.to_vec())
            .send()
            .await
            .expect("deliver the webhook")
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.shared.ledger()
    }
}

impl Shared {
    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
