//! `/v1/sessions`: listing with filters, one session, its transcript, closing it.

use crate::support::TestApp;
use crate::support::node::Gate;
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::{BotProfile, Channel, MessageBody, SessionEvent, SessionKey};
use botwot_http::{Envelope, SessionDispatcher};
use serde_json::{Value, json};

/// A conversation of `visitor` with `bot` on `channel`, with `texts` from the visitor.
pub async fn converse(
    app: &TestApp,
    bot: &BotProfile,
    channel: Channel,
    visitor: &str,
    texts: &[&str],
) -> String {
    converse_on(app, bot, channel, bot.id.as_str(), visitor, texts).await
}

/// [`converse`] on the channel account `account` (a WhatsApp phone number id, say).
pub async fn converse_on(
    app: &TestApp,
    bot: &BotProfile,
    channel: Channel,
    account: &str,
    visitor: &str,
    texts: &[&str],
) -> String {
    converse_through(app.sessions(), bot, channel, account, visitor, texts).await
}

/// [`converse_on`] through a node's sessions.
pub async fn converse_through(
    sessions: &Gate,
    bot: &BotProfile,
    channel: Channel,
    account: &str,
    visitor: &str,
    texts: &[&str],
) -> String {
    let key = SessionKey::new(bot.tenant_id.clone(), channel, account, visitor);
    let mut session_id = String::new();
    for (n, text) in texts.iter().enumerate() {
        let event = SessionEvent::Inbound {
            provider_message_id: Some(format!("{visitor}-{n}")),
            body: MessageBody::text(*text),
        };
        let envelope = Envelope {
            key: key.clone(),
            bot_id: bot.id.clone(),
            event,
        };
        let outcome = sessions.dispatch(envelope).await.expect("dispatch");
        session_id = botwot_http::sessions::session_after(&outcome)
            .expect("a session")
            .id
            .to_string();
    }
    session_id
}

fn ids(reply: &Value) -> Vec<String> {
    let items = reply["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {reply}"));
    items
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn sessions_are_listed_newest_first_and_filtered() {
    let app = TestApp::new().await;
    let ava = app.bot(BotSettings::named("Ava")).await;
    let ben = app.bot(BotSettings::named("Ben")).await;
    let first = converse(&app, &ava, Channel::Web, "v1", &["hi"]).await;
    let second = converse(&app, &ava, Channel::WhatsApp, "v2", &["hello"]).await;
    let third = converse(&app, &ben, Channel::Web, "v3", &["hey"]).await;

    assert_eq!(
        ids(&app.get("/v1/sessions").await.body),
        [third.clone(), second.clone(), first.clone()]
    );
    assert_eq!(
        ids(&app.get("/v1/sessions?channel=web").await.body),
        [third.clone(), first.clone()]
    );
    assert_eq!(
        ids(&app
            .get(&format!("/v1/sessions?botId={}", ava.id))
            .await
            .body),
        [second.clone(), first.clone()]
    );
    assert_eq!(
        ids(&app.get("/v1/sessions?status=closed").await.body),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&app.get("/v1/sessions?status=open&limit=1").await.body),
        vec![third.clone()]
    );

    let created = app.get(&format!("/v1/sessions/{first}")).await.body["createdAt"]
        .as_str()
        .unwrap()
        .to_owned();
    let from = app
        .get(&format!("/v1/sessions?createdFrom={created}"))
        .await;
    assert!(ids(&from.body).contains(&first));
    let until = app
        .get(&format!("/v1/sessions?createdUntil={created}"))
        .await;
    assert!(
        !ids(&until.body).contains(&first),
        "createdUntil is exclusive"
    );
    let future = app
        .get("/v1/sessions?createdFrom=2999-01-01T00:00:00Z")
        .await;
    assert_eq!(ids(&future.body), Vec::<String>::new());
}

#[tokio::test]
async fn bad_filters_are_each_named() {
    let app = TestApp::new().await;
    let reply = app
        .get("/v1/sessions?status=asleep&channel=fax&createdFrom=yesterday&limit=0")
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "validation_failed");
    assert_eq!(
        reply.fields_at_fault(),
        ["status", "channel", "createdFrom", "limit"]
    );
}

#[tokio::test]
async fn a_session_and_its_transcript_are_read_in_pages() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let id = converse(&app, &bot, Channel::Web, "v1", &["one", "two", "three"]).await;

    let session = app.get(&format!("/v1/sessions/{id}")).await;
    assert_eq!(session.status, StatusCode::OK);
    assert_eq!(session.body["status"], "open");
    assert_eq!(session.body["key"]["contact"], "v1");

    let page = app
        .get(&format!("/v1/sessions/{id}/transcript?limit=2"))
        .await;
    let texts: Vec<&str> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["one", "two"]);
    assert_eq!(page.body["nextAfterSeq"], 2);
    let rest = app
        .get(&format!("/v1/sessions/{id}/transcript?afterSeq=2"))
        .await;
    assert_eq!(rest.body["items"][0]["body"]["text"], "three");
    assert_eq!(rest.body["items"][0]["seq"], 3);
    assert!(rest.body.get("nextAfterSeq").is_none());

    let acme = app
        .account("acme", Permissions::of(Role::SuperAdmin))
        .await
        .bearer();
    let other_tenant = app
        .call(
            Method::GET,
            &format!("/v1/sessions/{id}"),
            None,
            &[("authorization", acme.as_str())],
        )
        .await;
    assert_eq!(other_tenant.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/v1/sessions/ses_nope/transcript").await.code(),
        "not_found"
    );
}

#[tokio::test]
async fn closing_a_session_goes_through_the_session_and_is_idempotent() {
    let app = TestApp::new().await;
    let mut settings = BotSettings::named("Ava");
    settings.session_policy.closing_message = Some("Bye for now.".into());
    let bot = app.bot(settings).await;
    let id = converse(&app, &bot, Channel::Web, "v1", &["hi"]).await;

    let closed = app
        .call(Method::POST, &format!("/v1/sessions/{id}/close"), None, &[])
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(closed.body["status"], "closed");
    assert_eq!(closed.body["closeReason"], "api");
    let transcript = app.get(&format!("/v1/sessions/{id}/transcript")).await;
    let last = transcript.body["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["body"]["text"], "Bye for now.");

    let again = app
        .call(Method::POST, &format!("/v1/sessions/{id}/close"), None, &[])
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        app.get("/v1/sessions?status=closed").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let unknown = app
        .call(Method::POST, "/v1/sessions/ses_nope/close", None, &[])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_overloaded_node_says_when_to_come_back() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let id = converse(&app, &bot, Channel::Web, "v1", &["hi"]).await;
    app.sessions().set_overloaded(true);
    let reply = app
        .call(Method::POST, &format!("/v1/sessions/{id}/close"), None, &[])
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.code(), "overloaded");
    assert_eq!(reply.headers["retry-after"], "3");
    assert_eq!(reply.body["error"]["retryAfterSecs"], 3);
    app.sessions().set_overloaded(false);
    assert_eq!(
        app.get(&format!("/v1/sessions/{id}")).await.body["status"],
        json!("open"),
        "nothing changed"
    );
}
