//! API keys: shown once, act with exactly their modules in their own organisation, never more
//! than their creator holds, and stop at once when revoked.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Module, Permissions, Role};
use serde_json::json;

async fn with_key(app: &TestApp, method: Method, path: &str, key: &str) -> crate::support::Reply {
    let bearer = format!("Bearer {key}");
    app.call(method, path, None, &[("authorization", bearer.as_str())])
        .await
}

#[tokio::test]
async fn a_key_acts_with_exactly_its_modules_until_revoked() {
    let app = TestApp::new().await;
    let created = app
        .send(
            Method::POST,
            "/v1/api-keys",
            json!({"name": "CRM sync", "modules": ["4"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let key = created.body["keySecret"].as_str().unwrap().to_owned();
    assert!(key.starts_with("bwk.key_"));
    assert_eq!(created.body["modules"], json!(["4"]));

    assert_eq!(
        with_key(&app, Method::GET, "/v1/sessions", &key)
            .await
            .status,
        StatusCode::OK
    );
    let bots = with_key(&app, Method::GET, "/v1/bots", &key).await;
    assert_eq!(bots.code(), "forbidden");
    let keys = with_key(&app, Method::GET, "/v1/api-keys", &key).await;
    assert_eq!(
        keys.code(),
        "forbidden",
        "a key cannot manage keys without module 3"
    );

    let listed = app.get("/v1/api-keys").await;
    assert_eq!(listed.body["items"][0]["name"], "CRM sync");
    assert!(
        !listed.body.to_string().contains(&key[20..]),
        "the secret is shown once"
    );

    let (prefix, _) = key.rsplit_once('.').unwrap();
    for forged in [
        format!("{prefix}.wrong-secret"),
        "bwk.key_nope.secret".to_owned(),
        "bwk.".to_owned(),
    ] {
        let reply = with_key(&app, Method::GET, "/v1/sessions", &forged).await;
        assert_eq!(reply.code(), "invalid_token", "{forged}");
    }

    let id = created.body["id"].as_str().unwrap();
    let revoked = app
        .call(Method::DELETE, &format!("/v1/api-keys/{id}"), None, &[])
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let refused = with_key(&app, Method::GET, "/v1/sessions", &key).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNAUTHORIZED, "invalid_token")
    );
    let listed = app.get("/v1/api-keys").await;
    assert!(listed.body["items"][0]["revokedAt"].is_string());
}

#[tokio::test]
async fn keys_stay_in_their_organisation_and_within_their_creators_modules() {
    let app = TestApp::new().await;
    let created = app
        .send(
            Method::POST,
            "/v1/api-keys",
            json!({"name": "all bots", "modules": ["2"]}),
        )
        .await;
    let key = created.body["keySecret"].as_str().unwrap().to_owned();
    let bot = app
        .send(Method::POST, "/v1/bots", json!({"botName": "Ours"}))
        .await;
    let bot_id = bot.body["id"].as_str().unwrap();
    let other = app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await
        .bearer();
    let theirs = app
        .call(
            Method::POST,
            "/v1/bots",
            Some(r#"{"botName": "Theirs"}"#),
            &[("authorization", other.as_str())],
        )
        .await;
    let their_id = theirs.body["id"].as_str().unwrap();
    assert_eq!(
        with_key(&app, Method::GET, &format!("/v1/bots/{bot_id}"), &key)
            .await
            .status,
        StatusCode::OK
    );
    let foreign = with_key(&app, Method::GET, &format!("/v1/bots/{their_id}"), &key).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let their_key_id = created.body["id"].as_str().unwrap();
    let revoke_foreign = app
        .call(
            Method::DELETE,
            &format!("/v1/api-keys/{their_key_id}"),
            None,
            &[("authorization", other.as_str())],
        )
        .await;
    assert_eq!(revoke_foreign.status, StatusCode::NOT_FOUND);

    // A custom user with System Settings but not Conversations cannot mint a Conversations key.
    let settings_only = app
        .account(
            "default",
            Permissions::of(Role::Custom).granting([Module::SYSTEM_SETTINGS]),
        )
        .await
        .bearer();
    let body = json!({"name": "sneaky", "modules": ["4"]}).to_string();
    let refused = app
        .call(
            Method::POST,
            "/v1/api-keys",
            Some(&body),
            &[("authorization", settings_only.as_str())],
        )
        .await;
    assert_eq!(refused.code(), "forbidden");
    let empty = app
        .send(
            Method::POST,
            "/v1/api-keys",
            json!({"name": "", "modules": []}),
        )
        .await;
    assert_eq!(empty.fields_at_fault(), ["name", "modules"]);

    // Changes made with a key are audited as the key.
    let patched = app
        .call(
            Method::PATCH,
            &format!("/v1/bots/{bot_id}"),
            Some(r##"{"botColor": "#000000"}"##),
            &[("authorization", format!("Bearer {key}").as_str())],
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    let audit = app.get("/v1/audit").await;
    assert_eq!(audit.body["items"][0]["actor"]["kind"], "apiKey");
    assert_eq!(audit.body["items"][0]["actor"]["label"], "all bots");
}
