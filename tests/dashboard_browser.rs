//! The managers' dashboard of the agents' console in a real browser: headless Chromium (Debian
//! `chromium`, driven by npm `playwright-core` through `tests/e2e/dashboard-browser.mjs`).
//!
//! Six conversations with known facts are made the way contacts and agents make them: widget
//! visitors of a shop's bot (answered by the bot and left open; answered and closed; asking for
//! a person, left waiting and closed; answered by the owner after a takeover), a visitor of a
//! bot without a greeting who never writes (unanswered), and a WhatsApp customer through a local
//! stand-in for Meta's Graph API. An agent without the Dashboard module signs in and sees no
//! dashboard tab. The owner opens the dashboard and finds the hand-counted figures on its tiles
//! and in its charts' SVG, sees a new visitor counted live, switches to the last 24 hours,
//! removes, adds and moves widgets, finds the layout again after a reload, and downloads the CSV
//! and XLSX reports. The saved layout and the CSV's conversations are checked against the API
//! afterwards. Screenshots of each step are kept in the test's temporary target folder
//! (`dashboard-<n>-<step>.png`).

mod support;

use botwot_http::dashboard::report::CONVERSATION_COLUMNS;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use support::meta::{FakeGraph, connect_whatsapp, inbound_text, post_webhook, start_server};
use support::{
    OWNER_EMAIL, OWNER_PASSWORD, Server, bot_settings, browser_check, events_named, widget_client,
};

const AGENT_EMAIL: &str = "agent@e2e.test";
const AGENT_PASSWORD: &str = "agent end-to-end password";

/// A widget visitor of the bot with `key` who sends `texts` (none: only opens the chat); the
/// conversation's id.
fn widget_chat(server: &Server, key: &str, texts: &[&str]) -> String {
    let mut args = vec!["--wait-ms", "300"];
    for text in texts {
        args.extend(["--send", text]);
    }
    let events = widget_client(&server.base, key, &args);
    events_named(&events, "session")[0]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no session: {events:?}"))
        .to_owned()
}

async fn post_ok(server: &Server, path: &str, body: Value) {
    let (status, answer) = server.post(path, body).await;
    assert_eq!(status, 200, "{path}: {answer}");
}

/// Waits until the bot has answered in `session_id` (the first reply after the contact's text).
async fn until_bot_answered(server: &Server, session_id: &str, answer: &str) {
    server
        .until("the bot answered", || async {
            server
                .transcript_texts(session_id)
                .await
                .iter()
                .any(|text| text == answer)
        })
        .await;
}

/// Invites an agent (the role's default modules: no Dashboard) and accepts with the mailed code.
async fn invite_agent(server: &Server) {
    let invite = json!({"email": AGENT_EMAIL, "firstName": "Olga", "role": "AGENT"});
    let (status, invited) = server.post("/v1/users", invite).await;
    assert_eq!(status, 201, "agent invited: {invited}");
    let (_, mailbox) = server
        .get(&format!("/v1/dev/mailbox?email={AGENT_EMAIL}"))
        .await;
    let text = mailbox[0]["text"].as_str().expect("an invitation mail");
    let start = text.find("code is ").expect("a code") + "code is ".len();
    let accept =
        json!({"email": AGENT_EMAIL, "code": &text[start..start + 6], "password": AGENT_PASSWORD});
    let (status, accepted) = server.post("/v1/auth/invitation/accept", accept).await;
    assert_eq!(status, 200, "invitation accepted: {accepted}");
}

/// The response-time bars the chart must draw: the server's percentiles, by bar label.
fn response_bars(metrics: &Value) -> Value {
    let mut bars = serde_json::Map::new();
    for (name, field) in [("First reply", "firstResponseMs"), ("Reply", "responseMs")] {
        for rank in ["p50", "p90", "p95"] {
            bars.insert(format!("{name} {rank}"), metrics[field][rank].clone());
        }
    }
    Value::Object(bars)
}

/// The widgets' kinds in reading order (top to bottom, then left to right).
fn kinds_in_reading_order(layout: &Value) -> Vec<String> {
    let mut widgets: Vec<&Value> = layout["widgets"]
        .as_array()
        .expect("widgets")
        .iter()
        .collect();
    widgets.sort_by_key(|w| (w["y"].as_u64(), w["x"].as_u64()));
    widgets
        .iter()
        .map(|w| w["kind"].as_str().expect("a kind").to_owned())
        .collect()
}

#[tokio::test]
async fn a_manager_follows_live_charts_edits_the_layout_and_exports_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    connect_whatsapp(&server).await;
    let settings = bot_settings("Shop helper", 3_600);
    let fallback = settings["fallbackMessage"].as_str().expect("a fallback");
    let shop = server.create_bot(settings.clone()).await;
    let shop_key = shop["widgetKey"].as_str().expect("a widget key");
    let mut quiet_settings = bot_settings("Quiet helper", 3_600);
    quiet_settings["botGreetingMessage"] = json!("");
    let quiet = server.create_bot(quiet_settings).await;
    let quiet_key = quiet["widgetKey"].as_str().expect("a widget key");

    // Web, answered by the bot, open.
    let open = widget_chat(&server, shop_key, &["What are your opening hours?"]);
    until_bot_answered(&server, &open, fallback).await;
    // Web, answered by the bot, closed with nobody waiting: resolved.
    let resolved = widget_chat(&server, shop_key, &["Where is my parcel?"]);
    until_bot_answered(&server, &resolved, fallback).await;
    post_ok(
        &server,
        &format!("/v1/sessions/{resolved}/close"),
        json!({}),
    )
    .await;
    // Web, asks for a person (the bot says one is coming), asks again, nobody comes, closed:
    // the bot's only, not resolved.
    let waited = widget_chat(
        &server,
        shop_key,
        &["I want a human", "Hello? Anyone there?"],
    );
    post_ok(&server, &format!("/v1/sessions/{waited}/close"), json!({})).await;
    // Web, asks for an agent; the owner takes over and answers: an agent's, open.
    let helped = widget_chat(&server, shop_key, &["Can an agent help me?"]);
    post_ok(
        &server,
        &format!("/v1/sessions/{helped}/takeover"),
        json!({}),
    )
    .await;
    let reply = json!({"text": "Hi, I am Olga. Let me look.", "clientMessageId": "owner-1"});
    let (status, sent) = server
        .post(&format!("/v1/sessions/{helped}/messages"), reply)
        .await;
    assert!(status == 200 || status == 201, "owner's reply: {sent}");
    // Web, a bot without a greeting, the visitor never writes: unanswered, open.
    widget_chat(&server, quiet_key, &[]);
    // WhatsApp, answered by the bot, open.
    let question = inbound_text("wamid.INBOUND-0001", "Do you deliver on Sundays?");
    assert_eq!(post_webhook(&server, &question).await, 200);
    server
        .until("the bot answered on WhatsApp", || async {
            !graph.requests().is_empty()
        })
        .await;

    // Six conversations: four open; two closed, one of them resolved; four the bot's only, one
    // an agent's, one unanswered; five on the web, one on WhatsApp. Wait until the server
    // counts them all (a bot's answer is stored a moment after its send).
    server
        .until("the dashboard counts the six conversations", || async {
            let (_, metrics) = server.get("/v1/dashboard/metrics").await;
            let handling = &metrics["handling"];
            metrics["totalConversations"] == 6
                && metrics["closedConversations"] == 2
                && (
                    &handling["botOnly"],
                    &handling["agent"],
                    &handling["unanswered"],
                ) == (&json!(4), &json!(1), &json!(1))
        })
        .await;
    // Response times are measured, not counted: the chart must draw the server's.
    let (_, metrics) = server.get("/v1/dashboard/metrics").await;
    invite_agent(&server).await;
    let (_, layout_before) = server.get("/v1/dashboard/layout").await;

    let expected = json!({
        "layout": layout_before["widgets"],
        "tiles": {
            "totalConversations": "6",
            "activeSessions": "4",
            "resolutionRate": "50%",
            "satisfaction": "–",
        },
        "bars": {
            "channelBreakdown": {"web": 5, "whatsapp": 1, "messenger": 0, "instagram": 0, "voice": 0},
            "botVsAgent": {"bot only": 4, "agent": 1, "unanswered": 1},
            "responseTime": response_bars(&metrics),
        },
        "volume": 6,
        // One more widget visitor while the dashboard is open.
        "live": {"totalConversations": "7", "activeSessions": "5"},
        "csvHeader": CONVERSATION_COLUMNS.join(","),
        "csvRows": 7,
    });
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard");
    let shots = shots.display().to_string();
    let run = browser_check(
        "dashboard-browser.mjs",
        &[
            "--url",
            &server.base,
            "--key",
            shop_key,
            "--email",
            OWNER_EMAIL,
            "--password",
            OWNER_PASSWORD,
            "--agent-email",
            AGENT_EMAIL,
            "--agent-password",
            AGENT_PASSWORD,
            "--expect",
            &expected.to_string(),
            "--screenshot",
            &shots,
        ],
    );
    assert_eq!(
        run.step_names(),
        [
            "no-dashboard-for-agents",
            "figures",
            "charts",
            "live",
            "range",
            "edit-layout",
            "reload",
            "export",
            "done"
        ],
        "{}",
        run.output
    );

    // The layout the browser saved is the user's: satisfaction gone, top intents added,
    // resolution rate moved before active conversations.
    let (_, layout) = server.get("/v1/dashboard/layout").await;
    let kinds = kinds_in_reading_order(&layout);
    assert!(kinds.contains(&"topIntents".to_owned()), "{layout}");
    assert!(!kinds.contains(&"satisfaction".to_owned()), "{layout}");
    let at = |kind: &str| kinds.iter().position(|k| k == kind);
    assert!(
        at("resolutionRate") < at("activeSessions"),
        "resolution rate moved earlier: {kinds:?}"
    );
    assert_eq!(run.step("reload")["kinds"], json!(kinds), "{}", run.output);

    // The CSV the browser downloaded lists exactly the organisation's conversations.
    let (_, sessions) = server.get("/v1/sessions?limit=200").await;
    let stored: BTreeSet<&str> = sessions["items"]
        .as_array()
        .expect("sessions")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    let csv = run.step("export")["csv"].as_str().expect("the csv");
    let downloaded: BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .filter_map(|line| line.split(',').next())
        .collect();
    assert_eq!(stored.len(), 7, "{sessions}");
    assert_eq!(downloaded, stored, "{csv}");
    eprintln!("screenshots: {shots}-<n>-<step>.png");
}
