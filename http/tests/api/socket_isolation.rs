//! Tenant isolation of the Socket.IO namespaces, driven by their event lists: organisation A
//! makes the server emit every event of `/console` and of `/widget` (each list is the
//! protocol's `SERVER_EVENTS`, so an event added without a trigger here fails the suite), while
//! organisation B has a console and a widget visitor connected throughout. B's sockets are then
//! read up to a marker of B's own: nothing they received names A's conversation, agent, bot,
//! knowledge base, integration or words.

use crate::console::{chatty_bot, console, visitor, write};
use crate::support::TestServer;
use crate::support::socket::{Received, TestSocket};
use axum::http::Method;
use botwot_engine::integration::{ChannelIntegration, IntegrationHealth, IntegrationSettings};
use botwot_engine::{BotProfile, Channel, TenantId, Timestamp};
use botwot_http::{console::protocol as console_protocol, widget::protocol as widget_protocol};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

const SECRET: &str = "secret words of A";
const MARKER: &str = "marker from B";
const A_ACCOUNT: &str = "106540352242922";
/// How long a socket is read after the last thing it received.
const QUIET: Duration = Duration::from_millis(400);

/// Every event `socket` receives until one of `name` satisfies `last`, that one included.
async fn events_until(
    socket: &mut TestSocket,
    name: &str,
    last: impl Fn(&Value) -> bool,
) -> Vec<(String, Value)> {
    let mut seen = Vec::new();
    loop {
        if let Received::Event { name: got, data } = socket.next().await {
            let done = got == name && last(&data);
            seen.push((got, data));
            if done {
                return seen;
            }
        }
    }
}

/// The names among `seen`.
fn names(seen: &[(String, Value)]) -> BTreeSet<String> {
    seen.iter().map(|(name, _)| name.clone()).collect()
}

fn unhealthy_integration(tenant: &str, bot: &BotProfile) -> ChannelIntegration {
    let settings = IntegrationSettings::new(Channel::WhatsApp, A_ACCOUNT, bot.id.clone());
    let mut integration =
        ChannelIntegration::create(TenantId::from(tenant), settings, Timestamp(1_000));
    integration.health = IntegrationHealth::token_rejected("Session has expired", Timestamp(2_000));
    integration
}

#[tokio::test]
async fn no_event_of_one_organisation_reaches_another_organisations_sockets() {
    // Its brain drafts answers, so A's visitor gets `draft` too.
    let server = TestServer::drafting().await;
    let bot_a = server.bot(chatty_bot()).await;
    let other = TenantId::from("other");
    let bot_b = BotProfile::create(other, chatty_bot(), server.node.clock.now());
    server.node.store.insert_bot(&bot_b).await.expect("bot b");
    let agent_a = server.agent("default").await;
    let agent_b = server.agent("other").await;
    let mut desk_b = console(&server, &agent_b).await;
    let (mut widget_b, session_b) = visitor(&server, &bot_b, "v_b").await;

    // A's console: roster on connecting, then every other event of the namespace.
    let mut desk_a = console(&server, &agent_a).await;
    let (mut widget_a, session_a) = visitor(&server, &bot_a, "v_a").await;
    // The bot answers (drafting first) before a person takes over; the answer's events are kept,
    // the acknowledgement skipped.
    widget_a
        .emit_with_ack("message", json!({"text": SECRET}))
        .await;
    let mut widget_a_heard = names(&events_until(&mut widget_a, "message", |_| true).await);
    widget_a.emit("typing", json!({"typing": true})).await;
    widget_a.emit("message", json!({"text": 42})).await;
    let route = format!("/v1/sessions/{session_a}/takeover");
    let taken = server.call_as(&agent_a, Method::POST, &route, None).await;
    assert!(taken.status.is_success(), "{}", taken.body);
    desk_a
        .emit("typing", json!({"sessionId": session_a, "typing": true}))
        .await;
    desk_a.emit("presence", json!({"status": "away"})).await;
    desk_a.emit("presence", json!({"status": "busy"})).await;
    server
        .integration_alerts
        .integration_unhealthy(&unhealthy_integration("default", &bot_a));
    let kb = server
        .call_as(
            &server.owner,
            Method::POST,
            "/v1/knowledge-bases",
            Some(json!({"name": "A's help centre"})),
        )
        .await;
    assert!(kb.status.is_success(), "{}", kb.body);
    let kb_a = kb.body["id"].as_str().expect("a base").to_owned();
    let url = json!({"url": "http://127.0.0.1:9/a-private-page"});
    let added = server
        .call_as(
            &server.owner,
            Method::POST,
            &format!("/v1/knowledge-bases/{kb_a}/urls"),
            Some(url),
        )
        .await;
    assert!(added.status.is_success(), "{}", added.body);

    let heard_by_a = events_until(&mut desk_a, "ingestion", |data| {
        data["stage"] == "failed" || data["stage"] == "ready"
    })
    .await;
    let mut all_a = names(&heard_by_a);
    all_a.extend(names(&events_in(desk_a.drain(QUIET).await)));
    let console_events: BTreeSet<String> = console_protocol::SERVER_EVENTS
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    assert_eq!(
        all_a, console_events,
        "A's triggers cover every console event"
    );
    widget_a_heard.extend(names(&events_in(widget_a.drain(QUIET).await)));
    // `visitor` waited for the widget's `session` and `history` on connecting.
    widget_a_heard.extend(["session".to_owned(), "history".to_owned()]);
    let widget_events: BTreeSet<String> = widget_protocol::SERVER_EVENTS
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    assert_eq!(
        widget_a_heard, widget_events,
        "A's triggers cover every widget event"
    );

    // B marks the end of the test with a message of its own; everything before it is checked.
    write(&mut widget_b, MARKER).await;
    let heard_by_b = events_until(&mut desk_b, "message", |data| {
        data["message"]["body"]["text"] == MARKER
    })
    .await;
    let widget_b_heard = events_in(widget_b.drain(QUIET).await);
    let traces_of_a = [
        session_a.as_str(),
        &agent_a.user.id.to_string(),
        bot_a.id.as_str(),
        &kb_a,
        A_ACCOUNT,
        SECRET,
    ];
    for (socket, seen) in [
        ("B's console", &heard_by_b),
        ("B's widget", &widget_b_heard),
    ] {
        for (name, data) in seen {
            let text = data.to_string();
            for trace in traces_of_a {
                assert!(
                    !text.contains(trace),
                    "{socket} heard {name} naming {trace}: {text}"
                );
            }
        }
    }
    assert!(
        heard_by_b
            .iter()
            .any(|(_, data)| data.to_string().contains(&session_b)),
        "B's console heard B's own conversation"
    );
}

/// The events among what a socket received, with their data.
fn events_in(received: Vec<Received>) -> Vec<(String, Value)> {
    received
        .into_iter()
        .filter_map(|received| match received {
            Received::Event { name, data } => Some((name, data)),
            Received::Ack { .. } => None,
        })
        .collect()
}
