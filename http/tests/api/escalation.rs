//! Escalation seen from outside: a widget visitor who asks for a human is told once that a
//! person is coming, and the conversation lands in the console's waiting queue without the
//! brain answering; a bot's handover policy is validated and stored; erasing the contact takes
//! the SLA timer with it; an agent who comes online, or hands a conversation back, is given the
//! longest waiting conversation at once, as far as their capacity goes.

use crate::console::{console, visitor, write};
use crate::sessions::converse;
use crate::support::socket::TestSocket;
use crate::support::{TestApp, TestServer};
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::handover::DEFAULT_HANDOFF_MESSAGE;
use botwot_engine::timer::TimerKind;
use botwot_engine::{BotProfile, Channel};
use botwot_http::HttpConfig;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_visitor_asking_for_a_human_lands_in_the_waiting_queue() {
    let server = TestServer::start(HttpConfig::default()).await;
    let mut settings = BotSettings::named("Ava");
    settings.fallback_message = "I don't know that yet.".into();
    let bot = server.bot(settings).await;
    let auth = json!({"widgetKey": bot.widget_key.as_str(), "visitorId": "v_h"});
    let mut socket = TestSocket::connect(server.addr, auth, None)
        .await
        .expect("admitted");
    let session = socket.event("session").await;
    socket.event("history").await;

    socket
        .emit(
            "message",
            json!({"clientMessageId": "c_1", "text": "I want a human"}),
        )
        .await;
    let told = socket.event("message").await;
    assert_eq!(told["body"]["text"], DEFAULT_HANDOFF_MESSAGE);
    assert_eq!(told["author"]["kind"], "bot");
    let later: Vec<String> = socket
        .drain(Duration::from_millis(300))
        .await
        .iter()
        .map(|received| format!("{received:?}"))
        .filter(|received| received.contains("I don't know that yet."))
        .collect();
    assert!(later.is_empty(), "the brain was not asked: {later:?}");

    let agent = server
        .account("default", Permissions::of(Role::Agent))
        .await;
    let waiting = server
        .call_as(&agent, Method::GET, "/v1/conversations?queue=waiting", None)
        .await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.body);
    let items = waiting.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{}", waiting.body);
    assert_eq!(items[0]["id"], session["sessionId"]);
    assert_eq!(items[0]["responder"]["kind"], "waitingForAgent");
    assert!(items[0]["slaDueAt"].is_string(), "{}", items[0]);
}

#[tokio::test]
async fn a_bots_handover_policy_is_validated_and_kept() {
    let server = TestServer::start(HttpConfig::default()).await;
    let owner = server.owner.clone();
    let bad = server
        .call_as(
            &owner,
            Method::POST,
            "/v1/bots",
            Some(json!({"botName": "Ava", "handover": {"keywords": [" "], "slaMinutes": 999999}})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(
        bad.fields_at_fault(),
        ["handover.keywords", "handover.slaMinutes"]
    );
    let good = server
        .call_as(
            &owner,
            Method::POST,
            "/v1/bots",
            Some(
                json!({"botName": "Ava", "handover": {"keywords": ["refund"], "autoAssign": true}}),
            ),
        )
        .await;
    assert_eq!(good.status, StatusCode::CREATED, "{}", good.body);
    assert_eq!(good.body["handover"]["keywords"], json!(["refund"]));
    assert_eq!(good.body["handover"]["autoAssign"], true);
    assert_eq!(good.body["handover"]["slaMinutes"], 5);
}

#[tokio::test]
async fn erasing_a_waiting_contact_removes_the_sla_timer_too() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    converse(&app, &bot, Channel::Web, "visitor-h", &["I want a human"]).await;
    let sla_timers = || async {
        app.state
            .store
            .all_timers()
            .await
            .expect("timers")
            .iter()
            .filter(|timer| timer.kind == TimerKind::AgentSla)
            .count()
    };
    assert_eq!(sla_timers().await, 1);
    let erased = app
        .call(
            Method::DELETE,
            "/v1/data/contact?channel=web&contact=visitor-h",
            None,
            &[],
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.body);
    assert_eq!(sla_timers().await, 0);
}

/// A widget visitor of `bot` who asks for a human; returns their socket and session id.
async fn asks_for_a_human(
    server: &TestServer,
    bot: &BotProfile,
    visitor_id: &str,
) -> (TestSocket, String) {
    let (mut socket, session) = visitor(server, bot, visitor_id).await;
    write(&mut socket, "I want a human").await;
    (socket, session)
}

#[tokio::test]
async fn an_agent_coming_online_or_freeing_room_gets_the_longest_waiting_conversation() {
    let server = TestServer::start(HttpConfig::default()).await;
    server.node.auto_assign_from(server.directory.clone());
    let mut settings = BotSettings::named("Ava");
    settings.handover.auto_assign = true;
    settings.handover.agent_capacity = 1;
    let bot = server.bot(settings).await;
    // Nobody is at a console when two visitors ask for a human: both wait.
    let (_first_visitor, first) = asks_for_a_human(&server, &bot, "v_first").await;
    let (_second_visitor, second) = asks_for_a_human(&server, &bot, "v_second").await;
    let alice = server.agent("default").await;
    let waiting_ids = || async {
        let waiting = server
            .call_as(&alice, Method::GET, "/v1/conversations?queue=waiting", None)
            .await;
        let items = waiting.body["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut ids: Vec<String> = items
            .iter()
            .filter_map(|item| item["id"].as_str().map(str::to_owned))
            .collect();
        ids.sort();
        ids
    };
    let mut both = vec![first.clone(), second.clone()];
    both.sort();
    assert_eq!(waiting_ids().await, both);

    // Alice comes online: the longest waiting conversation is hers at once, without waiting
    // for its SLA; her capacity of one leaves the other waiting.
    let mut desk = console(&server, &alice).await;
    let assigned = desk
        .event_where("session", |change| {
            change["session"]["responder"]["kind"] == "agent"
        })
        .await;
    assert_eq!(assigned["session"]["id"], first.as_str());
    assert_eq!(
        assigned["session"]["responder"]["agentId"],
        alice.user.id.to_string()
    );
    let later = desk.drain(Duration::from_millis(400)).await;
    assert!(
        !format!("{later:?}").contains(&second),
        "the second conversation went past capacity: {later:?}"
    );
    assert_eq!(waiting_ids().await, std::slice::from_ref(&second));

    // Handing the first back leaves her room: the second is hers now.
    let route = format!("/v1/sessions/{first}/handback");
    let handed = server.call_as(&alice, Method::POST, &route, None).await;
    assert_eq!(handed.status, StatusCode::OK, "{}", handed.body);
    let next = desk
        .event_where("session", |change| {
            change["session"]["id"] == second.as_str()
                && change["session"]["responder"]["kind"] == "agent"
        })
        .await;
    assert_eq!(
        next["session"]["responder"]["agentId"],
        alice.user.id.to_string()
    );
    assert_eq!(waiting_ids().await, Vec::<String>::new());
}
