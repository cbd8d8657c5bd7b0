//! The web widget in a real browser: headless Chromium (Debian `chromium`, driven by npm
//! `playwright-core` through `tests/e2e/widget-browser.mjs`) chats with the demo bot on the page
//! the binary serves at `/`, then reloads and finds the same conversation. Screenshots are kept
//! in the test's temporary target folder.

mod support;

use std::path::Path;
use support::{Server, browser_check};

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
