//! The agents' console in a real browser: headless Chromium (Debian `chromium`, driven by npm
//! `playwright-core` through `tests/e2e/console-browser.mjs`). The owner of a freshly signed-up
//! organisation signs in on `/console`; a visitor chats through the widget of the
//! organisation's bot on a shop's page; the agent sees the conversation arrive live, takes it
//! over, sees the visitor typing and is seen typing, replies with a canned response, asks with
//! reply buttons the visitor taps in the widget, adds a
//! private note and hands it back, and the bot answers the visitor again; closed by the agent,
//! the conversation is rated by the visitor. The stored transcript is checked afterwards. Screenshots of each
//! step are kept in the test's temporary target folder (`console-<n>-<step>.png`).

mod support;

use serde_json::json;
use std::path::Path;
use support::{OWNER_EMAIL, OWNER_PASSWORD, Server, bot_settings, browser_check};

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
