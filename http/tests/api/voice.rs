//! Phone calls through the local Twilio and ElevenLabs (`tests/support/twilio_fake/`,
//! `tests/support/elevenlabs_fake/`, speaking their documented APIs): a number is connected
//! from the organisation's Twilio account and pointed at BotWot; a call ringing in is handed to
//! its agent with the agent's greeting and prompt; Twilio's status callbacks and ElevenLabs'
//! report are verified and applied once, in any order; an outbound call is placed through
//! Twilio; and a call whose webhooks were lost is settled at its check by asking the providers.

use crate::support::elevenlabs_fake::{self, ElevenLabsFake, FakeConversation};
use crate::support::twilio_fake::{self, TwilioFake};
use crate::support::{Reply, TestApp, VOICE_PUBLIC_URL};
use axum::http::{Method, StatusCode};
use base64::Engine;
use botwot_engine::Timestamp;
use botwot_engine::time::{Clock, ManualClock};
use botwot_webhooks::twilio::request_signature;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "twilio-auth-token-1";
const NUMBER: &str = "+14155550100";
const CALLER: &str = "+919812345678";
const AGENT_AT_ELEVENLABS: &str = "agent_reception";

struct Line {
    app: TestApp,
    twilio: TwilioFake,
    elevenlabs: ElevenLabsFake,
    clock: Arc<ManualClock>,
}

async fn line() -> Line {
    let (_, twilio) = twilio_fake::start(ACCOUNT, TOKEN).await;
    let (_, elevenlabs) = elevenlabs_fake::start("xi-key-1", "whsec_voice_1").await;
    let clock = Arc::new(ManualClock::starting_at(Timestamp::from_millis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis() as i64,
    )));
    let app = TestApp::with_voice(&twilio, &elevenlabs, clock.clone()).await;
    Line {
        app,
        twilio,
        elevenlabs,
        clock,
    }
}

fn call_sid(n: u8) -> String {
    format!("CA{:032x}", u128::from(n) + 0xabc)
}

impl Line {
    async fn post(&self, path: &str, body: Value) -> Reply {
        self.app.send(Method::POST, path, body).await
    }

    async fn agent(&self) -> String {
        let created = self
            .post(
                "/v1/voice-agents",
                json!({
                    "name": "Reception",
                    "externalAgentId": AGENT_AT_ELEVENLABS,
                    "languages": ["en-IN"],
                    "promptConfig": {
                        "greeting": "Hello, Green Leaf Clinic, how can I help?",
                        "systemPrompt": "You book appointments.",
                        "fallbackMessage": "We cannot talk right now."
                    }
                }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        created.body["id"].as_str().expect("an id").to_owned()
    }

    /// A connected number answered by a fresh agent; the number's id.
    async fn connected(&self) -> String {
        let agent = self.agent().await;
        self.twilio.add_number(ACCOUNT, NUMBER);
        let connected = self.connect(NUMBER, &agent, TOKEN).await;
        assert_eq!(
            connected.status,
            StatusCode::CREATED,
            "{:?}",
            connected.body
        );
        connected.body["id"].as_str().expect("an id").to_owned()
    }

    async fn connect(&self, number: &str, agent: &str, token: &str) -> Reply {
        self.post(
            "/v1/voice/numbers",
            json!({
                "phoneNumber": number, "label": "Front desk", "agentId": agent,
                "twilioAccountSid": ACCOUNT, "twilioAuthToken": token
            }),
        )
        .await
    }

    /// Twilio's request to `path` with `form`, signed with `token`.
    async fn twilio_hook(&self, path: &str, form: &[(&str, &str)], token: &str) -> Reply {
        let params: Vec<(String, String)> = form
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        let url = format!("{VOICE_PUBLIC_URL}{path}");
        let signature = request_signature(token.as_bytes(), &url, &params).expect("a token");
        let body = form_body(&params);
        self.app
            .call(
                Method::POST,
                path,
                Some(&body),
                &[
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("x-twilio-signature", &signature),
                ],
            )
            .await
    }

    async fn ring_in(&self, number: &str, sid: &str) -> Reply {
        let path = format!("/webhooks/twilio/voice/{number}");
        let form = voice_form(sid, CALLER, NUMBER, "inbound", "ringing");
        self.twilio_hook(&path, &form, TOKEN).await
    }

    async fn status(
        &self,
        number: &str,
        query: &str,
        sid: &str,
        status: &str,
        duration: &str,
    ) -> Reply {
        let path = format!("/webhooks/twilio/status/{number}{query}");
        let mut form = voice_form(sid, CALLER, NUMBER, "inbound", status);
        if !duration.is_empty() {
            form.push(("CallDuration", duration));
        }
        self.twilio_hook(&path, &form, TOKEN).await
    }

    async fn calls(&self) -> Vec<Value> {
        let listed = self.app.get("/v1/voice/calls").await;
        assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
        listed.body["items"].as_array().expect("items").clone()
    }

    async fn post_call_webhook(&self, conversation_id: &str) -> Reply {
        let (body, signature) = self.elevenlabs.post_call_webhook(conversation_id);
        let body = String::from_utf8(body).expect("JSON");
        self.app
            .call(
                Method::POST,
                "/webhooks/elevenlabs",
                Some(&body),
                &[("elevenlabs-signature", &signature)],
            )
            .await
    }

    async fn check_due(&self) -> usize {
        let voice = self.app.state.voice.as_ref().expect("voice on");
        voice.calls.check_due().await.expect("checks run")
    }
}

fn voice_form<'a>(
    sid: &'a str,
    from: &'a str,
    to: &'a str,
    direction: &'a str,
    status: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("AccountSid", ACCOUNT),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", sid),
        ("CallStatus", status),
        ("Direction", direction),
        ("From", from),
        ("To", to),
        ("CallerCountry", "IN"),
    ]
}

fn form_body(params: &[(String, String)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    params
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_number_is_connected_from_the_twilio_account_with_its_token_sealed() {
    let line = line().await;
    let agent = line.agent().await;
    let number_sid = line.twilio.add_number(ACCOUNT, NUMBER);

    let wrong_token = line.connect(NUMBER, &agent, "not-the-token").await;
    assert_eq!(wrong_token.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong_token.code(), "voice_credentials_rejected");
    let elsewhere = line.connect("+14155550199", &agent, TOKEN).await;
    assert_eq!(
        elsewhere.status,
        StatusCode::NOT_FOUND,
        "{:?}",
        elsewhere.body
    );
    let bad = line.connect("555-0100", "va_missing", TOKEN).await;
    assert_eq!(bad.code(), "validation_failed");
    assert_eq!(bad.fields_at_fault(), ["phoneNumber"]);
    assert!(
        line.app.get("/v1/voice/numbers").await.body["items"]
            .as_array()
            .expect("items")
            .is_empty(),
        "refused connections leave nothing behind"
    );

    let connected = line.connect(NUMBER, &agent, TOKEN).await;
    assert_eq!(
        connected.status,
        StatusCode::CREATED,
        "{:?}",
        connected.body
    );
    let id = connected.body["id"].as_str().expect("an id");
    assert_eq!(connected.body["twilioNumberSid"], number_sid.as_str());
    let at_twilio = line.twilio.number(&number_sid).expect("the number");
    assert_eq!(
        at_twilio["voice_url"],
        format!("{VOICE_PUBLIC_URL}/webhooks/twilio/voice/{id}")
    );
    assert_eq!(
        at_twilio["status_callback"],
        format!("{VOICE_PUBLIC_URL}/webhooks/twilio/status/{id}")
    );
    let listed = line.app.get("/v1/voice/numbers").await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    assert!(
        !listed.body.to_string().contains(TOKEN),
        "the token is never shown"
    );

    let again = line.connect(NUMBER, &agent, TOKEN).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "number_taken")
    );

    let gone = line
        .app
        .send(
            Method::DELETE,
            &format!("/v1/voice/numbers/{id}"),
            Value::Null,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{:?}", gone.body);
    let at_twilio = line.twilio.number(&number_sid).expect("the number");
    assert_eq!(at_twilio["voice_url"], "", "pointed away from BotWot");

    let audit = line.app.get("/v1/audit?limit=200").await.body.to_string();
    for change in [
        "POST /v1/voice/numbers",
        "DELETE /v1/voice/numbers/{numberId}",
    ] {
        assert!(audit.contains(change), "{change} audited");
    }
}

#[tokio::test]
async fn a_call_ringing_in_is_handed_to_its_agent_and_ends_with_its_report() {
    let line = line().await;
    let number = line.connected().await;
    let sid = call_sid(1);

    let forged = line
        .twilio_hook(
            &format!("/webhooks/twilio/voice/{number}"),
            &voice_form(&sid, CALLER, NUMBER, "inbound", "ringing"),
            "another-token",
        )
        .await;
    assert_eq!(
        (forged.status, forged.code()),
        (StatusCode::UNAUTHORIZED, "invalid_signature")
    );

    let answered = line.ring_in(&number, &sid).await;
    assert_eq!(answered.status, StatusCode::OK, "{:?}", answered.body);
    assert!(answered.content_type().starts_with("text/xml"));
    let twiml = answered.body.as_str().expect("TwiML");
    assert!(twiml.contains("<Connect>"), "{twiml}");
    let registrations = line.elevenlabs.registrations();
    assert_eq!(registrations.len(), 1);
    let registration = &registrations[0];
    assert_eq!(registration["agent_id"], AGENT_AT_ELEVENLABS);
    assert_eq!(registration["direction"], "inbound");
    assert_eq!(
        (
            registration["from_number"].as_str(),
            registration["to_number"].as_str()
        ),
        (Some(CALLER), Some(NUMBER))
    );
    let client_data = &registration["conversation_initiation_client_data"];
    let agent_override = &client_data["conversation_config_override"]["agent"];
    assert_eq!(
        agent_override["first_message"],
        "Hello, Green Leaf Clinic, how can I help?"
    );
    assert_eq!(agent_override["prompt"]["prompt"], "You book appointments.");
    assert_eq!(agent_override["language"], "en-IN");

    let calls = line.calls().await;
    assert_eq!(calls.len(), 1);
    let call_id = calls[0]["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        client_data["dynamic_variables"]["botwot_call_id"],
        call_id.as_str()
    );
    assert_eq!(
        (calls[0]["status"].as_str(), calls[0]["direction"].as_str()),
        (Some("in-progress"), Some("inbound"))
    );
    assert_eq!(line.ring_in(&number, &sid).await.status, StatusCode::OK);
    assert_eq!(
        line.calls().await.len(),
        1,
        "a repeated request is the same call"
    );

    // Twilio's callbacks out of order: the end first, a late ringing after it.
    let ended = line.status(&number, "", &sid, "completed", "48").await;
    assert_eq!(ended.body["outcome"], "applied", "{:?}", ended.body);
    let late = line.status(&number, "", &sid, "ringing", "").await;
    assert_eq!(late.body["outcome"], "unchanged");
    let call = line
        .app
        .get(&format!("/v1/voice/calls/{call_id}"))
        .await
        .body;
    assert_eq!(
        (call["status"].as_str(), call["durationSecs"].as_u64()),
        (Some("completed"), Some(48))
    );

    let mut conversation =
        FakeConversation::phone_call("conv_in_1", AGENT_AT_ELEVENLABS, &sid, 1_700_000_000);
    conversation
        .dynamic_variables
        .insert("botwot_call_id".into(), call_id.clone());
    line.elevenlabs.add_conversation(conversation);
    let (body, _) = line.elevenlabs.post_call_webhook("conv_in_1");
    let tampered = line
        .app
        .call(
            Method::POST,
            "/webhooks/elevenlabs",
            Some(&String::from_utf8(body).expect("JSON")),
            &[("elevenlabs-signature", "t=1700000000,v0=00")],
        )
        .await;
    assert_eq!(
        (tampered.status, tampered.code()),
        (StatusCode::UNAUTHORIZED, "invalid_signature")
    );
    let reported = line.post_call_webhook("conv_in_1").await;
    assert_eq!(reported.body["outcome"], "applied", "{:?}", reported.body);
    let call = line
        .app
        .get(&format!("/v1/voice/calls/{call_id}"))
        .await
        .body;
    assert_eq!(call["conversationId"], "conv_in_1");
    assert_eq!(call["report"]["successful"], "success");
    assert_eq!(
        call["report"]["transcript"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(call["report"]["transcript"][1]["role"], "user");
    assert!(call.get("checkAt").is_none(), "nothing is awaited: {call}");

    let stats = line.app.get("/v1/voice/stats").await;
    assert_eq!(stats.status, StatusCode::OK, "{:?}", stats.body);
    assert_eq!(
        (
            stats.body["total"].as_u64(),
            stats.body["answered"].as_u64(),
            stats.body["successful"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(stats.body["connectRate"], 1.0);
    let curve = stats.body["engagement"]
        .as_array()
        .expect("the engagement curve");
    assert_eq!(curve[0]["afterSecs"], 0);
    assert_eq!(
        curve[0]["share"], 1.0,
        "every answered call was connected at its start"
    );
}

#[tokio::test]
async fn an_agent_that_cannot_take_the_call_leaves_the_caller_an_apology_not_an_error() {
    let line = line().await;
    let number = line.connected().await;
    line.elevenlabs.set_unavailable(true);
    let answered = line.ring_in(&number, &call_sid(2)).await;
    assert_eq!(answered.status, StatusCode::OK);
    let twiml = answered.body.as_str().expect("TwiML");
    assert!(
        twiml.contains("<Say language=\"en-IN\">We cannot talk right now.</Say><Hangup/>"),
        "{twiml}"
    );
    let calls = line.calls().await;
    assert_eq!(calls[0]["status"], "failed");
    assert!(
        calls[0]["failure"]
            .as_str()
            .expect("a reason")
            .contains("conversational AI")
    );
}

#[tokio::test]
async fn an_outbound_call_is_placed_through_twilio_and_a_refusal_is_kept() {
    let line = line().await;
    let number = line.connected().await;
    let placed = line
        .post(
            "/v1/voice/calls",
            json!({"numberId": number, "to": "+14155550123", "variables": {"name": "Asha"}}),
        )
        .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{:?}", placed.body);
    assert_eq!(placed.body["status"], "queued");
    let id = placed.body["id"].as_str().expect("an id");
    let sid = line.twilio.call_sids().pop().expect("a call at Twilio");
    assert_eq!(placed.body["callSid"], sid.as_str());
    let form = line.twilio.call_form(&sid);
    let value = |name: &str| twilio_fake::pairs_named(&form, name);
    assert_eq!(value("To"), ["+14155550123"]);
    assert_eq!(value("From"), [NUMBER]);
    assert_eq!(
        value("Url"),
        [format!(
            "{VOICE_PUBLIC_URL}/webhooks/twilio/voice/{number}?call={id}"
        )]
    );
    assert_eq!(
        value("StatusCallbackEvent"),
        ["initiated", "ringing", "answered", "completed"]
    );
    assert_eq!(value("TimeLimit"), ["600"]);

    // Answered: Twilio asks the voice URL, with BotWot's id in the query.
    let answered = line
        .twilio_hook(
            &format!("/webhooks/twilio/voice/{number}?call={id}"),
            &voice_form(&sid, NUMBER, "+14155550123", "outbound-api", "in-progress"),
            TOKEN,
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{:?}", answered.body);
    let registration = line.elevenlabs.registrations().pop().expect("registered");
    assert_eq!(registration["direction"], "outbound");
    let variables = &registration["conversation_initiation_client_data"]["dynamic_variables"];
    assert_eq!(
        (
            variables["name"].as_str(),
            variables["botwot_call_id"].as_str()
        ),
        (Some("Asha"), Some(id))
    );

    line.twilio.refuse_to("+15005550001");
    let refused = line
        .post(
            "/v1/voice/calls",
            json!({"numberId": number, "to": "+15005550001"}),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::BAD_GATEWAY, "voice_provider_refused")
    );
    let failed = line.app.get("/v1/voice/calls?status=failed").await.body;
    let failed = failed["items"].as_array().expect("items");
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]["failure"]
            .as_str()
            .expect("a reason")
            .contains("21211"),
        "{failed:?}"
    );
    let bad = line
        .post("/v1/voice/calls", json!({"numberId": number, "to": "12"}))
        .await;
    assert_eq!(bad.fields_at_fault(), ["to"]);
    let filtered = line.app.get("/v1/voice/calls?direction=sideways").await;
    assert_eq!(filtered.fields_at_fault(), ["direction"]);

    let relabelled = line
        .app
        .send(
            Method::PATCH,
            &format!("/v1/voice/numbers/{number}"),
            json!({"label": "Sales"}),
        )
        .await;
    assert_eq!(relabelled.body["label"], "Sales", "{:?}", relabelled.body);
    let audit = line.app.get("/v1/audit?limit=200").await.body.to_string();
    for change in ["POST /v1/voice/calls", "PATCH /v1/voice/numbers/{numberId}"] {
        assert!(audit.contains(change), "{change} audited");
    }
}

#[tokio::test]
async fn a_call_whose_webhooks_were_lost_is_settled_at_its_check() {
    let line = line().await;
    let number = line.connected().await;
    let placed = line
        .post(
            "/v1/voice/calls",
            json!({"numberId": number, "to": "+14155550123"}),
        )
        .await;
    let id = placed.body["id"].as_str().expect("an id").to_owned();
    let sid = placed.body["callSid"].as_str().expect("a sid").to_owned();
    assert_eq!(line.check_due().await, 0, "nothing is due yet");

    // The call ran and ended, and neither Twilio's callbacks nor ElevenLabs' report arrived.
    let started = line.clock.now().millis() / 1_000;
    line.twilio.end_call(&sid, "completed", 48, started + 60);
    let mut conversation =
        FakeConversation::phone_call("conv_out_1", AGENT_AT_ELEVENLABS, &sid, started + 12);
    conversation.status = "processing".into();
    line.elevenlabs.add_conversation(conversation);

    line.clock.advance(Duration::from_secs(600 + 5 * 60 + 1));
    assert_eq!(line.check_due().await, 1);
    let call = line.app.get(&format!("/v1/voice/calls/{id}")).await.body;
    assert_eq!(
        (call["status"].as_str(), call["durationSecs"].as_u64()),
        (Some("completed"), Some(48))
    );

    // Ten minutes after it ended the report is looked up; ElevenLabs is still processing.
    line.clock.advance(Duration::from_secs(10 * 60));
    assert_eq!(line.check_due().await, 1);
    assert!(
        line.app
            .get(&format!("/v1/voice/calls/{id}"))
            .await
            .body
            .get("report")
            .is_none()
    );
    line.elevenlabs
        .set_conversation_status("conv_out_1", "done");
    line.clock.advance(Duration::from_secs(30 * 60));
    assert_eq!(line.check_due().await, 1);
    let call = line.app.get(&format!("/v1/voice/calls/{id}")).await.body;
    assert_eq!(call["conversationId"], "conv_out_1");
    assert_eq!(
        call["report"]["summary"],
        "The caller moved their appointment to Thursday at 10:00."
    );
    assert!(call.get("checkAt").is_none());
    assert_eq!(line.check_due().await, 0);
}

#[tokio::test]
async fn the_voices_are_read_from_elevenlabs_and_kept_an_hour() {
    let line = line().await;
    line.elevenlabs.add_voice(
        "21m00Tcm4TlvDq8ikWAM",
        "Rachel",
        "premade",
        &[("accent", "american")],
    );
    let voices = line.app.get("/v1/voice-agents/voices").await;
    assert_eq!(voices.status, StatusCode::OK, "{:?}", voices.body);
    assert_eq!(voices.body[0]["voiceId"], "21m00Tcm4TlvDq8ikWAM");
    assert_eq!(voices.body[0]["labels"]["accent"], "american");
    line.elevenlabs
        .add_voice("AZnzlk1XvdvUeBnXmlld", "Domi", "premade", &[]);
    let kept = line.app.get("/v1/voice-agents/voices").await;
    assert_eq!(
        kept.body.as_array().map(Vec::len),
        Some(1),
        "served from the kept list"
    );
}

#[tokio::test]
async fn voice_is_off_without_a_conversational_ai() {
    let app = TestApp::new().await;
    let connect = app
        .send(Method::POST, "/v1/voice/numbers", json!({"phoneNumber": NUMBER, "agentId": "va_1", "twilioAccountSid": ACCOUNT, "twilioAuthToken": TOKEN}))
        .await;
    assert_eq!(
        (connect.status, connect.code()),
        (StatusCode::NOT_FOUND, "voice_disabled")
    );
    let webhook = app
        .call(Method::POST, "/webhooks/elevenlabs", Some("{}"), &[])
        .await;
    assert_eq!(webhook.code(), "voice_disabled");
}

#[tokio::test]
async fn a_recording_is_served_exported_with_its_call_and_erased_with_the_organisation() {
    let line = line().await;
    let number = line.connected().await;
    let sid = call_sid(3);
    assert_eq!(line.ring_in(&number, &sid).await.status, StatusCode::OK);
    let call_id = line.calls().await[0]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let mut conversation =
        FakeConversation::phone_call("conv_rec_1", AGENT_AT_ELEVENLABS, &sid, 1_700_000_000);
    conversation
        .dynamic_variables
        .insert("botwot_call_id".into(), call_id.clone());
    line.elevenlabs.add_conversation(conversation);
    assert_eq!(
        line.post_call_webhook("conv_rec_1").await.status,
        StatusCode::OK
    );

    let audio = b"ID3\x04\x00fake mp3 frames".to_vec();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let body = json!({
        "type": "post_call_audio",
        "event_timestamp": now,
        "data": {
            "agent_id": AGENT_AT_ELEVENLABS,
            "conversation_id": "conv_rec_1",
            "full_audio": base64::engine::general_purpose::STANDARD.encode(&audio),
        }
    })
    .to_string();
    let signature = botwot_webhooks::elevenlabs::webhook_signature(
        line.elevenlabs.webhook_secret().as_bytes(),
        now,
        body.as_bytes(),
    )
    .expect("a secret");
    let kept = line
        .app
        .call(
            Method::POST,
            "/webhooks/elevenlabs",
            Some(&body),
            &[("elevenlabs-signature", &signature)],
        )
        .await;
    assert_eq!(kept.body["outcome"], "applied", "{:?}", kept.body);
    let served = line
        .app
        .get_bytes(&format!("/v1/voice/calls/{call_id}/recording"))
        .await;
    assert_eq!(served, audio);

    let export = line.app.get("/v1/data/organisation-export").await.body;
    assert_eq!(export["calls"][0]["id"], call_id.as_str());
    assert_eq!(export["voiceNumbers"][0]["phoneNumber"], NUMBER);
    assert!(
        !export.to_string().contains(TOKEN),
        "no Twilio token in the export"
    );

    let erased = line
        .app
        .call(
            Method::DELETE,
            "/v1/data/organisation",
            Some(r#"{"confirm": "default"}"#),
            &[],
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.body);
    let left = line
        .app
        .state
        .knowledge
        .blobs
        .get("voice/recordings/conv_rec_1")
        .await;
    assert_eq!(
        left.expect("the blob store"),
        None,
        "the recording went with the organisation"
    );
}
