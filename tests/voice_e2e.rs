//! Phone calls end to end through the real binary, against the local Twilio and ElevenLabs
//! (`tests/support/twilio_fake/`, `tests/support/elevenlabs_fake/`): a number is connected from
//! a Twilio account, a call rings in with a request signed by Twilio's own Python client (PyPI
//! `twilio`, installed by `deploy/test-services.sh`) and is handed to ElevenLabs, the status
//! callback and the post-call report arrive over real HTTP, and after `kill -9` the number
//! still answers (its token sealed under the configured key) and the call keeps its transcript.

mod support;

use serde_json::{Value, json};
use support::Server;
use support::elevenlabs_fake::{self, FakeConversation};
use support::twilio_fake;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "e2e-twilio-auth-token";
const NUMBER: &str = "+14155550100";
const CALLER: &str = "+919812345678";
const PUBLIC_URL: &str = "https://voice.e2e.test";
/// 32 bytes, Base64: the key Twilio tokens are sealed under, the same after a restart.
const SEALING_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// Twilio's Python client's signature of a request to `url` with `form`.
fn python_signature(url: &str, form: &[(&str, &str)]) -> String {
    let script = r#"
import json, sys
from twilio.request_validator import RequestValidator
check = json.load(sys.stdin)
print(RequestValidator(check["token"]).compute_signature(check["url"], dict(check["form"])))
"#;
    let check = json!({"token": TOKEN, "url": url, "form": form});
    let output = support::python_with(script, &check);
    assert!(
        output.status.success(),
        "Twilio's Python client failed (run bash deploy/test-services.sh): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("text")
        .trim()
        .to_owned()
}

/// Delivers a Twilio webhook to `path`, signed by Twilio's Python client.
async fn twilio_hook(server: &Server, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let signature = python_signature(&format!("{PUBLIC_URL}{path}"), form);
    server
        .http
        .post(format!("{}{path}", server.base))
        .header("x-twilio-signature", signature)
        .form(form)
        .send()
        .await
        .expect("sent")
}

fn ringing(sid: &str, status: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AccountSid", ACCOUNT.to_owned()),
        ("CallSid", sid.to_owned()),
        ("CallStatus", status.to_owned()),
        ("Direction", "inbound".to_owned()),
        ("From", CALLER.to_owned()),
        ("To", NUMBER.to_owned()),
        ("CallerName", "Asha & Co <Clinic>".to_owned()),
    ]
}

fn borrowed<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_rings_in_is_answered_by_its_agent_and_its_report_survives_a_crash() {
    let (_, twilio) = twilio_fake::start(ACCOUNT, TOKEN).await;
    let (_, elevenlabs) = elevenlabs_fake::start("xi-e2e-key", "whsec_e2e_voice").await;
    let dir = tempfile::tempdir().expect("data dir");
    let mut server = Server::start(
        dir.path(),
        &[
            ("BOTWOT__HTTP__PUBLIC_URL", PUBLIC_URL),
            ("BOTWOT__HTTP__INTEGRATION_SECRET_KEY", SEALING_KEY),
            ("BOTWOT__VOICE__TWILIO__API_URL", twilio.base_url()),
            ("BOTWOT__VOICE__ELEVENLABS__API_URL", elevenlabs.base_url()),
            ("BOTWOT__VOICE__ELEVENLABS__API_KEY", "xi-e2e-key"),
            (
                "BOTWOT__VOICE__ELEVENLABS__WEBHOOK_SECRET",
                "whsec_e2e_voice",
            ),
        ],
    )
    .await;
    let (status, agent) = server
        .post(
            "/v1/voice-agents",
            json!({"name": "Reception", "externalAgentId": "agent_e2e",
                   "promptConfig": {"greeting": "Green Leaf Clinic, hello!"}}),
        )
        .await;
    assert_eq!(status, 201, "{agent}");
    twilio.add_number(ACCOUNT, NUMBER);
    let (status, number) = server
        .post(
            "/v1/voice/numbers",
            json!({"phoneNumber": NUMBER, "agentId": agent["id"], "twilioAccountSid": ACCOUNT,
                   "twilioAuthToken": TOKEN}),
        )
        .await;
    assert_eq!(status, 201, "{number}");
    let number_id = number["id"].as_str().expect("an id").to_owned();

    let sid = "CA00000000000000000000000000e2e001";
    let voice_path = format!("/webhooks/twilio/voice/{number_id}");
    let answered = twilio_hook(&server, &voice_path, &borrowed(&ringing(sid, "ringing"))).await;
    assert_eq!(answered.status(), 200);
    let twiml = answered.text().await.expect("TwiML");
    assert!(twiml.contains("<Connect>"), "{twiml}");
    let registration = elevenlabs
        .registrations()
        .pop()
        .expect("registered at ElevenLabs");
    let agent_override = &registration["conversation_initiation_client_data"]["conversation_config_override"]
        ["agent"];
    assert_eq!(agent_override["first_message"], "Green Leaf Clinic, hello!");
    let call_id =
        registration["conversation_initiation_client_data"]["dynamic_variables"]["botwot_call_id"]
            .as_str()
            .expect("BotWot's call id")
            .to_owned();

    let status_path = format!("/webhooks/twilio/status/{number_id}");
    let mut ended = ringing(sid, "completed");
    ended.push(("CallDuration", "48".to_owned()));
    let taken = twilio_hook(&server, &status_path, &borrowed(&ended)).await;
    assert_eq!(taken.status(), 200);
    let forged = server
        .http
        .post(format!("{}{status_path}", server.base))
        .header("x-twilio-signature", "bm90IGEgc2lnbmF0dXJlIGF0IGFsbCE=")
        .form(&borrowed(&ended))
        .send()
        .await
        .expect("sent");
    assert_eq!(forged.status(), 401);

    let mut conversation =
        FakeConversation::phone_call("conv_e2e_1", "agent_e2e", sid, 1_700_000_000);
    conversation.direction = "inbound".into();
    conversation
        .dynamic_variables
        .insert("botwot_call_id".into(), call_id.clone());
    elevenlabs.add_conversation(conversation);
    let reported = elevenlabs
        .send_webhook(
            &format!("{}/webhooks/elevenlabs", server.base),
            "conv_e2e_1",
        )
        .await;
    assert_eq!(reported.status(), 200);

    server.kill_and_restart().await;
    let (status, call) = server.get(&format!("/v1/voice/calls/{call_id}")).await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(
        (call["status"].as_str(), call["durationSecs"].as_u64()),
        (Some("completed"), Some(48))
    );
    assert_eq!(call["report"]["successful"], "success");
    assert_eq!(
        call["report"]["transcript"].as_array().map(Vec::len),
        Some(4)
    );

    // After the restart the number still opens its sealed token: a second call is answered.
    let again = twilio_hook(
        &server,
        &voice_path,
        &borrowed(&ringing("CA00000000000000000000000000e2e002", "ringing")),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert!(again.text().await.expect("TwiML").contains("<Connect>"));
    let (_, calls) = server.get("/v1/voice/calls").await;
    let listed: Vec<&Value> = calls["items"].as_array().expect("items").iter().collect();
    assert_eq!(listed.len(), 2);
}
