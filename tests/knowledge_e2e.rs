//! End to end through the real binary: an organisation uploads a document to a knowledge base,
//! attaches it to a bot, and a visitor asking on the web widget gets an answer quoting it; after
//! a restart the index is still there. With a language model configured, the visitor watches
//! the answer being written before it arrives whole.

mod support;

use serde_json::Value;
use support::llm::{FakeOpenAi, MODEL_REPLY, bot_on_the_model};
use support::{Server, bot_settings, events_named, pushed_texts, widget_client};

const POLICY: &str = "# Returns policy\n\nYou may return any unworn item within thirty days of delivery.\n\nRefunds reach your card within five working days of the parcel arriving at our warehouse.\n\n# Delivery\n\nStandard delivery takes two to four working days.";

#[tokio::test]
async fn a_visitor_gets_an_answer_quoting_the_uploaded_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Server::start(dir.path(), &[]).await;
    let kb = server.knowledge_base_with("returns.md", POLICY).await;
    let bot = server.create_bot(bot_settings("Ava", 3_600)).await;
    let bot_id = bot["id"].as_str().expect("bot id");
    server.attach_knowledge_base(bot_id, &kb).await;
    let key = bot["widgetKey"].as_str().expect("widget key").to_owned();

    let question = "How long do refunds take to reach my card?";
    let chat = widget_client(
        &server.base,
        &key,
        &["--send", question, "--wait-ms", "2000"],
    );
    let answers = pushed_texts(&chat);
    assert!(
        answers
            .iter()
            .any(|text| text.contains("five working days")),
        "the bot quotes the document: {answers:?}"
    );

    // The index is kept in the blob store: a restarted node answers the same.
    server.kill_and_restart().await;
    let again = widget_client(
        &server.base,
        &key,
        &[
            "--send",
            "How long does standard delivery take?",
            "--wait-ms",
            "2000",
        ],
    );
    let answers = pushed_texts(&again);
    assert!(
        answers
            .iter()
            .any(|text| text.contains("two to four working days")),
        "after a restart: {answers:?}"
    );
}

// Two workers: the fake model streams from this runtime while the widget client blocks one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_watches_the_model_write_its_answer() {
    let model = FakeOpenAi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, bot) = bot_on_the_model(&model, dir.path(), ("returns.md", POLICY)).await;
    let key = bot["widgetKey"].as_str().expect("widget key");

    let chat = widget_client(
        &server.base,
        key,
        &[
            "--send",
            "How long do refunds take to reach my card?",
            "--wait-ms",
            "3000",
        ],
    );
    let events: Vec<&str> = chat.iter().filter_map(|e| e["event"].as_str()).collect();
    let answer_at = chat
        .iter()
        .position(|e| e["event"] == "message" && e["data"]["body"]["text"] == MODEL_REPLY)
        .unwrap_or_else(|| panic!("the model's answer arrives: {events:?}"));
    let drafts: Vec<&Value> = events_named(&chat, "draft");
    assert!(
        drafts.len() >= 2,
        "the answer shows as it grows, in more than one draft: {events:?}"
    );
    let last_draft_at = chat
        .iter()
        .rposition(|e| e["event"] == "draft")
        .expect("drafts");
    assert!(
        last_draft_at < answer_at,
        "drafts come before the answer: {events:?}"
    );
    let question = stored_question(&chat);
    let mut previous = "";
    for draft in &drafts {
        let text = draft["text"].as_str().expect("draft text");
        assert!(
            MODEL_REPLY.starts_with(text) && text.len() > previous.len(),
            "each draft is more of the answer: {previous:?} then {text:?}"
        );
        assert_eq!(draft["inReplyTo"], question["seq"], "{draft}");
        assert_eq!(draft["sessionId"], question["sessionId"], "{draft}");
        previous = text;
    }
    assert!(model.completions() >= 1);
}

/// The visitor's question as the server stored it (its acknowledgement carries it).
fn stored_question(events: &[Value]) -> &Value {
    let ack = events
        .iter()
        .find(|e| e["event"] == "ack")
        .expect("the question is acknowledged");
    &ack["data"]["message"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_caller_streams_the_answer_as_server_sent_events() {
    let model = FakeOpenAi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, bot) = bot_on_the_model(&model, dir.path(), ("returns.md", POLICY)).await;
    let url = format!(
        "{}/v1/bots/{}/answer",
        server.base,
        bot["id"].as_str().expect("id")
    );
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(server.token())
        .header("accept", "text/event-stream")
        .json(&serde_json::json!({ "question": "How long do refunds take to reach my card?" }))
        .send()
        .await
        .expect("the answer endpoint answers");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_owned();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    let body = response.text().await.expect("the stream ends");

    let events: Vec<(String, Value)> = body
        .split("\n\n")
        .filter_map(|block| {
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|line| line.strip_prefix(name).map(str::trim).map(str::to_owned))
            };
            Some((
                field("event:")?,
                serde_json::from_str(&field("data:")?).ok()?,
            ))
        })
        .collect();
    let (last, answer) = events.last().expect("events");
    assert_eq!(last, "answer", "{body}");
    assert_eq!(answer["text"], MODEL_REPLY);
    assert_eq!(answer["grounded"], true);
    assert_eq!(answer["sources"][0]["title"], "Returns policy", "{answer}");
    let drafts: Vec<&str> = events[..events.len() - 1]
        .iter()
        .map(|(name, data)| {
            assert_eq!(name, "draft", "{body}");
            data["text"].as_str().expect("draft text")
        })
        .collect();
    assert!(
        drafts.len() >= 2,
        "the answer grows over several drafts: {body}"
    );
    assert!(
        drafts
            .windows(2)
            .all(|pair| pair[1].starts_with(pair[0]) && pair[1].len() > pair[0].len()),
        "{drafts:?}"
    );
    assert!(MODEL_REPLY.starts_with(drafts[drafts.len() - 1]));

    // Without asking for events, the same endpoint answers with one JSON document.
    let (status, whole) = server
        .post(
            &format!("/v1/bots/{}/answer", bot["id"].as_str().expect("id")),
            serde_json::json!({ "question": "How long do refunds take to reach my card?" }),
        )
        .await;
    assert_eq!(status, 200, "{whole}");
    assert_eq!(whole["text"], MODEL_REPLY);
}
