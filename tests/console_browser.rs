//! The agents' console in a real browser: headless Chromium (Debian `chromium`, driven by npm
//! `playwright-core` through `tests/e2e/console-browser.mjs`). The owner of a freshly signed-up
//! organisation signs in on `/console`; a visitor chats through the widget of the
//! organisation's bot on a shop's page; the agent sees the conversation arrive live, takes it
//! over, sees the visitor typing and is seen typing, replies with a canned response, asks with
//! reply buttons the visitor taps in the widget, adds a
//! private note and hands it back, and the bot answers the visitor again; closed by the agent,
//! the conversation is rated by the visitor. The stored transcript is checked afterwards. Screenshots of each
//! step are kept in the test's temporary target folder (`console-<n>-<step>.png`). A second test
//! has the agent send a reply the language model suggested.

mod support;

use serde_json::json;
use std::path::Path;
use support::llm::{FakeOpenAi, SUGGESTIONS, bot_on_the_model};
use support::{
    OWNER_EMAIL, OWNER_PASSWORD, Server, bot_settings, browser_check, events_named, widget_client,
};

const SHORTCUT: &str = "/thanks";
const CANNED: &str = "Thanks for waiting! I'm looking into your order now.";

#[tokio::test]
async fn an_agent_takes_over_a_visitor_chat_in_the_console_and_hands_it_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]).await;
    let settings = bot_settings("Shop helper", 3_600);
    let fallback = settings["fallbackMessage"].as_str().expect("a fallback");
    let bot = server.create_bot(settings.clone()).await;
    let key = bot["widgetKey"].as_str().expect("a widget key");
    let (status, canned) = server
        .post(
            "/v1/canned-responses",
            json!({"shortcut": SHORTCUT, "text": CANNED}),
        )
        .await;
    assert_eq!(status, 201, "canned response saved: {canned}");

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("console");
    let shots = shots.display().to_string();
    let run = browser_check(
        "console-browser.mjs",
        &[
            "--url",
            &server.base,
            "--key",
            key,
            "--email",
            OWNER_EMAIL,
            "--password",
            OWNER_PASSWORD,
            "--shortcut",
            SHORTCUT,
            "--canned",
            CANNED,
            "--fallback",
            fallback,
            "--screenshot",
            &shots,
        ],
    );
    assert_eq!(
        run.step_names(),
        [
            "signed-in",
            "visitor-asks",
            "live-list",
            "take-over",
            "typing",
            "reply",
            "choices",
            "note",
            "hand-back",
            "bot-again",
            "rating",
            "done"
        ],
        "{}",
        run.output
    );

    // What the browser showed is what was stored.
    let (_, sessions) = server.get("/v1/conversations?queue=closed").await;
    let session_id = sessions["items"][0]["id"]
        .as_str()
        .expect("the conversation");
    let texts = server.transcript_texts(session_id).await;
    let position = |text: &str| {
        texts
            .iter()
            .position(|t| t.contains(text))
            .unwrap_or_else(|| panic!("{text:?} not stored: {texts:?}"))
    };
    let reply = position(CANNED);
    let tapped = position("The latest one");
    let note = position("VIP customer");
    let follow_up = position("do you ship abroad");
    assert!(
        reply < tapped && tapped < note && note < follow_up,
        "{texts:?}"
    );
    assert!(
        texts[follow_up + 1..].iter().any(|t| t == fallback),
        "the bot answered after the hand-back: {texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("still there")),
        "{texts:?}"
    );
    let (_, session) = server.get(&format!("/v1/sessions/{session_id}")).await;
    assert_eq!(session["satisfaction"]["score"], 4, "{session}");
    eprintln!("screenshots: {shots}-<n>-<step>.png");
}

/// The agent asks for suggested replies (the server's language model is a local server speaking
/// OpenAI's format), picks one and sends it. Two workers: the fake model answers while the
/// browser check blocks one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_sends_a_reply_the_language_model_suggested() {
    let model = FakeOpenAi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let orders = "# Orders\n\nOrders ship within two working days.";
    let (server, bot) = bot_on_the_model(&model, dir.path(), ("orders.md", orders)).await;
    let key = bot["widgetKey"].as_str().expect("a widget key");
    let question = "Where is my order? It is late.";
    let events = widget_client(&server.base, key, &["--wait-ms", "300", "--send", question]);
    let session_id = events_named(&events, "session")[0]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no session: {events:?}"))
        .to_owned();

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("console-assist");
    let shots = shots.display().to_string();
    let run = browser_check(
        "console-assist-browser.mjs",
        &[
            "--url",
            &server.base,
            "--email",
            OWNER_EMAIL,
            "--password",
            OWNER_PASSWORD,
            "--question",
            question,
            "--suggestion",
            SUGGESTIONS[0],
            "--screenshot",
            &shots,
        ],
    );
    assert_eq!(
        run.step_names(),
        ["signed-in", "opened", "suggested", "sent", "done"],
        "{}",
        run.output
    );

    // The agent's reply is the suggestion, and the analysis is kept with the session.
    let texts = server.transcript_texts(&session_id).await;
    assert!(texts.iter().any(|t| t == SUGGESTIONS[0]), "{texts:?}");
    let (_, kept) = server
        .get(&format!("/v1/sessions/{session_id}/insights"))
        .await;
    assert_eq!(kept[0]["result"]["kind"], "suggestions", "{kept}");
    eprintln!("screenshots: {shots}-<n>-<step>.png");
}
