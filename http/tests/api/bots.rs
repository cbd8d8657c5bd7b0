//! `/v1/bots`: the lifecycle of a bot, tenancy, and every way a request can be wrong.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Permissions, Role};
use serde_json::json;

#[tokio::test]
async fn a_bot_is_created_read_changed_listed_and_soft_deleted() {
    let app = TestApp::new().await;
    let created = app
        .create_bot(json!({"botName": "Ava", "botGreetingMessage": "Hi!"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.headers["location"], format!("/v1/bots/{id}"));
    assert_eq!(created.body["botName"], "Ava");
    assert_eq!(created.body["tenantId"], "default");
    assert!(
        created.body["widgetKey"]
            .as_str()
            .unwrap()
            .starts_with("wk_")
    );
    assert_eq!(
        created.body["botColor"], "#2563eb",
        "defaults are filled in"
    );

    let read = app.get(&format!("/v1/bots/{id}")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, created.body);

    let replaced = app
        .send(
            Method::PUT,
            &format!("/v1/bots/{id}"),
            json!({"botName": "Ava 2", "botTone": "casual"}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(replaced.body["botName"], "Ava 2");
    assert_eq!(
        replaced.body["botGreetingMessage"], "",
        "a replacement resets what it leaves out"
    );
    assert_eq!(
        replaced.body["widgetKey"], created.body["widgetKey"],
        "the widget key stays"
    );

    let patched = app
        .send(
            Method::PATCH,
            &format!("/v1/bots/{id}"),
            json!({"botGreetingMessage": "Hello"}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        patched.body["botName"], "Ava 2",
        "a patch keeps what it leaves out"
    );
    assert_eq!(patched.body["botGreetingMessage"], "Hello");

    let other = app.create_bot(json!({"botName": "Ben"})).await;
    let listed = app.get("/v1/bots").await;
    assert_eq!(listed.status, StatusCode::OK);
    let names: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["botName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ben", "Ava 2"], "newest first");

    let deleted = app
        .call(Method::DELETE, &format!("/v1/bots/{id}"), None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/v1/bots/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let listed = app.get("/v1/bots").await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        1,
        "deleted bots leave the list"
    );
    assert_eq!(listed.body["items"][0]["id"], other.body["id"]);
    let with_deleted = app.get("/v1/bots?includeDeleted=true").await;
    assert_eq!(with_deleted.body["items"].as_array().unwrap().len(), 2);
    assert!(with_deleted.body["items"][1]["deletedAt"].is_string());
    let again = app
        .call(Method::DELETE, &format!("/v1/bots/{id}"), None, &[])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn listings_come_in_pages() {
    let app = TestApp::new().await;
    for name in ["A", "B", "C"] {
        app.create_bot(json!({"botName": name})).await;
    }
    let first = app.get("/v1/bots?limit=2").await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["nextCursor"].as_str().unwrap();
    let second = app.get(&format!("/v1/bots?limit=2&cursor={cursor}")).await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
    assert!(second.body.get("nextCursor").is_none());
    let foreign = app.get("/v1/bots?limit=2&cursor=not-a-cursor").await;
    assert_eq!(
        foreign.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        foreign.body
    );
    assert_eq!(foreign.code(), "invalid_query");
    let too_many = app.get("/v1/bots?limit=1000").await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many.fields_at_fault(), ["limit"]);
}

#[tokio::test]
async fn each_tenant_sees_only_its_own_bots() {
    let app = TestApp::new().await;
    let acme = app
        .account("acme", Permissions::of(Role::SuperAdmin))
        .await
        .bearer();
    let acme = [("authorization", acme.as_str())];
    let created = app
        .call(
            Method::POST,
            "/v1/bots",
            Some(r#"{"botName": "Acme bot"}"#),
            &acme,
        )
        .await;
    assert_eq!(created.body["tenantId"], "acme");
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(
        app.call(Method::GET, &format!("/v1/bots/{id}"), None, &acme)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/v1/bots/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/v1/bots").await.body["items"], json!([]));
    // A header naming another organisation changes nothing: the token decides.
    let named = app
        .call(
            Method::GET,
            "/v1/bots",
            None,
            &[("x-botwot-tenant", "acme")],
        )
        .await;
    assert_eq!(named.body["items"], json!([]));
}

#[tokio::test]
async fn invalid_settings_name_every_field_at_fault_and_store_nothing() {
    let app = TestApp::new().await;
    let reply = app
        .create_bot(json!({"botName": " ", "botColor": "blue", "wordLimitPerMessage": 0}))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "validation_failed");
    assert_eq!(
        reply.fields_at_fault(),
        ["botName", "botColor", "wordLimitPerMessage"]
    );
    assert!(reply.body["error"]["details"][0]["message"].is_string());
    assert_eq!(
        app.get("/v1/bots").await.body["items"],
        json!([]),
        "nothing was written"
    );
}

#[tokio::test]
async fn bodies_that_are_not_the_schema_are_refused_clearly() {
    let app = TestApp::new().await;
    let broken = app
        .call(Method::POST, "/v1/bots", Some(r#"{"botName": "#), &[])
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.code(), "invalid_json");
    assert!(
        broken.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );

    let unknown = app
        .create_bot(json!({"botName": "A", "botColour": "#fff"}))
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.code(), "invalid_json");
    let message = unknown.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("unknown field `botColour`"), "{message}");

    let wrong_type = app.create_bot(json!({"botName": 7})).await;
    assert_eq!(wrong_type.code(), "invalid_json");
    let missing = app.create_bot(json!({})).await;
    assert!(
        missing.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("botName")
    );

    let not_json = app.call(Method::POST, "/v1/bots", None, &[]).await;
    assert_eq!(not_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(not_json.code(), "unsupported_media_type");

    let bot = app.create_bot(json!({"botName": "A"})).await;
    let id = bot.body["id"].as_str().unwrap();
    let patch = app
        .send(
            Method::PATCH,
            &format!("/v1/bots/{id}"),
            json!({"widgetKey": "wk_mine"}),
        )
        .await;
    assert_eq!(
        patch.code(),
        "invalid_json",
        "engine-assigned fields cannot be patched"
    );
    let patch = app
        .send(Method::PATCH, &format!("/v1/bots/{id}"), json!(["botName"]))
        .await;
    assert_eq!(patch.code(), "invalid_json");
    let unchanged = app.get(&format!("/v1/bots/{id}")).await;
    assert_eq!(unchanged.body, bot.body, "nothing was half-written");
    assert_eq!(
        app.get("/v1/bots").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let app = TestApp::with_config(botwot_http::HttpConfig {
        body_limit_bytes: 1_000,
        ..Default::default()
    })
    .await;
    let big = json!({"botName": "A", "botIdentity": "x".repeat(2_000)});
    let reply = app.create_bot(big).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.code(), "payload_too_large");
}

#[tokio::test]
async fn unknown_bots_routes_and_methods_answer_in_json() {
    let app = TestApp::new().await;
    let missing = app.get("/v1/bots/bot_nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
    assert_eq!(missing.body["error"]["message"], "bot bot_nope not found");
    let no_route = app.get("/v1/nothing").await;
    assert_eq!(no_route.status, StatusCode::NOT_FOUND);
    assert_eq!(no_route.code(), "not_found");
    let wrong = app.call(Method::DELETE, "/v1/bots", None, &[]).await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.code(), "method_not_allowed");
    let bad_query = app.get("/v1/bots?limit=many").await;
    assert_eq!(bad_query.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_query.code(), "invalid_query");
    let typo = app.get("/v1/bots?includeDeletd=true").await;
    assert_eq!(
        typo.code(),
        "invalid_query",
        "unknown parameters are named, not ignored"
    );
}
