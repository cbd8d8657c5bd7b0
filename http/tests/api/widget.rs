//! The widget namespace over a real socket: admission, greeting and history, messages and their
//! acknowledgements, replies, reconnection, and bad input that must not break the connection.

use crate::support::TestServer;
use crate::support::socket::{Received, TestSocket};
use botwot_engine::BotProfile;
use botwot_engine::bot::{BotSettings, BotStatus};
use botwot_http::HttpConfig;
use serde_json::{Value, json};
use std::time::Duration;

fn chatty_bot() -> BotSettings {
    let mut settings = BotSettings::named("Ava");
    settings.bot_greeting_message = "Hi, I'm Ava.".into();
    settings.fallback_message = "I don't know that yet.".into();
    settings
}

fn auth(bot: &BotProfile, visitor: &str) -> Value {
    json!({"widgetKey": bot.widget_key.as_str(), "visitorId": visitor})
}

async fn join(server: &TestServer, bot: &BotProfile, visitor: &str) -> (TestSocket, Value, Value) {
    let mut socket = TestSocket::connect(server.addr, auth(bot, visitor), None)
        .await
        .expect("admitted");
    let session = socket.event("session").await;
    let history = socket.event("history").await;
    (socket, session, history)
}

fn texts(messages: &Value) -> Vec<String> {
    messages
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["body"]["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_visitor_is_greeted_writes_and_gets_the_reply() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(chatty_bot()).await;
    let (mut socket, session, history) = join(&server, &bot, "v_1").await;
    assert_eq!(session["visitorId"], "v_1");
    assert_eq!(session["bot"]["name"], "Ava");
    assert_eq!(session["status"], "open");
    assert_eq!(texts(&history["messages"]), ["Hi, I'm Ava."]);

    let ack = socket
        .emit_with_ack(
            "message",
            json!({"clientMessageId": "c_1", "text": "Where is my order?"}),
        )
        .await;
    let acked = socket.ack(ack).await;
    assert_eq!(acked["ok"], true);
    assert_eq!(acked["duplicate"], false);
    assert_eq!(acked["message"]["seq"], 2);
    assert_eq!(acked["message"]["providerMessageId"], "v_1/c_1");
    assert!(acked["message"]["id"].as_str().unwrap().starts_with("msg_"));

    let reply = socket.event("message").await;
    assert_eq!(reply["body"]["text"], "I don't know that yet.");
    assert_eq!(reply["author"]["kind"], "bot");
    assert_eq!(reply["seq"], 3);
}

#[tokio::test]
async fn a_returning_visitor_continues_the_same_session_with_its_history() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(chatty_bot()).await;
    let (mut socket, first, _) = join(&server, &bot, "v_back").await;
    let ack = socket
        .emit_with_ack(
            "message",
            json!({"clientMessageId": "c_1", "text": "hello"}),
        )
        .await;
    socket.ack(ack).await;
    socket.event("message").await;
    drop(socket);

    let (_socket, again, history) = join(&server, &bot, "v_back").await;
    assert_eq!(again["sessionId"], first["sessionId"]);
    assert_eq!(
        texts(&history["messages"]),
        ["Hi, I'm Ava.", "hello", "I don't know that yet."],
        "greeted once"
    );

    let (_other, stranger, _) = join(&server, &bot, "v_other").await;
    assert_ne!(stranger["sessionId"], first["sessionId"]);
}

#[tokio::test]
async fn a_first_visit_without_a_visitor_id_is_given_one() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(chatty_bot()).await;
    let mut socket = TestSocket::connect(
        server.addr,
        json!({"widgetKey": bot.widget_key.as_str()}),
        None,
    )
    .await
    .expect("admitted");
    let session = socket.event("session").await;
    assert!(session["visitorId"].as_str().unwrap().starts_with("v_"));
}

#[tokio::test]
async fn a_resent_message_is_stored_once_and_acknowledged_again() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(BotSettings::named("Quiet")).await;
    let (mut socket, session, _) = join(&server, &bot, "v_retry").await;
    let payload = json!({"clientMessageId": "c_same", "text": "once"});
    let first = socket.emit_with_ack("message", payload.clone()).await;
    let first = socket.ack(first).await;
    let second = socket.emit_with_ack("message", payload).await;
    let second = socket.ack(second).await;
    assert_eq!(second["ok"], true);
    assert_eq!(second["duplicate"], true);
    assert_eq!(second["message"]["id"], first["message"]["id"]);
    let session_id = session["sessionId"].as_str().unwrap();
    assert_eq!(server.stored_inbound(session_id).await, 1);
}

#[tokio::test]
async fn malformed_messages_get_an_error_and_the_connection_keeps_working() {
    let server = TestServer::start(HttpConfig {
        max_message_chars: 20,
        ..HttpConfig::default()
    })
    .await;
    let bot = server.bot(BotSettings::named("Quiet")).await;
    let (mut socket, _, _) = join(&server, &bot, "v_bad").await;

    socket.emit_raw(r#"["message","just a string"]"#).await;
    assert_eq!(socket.event("error").await["code"], "invalid_payload");
    socket.emit_raw(r#"["message"]"#).await;
    assert_eq!(socket.event("error").await["code"], "invalid_payload");
    socket
        .emit_raw(r#"["message",{"clientMessageId":"c_1"}]"#)
        .await;
    assert_eq!(
        socket.event("error").await["message"],
        "message.text must be a string"
    );
    socket.emit_raw(r#"["message",{"text":"   "}]"#).await;
    assert_eq!(socket.event("error").await["code"], "invalid_payload");
    socket
        .emit_raw(r#"["message",{"text":"hi","clientMessageId":"not an id!"}]"#)
        .await;
    assert_eq!(socket.event("error").await["code"], "invalid_payload");
    socket.emit_raw(r#"["dance",{}]"#).await;
    assert_eq!(
        socket.event("error").await["message"],
        "unknown event \"dance\""
    );

    let too_long = socket
        .emit_with_ack("message", json!({"text": "x".repeat(21)}))
        .await;
    let error = socket.event("error").await;
    assert_eq!(error["code"], "message_too_long");
    assert_eq!(
        error["message"],
        "message.text has 21 characters; at most 20 are allowed"
    );
    let acked = socket.ack(too_long).await;
    assert_eq!(acked, json!({"ok": false, "error": error}));

    let fine = socket
        .emit_with_ack("message", json!({"text": "still here"}))
        .await;
    let acked = socket.ack(fine).await;
    assert_eq!(acked["ok"], true, "{acked}");
    assert_eq!(acked["message"]["body"]["text"], "still here");
    assert_eq!(acked["message"]["seq"], 1, "nothing bad was stored");
}

#[tokio::test]
async fn messages_reach_the_session_in_the_order_sent() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(BotSettings::named("Quiet")).await;
    let (mut socket, session, _) = join(&server, &bot, "v_fast").await;
    let mut acks = Vec::new();
    for n in 0..10 {
        acks.push(
            socket
                .emit_with_ack(
                    "message",
                    json!({"clientMessageId": format!("c_{n}"), "text": format!("m{n}")}),
                )
                .await,
        );
    }
    let mut last_seq = 0;
    for (n, ack) in acks.into_iter().enumerate() {
        let acked = socket.ack(ack).await;
        assert_eq!(acked["message"]["body"]["text"], format!("m{n}"));
        let seq = acked["message"]["seq"].as_u64().unwrap();
        assert!(
            seq > last_seq,
            "m{n} was stored after the message before it"
        );
        last_seq = seq;
    }
    let session_id = session["sessionId"].as_str().unwrap();
    assert_eq!(server.stored_inbound(session_id).await, 10);
}

#[tokio::test]
async fn unknown_keys_inactive_bots_and_foreign_origins_are_refused() {
    let server = TestServer::start(HttpConfig::default()).await;
    let refused = TestSocket::connect(server.addr, json!({"widgetKey": "wk_nope"}), None)
        .await
        .err();
    assert_eq!(
        refused.as_deref(),
        Some("unknown_widget_key: no bot has this widget key")
    );
    let refused = TestSocket::connect(server.addr, json!({}), None)
        .await
        .err()
        .unwrap();
    assert!(refused.starts_with("invalid_payload:"), "{refused}");

    let mut settings = chatty_bot();
    settings.status = BotStatus::Inactive;
    let sleeping = server.bot(settings).await;
    let refused = TestSocket::connect(server.addr, auth(&sleeping, "v_1"), None)
        .await
        .err()
        .unwrap();
    assert!(refused.starts_with("bot_unavailable:"), "{refused}");

    let mut settings = chatty_bot();
    settings.allowed_origins = vec!["https://shop.test".into()];
    let shop = server.bot(settings).await;
    let refused = TestSocket::connect(server.addr, auth(&shop, "v_1"), Some("https://evil.test"))
        .await
        .err()
        .unwrap();
    assert_eq!(
        refused,
        "origin_not_allowed: origin https://evil.test may not open this bot's widget"
    );
    let refused = TestSocket::connect(server.addr, auth(&shop, "v_1"), None)
        .await
        .err()
        .unwrap();
    assert!(refused.starts_with("origin_not_allowed:"), "{refused}");
    assert!(
        TestSocket::connect(server.addr, auth(&shop, "v_1"), Some("https://shop.test"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn an_overloaded_node_refuses_the_connection_and_the_message_but_not_the_socket() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(BotSettings::named("Quiet")).await;
    server.sessions().set_overloaded(true);
    let refused = TestSocket::connect(server.addr, auth(&bot, "v_1"), None)
        .await
        .err()
        .unwrap();
    assert!(refused.starts_with("overloaded:"), "{refused}");

    server.sessions().set_overloaded(false);
    let (mut socket, _, _) = join(&server, &bot, "v_1").await;
    server.sessions().set_overloaded(true);
    let ack = socket
        .emit_with_ack("message", json!({"clientMessageId": "c_1", "text": "hi"}))
        .await;
    let error = socket.event("error").await;
    assert_eq!(
        error,
        json!({"code": "overloaded", "message": "the server is busy, try again later", "retryAfterSecs": 3})
    );
    assert_eq!(socket.ack(ack).await["ok"], false);
    server.sessions().set_overloaded(false);
    let ack = socket
        .emit_with_ack("message", json!({"clientMessageId": "c_1", "text": "hi"}))
        .await;
    assert_eq!(socket.ack(ack).await["ok"], true, "the retry goes through");
}

#[tokio::test]
async fn status_changes_reach_the_visitor() {
    let server = TestServer::start(HttpConfig::default()).await;
    let mut settings = BotSettings::named("Quiet");
    settings.session_policy.closing_message = Some("Closed, bye.".into());
    let bot = server.bot(settings).await;
    let (mut socket, session, _) = join(&server, &bot, "v_status").await;
    let session_id = session["sessionId"].as_str().unwrap();
    let status = close_over_http(&server, session_id).await;
    assert_eq!(status, 200);
    let received = socket.drain(Duration::from_millis(500)).await;
    let closing = received.iter().any(|item| matches!(item, Received::Event { name, data } if name == "message" && data["body"]["text"] == "Closed, bye."));
    let status = received.iter().any(|item| matches!(item, Received::Event { name, data } if name == "status" && data["status"] == "closed" && data["notice"]["type"] == "statusChanged"));
    assert!(closing && status, "{received:?}");
}

/// Closes a session through the REST API of the running server, with a bare HTTP/1.1 request.
async fn close_over_http(server: &TestServer, session_id: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let request = format!(
        "POST /v1/sessions/{session_id}/close HTTP/1.1\r\nhost: test\r\nauthorization: {}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        server.owner.bearer()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response[9..12].parse().expect("status code")
}

#[tokio::test]
async fn two_visitors_may_use_the_same_client_message_id() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(chatty_bot()).await;
    for visitor in ["v_1", "v_2"] {
        let (mut socket, _, _) = join(&server, &bot, visitor).await;
        let ack = socket
            .emit_with_ack("message", json!({"clientMessageId": "1", "text": "hello"}))
            .await;
        let acked = socket.ack(ack).await;
        assert_eq!(acked["ok"], true, "{visitor}: {acked}");
        assert_eq!(acked["duplicate"], false, "{visitor}: {acked}");
    }
}
