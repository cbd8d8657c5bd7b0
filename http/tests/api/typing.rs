//! Typing indicators both ways: a widget visitor's typing reaches the consoles of their
//! organisation (once per refresh, and every change); the agent who owns a conversation types
//! to the visitor, and colleagues see it; anyone else is refused (a stop passes from anyone).
//! On Meta's channels the agent's typing goes out through the Graph API: WhatsApp's typing
//! indicator on the contact's latest message, Messenger's `typing_on` and `typing_off` sender
//! actions.

use crate::console::{chatty_bot, console, visitor};
use crate::sessions::converse_through;
use crate::support::fake_templates;
use crate::support::socket::{Received, TestSocket};
use crate::support::{Account, TestServer};
use axum::http::Method;
use botwot_engine::Channel;
use botwot_http::HttpConfig;
use serde_json::{Value, json};
use std::time::Duration;

/// How long a socket is watched for something that must not arrive.
const QUIET: Duration = Duration::from_millis(400);
const PHONE_NUMBER_ID: &str = "106540352242922";

/// The `typing` events among what `socket` receives until it has been quiet for a while.
async fn typing_heard(socket: &mut TestSocket) -> Vec<Value> {
    socket
        .drain(QUIET)
        .await
        .into_iter()
        .filter_map(|received| match received {
            Received::Event { name, data } if name == "typing" => Some(data),
            _ => None,
        })
        .collect()
}

async fn take_over(server: &TestServer, agent: &Account, session: &str) {
    let route = format!("/v1/sessions/{session}/takeover");
    let taken = server.call_as(agent, Method::POST, &route, None).await;
    assert!(taken.status.is_success(), "{}", taken.body);
}

fn typing_in(session: &str, typing: bool) -> Value {
    json!({"sessionId": session, "typing": typing})
}

#[tokio::test]
async fn typing_passes_between_the_visitor_and_the_agent_who_owns_the_conversation() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(chatty_bot()).await;
    let alice = server.agent("default").await;
    let bob = server.agent("default").await;
    let carol = server.agent("other").await;
    let mut alice_desk = console(&server, &alice).await;
    let mut bob_desk = console(&server, &bob).await;
    let mut carol_desk = console(&server, &carol).await;
    let (mut widget, session) = visitor(&server, &bot, "v_typing").await;

    widget.emit("typing", json!({"typing": true})).await;
    assert_eq!(
        alice_desk.event("typing").await,
        json!({"sessionId": session, "channel": "web", "by": "contact", "typing": true})
    );
    // Said again at once, it is not passed on; the stop is.
    widget.emit("typing", json!({"typing": true})).await;
    assert_eq!(typing_heard(&mut alice_desk).await, Vec::<Value>::new());
    widget.emit("typing", json!({"typing": false})).await;
    assert_eq!(alice_desk.event("typing").await["typing"], false);
    widget.emit("typing", json!({"typing": "yes"})).await;
    assert_eq!(widget.event("error").await["code"], "invalid_payload");

    // Before anyone takes the conversation over, an agent's typing is refused.
    alice_desk.emit("typing", typing_in(&session, true)).await;
    assert_eq!(alice_desk.event("error").await["code"], "forbidden");

    take_over(&server, &alice, &session).await;
    alice_desk.emit("typing", typing_in(&session, true)).await;
    assert_eq!(widget.event("typing").await, json!({"typing": true}));
    let seen_by_bob = bob_desk
        .event_where("typing", |notice| notice["by"] == "agent")
        .await;
    assert_eq!(
        seen_by_bob,
        json!({"sessionId": session, "channel": "web", "by": "agent",
            "agentId": alice.user.id.to_string(), "typing": true})
    );
    alice_desk.emit("typing", typing_in(&session, false)).await;
    assert_eq!(widget.event("typing").await, json!({"typing": false}));

    // A colleague cannot type in Alice's conversation; a malformed event says how it is made.
    bob_desk.emit("typing", typing_in(&session, true)).await;
    assert_eq!(bob_desk.event("error").await["code"], "forbidden");
    // A stop is passed on from anyone of the organisation (an agent who handed the
    // conversation over in the middle of a word clears their indicator).
    bob_desk.emit("typing", typing_in(&session, false)).await;
    assert_eq!(widget.event("typing").await, json!({"typing": false}));
    alice_desk
        .emit("typing", json!({"session": session, "typing": true}))
        .await;
    assert_eq!(alice_desk.event("error").await["code"], "invalid_payload");
    assert!(
        !typing_heard(&mut widget)
            .await
            .contains(&json!({"typing": true})),
        "the refused events reached the visitor"
    );

    // Another organisation hears none of it.
    assert_eq!(typing_heard(&mut carol_desk).await, Vec::<Value>::new());
}

#[tokio::test]
async fn the_agents_typing_reaches_whatsapp_and_messenger_contacts_through_the_graph_api() {
    let (graph, posted) = fake_templates::start().await;
    let server = TestServer::with_graph(&graph).await;
    let bot = server.bot(chatty_bot()).await;
    let alice = server.agent("default").await;
    let sessions = server.sessions();
    let whatsapp = converse_through(
        sessions,
        &bot,
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        "16315551181",
        &["hi", "hello?"],
    )
    .await;
    let messenger = converse_through(
        sessions,
        &bot,
        Channel::Messenger,
        "107309982261958",
        "6783451234567890",
        &["hi"],
    )
    .await;
    take_over(&server, &alice, &whatsapp).await;
    take_over(&server, &alice, &messenger).await;
    let mut desk = console(&server, &alice).await;

    let posted_count = |count: usize| {
        let posted = posted.clone();
        async move {
            for _ in 0..200 {
                if posted.all().len() >= count {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            panic!("the Graph API got {:?}", posted.all());
        }
    };
    desk.emit("typing", typing_in(&whatsapp, true)).await;
    posted_count(1).await;
    // WhatsApp cannot stop its indicator early: stopping sends nothing.
    desk.emit("typing", typing_in(&whatsapp, false)).await;
    desk.emit("typing", typing_in(&messenger, true)).await;
    posted_count(2).await;
    desk.emit("typing", typing_in(&messenger, false)).await;
    posted_count(3).await;
    assert!(typing_heard(&mut desk).await.is_empty());
    // `converse` gives the contact's n-th message the provider id `<visitor>-<n>`.
    assert_eq!(
        posted.all(),
        [
            json!({"messaging_product": "whatsapp", "status": "read",
                "message_id": "16315551181-1", "typing_indicator": {"type": "text"}}),
            json!({"recipient": {"id": "6783451234567890"}, "sender_action": "typing_on"}),
            json!({"recipient": {"id": "6783451234567890"}, "sender_action": "typing_off"}),
        ]
    );
}
