//! `/webhooks/meta` and `/v1/integrations`: signed WhatsApp, Messenger and Instagram webhooks
//! reach the session of the integration's bot, once, and bad calls get clear errors. Bodies are
//! the adapters' fixtures, shaped like Meta's published examples.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use botwot_adapters::meta::graph::{CipherError, TokenCipher};
use botwot_adapters::meta::signature::signature_header;
use botwot_engine::Channel;
use botwot_engine::bot::BotSettings;
use botwot_http::HttpConfig;
use botwot_http::config::ConfiguredSecret;
use serde_json::json;

const SECRET: &str = "meta-app-secret-for-tests";
/// The phone number id of `whatsapp_text.json`.
const PHONE_NUMBER_ID: &str = "106540352242922";
/// The page id of `messenger_text.json`.
const PAGE_ID: &str = "107836291427361";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../adapters/tests/fixtures/meta/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

async fn app() -> TestApp {
    TestApp::with_config(HttpConfig {
        meta_app_secret: Some(SECRET.to_owned()),
        meta_verify_token: Some("verify-me".to_owned()),
        ..HttpConfig::default()
    })
    .await
}

/// Connects `account` on `channel` to a new bot.
async fn connect(app: &TestApp, channel: &str, account: &str) {
    let bot = app.bot(BotSettings::named("Ava")).await;
    let created = app
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": channel, "accountId": account, "botId": bot.id, "displayName": "Support"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
}

async fn post_signed(app: &TestApp, body: &str) -> crate::support::Reply {
    let signature = signature_header(SECRET.as_bytes(), body.as_bytes()).expect("signs");
    app.call(
        Method::POST,
        "/webhooks/meta",
        Some(body),
        &[("x-hub-signature-256", &signature)],
    )
    .await
}

/// Texts of every stored message of every session on `channel`.
async fn texts_on(app: &TestApp, channel: &str) -> Vec<String> {
    let sessions = app.get(&format!("/v1/sessions?channel={channel}")).await;
    let mut texts = Vec::new();
    for session in sessions.body["items"].as_array().expect("items") {
        let id = session["id"].as_str().expect("id");
        let transcript = app.get(&format!("/v1/sessions/{id}/transcript")).await;
        for message in transcript.body["items"]
            .as_array()
            .expect("transcript items")
        {
            texts.push(
                message["body"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    texts
}

#[tokio::test]
async fn a_signed_whatsapp_message_reaches_its_session_once() {
    let app = app().await;
    connect(&app, "whatsapp", PHONE_NUMBER_ID).await;
    let body = fixture("whatsapp_text");
    assert_eq!(post_signed(&app, &body).await.status, StatusCode::OK);
    assert_eq!(
        post_signed(&app, &body).await.status,
        StatusCode::OK,
        "a redelivery is acknowledged"
    );
    assert_eq!(
        texts_on(&app, "whatsapp").await,
        ["Does it come in another color?"]
    );
    let chat = app
        .get("/v1/sessions?channel=whatsapp&contact=16505551234")
        .await;
    assert_eq!(
        chat.body["items"].as_array().map(Vec::len),
        Some(1),
        "{:?}",
        chat.body
    );
    assert_eq!(chat.body["items"][0]["key"]["contact"], "16505551234");
    let nobody = app
        .get("/v1/sessions?channel=whatsapp&contact=15550000000")
        .await;
    assert_eq!(nobody.body["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn messenger_messages_reach_the_page_integration() {
    let app = app().await;
    connect(&app, "messenger", PAGE_ID).await;
    assert_eq!(
        post_signed(&app, &fixture("messenger_text")).await.status,
        StatusCode::OK
    );
    assert_eq!(texts_on(&app, "messenger").await.len(), 1);
}

#[tokio::test]
async fn webhooks_for_unknown_accounts_are_acknowledged_and_stored_nowhere() {
    let app = app().await;
    assert_eq!(
        post_signed(&app, &fixture("whatsapp_text")).await.status,
        StatusCode::OK
    );
    assert!(texts_on(&app, "whatsapp").await.is_empty());
}

#[tokio::test]
async fn bad_signatures_are_refused_before_parsing() {
    let app = app().await;
    connect(&app, "whatsapp", PHONE_NUMBER_ID).await;
    let body = fixture("whatsapp_text");
    let wrong = signature_header(b"another-secret", body.as_bytes()).expect("signs");
    for headers in [
        vec![],
        vec![("x-hub-signature-256", wrong.as_str())],
        vec![("x-hub-signature-256", "sha256=zz")],
    ] {
        let reply = app
            .call(Method::POST, "/webhooks/meta", Some(&body), &headers)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(reply.code(), "invalid_signature");
    }
    let garbage = post_signed(&app, "{not json").await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbage.code(), "invalid_payload");
    assert!(texts_on(&app, "whatsapp").await.is_empty());
}

#[tokio::test]
async fn the_subscription_handshake_echoes_the_challenge_for_the_right_token() {
    let app = app().await;
    let ok = app
        .get(
            "/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444",
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body, json!(1158201444));
    let refused = app
        .get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "subscription_refused");
}

#[tokio::test]
async fn without_a_configured_secret_meta_webhooks_are_off() {
    let app = TestApp::new().await;
    let reply = app
        .call(Method::POST, "/webhooks/meta", Some("{}"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "webhook_not_configured");
}

#[tokio::test]
async fn an_account_connects_to_one_organisation_and_bad_settings_are_named() {
    let app = app().await;
    connect(&app, "whatsapp", PHONE_NUMBER_ID).await;
    let bot = app.bot(BotSettings::named("Other")).await;
    let again = app
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": "whatsapp", "accountId": PHONE_NUMBER_ID, "botId": bot.id}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let bad = app
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": "web", "accountId": "abc", "botId": bot.id}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields_at_fault(), ["channel", "accountId"]);
    let no_bot = app
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": "instagram", "accountId": "1784", "botId": "bot_missing"}),
        )
        .await;
    assert_eq!(no_bot.status, StatusCode::NOT_FOUND);
    let listed = app.get("/v1/integrations").await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn with_the_bot_switched_off_the_conversation_waits_for_a_person() {
    let app = app().await;
    let bot = app.bot(BotSettings::named("Quiet")).await;
    let created = app
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": "whatsapp", "accountId": PHONE_NUMBER_ID, "botId": bot.id, "aiEnabled": false}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(
        post_signed(&app, &fixture("whatsapp_text")).await.status,
        StatusCode::OK
    );
    let sessions = app.get("/v1/sessions?channel=whatsapp").await;
    assert_eq!(
        sessions.body["items"][0]["responder"]["kind"], "waitingForAgent",
        "{:?}",
        sessions.body
    );
    assert_eq!(
        texts_on(&app, "whatsapp").await,
        ["Does it come in another color?"]
    );
}

/// 32 bytes, base64.
const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const ACCESS_TOKEN: &str = "EAAGm0PX4ZCpsBASystemUserTokenForTests";

#[tokio::test]
async fn an_access_token_is_stored_sealed_and_never_returned() {
    let app = TestApp::with_config(HttpConfig {
        meta_app_secret: Some(SECRET.to_owned()),
        integration_secret_key: Some(ConfiguredSecret::new(SECRET_KEY)),
        ..HttpConfig::default()
    })
    .await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let created = app
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": "whatsapp", "accountId": PHONE_NUMBER_ID, "botId": bot.id,
                "accessToken": ACCESS_TOKEN}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert!(
        !created.body.to_string().contains("ccessToken"),
        "{:?}",
        created.body
    );
    let listed = app.get("/v1/integrations").await;
    assert!(
        !listed.body.to_string().contains("ccessToken"),
        "{:?}",
        listed.body
    );

    let stored = app
        .state
        .store
        .find_integration(Channel::WhatsApp, PHONE_NUMBER_ID)
        .await
        .expect("read")
        .expect("stored");
    let stored_json = serde_json::to_string(&stored).expect("json");
    assert!(!stored_json.contains(ACCESS_TOKEN), "{stored_json}");
    let sealed = stored.sealed_access_token.as_ref().expect("a sealed token");
    let opened = TokenCipher::from_base64_key(SECRET_KEY)
        .expect("key")
        .open(&stored.id, sealed)
        .expect("opens with the configured key");
    assert_eq!(opened.expose_secret(), ACCESS_TOKEN);
    let other_key = TokenCipher::random_base64_key().expect("random");
    let wrong = TokenCipher::from_base64_key(&other_key)
        .expect("key")
        .open(&stored.id, sealed);
    assert_eq!(wrong.unwrap_err(), CipherError::WrongKey);
}

#[tokio::test]
async fn without_a_secret_key_an_access_token_is_refused_clearly() {
    let app = app().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let created = app
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": "whatsapp", "accountId": PHONE_NUMBER_ID, "botId": bot.id,
                "accessToken": ACCESS_TOKEN}),
        )
        .await;
    assert_eq!(created.status, StatusCode::INTERNAL_SERVER_ERROR);
    let message = created.body["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("http.integration_secret_key"), "{message}");
    assert!(!created.body.to_string().contains(ACCESS_TOKEN));
    let stored = app
        .state
        .store
        .find_integration(Channel::WhatsApp, PHONE_NUMBER_ID)
        .await
        .expect("read");
    assert_eq!(stored, None, "nothing is stored without its token");
}

/// Connects the WhatsApp fixture's number with contact rules.
async fn connect_with_rules(app: &TestApp, blocked: &[&str], allowed: &[&str]) {
    let bot = app.bot(BotSettings::named("Ava")).await;
    let created = app
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": "whatsapp", "accountId": PHONE_NUMBER_ID, "botId": bot.id,
                   "blockedContacts": blocked, "allowedContacts": allowed}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["blockedContacts"], json!(blocked));
}

#[tokio::test]
async fn blocked_contacts_are_acknowledged_and_ignored() {
    let app = app().await;
    // The fixture's sender is 16505551234.
    connect_with_rules(&app, &["16505551234"], &[]).await;
    let reply = post_signed(&app, &fixture("whatsapp_text")).await;
    assert_eq!(reply.status, StatusCode::OK, "Meta must not retry");
    assert!(texts_on(&app, "whatsapp").await.is_empty());
}

#[tokio::test]
async fn an_allow_list_admits_only_its_contacts() {
    let listed = app().await;
    connect_with_rules(&listed, &[], &["16505551234"]).await;
    post_signed(&listed, &fixture("whatsapp_text")).await;
    assert_eq!(texts_on(&listed, "whatsapp").await.len(), 1);

    let unlisted = app().await;
    connect_with_rules(&unlisted, &[], &["15550000000"]).await;
    post_signed(&unlisted, &fixture("whatsapp_text")).await;
    assert!(texts_on(&unlisted, "whatsapp").await.is_empty());

    let bad = unlisted
        .send(
            Method::POST,
            "/v1/integrations",
            json!({"channel": "whatsapp", "accountId": "1", "botId": "bot_x", "blockedContacts": [""]}),
        )
        .await;
    assert_eq!(bad.fields_at_fault(), ["blockedContacts"]);
}
