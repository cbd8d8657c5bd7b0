//! The web widget in a real browser: headless Chromium (Debian `chromium`, driven by npm
//! `playwright-core` through `tests/e2e/widget-browser.mjs`) chats with the demo bot on the page
//! the binary serves at `/`, then reloads and finds the same conversation. Screenshots are kept
//! in the test's temporary target folder. A second check watches a bot's answer being written
//! by a streaming model (the OpenAI API played locally) in a shop page's widget and, with the
//! conversation open, in an agent's console; the dashboard then counts the widget's load and
//! open.

mod support;

use std::path::Path;
use support::llm::{FakeOpenAi, MODEL_REPLY, bot_on_the_model};
use support::{OWNER_EMAIL, OWNER_PASSWORD, Server, browser_check};

#[tokio::test]
async fn a_visitor_chats_in_the_demo_page_and_the_chat_survives_a_reload() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]).await;
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("widget-demo");
    let shots = shots.display().to_string();
    let run = browser_check(
        "widget-browser.mjs",
        &["--url", &server.base, "--screenshot", &shots],
    );
    assert_eq!(
        run.step_names(),
        ["greeting", "answer", "reload", "done"],
        "{}",
        run.output
    );
    assert!(
        run.step("answer")["text"]
            .as_str()
            .unwrap_or_default()
            .contains("knowledge base"),
        "{}",
        run.output
    );
    eprintln!("screenshots: {shots}-1.png, {shots}-2.png");
}

// Two workers: the fake model streams from this runtime while the browser check blocks one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_sees_the_answer_grow_and_then_the_stored_answer() {
    let model = FakeOpenAi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let policy =
        "# Refunds\n\nRefunds reach your card within five working days of the parcel arriving.";
    let (server, bot) = bot_on_the_model(&model, dir.path(), ("refunds.md", policy)).await;
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("widget-draft");
    let shots = shots.display().to_string();
    let run = browser_check(
        "widget-draft-browser.mjs",
        &[
            "--url",
            &server.base,
            "--key",
            bot["widgetKey"].as_str().expect("widget key"),
            "--email",
            OWNER_EMAIL,
            "--password",
            OWNER_PASSWORD,
            "--question",
            "How long do refunds take to reach my card?",
            "--answer",
            MODEL_REPLY,
            "--screenshot",
            &shots,
        ],
    );
    assert_eq!(
        run.step_names(),
        ["greeting", "console-open", "draft", "answer", "done"],
        "{}",
        run.output
    );
    // The shop page loaded the widget open once: the dashboard's widget funnel counts the load,
    // the open and the conversation it led to (counts are stored every five seconds).
    server
        .until("the widget's use reaches the dashboard", || async {
            let (_, metrics) = server.get("/v1/dashboard/metrics").await;
            let widget = &metrics["widget"];
            widget["loads"] == 1 && widget["opens"] == 1 && widget["conversations"] == 1
        })
        .await;
    let (_, metrics) = server.get("/v1/dashboard/metrics").await;
    assert_eq!(metrics["widget"]["conversationRate"], 1.0, "{metrics}");
    eprintln!("screenshots: {shots}-draft.png, {shots}-console-draft.png, {shots}-answer.png");
}
