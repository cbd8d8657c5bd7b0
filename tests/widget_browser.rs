//! The web widget in a real browser: headless Chromium (Debian `chromium`, driven by npm
//! `playwright-core` through `tests/e2e/widget-browser.mjs`) chats with the demo bot on the page
//! the binary serves at `/`, then reloads and finds the same conversation. Screenshots are kept
//! in the test's temporary target folder.

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use support::Server;

#[tokio::test]
async fn a_visitor_chats_in_the_demo_page_and_the_chat_survives_a_reload() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]).await;
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("widget-demo");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/widget-browser.mjs");
    let output = Command::new("node")
        .arg(script)
        .args(["--url", &server.base, "--screenshot", &shots.display().to_string()])
        .output()
        .expect("node runs (Node.js, `npm ci` in tests/e2e and Debian chromium are installed by deploy/test.sh)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let steps: Vec<Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    assert!(
        output.status.success(),
        "browser check failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names: Vec<&str> = steps.iter().filter_map(|s| s["step"].as_str()).collect();
    assert_eq!(names, ["greeting", "answer", "reload", "done"], "{stdout}");
    assert!(
        steps[1]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("knowledge base"),
        "{stdout}"
    );
    eprintln!(
        "screenshots: {}-1.png, {}-2.png",
        shots.display(),
        shots.display()
    );
}
