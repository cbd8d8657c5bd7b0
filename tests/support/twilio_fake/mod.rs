//! A local stand-in for Twilio's REST API (2010-04-01) in tests: accounts signing in with HTTP
//! Basic (account SID and auth token), the incoming phone numbers of each account (looked up by
//! number, their voice URL and status callback set), calls placed (`201`, a fresh `CA…` sid,
//! `queued`), each call's status as the test moves it, Twilio's refusals and error bodies, and a
//! record of every request.
//!
//! Included by several test crates (`#[path = "../../tests/support/twilio_fake/mod.rs"] mod
//! twilio_fake;` or as a `support` module), so it uses nothing crate-specific: axum, tokio,
//! serde_json, reqwest and `botwot_webhooks::twilio`'s form reader (see `../fake_api.rs`).
//!
//! ```ignore
//! let (base_url, fake) = twilio_fake::start(ACCOUNT_SID, AUTH_TOKEN).await;
//! let number_sid = fake.add_number(ACCOUNT_SID, "+14155550100");
//! // ... the code under test connects the number and places a call at `base_url` ...
//! fake.end_call(&call_sid, "completed", 61, 1_735_689_661);
//! ```

#![allow(dead_code)]

mod api;
// Each fake carries its own copy, so a test crate may include either or both.
#[allow(clippy::duplicate_mod)]
#[path = "../fake_api.rs"]
mod fake_api;
mod resources;

/// What tests read requests with, whichever of them a test crate uses.
#[allow(unused_imports)]
pub use fake_api::{FakeApi, RecordedRequest, basic_authorization, pairs_named};

use fake_api::system_now;
use resources::{Call, Number};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Twilio's error code for a `To` it cannot call.
pub const INVALID_TO: u32 = 21211;

/// The fake Twilio: its accounts, numbers and calls, and the server (requests, failure knobs)
/// through `Deref`. Cheap to clone; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct TwilioFake {
    api: FakeApi,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// The fake's time when set; the system clock's otherwise.
    now: Option<i64>,
    /// Auth tokens by account SID.
    accounts: BTreeMap<String, String>,
    numbers: BTreeMap<String, Number>,
    /// Calls by sid, and their sids in the order they were placed.
    calls: BTreeMap<String, Call>,
    placed: Vec<String>,
    /// `To` numbers refused with [`INVALID_TO`].
    invalid_to: BTreeSet<String>,
}

/// Starts the fake with one account; its base URL (no trailing slash) and the fake.
pub async fn start(account_sid: &str, auth_token: &str) -> (String, TwilioFake) {
    let state = Arc::new(Mutex::new(State::default()));
    let shared = state.clone();
    let outage = json!({
        "code": 20500,
        "message": "An internal server error has occurred",
        "more_info": "https://www.twilio.com/docs/errors/20500",
        "status": 503,
    });
    let api = FakeApi::start(outage, move |request| lock(&shared).answer(request)).await;
    let fake = TwilioFake { api, state };
    fake.add_account(account_sid, auth_token);
    (fake.base_url().to_owned(), fake)
}

impl Deref for TwilioFake {
    type Target = FakeApi;

    fn deref(&self) -> &FakeApi {
        &self.api
    }
}

impl TwilioFake {
    /// Another account that may sign in.
    pub fn add_account(&self, account_sid: &str, auth_token: &str) {
        self.state()
            .accounts
            .insert(account_sid.to_owned(), auth_token.to_owned());
    }

    /// The `Authorization` header of a request signed in as `account_sid`.
    pub fn expected_authorization(&self, account_sid: &str) -> String {
        let token = self.state().accounts.get(account_sid).cloned();
        basic_authorization(account_sid, &token.unwrap_or_default())
    }

    /// Stops the fake's clock at `unix_secs` (what calls are stamped with).
    pub fn set_now(&self, unix_secs: i64) {
        self.state().now = Some(unix_secs);
    }

    /// Buys `phone_number` into `account_sid`, with no voice URL yet; its `PN…` sid.
    pub fn add_number(&self, account_sid: &str, phone_number: &str) -> String {
        let mut state = self.state();
        let number = Number::new(account_sid, phone_number, state.now());
        let sid = number.sid.clone();
        state.numbers.insert(sid.clone(), number);
        sid
    }

    /// The number `number_sid` as Twilio's API writes it.
    pub fn number(&self, number_sid: &str) -> Option<Value> {
        self.state().numbers.get(number_sid).map(Number::resource)
    }

    /// Placing a call to `to` is refused with Twilio's 21211 from now on.
    pub fn refuse_to(&self, to: &str) {
        self.state().invalid_to.insert(to.to_owned());
    }

    /// The sid of every call placed, oldest first.
    pub fn call_sids(&self) -> Vec<String> {
        self.state().placed.clone()
    }

    /// The call `call_sid` as Twilio's API writes it.
    pub fn call(&self, call_sid: &str) -> Option<Value> {
        self.state().calls.get(call_sid).map(Call::resource)
    }

    /// The form the call `call_sid` was placed with, in order.
    pub fn call_form(&self, call_sid: &str) -> Vec<(String, String)> {
        self.state().call_mut(call_sid).form.clone()
    }

    /// Moves a call on to `status` (`ringing`, `in-progress`, ...) without ending it.
    pub fn set_call_status(&self, call_sid: &str, status: &str) {
        let mut state = self.state();
        let now = state.now();
        let call = state.call_mut(call_sid);
        if status == "in-progress" && call.start_time.is_none() {
            call.start_time = Some(now);
        }
        call.status = status.to_owned();
    }

    /// Ends a call with `status` (`completed`, `busy`, `no-answer`, `failed`, `canceled`),
    /// lasting `duration_secs` up to `end_unix_secs`.
    pub fn end_call(&self, call_sid: &str, status: &str, duration_secs: u32, end_unix_secs: i64) {
        let mut state = self.state();
        let call = state.call_mut(call_sid);
        call.status = status.to_owned();
        call.duration = Some(duration_secs);
        call.start_time = Some(end_unix_secs - i64::from(duration_secs));
        call.end_time = Some(end_unix_secs);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl State {
    fn now(&self) -> i64 {
        self.now.unwrap_or_else(system_now)
    }

    fn call_mut(&mut self, call_sid: &str) -> &mut Call {
        self.calls
            .get_mut(call_sid)
            .unwrap_or_else(|| panic!("no call {call_sid} at the fake twilio"))
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
