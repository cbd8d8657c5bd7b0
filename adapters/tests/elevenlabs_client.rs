//! The ElevenLabs client against the local fake of `tests/support/elevenlabs_fake/`: the shape
//! of each call (path, `xi-api-key`, JSON body, listing query), a call's report found by its
//! Twilio call sid among the agent's conversations around it, the voices, the fake's signed
//! post-call webhook, and every failure mapped to the voice port's errors.

#[path = "../../tests/support/elevenlabs_fake/mod.rs"]
mod elevenlabs_fake;

use botwot_adapters::elevenlabs::{
    ElevenLabsClient, ElevenLabsConfig, VoiceConfigError, VoiceOption, call_report,
};
use botwot_engine::ports::{CallRegistration, ConversationalAi, VoiceProviderError};
use botwot_engine::time::Timestamp;
use botwot_engine::voice::{
    CallDirection, CallReport, CallSuccess, Collected, Criterion, Speaker, TranscriptTurn,
};
use botwot_webhooks::elevenlabs::{ElevenLabsEvent, SIGNATURE_HEADER, parse_event, verify_webhook};
use elevenlabs_fake::{ElevenLabsFake, FakeConversation};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

const API_KEY: &str = "sk_5b1f0c9e7a3d4e2f8b6a0c1d3e5f7a9b";
const WEBHOOK_SECRET: &str = "wsec_elevenlabs_test";
const AGENT: &str = "agent_8201k0example";
const CALL_SID: &str = "CA5ef8732a3c49700934481addd5ce1659";
/// When the call started: 2025-01-01T00:00:00Z.
const START: i64 = 1_735_689_600;

async fn fake() -> (ElevenLabsFake, ElevenLabsClient) {
    let (base_url, fake) = elevenlabs_fake::start(API_KEY, WEBHOOK_SECRET).await;
    (fake, client_at(&base_url, API_KEY, Duration::from_secs(5)))
}

fn client_at(base_url: &str, key: &str, timeout: Duration) -> ElevenLabsClient {
    ElevenLabsClient::new(
        ElevenLabsConfig::new(key)
            .with_api_url(base_url)
            .with_timeout(timeout),
    )
    .expect("a usable config")
}

fn registration() -> CallRegistration {
    CallRegistration {
        external_agent_id: AGENT.to_owned(),
        from: "+14155550100".to_owned(),
        to: "+919812345678".to_owned(),
        direction: CallDirection::Outbound,
        variables: BTreeMap::from([
            ("botwot_call_id".to_owned(), "call_01".to_owned()),
            ("customer_name".to_owned(), "Asha".to_owned()),
        ]),
        first_message: Some("Hi {{customer_name}}, this is Green Leaf Clinic.".to_owned()),
        prompt: Some("You confirm appointments politely.".to_owned()),
        language: Some("en".to_owned()),
    }
}

fn at_secs(unix: i64) -> Timestamp {
    Timestamp::from_millis(unix * 1000)
}

/// The detail of an `Unavailable` answer; anything else fails the test.
fn unavailable<T: std::fmt::Debug>(answer: Result<T, VoiceProviderError>) -> String {
    match answer {
        Err(VoiceProviderError::Unavailable { detail, .. }) => detail,
        other => panic!("expected unavailable, got {other:?}"),
    }
}

fn conversation(id: &str, call_sid: &str, start: i64) -> FakeConversation {
    FakeConversation::phone_call(id, AGENT, call_sid, start)
}

fn other_sid(n: u32) -> String {
    format!("CA{n:032x}")
}

#[tokio::test]
async fn a_call_is_registered_with_its_variables_and_overrides() {
    let (fake, client) = fake().await;

    let twiml = client
        .register_call(&registration())
        .await
        .expect("registered");

    assert!(
        twiml.contains("<Response><Connect><Stream url=\"wss://"),
        "{twiml}"
    );
    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/convai/twilio/register-call")
    );
    assert_eq!(request.header("xi-api-key"), Some(API_KEY));
    assert_eq!(request.header("content-type"), Some("application/json"));
    let expected = json!({
        "agent_id": AGENT,
        "from_number": "+14155550100",
        "to_number": "+919812345678",
        "direction": "outbound",
        "conversation_initiation_client_data": {
            "dynamic_variables": {"botwot_call_id": "call_01", "customer_name": "Asha"},
            "conversation_config_override": {"agent": {
                "first_message": "Hi {{customer_name}}, this is Green Leaf Clinic.",
                "language": "en",
                "prompt": {"prompt": "You confirm appointments politely."}
            }}
        }
    });
    assert_eq!(request.json(), expected);
    assert_eq!(fake.registrations(), [expected]);
}

#[tokio::test]
async fn an_inbound_call_without_overrides_sends_none() {
    let (fake, client) = fake().await;
    let inbound = CallRegistration {
        direction: CallDirection::Inbound,
        first_message: None,
        prompt: None,
        language: None,
        variables: BTreeMap::new(),
        ..registration()
    };

    client.register_call(&inbound).await.expect("registered");

    let body = fake.last_request().expect("a request").json();
    assert_eq!(body["direction"], "inbound");
    assert_eq!(
        body["conversation_initiation_client_data"],
        json!({"dynamic_variables": {}})
    );
}

#[tokio::test]
async fn an_answer_that_is_not_twiml_is_unavailable() {
    let (fake, client) = fake().await;

    fake.answer_next(200, r#"{"status": "ok"}"#);
    let answer = client.register_call(&registration()).await;

    let Err(VoiceProviderError::Unavailable { provider, detail }) = answer else {
        panic!("expected unavailable, got {answer:?}");
    };
    assert_eq!(provider, "ElevenLabs");
    assert!(detail.contains("not TwiML"), "{detail}");
    assert!(detail.contains(r#"{"status": "ok"}"#), "{detail}");
}

#[tokio::test]
async fn the_report_is_the_conversation_on_the_calls_sid() {
    let (fake, client) = fake().await;
    fake.add_conversation(conversation("conv_before", &other_sid(1), START - 120));
    fake.add_conversation(conversation("conv_near", &other_sid(2), START + 5));
    let mut ours = conversation("conv_ours", CALL_SID, START + 30);
    ours.dynamic_variables = BTreeMap::from([("botwot_call_id".to_owned(), "call_01".to_owned())]);
    fake.add_conversation(ours);
    fake.add_conversation(conversation("conv_later", &other_sid(3), START + 400));
    fake.add_conversation(FakeConversation::phone_call(
        "conv_other_agent",
        "agent_other",
        CALL_SID,
        START,
    ));
    fake.add_conversation(conversation("conv_long_before", CALL_SID, START - 3_600));

    let found = client
        .find_report(AGENT, CALL_SID, at_secs(START))
        .await
        .expect("looked up");

    let (conversation_id, report) = found.expect("a report");
    assert_eq!(conversation_id, "conv_ours");
    assert_eq!(
        report,
        CallReport {
            transcript: vec![
                turn(
                    Speaker::Agent,
                    "Hi, this is Priya from Green Leaf Clinic.",
                    0
                ),
                turn(
                    Speaker::User,
                    "Hello, yes, I wanted to move my appointment.",
                    4
                ),
                turn(Speaker::Agent, "Of course. Thursday at ten works?", 9),
                turn(Speaker::User, "Thursday is perfect.", 15),
            ],
            summary: Some("The caller moved their appointment to Thursday at 10:00.".into()),
            successful: Some(CallSuccess::Success),
            evaluation: vec![Criterion {
                id: "rescheduled".into(),
                result: "success".into(),
                rationale: "A new slot was agreed.".into(),
            }],
            data_collection: vec![Collected {
                id: "new_day".into(),
                value: "Thursday".into(),
                rationale: "The caller chose Thursday.".into(),
            }],
            termination_reason: Some("Call ended by remote party".into()),
            duration_secs: Some(48),
        }
    );

    let requests = fake.requests();
    let list = &requests[0];
    assert_eq!(
        (list.method.as_str(), list.path.as_str()),
        ("GET", "/v1/convai/conversations")
    );
    assert_eq!(list.header("xi-api-key"), Some(API_KEY));
    let query: Vec<(&str, &str)> = list
        .query
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    assert_eq!(
        query,
        [
            ("agent_id", AGENT),
            ("call_start_after_unix", "1735689000"),
            ("call_start_before_unix", "1735690200"),
            ("page_size", "100"),
        ]
    );
    let fetched: Vec<&str> = requests[1..]
        .iter()
        .map(|request| request.path.as_str())
        .collect();
    assert_eq!(
        fetched,
        [
            "/v1/convai/conversations/conv_near",
            "/v1/convai/conversations/conv_ours",
        ],
        "nearest start first, stopping at the match"
    );
}

fn turn(role: Speaker, message: &str, at: u32) -> TranscriptTurn {
    TranscriptTurn {
        role,
        message: message.to_owned(),
        time_in_call_secs: Some(at),
    }
}

#[tokio::test]
async fn a_conversation_still_being_analysed_is_not_ready() {
    let (fake, client) = fake().await;
    fake.add_conversation(conversation("conv_ours", CALL_SID, START + 2));

    for status in ["in-progress", "processing"] {
        fake.set_conversation_status("conv_ours", status);
        let found = client
            .find_report(AGENT, CALL_SID, at_secs(START))
            .await
            .expect("looked up");
        assert_eq!(found, None, "{status}");
    }

    fake.set_conversation_status("conv_ours", "done");
    let found = client
        .find_report(AGENT, CALL_SID, at_secs(START))
        .await
        .expect("looked up");
    assert_eq!(found.map(|(id, _)| id).as_deref(), Some("conv_ours"));
}

#[tokio::test]
async fn no_conversation_on_the_call_is_no_report() {
    let (fake, client) = fake().await;
    fake.add_conversation(conversation("conv_a", &other_sid(1), START));
    let mut web = conversation("conv_web", CALL_SID, START);
    web.call_sid = None;
    fake.add_conversation(web);

    let found = client
        .find_report(AGENT, CALL_SID, at_secs(START))
        .await
        .expect("looked up");

    assert_eq!(found, None);
    assert_eq!(fake.requests().len(), 3, "one listing, two conversations");
}

#[tokio::test]
async fn the_listing_is_followed_page_by_page() {
    let (fake, client) = fake().await;
    for n in 0..120 {
        let id = format!("conv_{n:03}");
        fake.add_conversation(conversation(
            &id,
            &other_sid(n + 10),
            START + 10 + i64::from(n),
        ));
    }
    fake.add_conversation(conversation("conv_ours", CALL_SID, START - 1));

    let found = client
        .find_report(AGENT, CALL_SID, at_secs(START))
        .await
        .expect("looked up");

    assert_eq!(found.map(|(id, _)| id).as_deref(), Some("conv_ours"));
    let requests = fake.requests();
    let lists: Vec<Option<&str>> = requests
        .iter()
        .filter(|request| request.path == "/v1/convai/conversations")
        .map(|request| request.query_value("cursor"))
        .collect();
    assert_eq!(lists, [None, Some("100")]);
    assert_eq!(
        requests.last().map(|request| request.path.as_str()),
        Some("/v1/convai/conversations/conv_ours")
    );
    assert_eq!(requests.len(), 3, "the nearest conversation is the call's");
}

#[tokio::test]
async fn an_unreadable_conversation_is_unavailable_when_nothing_matched() {
    let (fake, client) = fake().await;
    fake.answer_next(
        200,
        r#"{"conversations": [{"conversation_id": "conv_odd", "start_time_unix_secs": 1735689600}],
            "has_more": false, "next_cursor": null}"#,
    );
    fake.answer_next(
        200,
        r#"{"agent_id": "agent_8201k0example", "status": "done"}"#,
    );

    let answer = client.find_report(AGENT, CALL_SID, at_secs(START)).await;

    let detail = unavailable(answer);
    assert!(detail.contains("conv_odd"), "{detail}");
}

#[tokio::test]
async fn voices_are_listed_with_their_labels() {
    let (fake, client) = fake().await;
    fake.add_voice(
        "voice_meera01",
        "Meera",
        "premade",
        &[("accent", "indian"), ("gender", "female")],
    );
    fake.add_voice("voice_cloned01", "Our founder", "cloned", &[]);

    let voices = client.list_voices().await.expect("voices");

    let request = fake.last_request().expect("a request");
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/v1/voices")
    );
    assert_eq!(request.header("xi-api-key"), Some(API_KEY));
    assert_eq!(
        voices,
        [
            VoiceOption {
                voice_id: "voice_meera01".into(),
                name: "Meera".into(),
                category: Some("premade".into()),
                preview_url: Some(
                    "https://fake-elevenlabs.test/voices/voice_meera01/preview.mp3".into()
                ),
                labels: BTreeMap::from([
                    ("accent".to_owned(), "indian".to_owned()),
                    ("gender".to_owned(), "female".to_owned()),
                ]),
            },
            VoiceOption {
                voice_id: "voice_cloned01".into(),
                name: "Our founder".into(),
                category: Some("cloned".into()),
                preview_url: Some(
                    "https://fake-elevenlabs.test/voices/voice_cloned01/preview.mp3".into()
                ),
                labels: BTreeMap::new(),
            },
        ]
    );
}

#[tokio::test]
async fn a_wrong_key_is_unauthorised_and_never_shown() {
    let (fake, _) = fake().await;
    let wrong = client_at(fake.base_url(), "sk_not_the_key", Duration::from_secs(5));

    let registered = wrong.register_call(&registration()).await;
    let voices = wrong.list_voices().await;

    assert_eq!(
        registered,
        Err(VoiceProviderError::Unauthorised("ElevenLabs"))
    );
    assert_eq!(voices, Err(VoiceProviderError::Unauthorised("ElevenLabs")));
    let right = client_at(fake.base_url(), API_KEY, Duration::from_secs(5));
    let shown = format!("{right:?} {:?}", right.config());
    assert!(!shown.contains(API_KEY), "{shown}");
    assert_eq!(
        ElevenLabsClient::new(ElevenLabsConfig::new("sk with space")).err(),
        Some(VoiceConfigError::ApiKey {
            provider: "ElevenLabs"
        })
    );
}

#[tokio::test]
async fn refusals_keep_elevenlabs_message() {
    let (fake, client) = fake().await;

    fake.answer_next(
        400,
        r#"{"detail": {"status": "agent_not_found", "message": "The agent does not exist."}}"#,
    );
    let refused = client.register_call(&registration()).await;
    assert_eq!(
        refused,
        Err(VoiceProviderError::Refused {
            provider: "ElevenLabs",
            code: "agent_not_found".into(),
            message: "The agent does not exist.".into(),
        })
    );

    fake.answer_next(
        422,
        r#"{"detail": [{"loc": ["body", "to_number"], "msg": "Field required", "type": "missing"}]}"#,
    );
    let invalid = client.register_call(&registration()).await;
    assert_eq!(
        invalid,
        Err(VoiceProviderError::Refused {
            provider: "ElevenLabs",
            code: "validation_error".into(),
            message: "body.to_number: Field required".into(),
        })
    );

    fake.answer_next(404, r#"{"detail": "Not Found"}"#);
    let missing = client.list_voices().await;
    assert_eq!(
        missing,
        Err(VoiceProviderError::NotFound("ElevenLabs: Not Found".into()))
    );
}

#[tokio::test]
async fn outages_are_unavailable() {
    let (fake, client) = fake().await;

    fake.set_unavailable(true);
    let down = client.find_report(AGENT, CALL_SID, at_secs(START)).await;
    assert!(
        matches!(&down, Err(VoiceProviderError::Unavailable { provider: "ElevenLabs", detail }) if detail.contains("internal_error")),
        "{down:?}"
    );
    fake.set_unavailable(false);

    fake.answer_next(
        429,
        r#"{"detail": {"status": "too_many_concurrent_requests", "message": "Slow down"}}"#,
    );
    let throttled = client.register_call(&registration()).await;
    assert!(
        matches!(throttled, Err(VoiceProviderError::Unavailable { .. })),
        "{throttled:?}"
    );
}

#[tokio::test]
async fn a_server_down_or_too_slow_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let closed = client_at(
        &format!("http://{address}"),
        API_KEY,
        Duration::from_secs(5),
    );
    let refused = closed.register_call(&registration()).await;
    assert!(
        matches!(
            refused,
            Err(VoiceProviderError::Unavailable {
                provider: "ElevenLabs",
                ..
            })
        ),
        "{refused:?}"
    );

    let (fake, _) = fake().await;
    fake.set_delay(Duration::from_secs(2));
    let impatient = client_at(fake.base_url(), API_KEY, Duration::from_millis(200));
    let slow = impatient.list_voices().await;
    let detail = unavailable(slow);
    assert!(detail.starts_with("timed out"), "{detail}");
}

#[tokio::test]
async fn the_fakes_post_call_webhook_is_signed_and_reads_as_the_same_report() {
    let (fake, client) = fake().await;
    fake.add_conversation(conversation("conv_ours", CALL_SID, START));

    let (body, signature) = fake.post_call_webhook("conv_ours");

    let now = u64::try_from(START).unwrap_or_default();
    let signed_at: u64 = signature
        .strip_prefix("t=")
        .and_then(|rest| rest.split(',').next())
        .and_then(|digits| digits.parse().ok())
        .expect("a timestamp");
    assert!(signed_at > now);
    assert_eq!(
        verify_webhook(
            WEBHOOK_SECRET.as_bytes(),
            Some(&signature),
            &body,
            signed_at
        ),
        Ok(())
    );
    assert_eq!(SIGNATURE_HEADER, "elevenlabs-signature");
    let ElevenLabsEvent::PostCallTranscription(conversation) =
        parse_event(&body).expect("a readable webhook")
    else {
        panic!("expected a transcription");
    };
    assert_eq!(conversation.call_sid.as_deref(), Some(CALL_SID));
    let (_, found) = client
        .find_report(AGENT, CALL_SID, at_secs(START))
        .await
        .expect("looked up")
        .expect("a report");
    assert_eq!(call_report(conversation), found);
}
