//! The agents' console end to end on a served node whose bot answers: take over (the bot goes
//! quiet), reply (the widget visitor sees it), notes (the console sees them, the visitor never),
//! hand back (the bot answers again); the bot's answer while it is written; the `/console`
//! namespace's admission, organisation isolation and presence; alerts about integrations that
//! stopped working.

use crate::support::socket::TestSocket;
use crate::support::{Account, TestServer};
use axum::http::Method;
use botwot_engine::BotProfile;
use botwot_engine::access::{Module, Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::integration::{ChannelIntegration, IntegrationHealth, IntegrationSettings};
use botwot_engine::{Channel, TenantId, Timestamp};
use botwot_http::HttpConfig;
use serde_json::{Value, json};

const CONSOLE: &str = "/console";
const FALLBACK: &str = "I don't know that yet.";

pub(crate) fn chatty_bot() -> BotSettings {
    let mut settings = BotSettings::named("Ava");
    settings.bot_greeting_message = "Hi, I'm Ava.".into();
    settings.fallback_message = FALLBACK.into();
    settings
}

pub(crate) async fn console(server: &TestServer, account: &Account) -> TestSocket {
    TestSocket::connect_to(server.addr, CONSOLE, json!({"token": account.token}), None)
        .await
        .expect("console admitted")
}

/// A visitor on the widget of `bot`, past the greeting; returns the socket and session id.
pub(crate) async fn visitor(
    server: &TestServer,
    bot: &BotProfile,
    visitor: &str,
) -> (TestSocket, String) {
    let auth = json!({"widgetKey": bot.widget_key.as_str(), "visitorId": visitor});
    let mut socket = TestSocket::connect(server.addr, auth, None)
        .await
        .expect("widget admitted");
    let session = socket.event("session").await;
    socket.event("history").await;
    let id = session["sessionId"]
        .as_str()
        .expect("session id")
        .to_owned();
    (socket, id)
}

/// The visitor writes `text`; returns once it is acknowledged.
pub(crate) async fn write(socket: &mut TestSocket, text: &str) {
    let ack = socket.emit_with_ack("message", json!({"text": text})).await;
    let acked = socket.ack(ack).await;
    assert_eq!(acked["ok"], true, "{acked}");
}

async fn post(server: &TestServer, account: &Account, route: String, body: Option<Value>) -> Value {
    let reply = server.call_as(account, Method::POST, &route, body).await;
    assert!(reply.status.is_success(), "{route}: {}", reply.body);
    reply.body
}

fn text(message: &Value) -> &str {
    message["body"]["text"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn an_agent_takes_over_answers_the_visitor_and_hands_back_to_the_bot() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(chatty_bot()).await;
    let alice = server.agent("default").await;
    let mut desk = console(&server, &alice).await;
    let (mut widget, session) = visitor(&server, &bot, "v_handover").await;

    write(&mut widget, "Where is my order?").await;
    assert_eq!(
        text(&widget.event("message").await),
        FALLBACK,
        "the bot answers"
    );

    let route = |action: &str| format!("/v1/sessions/{session}/{action}");
    let taken = post(&server, &alice, route("takeover"), None).await;
    assert_eq!(taken["responder"]["agentId"], alice.user.id.to_string());
    let change = desk
        .event_where("session", |data| data["session"]["id"] == session.as_str())
        .await;
    assert_eq!(change["session"]["responder"]["kind"], "agent");

    write(&mut widget, "Hello? Anyone?").await;
    post(
        &server,
        &alice,
        route("notes"),
        Some(json!({"text": "angry customer, order 42"})),
    )
    .await;
    post(
        &server,
        &alice,
        route("messages"),
        Some(json!({"text": "Hi, Alice here. Let me check."})),
    )
    .await;
    // The visitor's next message is the agent's: no bot answer to "Hello? Anyone?" and no
    // note, though the note was stored before the reply.
    let reply = widget.event("message").await;
    assert_eq!(text(&reply), "Hi, Alice here. Let me check.");
    assert_eq!(reply["author"]["kind"], "agent");

    // The console saw the note, as an internal message of this session.
    let note = desk
        .event_where("message", |data| data["message"]["direction"] == "internal")
        .await;
    assert_eq!(note["sessionId"], session.as_str());
    assert_eq!(text(&note["message"]), "angry customer, order 42");

    // The note is in the agent's transcript, never in the visitor's history.
    let transcript = server
        .call_as(&alice, Method::GET, &route("transcript"), None)
        .await;
    let stored: Vec<&str> = transcript.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        stored,
        [
            "Hi, I'm Ava.",
            "Where is my order?",
            FALLBACK,
            "Hello? Anyone?",
            "angry customer, order 42",
            "Hi, Alice here. Let me check."
        ],
        "the bot stayed quiet while the agent held the conversation"
    );
    drop(widget);
    let (mut widget, _) = visitor_with_history(&server, &bot, "v_handover").await;

    post(&server, &alice, route("handback"), None).await;
    write(&mut widget, "Thanks!").await;
    assert_eq!(
        text(&widget.event("message").await),
        FALLBACK,
        "the bot answers again"
    );
}

/// Reconnects a visitor and checks their history holds no internal message.
async fn visitor_with_history(
    server: &TestServer,
    bot: &BotProfile,
    visitor: &str,
) -> (TestSocket, Value) {
    let auth = json!({"widgetKey": bot.widget_key.as_str(), "visitorId": visitor});
    let mut socket = TestSocket::connect(server.addr, auth, None)
        .await
        .expect("widget admitted");
    socket.event("session").await;
    let history = socket.event("history").await;
    let messages = history["messages"].as_array().expect("messages");
    assert!(!messages.is_empty());
    assert!(
        messages.iter().all(|m| m["direction"] != "internal"),
        "the visitor never sees notes: {history}"
    );
    (socket, history)
}

#[tokio::test]
async fn the_console_refuses_missing_invalid_and_unentitled_tokens() {
    let server = TestServer::start(HttpConfig::default()).await;
    let connect = |auth: Value| TestSocket::connect_to(server.addr, CONSOLE, auth, None);

    let missing = connect(json!({})).await.err().expect("refused");
    assert!(missing.starts_with("unauthorized"), "{missing}");
    let invalid = connect(json!({"token": "not-a-token"}))
        .await
        .err()
        .expect("refused");
    assert!(invalid.starts_with("invalid_token"), "{invalid}");
    let reporter = server
        .account(
            "default",
            Permissions::of(Role::Custom).granting([Module::ANALYTICS]),
        )
        .await;
    let forbidden = connect(json!({"token": reporter.token}))
        .await
        .err()
        .expect("refused");
    assert!(forbidden.starts_with("forbidden"), "{forbidden}");

    let supervisor = server
        .account(
            "default",
            Permissions::of(Role::Custom).granting([Module::CONVERSATIONS]),
        )
        .await;
    assert!(connect(json!({"token": supervisor.token})).await.is_ok());
}

#[tokio::test]
async fn a_console_sees_the_bots_answer_while_it_is_written_then_the_answer() {
    let server = TestServer::drafting().await;
    let bot = server.bot(chatty_bot()).await;
    let agent = server.agent("default").await;
    let mut desk = console(&server, &agent).await;
    let (mut widget, session) = visitor(&server, &bot, "v_draft").await;
    write(&mut widget, "what are your opening hours?").await;

    // In order: the question, the draft of its answer, the answer.
    let question = desk
        .event_where("message", |data| {
            text(&data["message"]) == "what are your opening hours?"
        })
        .await;
    let drafted = desk.event("draft").await;
    assert_eq!(drafted["sessionId"], session.as_str(), "{drafted}");
    assert_eq!(drafted["channel"], "web", "{drafted}");
    assert_eq!(
        drafted["draft"]["text"], "I",
        "the first word of the fallback"
    );
    assert_eq!(
        drafted["draft"]["inReplyTo"], question["message"]["seq"],
        "the draft answers the question: {drafted}"
    );
    let answer = desk
        .event_where("message", |data| data["message"]["author"]["kind"] == "bot")
        .await;
    assert_eq!(
        text(&answer["message"]),
        FALLBACK,
        "the whole answer follows"
    );
}

#[tokio::test]
async fn a_console_hears_only_its_own_organisation() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot_a = server.bot(chatty_bot()).await;
    let other = TenantId::from("other");
    let bot_b = BotProfile::create(other.clone(), chatty_bot(), server.node.clock.now());
    server.node.store.insert_bot(&bot_b).await.expect("bot b");
    let agent_a = server.agent("default").await;
    let agent_b = server.agent("other").await;
    let mut desk_a = console(&server, &agent_a).await;
    let mut desk_b = console(&server, &agent_b).await;

    let (mut widget_a, session_a) = visitor(&server, &bot_a, "v_a").await;
    write(&mut widget_a, "secret of A").await;
    let heard = desk_a
        .event_where("message", |data| text(&data["message"]) == "secret of A")
        .await;
    assert_eq!(heard["sessionId"], session_a.as_str());
    let route = format!("/v1/sessions/{session_a}/takeover");
    post(&server, &agent_a, route, None).await;

    // Then something happens in B; B's console is told events in order, so everything it
    // hears before B's own message would be A's leak.
    let (mut widget_b, session_b) = visitor(&server, &bot_b, "v_b").await;
    write(&mut widget_b, "hello from B").await;
    loop {
        let name_and_data = desk_b.next().await;
        let crate::support::socket::Received::Event { name, data } = name_and_data else {
            continue;
        };
        let session = match name.as_str() {
            "message" => data["sessionId"].clone(),
            "session" => data["session"]["id"].clone(),
            _ => continue,
        };
        assert_eq!(session, session_b.as_str(), "B heard {name}: {data}");
        if name == "message" && text(&data["message"]) == "hello from B" {
            break;
        }
    }
}

#[tokio::test]
async fn an_integration_that_stops_working_is_told_to_its_organisations_consoles_only() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(chatty_bot()).await;
    let agent_a = server.agent("default").await;
    let agent_b = server.agent("other").await;
    let mut desk_a = console(&server, &agent_a).await;
    let mut desk_b = console(&server, &agent_b).await;
    let unhealthy = |tenant: &str, account: &str| {
        let settings = IntegrationSettings {
            display_name: "Support line".into(),
            ..IntegrationSettings::new(Channel::WhatsApp, account, bot.id.clone())
        };
        let mut integration =
            ChannelIntegration::create(TenantId::from(tenant), settings, Timestamp(1_000));
        integration.health =
            IntegrationHealth::token_rejected("Session has expired", Timestamp(2_000));
        integration
    };
    server
        .integration_alerts
        .integration_unhealthy(&unhealthy("default", "1065"));
    let heard = desk_a.event("integration").await;
    assert_eq!(heard["id"], "whatsapp:1065");
    assert_eq!(heard["health"]["state"], "unhealthy");
    assert_eq!(heard["health"]["code"], "token_rejected");
    // B is told its own alert first: anything before it would be A's leaking.
    server
        .integration_alerts
        .integration_unhealthy(&unhealthy("other", "2077"));
    assert_eq!(desk_b.event("integration").await["id"], "whatsapp:2077");
}

/// The next presence `desk` hears about `account`.
async fn presence_of(desk: &mut TestSocket, account: &Account) -> String {
    let agent_id = account.user.id.to_string();
    let notice = desk
        .event_where("presence", |data| data["agentId"] == agent_id.as_str())
        .await;
    notice["status"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn presence_is_told_to_the_organisation_and_the_last_socket_leaving_is_offline() {
    let server = TestServer::start(HttpConfig::default()).await;
    let alice = server.agent("default").await;
    let bob = server.agent("default").await;
    let mut alice_desk = console(&server, &alice).await;
    assert_eq!(presence_of(&mut alice_desk, &alice).await, "online");
    let mut bob_desk = console(&server, &bob).await;
    let roster = bob_desk.event("roster").await;
    let mut seen: Vec<(String, String)> = roster["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .map(|a| {
            let field = |name: &str| a[name].as_str().unwrap_or_default().to_owned();
            (field("agentId"), field("status"))
        })
        .collect();
    seen.sort();
    let online = |account: &Account| (account.user.id.to_string(), "online".to_owned());
    let mut expected = vec![online(&alice), online(&bob)];
    expected.sort();
    assert_eq!(seen, expected);
    assert_eq!(presence_of(&mut alice_desk, &bob).await, "online");

    alice_desk.emit("presence", json!({"status": "away"})).await;
    assert_eq!(presence_of(&mut bob_desk, &alice).await, "away");
    alice_desk
        .emit("presence", json!({"status": "sleeping"}))
        .await;
    assert_eq!(alice_desk.event("error").await["code"], "invalid_payload");

    // A second tab keeps the chosen status, and closing it leaves Alice present.
    let mut second_tab = console(&server, &alice).await;
    let roster = second_tab.event("roster").await;
    let own = roster["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .find(|a| a["agentId"] == alice.user.id.to_string())
        .cloned()
        .expect("alice listed");
    assert_eq!(own["status"], "away");
    second_tab.disconnect().await;
    alice_desk
        .emit("presence", json!({"status": "online"}))
        .await;
    assert_eq!(presence_of(&mut bob_desk, &alice).await, "online");

    alice_desk.disconnect().await;
    assert_eq!(presence_of(&mut bob_desk, &alice).await, "offline");
}

#[tokio::test]
async fn a_console_socket_ends_when_its_access_token_expires() {
    let auth = botwot_http::auth::AuthConfig {
        access_token_ttl_secs: 2,
        ..crate::support::test_auth()
    };
    let server = TestServer::start(HttpConfig {
        auth,
        ..HttpConfig::default()
    })
    .await;
    let alice = server.agent("default").await;
    let mut desk = console(&server, &alice).await;
    // Waits (at most the socket client's patience) for the server to end the session.
    let told = desk.event("error").await;
    assert_eq!(told["code"], "token_expired");
}
