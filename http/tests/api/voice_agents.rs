//! `/v1/voice-agents`: the configuration of an organisation's voice agents, created within the
//! plan's limit, listed in name order, patched field by field, deleted; field errors name the
//! field; knowledge bases must be the organisation's own; Bot Configuration (module 2) only.

use crate::support::{Account, Reply, TestApp};
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Module, Permissions, Role};
use serde_json::{Value, json};

async fn create(app: &TestApp, body: Value) -> Reply {
    app.send(Method::POST, "/v1/voice-agents", body).await
}

async fn call_as(app: &TestApp, bearer: &str, method: Method, path: &str, body: Value) -> Reply {
    let body = body.to_string();
    app.call(method, path, Some(&body), &[("authorization", bearer)])
        .await
}

fn names(listed: &Reply) -> Vec<&str> {
    let items = listed.body["items"].as_array().expect("items");
    items
        .iter()
        .filter_map(|item| item["name"].as_str())
        .collect()
}

#[tokio::test]
async fn a_voice_agent_is_created_listed_read_patched_and_deleted() {
    let app = TestApp::new().await;
    let created = create(
        &app,
        json!({"name": "Reception", "languages": ["en-GB", "fr"],
               "ttsConfig": {"voice": "21m00Tcm4TlvDq8ikWAM", "speed": 1.1},
               "webhooks": [{"name": "book_visit", "url": "https://shop.example/book"}]}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["id"].as_str().expect("an id").to_owned();
    let path = format!("/v1/voice-agents/{id}");
    assert!(id.starts_with("va_"));
    assert_eq!(created.headers["location"], path.as_str());
    let agent = &created.body;
    assert_eq!(agent["agentType"], "ELEVEN_LABS");
    assert_eq!(agent["status"], "ACTIVE");
    assert_eq!(agent["llmConfig"]["temperature"], 0.7);
    assert_eq!(agent["ttsConfig"]["speed"], 1.1);
    assert_eq!(agent["ttsConfig"]["stability"], 0.5, "a default");
    assert_eq!(agent["maxCallDurationSecs"], 600);
    assert_eq!(agent["webhooks"][0]["description"], "");
    for name in ["sales", "After hours"] {
        let other = create(&app, json!({"name": name})).await;
        assert_eq!(other.status, StatusCode::CREATED, "{:?}", other.body);
    }

    let listed = app.get("/v1/voice-agents").await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    assert_eq!(names(&listed), ["After hours", "Reception", "sales"]);
    let first = app.get("/v1/voice-agents?limit=2").await;
    assert_eq!(names(&first), ["After hours", "Reception"]);
    let cursor = first.body["nextCursor"].as_str().expect("a next page");
    let rest = app
        .get(&format!("/v1/voice-agents?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(names(&rest), ["sales"]);
    assert!(rest.body.get("nextCursor").is_none());

    let read = app.get(&path).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, created.body);

    let patched = app
        .send(
            Method::PATCH,
            &path,
            json!({"status": "INACTIVE", "llmConfig": {"model": "gpt-4o", "temperature": 0.2},
                   "endCallPhrases": ["goodbye", "that is all"]}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    let agent = &patched.body;
    assert_eq!(agent["status"], "INACTIVE");
    assert_eq!(agent["name"], "Reception", "unnamed fields stay");
    assert_eq!(agent["languages"], json!(["en-GB", "fr"]));
    assert_eq!(agent["ttsConfig"]["speed"], 1.1);
    assert_eq!(agent["llmConfig"]["model"], "gpt-4o");
    assert_eq!(
        agent["llmConfig"]["maxTokens"], 1024,
        "a nested object is replaced whole"
    );
    assert_eq!(agent["createdAt"], created.body["createdAt"]);
    assert_eq!(app.get(&path).await.body, patched.body);

    let deleted = app.call(Method::DELETE, &path, None, &[]).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path).await.code(), "not_found");
    let again = app.call(Method::DELETE, &path, None, &[]).await;
    assert_eq!(again.code(), "not_found");
    let patch_gone = app.send(Method::PATCH, &path, json!({"name": "X"})).await;
    assert_eq!(patch_gone.code(), "not_found");
    assert_eq!(
        names(&app.get("/v1/voice-agents").await),
        ["After hours", "sales"]
    );
}

#[tokio::test]
async fn bad_settings_are_refused_naming_every_field_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let refused = create(
        &app,
        json!({"name": " ", "languages": ["english"],
               "llmConfig": {"temperature": 2.5, "maxTokens": 9000},
               "ttsConfig": {"stability": 1.5, "speed": 3},
               "maxCallDurationSecs": 10,
               "webhooks": [{"name": "hook", "url": "http://plain.example/hook"}]}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.code(), "validation_failed");
    assert_eq!(
        refused.fields_at_fault(),
        [
            "name",
            "languages[0]",
            "llmConfig.temperature",
            "llmConfig.maxTokens",
            "ttsConfig.stability",
            "ttsConfig.speed",
            "maxCallDurationSecs",
            "webhooks[0].url",
        ]
    );
    for body in [
        json!({"name": "A", "voice": "x"}),
        json!({"name": "A", "ttsConfig": {"pitch": 1}}),
        json!({"name": "A", "llmConfig": {"maxTokens": "many"}}),
        json!({"name": "A", "agentType": "TWILIO"}),
    ] {
        let reply = create(&app, body.clone()).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::BAD_REQUEST, "invalid_json"),
            "{body}"
        );
    }
    assert_eq!(
        names(&app.get("/v1/voice-agents").await),
        Vec::<&str>::new()
    );

    let created = create(&app, json!({"name": "Reception"})).await;
    let path = format!("/v1/voice-agents/{}", created.body["id"].as_str().unwrap());
    let patched = app
        .send(
            Method::PATCH,
            &path,
            json!({"ttsConfig": {"clarity": -1}, "name": "Renamed"}),
        )
        .await;
    assert_eq!(patched.fields_at_fault(), ["ttsConfig.clarity"]);
    let unknown = app
        .send(Method::PATCH, &path, json!({"colour": "red"}))
        .await;
    assert_eq!(unknown.code(), "invalid_json");
    assert_eq!(app.get(&path).await.body["name"], "Reception");
}

#[tokio::test]
async fn only_the_organisations_own_knowledge_bases_may_be_named() {
    let app = TestApp::new().await;
    let own = app
        .send(Method::POST, "/v1/knowledge-bases", json!({"name": "FAQ"}))
        .await;
    let own = own.body["id"].as_str().expect("a base").to_owned();
    let globex = app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await;
    let theirs = call_as(
        &app,
        &globex.bearer(),
        Method::POST,
        "/v1/knowledge-bases",
        json!({"name": "Globex secrets"}),
    )
    .await;
    let theirs = theirs.body["id"].as_str().expect("a base").to_owned();

    let refused = create(
        &app,
        json!({"name": "Reception", "knowledgeBaseIds": [own, theirs]}),
    )
    .await;
    assert_eq!(refused.code(), "validation_failed");
    assert_eq!(refused.fields_at_fault(), ["knowledgeBaseIds"]);
    let message = refused.body["error"]["details"][0]["message"].to_string();
    assert!(message.contains(&theirs), "{message}");
    let missing = create(
        &app,
        json!({"name": "Reception", "knowledgeBaseIds": ["kb_nowhere"]}),
    )
    .await;
    assert_eq!(missing.fields_at_fault(), ["knowledgeBaseIds"]);

    let created = create(
        &app,
        json!({"name": "Reception", "knowledgeBaseIds": [own]}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let path = format!("/v1/voice-agents/{}", created.body["id"].as_str().unwrap());
    let patched = app
        .send(Method::PATCH, &path, json!({"knowledgeBaseIds": [theirs]}))
        .await;
    assert_eq!(patched.fields_at_fault(), ["knowledgeBaseIds"]);
    assert_eq!(app.get(&path).await.body["knowledgeBaseIds"], json!([own]));
}

#[tokio::test]
async fn the_base_plan_allows_one_voice_agent_and_a_deleted_one_frees_its_place() {
    let app = TestApp::new().await;
    let owner = app
        .sign_up_base_organisation("owner@voice.test", "Voice")
        .await;
    let create_as_owner = |name: &str| {
        let body = json!({ "name": name });
        call_as(&app, &owner, Method::POST, "/v1/voice-agents", body)
    };
    let first = create_as_owner("Reception").await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let second = create_as_owner("Sales").await;
    assert_eq!(
        (second.status, second.code()),
        (StatusCode::FORBIDDEN, "plan_limit_reached")
    );
    assert_eq!(
        second.body["error"]["message"],
        "the plan allows 1 voice agents and 1 are in use; upgrade the plan to add more"
    );
    let path = format!("/v1/voice-agents/{}", first.body["id"].as_str().unwrap());
    let deleted = call_as(&app, &owner, Method::DELETE, &path, json!({})).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let again = create_as_owner("Sales").await;
    assert_eq!(again.status, StatusCode::CREATED, "{:?}", again.body);
}

#[tokio::test]
async fn voice_agents_belong_to_bot_configuration() {
    let app = TestApp::new().await;
    let created = create(&app, json!({"name": "Reception"})).await;
    let path = format!("/v1/voice-agents/{}", created.body["id"].as_str().unwrap());
    let agent = app.account("default", Permissions::of(Role::Agent)).await;
    let bot_configurer = app
        .account(
            "default",
            Permissions::of(Role::Custom).granting([Module::BOT_CONFIGURATION]),
        )
        .await;
    let calls = [
        (Method::GET, "/v1/voice-agents", json!({})),
        (Method::POST, "/v1/voice-agents", json!({"name": "Mine"})),
        (Method::GET, path.as_str(), json!({})),
        (Method::PATCH, path.as_str(), json!({"name": "Taken"})),
        (Method::DELETE, path.as_str(), json!({})),
    ];
    for (method, route, body) in &calls {
        let refused = as_account(&app, &agent, method.clone(), route, body.clone()).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{method} {route}"
        );
        let message = refused.body["error"]["message"].as_str().unwrap_or("");
        assert!(message.contains("Bot Configuration"), "{message}");
    }
    assert_eq!(app.get(&path).await.body["name"], "Reception");
    for (method, route, body) in calls {
        let allowed = as_account(&app, &bot_configurer, method.clone(), route, body).await;
        assert!(
            allowed.status.is_success(),
            "{method} {route}: {:?}",
            allowed.body
        );
    }
}

async fn as_account(
    app: &TestApp,
    account: &Account,
    method: Method,
    path: &str,
    body: Value,
) -> Reply {
    call_as(app, &account.bearer(), method, path, body).await
}
