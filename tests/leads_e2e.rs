//! Leads end to end through the real binary, against the local stand-in for the Graph API: the
//! organisation's follow-up schedule is saved, a lead added with a local number (the default
//! country code put before it) gets its first follow-up on WhatsApp as the step's template with
//! the lead's first name, the lead's status and history show it; the lead writes back; after a
//! `kill -9` and a restart nothing is sent twice and the next follow-up is still planned a day
//! later; and the webhook of the lead's answer is still refused when its signature is wrong.
//! A bot given the `leads` tool kit, on the local stand-in for OpenAI, saves what a WhatsApp
//! contact tells about their project as their lead (qualified by the rules) and answers them.

mod support;

use serde_json::{Value, json};
use support::llm::{FakeOpenAi, LEAD_REPLY, lead_details};
use support::meta::{
    ACCESS_TOKEN, FakeGraph, PHONE_NUMBER_ID, connect_whatsapp, connect_whatsapp_to_bot,
    inbound_text_from, post_webhook, start_server_with,
};
use support::{Server, bot_settings};

const WHATSAPP: &str = "919876543210";

async fn lead(server: &Server, id: &str) -> Value {
    server.get(&format!("/v1/leads/{id}")).await.1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_is_followed_up_on_whatsapp_once_even_across_a_crash() {
    let graph = FakeGraph::start().await;
    let dir = tempfile::tempdir().expect("data dir");
    let mut server = start_server_with(
        support::Backend::Embedded(dir.path().to_owned()),
        &graph,
        &[("BOTWOT__LEADS__SWEEP_MS", "200")],
    )
    .await;
    connect_whatsapp(&server).await;

    let settings = json!({"defaultCountryCode": "91", "followUps": {"enabled": true,
        "channelAccount": PHONE_NUMBER_ID, "language": "en",
        "steps": [{"afterHours": 0, "template": "decor_welcome"},
                  {"afterHours": 24, "template": "decor_day_2"}]}});
    let (status, saved) = server.put_json("/v1/leads/settings", settings).await;
    assert_eq!(status, 200, "{saved}");

    let (status, added) = server
        .post(
            "/v1/leads",
            json!({"phoneNumber": "98765 43210", "details": {"fullName": "Asha Rao",
                "projectNeeds": "Modular kitchen and two bedrooms"}}),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["phone"], WHATSAPP);
    let id = added["id"].as_str().expect("an id").to_owned();

    server
        .until("the first follow-up reaches WhatsApp", || async {
            !graph.templates_to(WHATSAPP).is_empty()
        })
        .await;
    let sent = &graph.templates_to(WHATSAPP)[0];
    assert!(
        sent.path.ends_with(&format!("/{PHONE_NUMBER_ID}/messages")),
        "{}",
        sent.path
    );
    assert_eq!(
        sent.authorization.as_deref(),
        Some(format!("Bearer {ACCESS_TOKEN}").as_str())
    );
    assert_eq!(sent.body["messaging_product"], "whatsapp");
    let template = &sent.body["template"];
    assert_eq!(template["name"], "decor_welcome");
    assert_eq!(template["language"]["code"], "en");
    let body = template["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|part| part["type"] == "body")
        .expect("a body")
        .clone();
    assert_eq!(
        body["parameters"],
        json!([{"type": "text", "text": "Asha"}])
    );

    server
        .until("the lead shows its first follow-up", || async {
            lead(&server, &id).await["followUpStatus"] == "Day 1"
        })
        .await;
    let shown = lead(&server, &id).await;
    let recorded = &shown["followUp"]["history"][0];
    assert_eq!(recorded["template"], "decor_welcome");
    assert!(
        recorded["providerMessageId"]
            .as_str()
            .is_some_and(|id| id.starts_with("wamid.")),
        "{shown}"
    );
    let (_, history) = server.get(&format!("/v1/leads/{id}/history")).await;
    let types: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|event| event["type"].as_str())
        .collect();
    assert_eq!(types, vec!["followUpSent", "created"], "{history}");

    // The lead writes back; a forged copy of the webhook is refused.
    let answer = inbound_text_from(WHATSAPP, "wamid.lead-answer-1", "Yes, call me tomorrow");
    let forged = server
        .http
        .post(format!("{}/webhooks/meta", server.base))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", format!("sha256={}", "0".repeat(64)))
        .body(serde_json::to_vec(&answer).expect("json"))
        .send()
        .await
        .expect("answered");
    assert_eq!(forged.status().as_u16(), 401);
    assert_eq!(post_webhook(&server, &answer).await, 200);

    server.kill_and_restart().await;
    tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
    assert_eq!(graph.templates_to(WHATSAPP).len(), 1, "sent once");
    let after = lead(&server, &id).await;
    assert_eq!(after["followUpStatus"], "Day 1", "{after}");
    let sent_at = after["followUp"]["history"][0]["sentAt"]
        .as_str()
        .expect("sent at")
        .to_owned();
    let next_at = after["followUp"]["nextAt"].as_str().expect("planned");
    assert_eq!(
        gap_hours(&sent_at, next_at),
        24,
        "the next follow-up a day after the first"
    );
}

/// Whole hours from `earlier` to `later`, both RFC 3339.
fn gap_hours(earlier: &str, later: &str) -> i64 {
    let parse = |text: &str| {
        botwot_engine::Timestamp::parse_rfc3339(text)
            .expect("RFC 3339")
            .millis()
    };
    (parse(later) - parse(earlier)) / 3_600_000
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_with_the_lead_tools_saves_what_the_contact_tells_and_answers() {
    let graph = FakeGraph::start().await;
    let model = FakeOpenAi::start().await;
    let dir = tempfile::tempdir().expect("data dir");
    let server = start_server_with(
        support::Backend::Embedded(dir.path().to_owned()),
        &graph,
        &[
            (
                "BOTWOT__KNOWLEDGE__LLM__OPENAI__BASE_URL",
                model.base_url.as_str(),
            ),
            ("BOTWOT__KNOWLEDGE__LLM__OPENAI__MODEL", "gpt-4o-mini"),
            ("BOTWOT__KNOWLEDGE__LLM__OPENAI__API_KEY", "sk-e2e-tools"),
        ],
    )
    .await;
    let mut settings = bot_settings("Dia", 3_600);
    settings["tools"] = json!(["leads"]);
    connect_whatsapp_to_bot(&server, settings).await;

    let told = inbound_text_from(
        WHATSAPP,
        "wamid.lead-tools-1",
        "Hi, I'm Asha. I want my whole flat done, budget is fine, starting next month",
    );
    assert_eq!(post_webhook(&server, &told).await, 200);
    server
        .until("the bot answers after saving the lead", || async {
            graph.requests().iter().any(|request| {
                request.body["to"] == WHATSAPP && request.body["text"]["body"] == LEAD_REPLY
            })
        })
        .await;

    let (status, lead) = server.get(&format!("/v1/leads/by-phone/{WHATSAPP}")).await;
    assert_eq!(status, 200, "{lead}");
    assert_eq!(lead["stage"], "Real", "qualified by the rules: {lead}");
    assert_eq!(lead["details"]["fullName"], "Asha Rao");
    assert_eq!(lead["details"]["startBy"], lead_details()["startBy"]);
    let id = lead["id"].as_str().expect("an id");
    let (_, history) = server.get(&format!("/v1/leads/{id}/history")).await;
    let items = history["items"].as_array().expect("items");
    assert!(
        !items.is_empty() && items.iter().all(|event| event["by"] == "bot"),
        "{history}"
    );

    let asked = model.requests_with_tools();
    assert_eq!(asked.len(), 2, "a call, then the answer");
    let names: Vec<&str> = asked[0]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|tool| tool["function"]["name"].as_str())
        .collect();
    assert_eq!(names, vec!["get_lead", "update_lead"]);
    let messages = asked[1]["messages"].as_array().expect("messages");
    let result = messages.last().expect("the tool's result");
    assert_eq!(result["role"], "tool");
    assert_eq!(result["tool_call_id"], "call_lead_1");
    let content: Value =
        serde_json::from_str(result["content"].as_str().expect("text")).expect("json");
    assert_eq!(content["stage"], "Real", "{content}");
}
