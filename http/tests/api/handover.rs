//! Live-agent handover over REST: take over, reply, notes, hand back, transfer, the console
//! queues and canned responses; who may call them; and many agents racing for one conversation.

use crate::sessions::{converse, converse_on};
use crate::support::{Account, TestApp};
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Module, Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::ids::SessionId;
use botwot_engine::session::Responder;
use botwot_engine::{Channel, TenantId};
use serde_json::{Value, json};

async fn as_account(
    app: &TestApp,
    account: &Account,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> crate::support::Reply {
    let body = body.map(|body| body.to_string());
    app.call(
        method,
        path,
        body.as_deref(),
        &[("authorization", &account.bearer())],
    )
    .await
}

async fn agent(app: &TestApp) -> Account {
    app.account("default", Permissions::of(Role::Agent)).await
}

/// A web conversation of the default organisation, answered by a bot that never replies.
async fn conversation(app: &TestApp, visitor: &str) -> String {
    let bot = app.bot(BotSettings::named("Ava")).await;
    converse(app, &bot, Channel::Web, visitor, &["I need a human"]).await
}

fn path(session: &str, action: &str) -> String {
    format!("/v1/sessions/{session}/{action}")
}

#[tokio::test]
async fn an_agent_takes_over_replies_and_hands_back() {
    let app = TestApp::new().await;
    let session = conversation(&app, "v_take").await;
    let alice = agent(&app).await;
    let alice_id = alice.user.id.to_string();

    let taken = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "takeover"),
        None,
    )
    .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    assert_eq!(taken.body["responder"]["kind"], "agent");
    assert_eq!(taken.body["responder"]["agentId"], alice_id);
    // Taking it again is harmless.
    let again = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "takeover"),
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);

    let replied = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "messages"),
        Some(json!({"text": "Hi, I'm Alice."})),
    )
    .await;
    assert_eq!(replied.status, StatusCode::CREATED, "{}", replied.body);
    assert_eq!(replied.body["message"]["direction"], "outbound");
    assert_eq!(replied.body["message"]["author"]["agentId"], alice_id);

    let back = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "handback"),
        None,
    )
    .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.body["responder"]["kind"], "bot");

    let late = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "messages"),
        Some(json!({"text": "one more thing"})),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.code(), "not_assigned");
}

#[tokio::test]
async fn a_second_agent_is_told_who_holds_the_conversation() {
    let app = TestApp::new().await;
    let session = conversation(&app, "v_two").await;
    let (alice, bob) = (agent(&app).await, agent(&app).await);
    let taken = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "takeover"),
        None,
    )
    .await;
    assert_eq!(taken.status, StatusCode::OK);

    let refused = as_account(&app, &bob, Method::POST, &path(&session, "takeover"), None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "session_taken");
    let message = refused.body["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains(alice.user.id.as_str()), "{message}");

    for action in ["messages", "handback", "transfer"] {
        let body = match action {
            "messages" => Some(json!({"text": "me too"})),
            "transfer" => Some(json!({"agentId": bob.user.id.to_string()})),
            _ => None,
        };
        let refused = as_account(&app, &bob, Method::POST, &path(&session, action), body).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{action}");
        assert_eq!(refused.code(), "not_assigned", "{action}");
    }
}

#[tokio::test]
async fn twenty_agents_claim_one_conversation_and_exactly_one_wins() {
    let app = TestApp::new().await;
    let session = conversation(&app, "v_race").await;
    let mut agents = Vec::new();
    for _ in 0..20 {
        agents.push(agent(&app).await);
    }
    let claims = agents.iter().map(|account| {
        let app = &app;
        let path = path(&session, "takeover");
        async move { as_account(app, account, Method::POST, &path, None).await }
    });
    let replies = futures::future::join_all(claims).await;

    let winners: Vec<&Account> = agents
        .iter()
        .zip(&replies)
        .filter(|(_, reply)| reply.status == StatusCode::OK)
        .map(|(account, _)| account)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one claim succeeds");
    let winner = winners[0].user.id.to_string();
    for reply in replies.iter().filter(|r| r.status != StatusCode::OK) {
        assert_eq!(reply.status, StatusCode::CONFLICT);
        assert_eq!(reply.code(), "session_taken");
        let message = reply.body["error"]["message"].as_str().unwrap_or("");
        assert!(message.contains(&winner), "{message} names the winner");
    }
    let stored = app
        .node
        .store
        .get_session(
            &TenantId::from("default"),
            &SessionId::from(session.as_str()),
        )
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.responder, Responder::Agent { agent_id: winner });
}

#[tokio::test]
async fn the_owner_transfers_to_a_colleague_with_live_chat_only() {
    let app = TestApp::new().await;
    let session = conversation(&app, "v_transfer").await;
    let (alice, bob) = (agent(&app).await, agent(&app).await);
    let manager_without_chat = app
        .account(
            "default",
            Permissions::of(Role::Custom).granting([Module::CONVERSATIONS]),
        )
        .await;
    let stranger = app.account("other", Permissions::of(Role::Agent)).await;
    as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "takeover"),
        None,
    )
    .await;

    for target in [&manager_without_chat, &stranger] {
        let refused = as_account(
            &app,
            &alice,
            Method::POST,
            &path(&session, "transfer"),
            Some(json!({"agentId": target.user.id.to_string()})),
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.fields_at_fault(), ["agentId"]);
    }

    let moved = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "transfer"),
        Some(json!({"agentId": bob.user.id.to_string()})),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["responder"]["agentId"], bob.user.id.to_string());
    let alice_writes = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "messages"),
        Some(json!({"text": "still here"})),
    )
    .await;
    assert_eq!(alice_writes.code(), "not_assigned");
    let bob_writes = as_account(
        &app,
        &bob,
        Method::POST,
        &path(&session, "messages"),
        Some(json!({"text": "Bob here"})),
    )
    .await;
    assert_eq!(bob_writes.status, StatusCode::CREATED);
}

#[tokio::test]
async fn notes_are_internal_messages_in_the_transcript() {
    let app = TestApp::new().await;
    let session = conversation(&app, "v_note").await;
    let alice = agent(&app).await;
    let noted = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "notes"),
        Some(json!({"text": "VIP customer, be nice"})),
    )
    .await;
    assert_eq!(noted.status, StatusCode::CREATED, "{}", noted.body);
    assert_eq!(noted.body["message"]["direction"], "internal");
    // Asking for a human put the conversation in the queue; a note changes nothing there.
    assert_eq!(
        noted.body["session"]["responder"]["kind"],
        "waitingForAgent"
    );

    let transcript = app.get(&path(&session, "transcript")).await;
    let items = transcript.body["items"].as_array().expect("items").clone();
    let note = items.last().expect("the note");
    assert_eq!(note["direction"], "internal");
    assert_eq!(note["body"]["text"], "VIP customer, be nice");

    let blank = as_account(
        &app,
        &alice,
        Method::POST,
        &path(&session, "notes"),
        Some(json!({"text": "   "})),
    )
    .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn live_chat_needs_module_eleven_and_the_callers_organisation() {
    let app = TestApp::new().await;
    let session = conversation(&app, "v_roles").await;
    let without_chat = app
        .account(
            "default",
            Permissions::of(Role::Custom).granting([Module::CONVERSATIONS]),
        )
        .await;
    for (method, route) in [
        (Method::POST, path(&session, "takeover")),
        (Method::GET, "/v1/conversations?queue=bot".to_owned()),
        (Method::GET, "/v1/canned-responses".to_owned()),
    ] {
        let refused = as_account(&app, &without_chat, method, &route, None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{route}");
        assert_eq!(refused.code(), "forbidden");
    }
    let foreign = app.account("other", Permissions::of(Role::Agent)).await;
    let hidden = as_account(
        &app,
        &foreign,
        Method::POST,
        &path(&session, "takeover"),
        None,
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
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
async fn conversations_are_listed_by_queue() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let by_bot = converse(&app, &bot, Channel::Web, "q_bot", &["hi"]).await;
    let mine = converse(&app, &bot, Channel::Web, "q_mine", &["hi"]).await;
    let theirs = converse(&app, &bot, Channel::WhatsApp, "q_theirs", &["hi"]).await;
    let closed = converse(&app, &bot, Channel::Web, "q_closed", &["hi"]).await;
    let (alice, bob) = (agent(&app).await, agent(&app).await);
    as_account(&app, &alice, Method::POST, &path(&mine, "takeover"), None).await;
    as_account(&app, &bob, Method::POST, &path(&theirs, "takeover"), None).await;
    let close = app
        .call(Method::POST, &path(&closed, "close"), None, &[])
        .await;
    assert_eq!(close.status, StatusCode::OK);

    let queue = |name: &str| format!("/v1/conversations?queue={name}");
    let list = |route: String| {
        let (app, alice) = (&app, &alice);
        async move { ids(&as_account(app, alice, Method::GET, &route, None).await.body) }
    };
    assert_eq!(list(queue("bot")).await, [by_bot]);
    assert_eq!(list(queue("mine")).await, [mine.as_str()]);
    assert_eq!(list(queue("team")).await, [theirs.clone(), mine.clone()]);
    assert_eq!(list(queue("closed")).await, [closed]);
    assert!(list(queue("waiting")).await.is_empty());
    assert_eq!(
        list(format!("{}&channel=whatsapp", queue("team"))).await,
        [theirs]
    );
    assert_eq!(list("/v1/conversations?limit=1".to_owned()).await.len(), 1);

    let bad = as_account(&app, &alice, Method::GET, &queue("everything"), None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields_at_fault(), ["queue"]);
}

#[tokio::test]
async fn canned_responses_are_kept_per_organisation_with_unique_shortcuts() {
    let app = TestApp::new().await;
    let alice = agent(&app).await;
    let created = as_account(
        &app,
        &alice,
        Method::POST,
        "/v1/canned-responses",
        Some(json!({"shortcut": "/refund", "text": "Refunds take 5 days."})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("cr_"));

    let twice = as_account(
        &app,
        &alice,
        Method::POST,
        "/v1/canned-responses",
        Some(json!({"shortcut": "/refund", "text": "again"})),
    )
    .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.code(), "shortcut_taken");

    let bad = as_account(
        &app,
        &alice,
        Method::POST,
        "/v1/canned-responses",
        Some(json!({"shortcut": "refund", "text": ""})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields_at_fault(), ["shortcut", "text"]);

    // Another organisation has its own shortcuts and never sees these.
    let other = app.account("other", Permissions::of(Role::Agent)).await;
    let theirs = as_account(
        &app,
        &other,
        Method::POST,
        "/v1/canned-responses",
        Some(json!({"shortcut": "/refund", "text": "No refunds."})),
    )
    .await;
    assert_eq!(theirs.status, StatusCode::CREATED);
    let item = format!("/v1/canned-responses/{id}");
    let hidden = as_account(&app, &other, Method::GET, &item, None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    let replaced = as_account(
        &app,
        &alice,
        Method::PUT,
        &item,
        Some(json!({"shortcut": "/refunds", "text": "Refunds take 3 days."})),
    )
    .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    let listed = as_account(&app, &alice, Method::GET, "/v1/canned-responses", None).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed.body["items"][0]["shortcut"], "/refunds");

    let deleted = as_account(&app, &alice, Method::DELETE, &item, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = as_account(&app, &alice, Method::GET, &item, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_template_goes_out_on_whatsapp_and_is_refused_elsewhere_or_malformed() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let whatsapp = converse(&app, &bot, Channel::WhatsApp, "16315551181", &["hi"]).await;
    let web = converse(&app, &bot, Channel::Web, "visitor-1", &["hi"]).await;
    for session in [&whatsapp, &web] {
        let taken = app
            .send(
                Method::POST,
                &format!("/v1/sessions/{session}/takeover"),
                json!({}),
            )
            .await;
        assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
    }
    let template =
        json!({"name": "order_update", "language": "en_US", "bodyParameters": ["Kerry", "#1042"]});
    let sent = app
        .send(
            Method::POST,
            &format!("/v1/sessions/{whatsapp}/templates"),
            template.clone(),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(sent.body["message"]["body"]["type"], "template");
    assert_eq!(
        sent.body["message"]["body"]["bodyParameters"],
        json!(["Kerry", "#1042"])
    );

    let on_web = app
        .send(
            Method::POST,
            &format!("/v1/sessions/{web}/templates"),
            template,
        )
        .await;
    assert_eq!(on_web.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(on_web.fields_at_fault(), ["name"]);
    let malformed = json!({"name": "Order Update!", "language": "english", "bodyParameters": [" "],
        "header": {"type": "image", "url": "http://cdn.shop.test/a.jpg"},
        "buttons": [{"type": "quickReply", "index": 0, "value": "A"},
                    {"type": "quickReply", "index": 0, "value": "B"}]});
    let refused = app
        .send(
            Method::POST,
            &format!("/v1/sessions/{whatsapp}/templates"),
            malformed,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.fields_at_fault(),
        [
            "name",
            "language",
            "bodyParameters",
            "header.url",
            "buttons"
        ]
    );
}

#[tokio::test]
async fn the_agent_marks_a_whatsapp_contacts_messages_read_by_the_latest() {
    let (graph, posted) = crate::support::fake_templates::start().await;
    let app = TestApp::with_graph(&graph).await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let whatsapp = converse_on(
        &app,
        &bot,
        Channel::WhatsApp,
        "106540352242922",
        "16315551181",
        &["hi", "hello?"],
    )
    .await;
    let marked = app
        .send(
            Method::POST,
            &format!("/v1/sessions/{whatsapp}/read"),
            json!({}),
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK, "{:?}", marked.body);
    // `converse` gives the contact's n-th message the provider id `<visitor>-<n>`.
    assert_eq!(marked.body["providerMessageId"], "16315551181-1");
    assert_eq!(
        posted.all(),
        [json!({"messaging_product": "whatsapp", "status": "read", "message_id": "16315551181-1"})]
    );

    let web = converse(&app, &bot, Channel::Web, "visitor-1", &["hi"]).await;
    let refused = app
        .send(Method::POST, &format!("/v1/sessions/{web}/read"), json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(posted.all().len(), 1, "nothing sent for the widget");
}

#[tokio::test]
async fn an_agent_sends_an_attachment_by_its_address_checked_against_the_channel() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let web = conversation(&app, "v_media").await;
    let messenger = converse(&app, &bot, Channel::Messenger, "6783451234567890", &["hi"]).await;
    for session in [&web, &messenger] {
        let taken = app
            .send(Method::POST, &path(session, "takeover"), json!({}))
            .await;
        assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
    }
    let photo = json!({"media": {"type": "image", "url": "https://cdn.shop.test/p/42.jpg",
        "caption": "The blue one"}});
    let sent = app
        .send(Method::POST, &path(&web, "messages"), photo.clone())
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(
        sent.body["message"]["body"],
        json!({"type": "media", "mediaType": "image", "url": "https://cdn.shop.test/p/42.jpg",
            "caption": "The blue one"})
    );

    // Messenger attachments have no caption: refused before anything is stored.
    let refused = app
        .send(Method::POST, &path(&messenger, "messages"), photo)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields_at_fault(), ["media.caption"]);
    let bare = json!({"media": {"type": "image", "url": "https://cdn.shop.test/p/42.jpg"}});
    let sent = app
        .send(Method::POST, &path(&messenger, "messages"), bare)
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);

    let bad = json!({"media": {"type": "hologram", "url": "http://cdn.shop.test/x"}});
    let refused = app.send(Method::POST, &path(&web, "messages"), bad).await;
    assert_eq!(refused.fields_at_fault(), ["media.type", "media.url"]);
    let both =
        json!({"text": "hi", "media": {"type": "image", "url": "https://cdn.shop.test/p.jpg"}});
    let refused = app.send(Method::POST, &path(&web, "messages"), both).await;
    assert_eq!(refused.fields_at_fault(), ["text"]);
    let neither = app
        .send(Method::POST, &path(&web, "messages"), json!({}))
        .await;
    assert_eq!(neither.fields_at_fault(), ["text"]);
}

#[tokio::test]
async fn an_agent_uploads_a_file_and_sends_it_where_the_channel_takes_uploads() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let whatsapp = converse(&app, &bot, Channel::WhatsApp, "16315551190", &["hi"]).await;
    let web = conversation(&app, "v_upload").await;
    for session in [&whatsapp, &web] {
        let taken = app
            .send(Method::POST, &path(session, "takeover"), json!({}))
            .await;
        assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
    }
    let uploaded = app
        .upload("/v1/media", b"%PDF-1.7 invoice".to_vec(), "application/pdf")
        .await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{:?}", uploaded.body);
    assert_eq!(uploaded.body["mediaType"], "document");
    assert_eq!(uploaded.body["size"], 16);
    let url = uploaded.body["url"].as_str().expect("a url").to_owned();
    assert!(url.starts_with("botwot-upload:"), "{url}");

    let invoice = json!({"media": {"type": "document", "url": url, "caption": "Your invoice"}});
    let sent = app
        .send(Method::POST, &path(&whatsapp, "messages"), invoice.clone())
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(sent.body["message"]["body"]["url"], url.as_str());

    // The widget cannot fetch it; the kind must be the file's; the file must be this
    // organisation's.
    let refused = app
        .send(Method::POST, &path(&web, "messages"), invoice)
        .await;
    assert_eq!(refused.fields_at_fault(), ["media.url"]);
    let as_photo = json!({"media": {"type": "image", "url": url}});
    let refused = app
        .send(Method::POST, &path(&whatsapp, "messages"), as_photo)
        .await;
    assert_eq!(refused.fields_at_fault(), ["media.type"]);
    let unknown = json!({"media": {"type": "document", "url": "botwot-upload:00ff"}});
    let refused = app
        .send(Method::POST, &path(&whatsapp, "messages"), unknown)
        .await;
    assert_eq!(refused.fields_at_fault(), ["media.url"]);

    // What WhatsApp does not take is refused plainly.
    let html = app
        .upload("/v1/media", b"<p>hi</p>".to_vec(), "text/html")
        .await;
    assert_eq!(html.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(html.code(), "unsupported_media_type");
    let big = app
        .upload("/v1/media", vec![0; 5 * 1024 * 1024 + 1], "image/jpeg")
        .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.code(), "file_too_large");
    let empty = app.upload("/v1/media", Vec::new(), "image/png").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_agent_sends_choices_checked_against_the_channel() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let web = conversation(&app, "v_choices").await;
    let messenger = converse(&app, &bot, Channel::Messenger, "6783451234567891", &["hi"]).await;
    for session in [&web, &messenger] {
        let taken = app
            .send(Method::POST, &path(session, "takeover"), json!({}))
            .await;
        assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
    }
    let buttons = json!({"interactive": {"text": "Where is your order?", "header": "Orders",
        "buttons": [{"id": "track", "title": "Track it"}, {"id": "return", "title": "Return it"}]}});
    let sent = app
        .send(Method::POST, &path(&web, "messages"), buttons)
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(
        sent.body["message"]["body"],
        json!({"type": "interactive", "text": "Where is your order?", "header": "Orders",
            "choices": {"kind": "buttons", "buttons": [
                {"id": "track", "title": "Track it"}, {"id": "return", "title": "Return it"}]}})
    );

    // A list row titled in 22 characters fits WhatsApp, not a Messenger quick reply.
    let list = json!({"interactive": {"text": "Pick a topic", "list": {"button": "Topics",
        "rows": [{"id": "refunds", "title": "Refunds and exchanges", "description": "Money back"}]}}});
    let refused = app
        .send(Method::POST, &path(&messenger, "messages"), list.clone())
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields_at_fault(), ["interactive.rows[0].title"]);
    let sent = app.send(Method::POST, &path(&web, "messages"), list).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);

    let four = json!({"interactive": {"text": "Pick", "buttons": [
        {"id": "a", "title": "A"}, {"id": "b", "title": "B"}, {"id": "c", "title": "C"},
        {"id": "a", "title": "D"}]}});
    let refused = app.send(Method::POST, &path(&web, "messages"), four).await;
    assert_eq!(
        refused.fields_at_fault(),
        ["interactive.buttons", "interactive.buttons[3].id"]
    );
    let neither = json!({"interactive": {"text": "Pick"}});
    let refused = app
        .send(Method::POST, &path(&web, "messages"), neither)
        .await;
    assert_eq!(refused.fields_at_fault(), ["interactive.buttons"]);
}

#[tokio::test]
async fn an_agent_reacts_to_a_message_that_reached_the_channel() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let whatsapp = converse(&app, &bot, Channel::WhatsApp, "16315551182", &["hi"]).await;
    let taken = app
        .send(Method::POST, &path(&whatsapp, "takeover"), json!({}))
        .await;
    assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
    let transcript = app.get(&path(&whatsapp, "transcript")).await;
    let question = transcript.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["direction"] == "inbound")
        .expect("the contact's message")
        .clone();
    let question_id = question["id"].as_str().expect("id");
    let reaction = format!("messages/{question_id}/reaction");

    let sent = app
        .send(
            Method::POST,
            &path(&whatsapp, &reaction),
            json!({"emoji": "\u{1F44D}"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(
        sent.body["message"]["body"],
        json!({"type": "reaction", "reactsTo": question_id,
            "providerMessageId": "16315551182-0", "emoji": "\u{1F44D}"})
    );
    let removed = app
        .send(
            Method::POST,
            &path(&whatsapp, &reaction),
            json!({"emoji": ""}),
        )
        .await;
    assert_eq!(removed.status, StatusCode::CREATED, "{:?}", removed.body);

    let words = app
        .send(
            Method::POST,
            &path(&whatsapp, &reaction),
            json!({"emoji": "ok"}),
        )
        .await;
    assert_eq!(words.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(words.fields_at_fault(), ["emoji"]);
    let unknown = app
        .send(
            Method::POST,
            &path(&whatsapp, "messages/msg_unknown/reaction"),
            json!({"emoji": "\u{1F44D}"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{:?}", unknown.body);
}
