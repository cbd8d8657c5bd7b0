//! The Twilio client against the local fake of `tests/support/twilio_fake/`: the shape of each
//! call (path, the account's Basic auth, form fields), the answers read back, and every
//! failure mapped to the voice port's errors (a rejected token, a number or call not there,
//! Twilio's refusals with their code, an outage, a server down or too slow, an unreadable
//! answer, a sid that cannot go into a path).

#[path = "../../tests/support/twilio_fake/mod.rs"]
mod twilio_fake;

use botwot_adapters::twilio::{TwilioClient, TwilioConfig};
use botwot_engine::ports::{CallHooks, Telephony, TwilioCredentials, VoiceProviderError};
use botwot_engine::time::{ManualClock, Timestamp};
use botwot_engine::voice::{CallStatus, StatusUpdate};
use std::sync::Arc;
use std::time::Duration;
use twilio_fake::{INVALID_TO, TwilioFake};

const ACCOUNT_SID: &str = "AC5ef8732a3c49700934481addd5ce1659";
const AUTH_TOKEN: &str = "9f3a1c0e5b7d42a8b6c1e0f2d4a7b9c3";
const NUMBER: &str = "+14155550100";
const CALLEE: &str = "+919812345678";
/// The client's clock, which stamps a status Twilio gives no time for.
const CLIENT_NOW_MS: i64 = 1_735_689_612_345;

fn account() -> TwilioCredentials {
    TwilioCredentials {
        account_sid: ACCOUNT_SID.to_owned(),
        auth_token: AUTH_TOKEN.to_owned(),
    }
}

fn hooks() -> CallHooks {
    CallHooks {
        voice_url: "https://botwot.example/webhooks/twilio/voice/vn_1".to_owned(),
        status_url: "https://botwot.example/webhooks/twilio/status/vn_1".to_owned(),
    }
}

async fn fake() -> (TwilioFake, TwilioClient) {
    let (base_url, fake) = twilio_fake::start(ACCOUNT_SID, AUTH_TOKEN).await;
    (fake, client_at(&base_url, Duration::from_secs(5)))
}

fn client_at(base_url: &str, timeout: Duration) -> TwilioClient {
    TwilioClient::new(
        TwilioConfig::default()
            .with_api_url(base_url)
            .with_timeout(timeout),
    )
    .expect("a usable config")
    .with_clock(Arc::new(ManualClock::starting_at(Timestamp::from_millis(
        CLIENT_NOW_MS,
    ))))
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn is_sid(sid: &str, prefix: &str) -> bool {
    sid.strip_prefix(prefix)
        .is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The detail of an `Unavailable` answer; anything else fails the test.
fn unavailable<T: std::fmt::Debug>(answer: Result<T, VoiceProviderError>) -> String {
    match answer {
        Err(VoiceProviderError::Unavailable { detail, .. }) => detail,
        other => panic!("expected unavailable, got {other:?}"),
    }
}

fn account_path(rest: &str) -> String {
    format!("/2010-04-01/Accounts/{ACCOUNT_SID}/{rest}")
}

async fn placed_call(fake: &TwilioFake, client: &TwilioClient) -> String {
    fake.add_number(ACCOUNT_SID, NUMBER);
    let sid = client
        .place_call(&account(), NUMBER, CALLEE, &hooks(), 600)
        .await
        .expect("placed");
    fake.clear_requests();
    sid
}

#[tokio::test]
async fn a_number_is_found_by_its_number_and_pointed_at_botwot() {
    let (fake, client) = fake().await;
    fake.add_number(ACCOUNT_SID, "+14155550199");
    let number_sid = fake.add_number(ACCOUNT_SID, NUMBER);

    let connected = client
        .connect_number(&account(), NUMBER, &hooks())
        .await
        .expect("connected");

    assert_eq!(connected, number_sid);
    let [lookup, update] = <[_; 2]>::try_from(fake.requests()).expect("two requests");
    assert_eq!(
        (lookup.method.as_str(), lookup.path.as_str()),
        ("GET", account_path("IncomingPhoneNumbers.json").as_str())
    );
    assert_eq!(lookup.query, pairs(&[("PhoneNumber", NUMBER)]));
    assert_eq!(
        (update.method.as_str(), update.path.as_str()),
        (
            "POST",
            account_path(&format!("IncomingPhoneNumbers/{number_sid}.json")).as_str()
        )
    );
    assert_eq!(
        update.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        update.form(),
        pairs(&[
            (
                "VoiceUrl",
                "https://botwot.example/webhooks/twilio/voice/vn_1"
            ),
            ("VoiceMethod", "POST"),
            (
                "StatusCallback",
                "https://botwot.example/webhooks/twilio/status/vn_1"
            ),
            ("StatusCallbackMethod", "POST"),
        ])
    );
    for request in [&lookup, &update] {
        assert_eq!(
            request.authorization(),
            Some(fake.expected_authorization(ACCOUNT_SID).as_str())
        );
    }
    let number = fake.number(&number_sid).expect("held");
    assert_eq!(
        number["voice_url"],
        "https://botwot.example/webhooks/twilio/voice/vn_1"
    );
    assert_eq!(
        number["status_callback"],
        "https://botwot.example/webhooks/twilio/status/vn_1"
    );
}

#[tokio::test]
async fn a_number_not_in_the_account_is_not_found() {
    let (fake, client) = fake().await;
    let other_account = "AC00000000000000000000000000000001";
    fake.add_account(other_account, "other-token");
    fake.add_number(other_account, NUMBER);

    let answer = client.connect_number(&account(), NUMBER, &hooks()).await;

    let Err(VoiceProviderError::NotFound(message)) = answer else {
        panic!("expected not found, got {answer:?}");
    };
    assert!(message.contains(NUMBER), "{message}");
    assert!(message.contains(ACCOUNT_SID), "{message}");
    assert_eq!(fake.requests().len(), 1, "no update after a failed lookup");
}

#[tokio::test]
async fn a_disconnected_number_points_nowhere() {
    let (fake, client) = fake().await;
    let number_sid = fake.add_number(ACCOUNT_SID, NUMBER);
    client
        .connect_number(&account(), NUMBER, &hooks())
        .await
        .expect("connected");
    fake.clear_requests();

    client
        .disconnect_number(&account(), &number_sid)
        .await
        .expect("disconnected");

    let [update] = <[_; 1]>::try_from(fake.requests()).expect("one request");
    assert_eq!(
        (update.method.as_str(), update.path.as_str()),
        (
            "POST",
            account_path(&format!("IncomingPhoneNumbers/{number_sid}.json")).as_str()
        )
    );
    assert_eq!(update.form_values("VoiceUrl"), [""]);
    assert_eq!(update.form_values("StatusCallback"), [""]);
    let number = fake.number(&number_sid).expect("held");
    assert_eq!(
        (
            number["voice_url"].as_str(),
            number["status_callback"].as_str()
        ),
        (Some(""), Some(""))
    );

    let released = client
        .disconnect_number(&account(), "PN00000000000000000000000000000000")
        .await;
    assert!(
        matches!(released, Err(VoiceProviderError::NotFound(_))),
        "{released:?}"
    );
}

#[tokio::test]
async fn a_call_is_placed_with_its_hooks_events_and_time_limit() {
    let (fake, client) = fake().await;
    fake.add_number(ACCOUNT_SID, NUMBER);

    let call_sid = client
        .place_call(&account(), NUMBER, CALLEE, &hooks(), 600)
        .await
        .expect("placed");

    assert!(is_sid(&call_sid, "CA"), "{call_sid}");
    assert_eq!(fake.call_sids(), std::slice::from_ref(&call_sid));
    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", account_path("Calls.json").as_str())
    );
    assert_eq!(
        request.authorization(),
        Some(fake.expected_authorization(ACCOUNT_SID).as_str())
    );
    let expected = pairs(&[
        ("To", CALLEE),
        ("From", NUMBER),
        ("Url", "https://botwot.example/webhooks/twilio/voice/vn_1"),
        ("Method", "POST"),
        (
            "StatusCallback",
            "https://botwot.example/webhooks/twilio/status/vn_1",
        ),
        ("StatusCallbackMethod", "POST"),
        ("StatusCallbackEvent", "initiated"),
        ("StatusCallbackEvent", "ringing"),
        ("StatusCallbackEvent", "answered"),
        ("StatusCallbackEvent", "completed"),
        ("TimeLimit", "600"),
    ]);
    assert_eq!(request.form(), expected);
    assert_eq!(fake.call_form(&call_sid), expected);
    assert_eq!(fake.call(&call_sid).expect("held")["status"], "queued");
}

#[tokio::test]
async fn a_number_twilio_cannot_call_is_refused_with_its_code() {
    let (fake, client) = fake().await;
    fake.add_number(ACCOUNT_SID, NUMBER);
    fake.refuse_to("+15005550001");

    let answer = client
        .place_call(&account(), NUMBER, "+15005550001", &hooks(), 600)
        .await;

    assert_eq!(
        answer,
        Err(VoiceProviderError::Refused {
            provider: "Twilio",
            code: INVALID_TO.to_string(),
            message: "Invalid 'To' Phone Number".to_owned(),
        })
    );
    assert!(fake.call_sids().is_empty());

    let unknown_from = client
        .place_call(&account(), "+14155550177", CALLEE, &hooks(), 600)
        .await;
    assert!(
        matches!(&unknown_from, Err(VoiceProviderError::Refused { code, .. }) if code == "21210"),
        "{unknown_from:?}"
    );
}

#[tokio::test]
async fn a_calls_status_is_read_as_it_moves_on() {
    let (fake, client) = fake().await;
    let call_sid = placed_call(&fake, &client).await;
    let now = Timestamp::from_millis(CLIENT_NOW_MS);

    let queued = client
        .call_status(&account(), &call_sid)
        .await
        .expect("status");
    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        (
            "GET",
            account_path(&format!("Calls/{call_sid}.json")).as_str()
        )
    );
    assert_eq!(
        request.authorization(),
        Some(fake.expected_authorization(ACCOUNT_SID).as_str())
    );
    assert_eq!(
        queued,
        StatusUpdate {
            status: CallStatus::Queued,
            duration_secs: None,
            at: now
        }
    );

    for (twilio, status) in [
        ("initiated", CallStatus::Queued),
        ("ringing", CallStatus::Ringing),
        ("in-progress", CallStatus::InProgress),
    ] {
        fake.set_call_status(&call_sid, twilio);
        let update = client
            .call_status(&account(), &call_sid)
            .await
            .expect("status");
        assert_eq!((update.status, update.at), (status, now), "{twilio}");
    }

    // Tue, 10 Aug 2010 08:02:17 +0000
    fake.end_call(&call_sid, "completed", 61, 1_281_427_337);
    assert_eq!(
        fake.call(&call_sid).expect("held")["end_time"],
        "Tue, 10 Aug 2010 08:02:17 +0000"
    );
    let completed = client
        .call_status(&account(), &call_sid)
        .await
        .expect("status");
    assert_eq!(
        completed,
        StatusUpdate {
            status: CallStatus::Completed,
            duration_secs: Some(61),
            at: Timestamp::from_millis(1_281_427_337_000),
        }
    );
}

#[tokio::test]
async fn calls_that_never_connected_end_as_twilio_says() {
    let (fake, client) = fake().await;
    for (twilio, status) in [
        ("busy", CallStatus::Busy),
        ("no-answer", CallStatus::NoAnswer),
        ("failed", CallStatus::Failed),
        ("canceled", CallStatus::Canceled),
    ] {
        let call_sid = placed_call(&fake, &client).await;
        fake.end_call(&call_sid, twilio, 0, 1_735_689_700);
        let update = client
            .call_status(&account(), &call_sid)
            .await
            .expect("status");
        assert_eq!(
            update,
            StatusUpdate {
                status,
                duration_secs: Some(0),
                at: Timestamp::from_millis(1_735_689_700_000)
            },
            "{twilio}"
        );
    }
}

#[tokio::test]
async fn an_unknown_call_is_not_found() {
    let (_fake, client) = fake().await;

    let answer = client
        .call_status(&account(), "CA00000000000000000000000000000000")
        .await;

    let Err(VoiceProviderError::NotFound(message)) = answer else {
        panic!("expected not found, got {answer:?}");
    };
    assert!(message.contains("was not found"), "{message}");
}

#[tokio::test]
async fn a_wrong_token_is_unauthorised_and_never_shown() {
    let (fake, client) = fake().await;
    fake.add_number(ACCOUNT_SID, NUMBER);
    let wrong = TwilioCredentials {
        account_sid: ACCOUNT_SID.to_owned(),
        auth_token: "not-the-token".to_owned(),
    };

    let connected = client.connect_number(&wrong, NUMBER, &hooks()).await;
    let placed = client
        .place_call(&wrong, NUMBER, CALLEE, &hooks(), 600)
        .await;

    assert_eq!(connected, Err(VoiceProviderError::Unauthorised("Twilio")));
    assert_eq!(placed, Err(VoiceProviderError::Unauthorised("Twilio")));
    let request = fake.last_request().expect("a request");
    assert!(
        request
            .authorization()
            .is_some_and(|value| value.starts_with("Basic "))
    );
    assert_ne!(
        request.authorization(),
        Some(fake.expected_authorization(ACCOUNT_SID).as_str())
    );
    let shown = format!(
        "{client:?} {:?} {connected:?} {:?}",
        account(),
        client.config()
    );
    assert!(!shown.contains(AUTH_TOKEN), "{shown}");
}

#[tokio::test]
async fn outages_are_unavailable() {
    let (fake, client) = fake().await;
    let call_sid = placed_call(&fake, &client).await;

    fake.set_unavailable(true);
    let down = client.call_status(&account(), &call_sid).await;
    assert!(
        matches!(&down, Err(VoiceProviderError::Unavailable { provider: "Twilio", detail }) if detail.contains("20500")),
        "{down:?}"
    );
    fake.set_unavailable(false);

    fake.answer_next(
        500,
        r#"{"code": 20500, "message": "Internal Server Error", "status": 500}"#,
    );
    let failed = client.call_status(&account(), &call_sid).await;
    assert!(
        matches!(failed, Err(VoiceProviderError::Unavailable { .. })),
        "{failed:?}"
    );

    fake.answer_next(
        429,
        r#"{"code": 20429, "message": "Too Many Requests", "status": 429}"#,
    );
    let throttled = client
        .place_call(&account(), NUMBER, CALLEE, &hooks(), 600)
        .await;
    assert!(
        matches!(throttled, Err(VoiceProviderError::Unavailable { .. })),
        "{throttled:?}"
    );

    fake.answer_next(502, "<html>Bad Gateway</html>");
    let gateway = client.call_status(&account(), &call_sid).await;
    assert_eq!(
        gateway,
        Err(VoiceProviderError::Unavailable {
            provider: "Twilio",
            detail: "http 502: <html>Bad Gateway</html>".to_owned()
        })
    );
}

#[tokio::test]
async fn a_server_that_is_down_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = client_at(&format!("http://{address}"), Duration::from_secs(5));

    let answer = client.connect_number(&account(), NUMBER, &hooks()).await;

    assert!(
        matches!(
            answer,
            Err(VoiceProviderError::Unavailable {
                provider: "Twilio",
                ..
            })
        ),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_slow_answer_times_out_as_unavailable() {
    let (fake, _) = fake().await;
    let call_sid = {
        let client = client_at(fake.base_url(), Duration::from_secs(5));
        placed_call(&fake, &client).await
    };
    let impatient = client_at(fake.base_url(), Duration::from_millis(200));
    fake.set_delay(Duration::from_secs(2));

    let answer = impatient.call_status(&account(), &call_sid).await;

    let detail = unavailable(answer);
    assert!(detail.starts_with("timed out"), "{detail}");
}

#[tokio::test]
async fn unreadable_answers_are_unavailable() {
    let (fake, client) = fake().await;
    let call_sid = placed_call(&fake, &client).await;

    fake.answer_next(200, "<html>maintenance</html>");
    let not_json = client.call_status(&account(), &call_sid).await;
    fake.answer_next(200, r#"{"sid": "x", "status": "answered"}"#);
    let odd_status = client.call_status(&account(), &call_sid).await;
    fake.answer_next(201, r#"{"status": "queued"}"#);
    let no_sid = client
        .place_call(&account(), NUMBER, CALLEE, &hooks(), 600)
        .await;
    fake.answer_next(201, r#"{"sid": "CA1", "status": "queued"}"#);
    let odd_sid = client
        .place_call(&account(), NUMBER, CALLEE, &hooks(), 600)
        .await;
    fake.answer_next(200, r#"{"incoming_phone_numbers": "none"}"#);
    let odd_list = client.connect_number(&account(), NUMBER, &hooks()).await;

    for answer in [
        not_json.map(|_| ()),
        odd_status.map(|_| ()),
        no_sid.map(|_| ()),
        odd_sid.map(|_| ()),
        odd_list.map(|_| ()),
    ] {
        assert!(
            matches!(&answer, Err(VoiceProviderError::Unavailable { detail, .. }) if detail.contains("could not be read")),
            "{answer:?}"
        );
    }
}

#[tokio::test]
async fn sids_that_cannot_be_twilios_are_refused_without_a_request() {
    let (fake, client) = fake().await;
    let invalid = |answer: Result<(), VoiceProviderError>| matches!(answer, Err(VoiceProviderError::Refused { code, .. }) if code == "invalid_id");

    for sid in [
        "CA1/../x",
        "",
        "CA0123",
        "PN0123456789abcdef0123456789abcdef",
    ] {
        let status = client.call_status(&account(), sid).await.map(|_| ());
        assert!(invalid(status), "{sid:?}");
    }
    for sid in ["PN../../Calls", "CA0123456789abcdef0123456789abcdef"] {
        assert!(
            invalid(client.disconnect_number(&account(), sid).await),
            "{sid:?}"
        );
    }
    let bad_account = TwilioCredentials {
        account_sid: "AC/../other".to_owned(),
        auth_token: AUTH_TOKEN.to_owned(),
    };
    let placed = client
        .place_call(&bad_account, NUMBER, CALLEE, &hooks(), 600)
        .await
        .map(|_| ());
    assert!(invalid(placed));
    assert_eq!(fake.requests(), Vec::new());
}
