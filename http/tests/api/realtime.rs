//! The realtime surface across nodes: two served nodes in this process share one Redis (each
//! test under its own prefix, each node with its own id and its own store). What one node's
//! web channel delivers or observes reaches the widget and console sockets connected to the
//! other; an agent at a console of one node is available to the other's auto-assignment; a
//! node cut off from Redis still reaches its own sockets and catches up when Redis is back; a
//! node that stops heartbeating drops out of the shared presence.
//! Without Redis each node reaches only its own sockets, as before.

use crate::support::proxy::Proxy;
use crate::support::socket::{Received, TestSocket};
use crate::support::{CrossNode, TestServer, redis_url};
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::ids::UserId;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{ChannelSender, SessionObserver};
use botwot_engine::session::{Responder, SessionNotice};
use botwot_engine::{
    Author, Direction, Message, MessageBody, MessageId, SessionId, SessionState, TenantId,
};
use botwot_http::HttpConfig;
use botwot_http::console::protocol::{Presence, PresenceNotice};
use botwot_http::realtime::SharedPresence;
use serde_json::{Value, json};
use std::time::Duration;

/// How long a socket is watched for something that must not arrive.
const QUIET: Duration = Duration::from_millis(400);

/// Two nodes sharing a fresh prefix of the test Redis.
async fn two_nodes() -> (TestServer, TestServer) {
    let (url, prefix) = (redis_url(), fresh_prefix());
    (
        node(&url, &prefix, "node-a").await,
        node(&url, &prefix, "node-b").await,
    )
}

/// A node reaching Redis at `redis_url`, its keys under `prefix`.
async fn node(redis_url: &str, prefix: &str, node_id: &str) -> TestServer {
    TestServer::cross_node(CrossNode {
        redis_url,
        prefix,
        node_id,
    })
    .await
}

fn fresh_prefix() -> String {
    format!("botwot-test-{}:", UserId::generate())
}

/// A visitor connected to `server`'s widget, past the greeting; returns the socket and the
/// session as `server` stored it.
async fn visitor(server: &TestServer, name: &str) -> (TestSocket, SessionState) {
    let bot = server.bot(BotSettings::named("Ava")).await;
    let auth = json!({"widgetKey": bot.widget_key.as_str(), "visitorId": name});
    let mut socket = TestSocket::connect(server.addr, auth, None)
        .await
        .expect("widget admitted");
    let session = socket.event("session").await;
    socket.event("history").await;
    let id = SessionId::from(session["sessionId"].as_str().expect("session id"));
    let state = server
        .node
        .store
        .get_session(&TenantId::from("default"), &id)
        .await
        .expect("read session")
        .expect("the session is stored");
    (socket, state)
}

/// An agent's reply in `session`, as its owning node would deliver it.
fn reply(session: &SessionState, text: &str) -> OutboxEntry {
    let message = Message {
        id: MessageId::generate(),
        tenant_id: session.key.tenant_id.clone(),
        session_id: session.id.clone(),
        seq: 1_000,
        direction: Direction::Outbound,
        author: Author::Agent {
            agent_id: "agent-on-b".into(),
        },
        body: MessageBody::text(text),
        provider_message_id: None,
        created_at: session.created_at,
        delivery: Default::default(),
    };
    OutboxEntry::new(session.key.clone(), message, session.created_at)
}

fn text(message: &Value) -> &str {
    message["body"]["text"].as_str().unwrap_or_default()
}

/// Whether `received` holds the event `name` whose data satisfies `wanted`.
fn holds(received: &[Received], name: &str, wanted: impl Fn(&Value) -> bool) -> bool {
    received.iter().any(
        |item| matches!(item, Received::Event { name: got, data } if got == name && wanted(data)),
    )
}

async fn console(server: &TestServer, token: &str) -> TestSocket {
    TestSocket::connect_to(server.addr, "/console", json!({"token": token}), None)
        .await
        .expect("console admitted")
}

async fn available(server: &TestServer, agent_id: &str) -> bool {
    let agents = server
        .directory
        .available_agents(&TenantId::from("default"))
        .await;
    agents.iter().any(|agent| agent.agent_id == agent_id)
}

/// Asks `check` up to 200 times, 25 ms apart, until it holds.
async fn eventually<F: Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("never: {what}");
}

#[tokio::test]
async fn a_widget_on_one_node_gets_what_another_node_delivers_and_reports() {
    let (a, b) = two_nodes().await;
    let (mut widget, session) = visitor(&a, "v_cross_widget").await;

    b.web
        .deliver(&reply(&session, "Hello from node B"))
        .await
        .expect("delivered");
    let message = widget.event("message").await;
    assert_eq!(text(&message), "Hello from node B");
    assert_eq!(message["sessionId"], session.id.as_str());

    let responder = Responder::Agent {
        agent_id: "agent-on-b".into(),
    };
    let mut taken = session.clone();
    taken.responder = responder.clone();
    b.web
        .notice(&taken, &SessionNotice::ResponderChanged { responder });
    let status = widget.event("status").await;
    assert_eq!(status["sessionId"], session.id.as_str());
    assert_eq!(status["responder"]["agentId"], "agent-on-b");

    // Node A's own deliveries still reach it once, not twice (its own fan-out coming back
    // through Redis is ignored).
    a.web
        .deliver(&reply(&session, "Hello from node A"))
        .await
        .expect("delivered");
    let received = widget.drain(QUIET).await;
    let from_a = received
        .iter()
        .filter(|item| matches!(item, Received::Event { name, data } if name == "message" && text(data) == "Hello from node A"))
        .count();
    assert_eq!(from_a, 1, "{received:?}");
}

#[tokio::test]
async fn a_console_on_one_node_sees_what_another_node_observes() {
    let (a, b) = two_nodes().await;
    let alice = a.account("default", Permissions::of(Role::Agent)).await;
    let mut desk = console(&a, &alice.token).await;
    let (_widget, session) = visitor(&a, "v_cross_console").await;

    let note = reply(&session, "seen on B").message;
    b.web.message_added(&session.key, &note);
    let seen = desk
        .event_where("message", |data| text(&data["message"]) == "seen on B")
        .await;
    assert_eq!(seen["sessionId"], session.id.as_str());

    let responder = Responder::Agent {
        agent_id: "agent-on-b".into(),
    };
    let mut taken = session.clone();
    taken.responder = responder.clone();
    b.web
        .notice(&taken, &SessionNotice::ResponderChanged { responder });
    let change = desk
        .event_where("session", |data| {
            data["session"]["id"] == session.id.as_str()
        })
        .await;
    assert_eq!(change["session"]["responder"]["agentId"], "agent-on-b");
}

#[tokio::test]
async fn an_agent_at_a_console_of_one_node_is_available_to_another() {
    let (a, b) = two_nodes().await;
    let alice = a.account("default", Permissions::of(Role::Agent)).await;
    let alice_id = alice.user.id.to_string();
    assert!(
        !available(&b, &alice_id).await,
        "nobody is at a console yet"
    );

    let mut desk = console(&a, &alice.token).await;
    eventually("node B lists alice", || available(&b, &alice_id)).await;

    // A console opened on node B is told alice is online, though she is on node A.
    let bob = b.account("default", Permissions::of(Role::Agent)).await;
    let mut other_desk = console(&b, &bob.token).await;
    let roster = other_desk.event("roster").await;
    let listed = roster["agents"].as_array().expect("agents");
    assert!(
        listed
            .iter()
            .any(|agent| agent["agentId"] == alice_id.as_str() && agent["status"] == "online"),
        "{roster}"
    );

    // Away on node A: node B offers her nothing.
    desk.emit("presence", json!({"status": "away"})).await;
    let told = other_desk
        .event_where("presence", |data| data["agentId"] == alice_id.as_str())
        .await;
    assert_eq!(told["status"], "away", "node B's console hears it too");
    eventually("node B passes alice over", || async {
        !available(&b, &alice_id).await
    })
    .await;

    desk.emit("presence", json!({"status": "online"})).await;
    eventually("node B lists alice again", || available(&b, &alice_id)).await;

    desk.disconnect().await;
    let gone = other_desk
        .event_where("presence", |data| {
            data["agentId"] == alice_id.as_str() && data["status"] == "offline"
        })
        .await;
    assert_eq!(gone["status"], "offline");
    eventually("node B forgets alice", || async {
        !available(&b, &alice_id).await
    })
    .await;
}

#[tokio::test]
async fn without_redis_each_node_reaches_only_its_own_sockets() {
    let a = TestServer::start(HttpConfig::default()).await;
    let b = TestServer::start(HttpConfig::default()).await;
    let (mut widget, session) = visitor(&a, "v_local_only").await;
    let alice = a.account("default", Permissions::of(Role::Agent)).await;
    let bob = b.account("default", Permissions::of(Role::Agent)).await;
    let _desk = console(&a, &alice.token).await;

    b.web
        .deliver(&reply(&session, "from the other node"))
        .await
        .expect("nobody listening is not an error");
    a.web
        .deliver(&reply(&session, "from this node"))
        .await
        .expect("delivered");
    let received = widget.drain(QUIET).await;
    assert!(
        holds(&received, "message", |data| text(data) == "from this node"),
        "{received:?}"
    );
    assert!(
        !holds(&received, "message", |data| text(data)
            == "from the other node"),
        "{received:?}"
    );

    let alice_id = alice.user.id.to_string();
    assert!(available(&a, &alice_id).await);
    assert!(
        !available(&b, &alice_id).await,
        "presence stays on its node"
    );
    let mut other_desk = console(&b, &bob.token).await;
    let roster = other_desk.event("roster").await;
    assert_eq!(
        roster["agents"].as_array().map(Vec::len),
        Some(1),
        "only bob, who is on this node: {roster}"
    );
}

/// The value of the process's `botwot_realtime_fanout_lost_total` counter.
fn lost_fanout() -> f64 {
    let page = botwot_http::metrics::recorder().render();
    page.lines()
        .find_map(|line| line.strip_prefix("botwot_realtime_fanout_lost_total "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn a_node_cut_off_from_redis_reaches_its_own_sockets_and_catches_up() {
    let url = redis_url();
    let address = url
        .trim_start_matches("redis://")
        .rsplit('@')
        .next()
        .and_then(|rest| rest.split('/').next())
        .expect("host:port in the Redis URL")
        .to_owned();
    let proxy = Proxy::start(address.clone()).await;
    let prefix = fresh_prefix();
    let proxied_url = url.replacen(&address, &proxy.addr.to_string(), 1);
    let a = node(&proxied_url, &prefix, "node-a").await;
    let b = node(&url, &prefix, "node-b").await;
    let (mut widget, session) = visitor(&a, "v_cut_off").await;

    proxy.cut().await;
    let lost_before = lost_fanout();
    a.web
        .deliver(&reply(&session, "while cut off"))
        .await
        .expect("a local delivery does not need Redis");
    let message = widget.event("message").await;
    assert_eq!(text(&message), "while cut off");
    // The publish fails in the background; count it once it did.
    for _ in 0..200 {
        if lost_fanout() > lost_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        lost_fanout() > lost_before,
        "the lost cross-node emit is counted"
    );

    proxy.restore();
    // Pub/sub keeps nothing: node B's messages reach node A once its subscriber is back.
    let mut attempt = 0;
    loop {
        attempt += 1;
        assert!(attempt <= 60, "node A's subscriber never came back");
        b.web
            .deliver(&reply(&session, &format!("after the outage {attempt}")))
            .await
            .expect("delivered");
        let received = widget.drain(QUIET).await;
        if holds(&received, "message", |data| {
            text(data).starts_with("after the outage")
        }) {
            break;
        }
    }
}

#[tokio::test]
async fn a_node_that_stops_heartbeating_drops_out_of_the_shared_presence() {
    let (url, prefix) = (redis_url(), fresh_prefix());
    let ttl = Duration::from_millis(300);
    let tenant = TenantId::from("default");
    let dead = SharedPresence::connect(&url, &prefix, "node-dead", ttl)
        .await
        .expect("redis");
    let alive = SharedPresence::connect(&url, &prefix, "node-alive", ttl)
        .await
        .expect("redis");
    dead.put(&tenant, "carol", Presence::Online)
        .await
        .expect("written");
    alive
        .put(&tenant, "dave", Presence::Away)
        .await
        .expect("written");
    let listed = |agents: Vec<PresenceNotice>| -> Vec<(String, Presence)> {
        agents
            .into_iter()
            .map(|notice| (notice.agent_id, notice.status))
            .collect()
    };
    let both = listed(alive.agents(&tenant).await.expect("read"));
    assert_eq!(
        both,
        vec![
            ("carol".to_owned(), Presence::Online),
            ("dave".to_owned(), Presence::Away)
        ]
    );

    // Only the live node heartbeats; the dead node's entry expires.
    let mut dropped = false;
    for _ in 0..100 {
        let seats = vec![(
            tenant.clone(),
            PresenceNotice {
                agent_id: "dave".into(),
                status: Presence::Away,
            },
        )];
        alive.refresh(seats).await.expect("heartbeat");
        let now = listed(alive.agents(&tenant).await.expect("read"));
        if now == vec![("dave".to_owned(), Presence::Away)] {
            dropped = true;
            break;
        }
        assert!(now.len() == 2, "dave must stay listed: {now:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(dropped, "the dead node's agent never dropped out");
}
