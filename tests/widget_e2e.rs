//! End to end through the real binary: a visitor chats in the web widget with the official
//! npm `socket.io-client`, reconnects into the same session, and quiet sessions close on time,
//! also across a `kill -9` and restart.

mod support;

use serde_json::Value;
use support::{Backend, Server, bot_settings, events_named, pushed_texts, widget_client};

fn session_of(events: &[Value]) -> (String, String) {
    let session = events_named(events, "session");
    let session = session
        .first()
        .unwrap_or_else(|| panic!("a session event: {events:?}"));
    (
        session["sessionId"].as_str().expect("sessionId").to_owned(),
        session["visitorId"].as_str().expect("visitorId").to_owned(),
    )
}

fn history_texts(events: &[Value]) -> Vec<String> {
    events_named(events, "history")
        .first()
        .and_then(|h| h["messages"].as_array())
        .map(|messages| {
            messages
                .iter()
                .map(|m| m["body"]["text"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Everything the visitor saw (history, pushed messages and the stored copies of its own
/// messages in acknowledgements), in sequence order, each stored message once.
fn seen_texts(events: &[Value]) -> Vec<String> {
    let mut seen: Vec<(u64, String)> = Vec::new();
    let history = events_named(events, "history");
    let from_history = history
        .first()
        .and_then(|h| h["messages"].as_array())
        .cloned()
        .unwrap_or_default();
    let pushed = events_named(events, "message").into_iter().cloned();
    let acked = events_named(events, "ack")
        .into_iter()
        .map(|ack| ack["message"].clone());
    for message in from_history.into_iter().chain(pushed).chain(acked) {
        if message.is_null() {
            continue;
        }
        let seq = message["seq"].as_u64().unwrap_or(0);
        if !seen.iter().any(|(s, _)| *s == seq) {
            seen.push((
                seq,
                message["body"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ));
        }
    }
    seen.sort_by_key(|(seq, _)| *seq);
    seen.into_iter().map(|(_, text)| text).collect()
}

#[tokio::test]
async fn a_visitor_chats_and_continues_after_reconnecting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]).await;
    let bot = server.create_bot(bot_settings("Ava", 3_600)).await;
    let key = bot["widgetKey"].as_str().expect("widget key");

    let first = widget_client(
        &server.base,
        key,
        &["--send", "Do you ship to Norway?", "--wait-ms", "1500"],
    );
    let (session_id, visitor_id) = session_of(&first);
    let acks: Vec<&Value> = first.iter().filter(|e| e["event"] == "ack").collect();
    assert_eq!(acks.len(), 1, "{first:?}");
    assert_eq!(acks[0]["data"]["ok"], true, "{first:?}");
    assert_eq!(
        seen_texts(&first),
        [
            "Hi, I am Ava. How can I help?",
            "Do you ship to Norway?",
            "I can't answer that yet. Please email help@shop.test."
        ],
        "{first:?}"
    );

    let second = widget_client(
        &server.base,
        key,
        &[
            "--visitor",
            &visitor_id,
            "--send",
            "Thanks!",
            "--wait-ms",
            "1500",
        ],
    );
    let (again_session, again_visitor) = session_of(&second);
    assert_eq!(
        (again_session.as_str(), again_visitor.as_str()),
        (session_id.as_str(), visitor_id.as_str())
    );
    assert_eq!(
        history_texts(&second),
        [
            "Hi, I am Ava. How can I help?",
            "Do you ship to Norway?",
            "I can't answer that yet. Please email help@shop.test."
        ],
        "the same session comes back with its history, and no second greeting: {second:?}"
    );
    assert!(
        pushed_texts(&second)
            .contains(&"I can't answer that yet. Please email help@shop.test.".to_owned())
    );
    assert_eq!(server.transcript_texts(&session_id).await.len(), 5);
}

#[tokio::test]
async fn a_quiet_session_closes_after_its_configured_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]).await;
    let bot = server.create_bot(bot_settings("Quick", 2)).await;
    let key = bot["widgetKey"].as_str().expect("widget key");
    let events = widget_client(&server.base, key, &["--send", "hello", "--wait-ms", "300"]);
    let (session_id, _) = session_of(&events);

    server
        .until("the session is closed", || async {
            server.get(&format!("/v1/sessions/{session_id}")).await.1["status"] == "closed"
        })
        .await;
    let texts = server.transcript_texts(&session_id).await;
    assert_eq!(
        texts.last().map(String::as_str),
        Some("This conversation was closed after a period of inactivity.")
    );
}

#[tokio::test]
async fn kill_9_mid_conversation_keeps_the_transcript_and_the_timer_fires_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    kill_9_keeps_the_conversation(Backend::Embedded(dir.path().to_owned()), 5).await;
}

#[tokio::test]
async fn kill_9_on_the_resident_store_keeps_the_transcript_and_the_timer_fires_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    kill_9_keeps_the_conversation(Backend::Resident(dir.path().to_owned()), 5).await;
}

#[tokio::test]
async fn kill_9_on_the_mongodb_backend_keeps_the_transcript_and_the_timer_fires_once() {
    // A restart on the MongoDB test server took more than 5 s in a loaded CI run, and close
    // to 15 s in another (the close then landed while the test read the transcript).
    kill_9_keeps_the_conversation(Backend::fresh_mongo("kill9"), 30).await;
}

/// A chat, `kill -9` right after the acknowledgements, a restart before the auto-close
/// deadline (`close_after_secs` after the last message): the transcript is intact, the
/// reloaded timer closes the session, and after another kill and restart it does not fire
/// again. On a loaded machine the visitor may be slower than the deadline between joining and
/// asking, and the conversation is then closed and reopened by the question before the first
/// kill: closings are counted from the first restart on.
async fn kill_9_keeps_the_conversation(backend: Backend, close_after_secs: u64) {
    let mut server = Server::start_on(backend, &[]).await;
    let bot = server
        .create_bot(bot_settings("Durable", close_after_secs))
        .await;
    let key = bot["widgetKey"].as_str().expect("widget key");
    let events = widget_client(
        &server.base,
        key,
        &[
            "--send",
            "first question",
            "--send",
            "second question",
            "--wait-ms",
            "200",
        ],
    );
    let (session_id, _) = session_of(&events);
    let acked = events
        .iter()
        .filter(|e| e["event"] == "ack" && e["data"]["ok"] == true)
        .count();
    assert_eq!(acked, 2, "{events:?}");

    server.kill_and_restart().await;

    let texts = server.transcript_texts(&session_id).await;
    let closed_before = closings(&texts);
    assert!(
        texts.contains(&"first question".to_owned())
            && texts.contains(&"second question".to_owned()),
        "acknowledged messages survive: {texts:?}"
    );
    let (_, session) = server.get(&format!("/v1/sessions/{session_id}")).await;
    assert_ne!(
        session["status"], "closed",
        "the restart came before the deadline: {session}"
    );

    server
        .until("the reloaded timer closes the session", || async {
            server.get(&format!("/v1/sessions/{session_id}")).await.1["status"] == "closed"
        })
        .await;
    // One more kill and restart after it fired: the timer must not fire again.
    server.kill_and_restart().await;
    let other = widget_client(
        &server.base,
        key,
        &["--send", "another visitor", "--wait-ms", "500"],
    );
    assert!(!session_of(&other).0.is_empty());
    let texts = server.transcript_texts(&session_id).await;
    assert_eq!(
        closings(&texts),
        closed_before + 1,
        "closed exactly once after the first restart: {texts:?}"
    );
    server.stop_and_drop_database().await;
}

/// How many times the transcript says the conversation was closed for inactivity.
fn closings(texts: &[String]) -> usize {
    texts
        .iter()
        .filter(|t| *t == "This conversation was closed after a period of inactivity.")
        .count()
}

#[tokio::test]
async fn bad_widget_input_gets_clear_errors_and_the_connection_keeps_working() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]).await;
    let bot = server.create_bot(bot_settings("Strict", 3_600)).await;
    let key = bot["widgetKey"].as_str().expect("widget key");

    let long = "x".repeat(5_000);
    let events = widget_client(
        &server.base,
        key,
        &[
            "--raw",
            "\"just a string\"",
            "--raw",
            "{\"text\": \"   \"}",
            "--send",
            &long,
            "--send",
            "still here?",
            "--wait-ms",
            "1000",
        ],
    );
    let refused: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "ack" && e["data"]["ok"] == false)
        .collect();
    assert_eq!(refused.len(), 3, "three bad messages refused: {events:?}");
    for ack in refused {
        assert!(ack["data"]["error"]["code"].is_string(), "{ack}");
        assert!(ack["data"]["error"]["message"].is_string(), "{ack}");
    }
    assert!(
        seen_texts(&events).contains(&"still here?".to_owned()),
        "{events:?}"
    );

    let unknown = widget_client(&server.base, "wk_does_not_exist", &["--wait-ms", "200"]);
    assert_eq!(unknown[0]["event"], "connect_error", "{unknown:?}");
}
