//! `GET` and `PUT /v1/integrations/{integrationId}`: an integration's health, and token rotation
//! (a new token replaces the stored one and makes the integration healthy again); what cannot
//! change is refused by name, and another organisation's integration is not found.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use botwot_adapters::meta::graph::TokenCipher;
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::integration::IntegrationHealth;
use botwot_engine::{Channel, Timestamp};
use botwot_http::HttpConfig;
use botwot_http::config::ConfiguredSecret;
use serde_json::{Value, json};

/// 32 bytes, base64.
const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const PHONE_NUMBER_ID: &str = "106540352242922";
const PATH: &str = "/v1/integrations/whatsapp:106540352242922";

async fn app() -> TestApp {
    TestApp::with_config(HttpConfig {
        integration_secret_key: Some(ConfiguredSecret::new(SECRET_KEY)),
        ..HttpConfig::default()
    })
    .await
}

/// Connects the WhatsApp number with `token` and returns the settings sent.
async fn connect(app: &TestApp, token: &str) -> Value {
    let bot = app.bot(BotSettings::named("Ava")).await;
    let settings = json!({"channel": "whatsapp", "accountId": PHONE_NUMBER_ID,
        "botId": bot.id, "accessToken": token});
    let created = app
        .send(Method::POST, "/v1/integrations", settings.clone())
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    settings
}

/// The stored token, opened.
async fn stored_token(app: &TestApp) -> String {
    let stored = app
        .state
        .store
        .find_integration(Channel::WhatsApp, PHONE_NUMBER_ID)
        .await
        .expect("read")
        .expect("stored");
    let sealed = stored.sealed_access_token.expect("a sealed token");
    let cipher = TokenCipher::from_base64_key(SECRET_KEY).expect("key");
    let opened = cipher.open(&stored.id, &sealed).expect("opens");
    opened.expose_secret().to_owned()
}

/// Marks the integration unhealthy as a rejected send does.
async fn reject_token(app: &TestApp) {
    let store = &app.state.store;
    let mut stored = store
        .find_integration(Channel::WhatsApp, PHONE_NUMBER_ID)
        .await
        .expect("read")
        .expect("stored");
    stored.health = IntegrationHealth::token_rejected("Session has expired", Timestamp(5_000));
    store.update_integration(&stored).await.expect("updated");
}

#[tokio::test]
async fn a_new_token_replaces_the_rejected_one_and_heals_the_integration() {
    let app = app().await;
    let mut settings = connect(&app, "EAAfirstTOKEN").await;
    let healthy = app.get(PATH).await;
    assert_eq!(healthy.status, StatusCode::OK, "{:?}", healthy.body);
    assert_eq!(healthy.body["health"], json!({"state": "healthy"}));

    reject_token(&app).await;
    let unhealthy = app.get(PATH).await;
    assert_eq!(unhealthy.body["health"]["state"], "unhealthy");
    assert_eq!(unhealthy.body["health"]["code"], "token_rejected");
    let listed = app.get("/v1/integrations").await;
    assert_eq!(listed.body["items"][0]["health"]["state"], "unhealthy");

    // Settings without a token keep the stored token and the health.
    settings["aiEnabled"] = json!(false);
    settings
        .as_object_mut()
        .expect("object")
        .remove("accessToken");
    let saved = app.send(Method::PUT, PATH, settings.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    assert_eq!(saved.body["aiEnabled"], false);
    assert_eq!(saved.body["health"]["state"], "unhealthy");
    assert_eq!(stored_token(&app).await, "EAAfirstTOKEN");

    settings["accessToken"] = json!("EAAsecondTOKEN");
    let rotated = app.send(Method::PUT, PATH, settings).await;
    assert_eq!(rotated.status, StatusCode::OK, "{:?}", rotated.body);
    assert_eq!(rotated.body["health"], json!({"state": "healthy"}));
    assert!(
        !rotated.body.to_string().contains("TOKEN"),
        "{:?}",
        rotated.body
    );
    assert_eq!(stored_token(&app).await, "EAAsecondTOKEN");
}

#[tokio::test]
async fn the_account_cannot_change_and_bad_settings_are_named() {
    let app = app().await;
    let settings = connect(&app, "EAAfirstTOKEN").await;
    let mut moved = settings.clone();
    moved["accountId"] = json!("999");
    let refused = app.send(Method::PUT, PATH, moved).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields_at_fault(), ["accountId"]);
    assert!(
        refused.body.to_string().contains("cannot change"),
        "{:?}",
        refused.body
    );
    let mut bad = settings.clone();
    bad["accessToken"] = json!("has spaces");
    let refused = app.send(Method::PUT, PATH, bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields_at_fault(), ["accessToken"]);
    let mut empty_reply = settings.clone();
    empty_reply["commentReplies"] = json!({"mode": "custom", "message": " "});
    let refused = app.send(Method::PUT, PATH, empty_reply).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields_at_fault(), ["commentReplies"]);
    let mut unknown_mode = settings.clone();
    unknown_mode["commentReplies"] = json!({"mode": "sometimes"});
    let refused = app.send(Method::PUT, PATH, unknown_mode).await;
    assert!(refused.status.is_client_error(), "{:?}", refused.body);
    let mut no_bot = settings;
    no_bot["botId"] = json!("bot_missing");
    assert_eq!(
        app.send(Method::PUT, PATH, no_bot).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(stored_token(&app).await, "EAAfirstTOKEN", "nothing changed");
}

#[tokio::test]
async fn another_organisation_and_malformed_ids_find_nothing() {
    let app = app().await;
    let settings = connect(&app, "EAAfirstTOKEN").await;
    let stranger = app
        .account("org_other", Permissions::of(Role::SuperAdmin))
        .await;
    let bearer = stranger.bearer();
    let headers = [("authorization", bearer.as_str())];
    let seen = app.call(Method::GET, PATH, None, &headers).await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    let body = settings.to_string();
    let changed = app.call(Method::PUT, PATH, Some(&body), &headers).await;
    assert_eq!(changed.status, StatusCode::NOT_FOUND);
    for path in [
        "/v1/integrations/whatsapp",
        "/v1/integrations/fax:123",
        "/v1/integrations/whatsapp:1",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(stored_token(&app).await, "EAAfirstTOKEN");
}
