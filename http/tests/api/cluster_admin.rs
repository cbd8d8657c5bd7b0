//! Cluster administration: only the operators' token reaches it (never a tenant's access
//! token, whatever the role), it does not exist without a configured token, a node that runs
//! alone says so, and against a real one-member cluster it shows members, shards and sessions,
//! pins shards and drains the node.

use crate::sessions::converse;
use crate::support::cluster::TestCluster;
use crate::support::{Reply, TestApp};
use axum::http::{Method, StatusCode};
use botwot_cluster::shard_of;
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::{Channel, SessionKey};
use botwot_http::HttpConfig;
use botwot_http::config::{ConfiguredSecret, RateLimitConfig};
use serde_json::{Value, json};
use std::time::Duration;

const TOKEN: &str = "operator-token-for-tests";
pub(crate) const OPERATOR: (&str, &str) = ("authorization", "Bearer operator-token-for-tests");

pub(crate) fn with_token() -> HttpConfig {
    HttpConfig {
        admin_token: Some(ConfiguredSecret::new(TOKEN)),
        ..HttpConfig::default()
    }
}

/// Every operation the document marks as the operators', as (method, concrete path).
async fn operator_operations(app: &TestApp) -> Vec<(Method, String)> {
    let document = app.get("/v1/openapi.json").await.body;
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if operation["security"] == json!([{"operator": []}]) {
                let path = path
                    .replace("{organisationId}", "org_x")
                    .replace("{sessionId}", "ses_x")
                    .replace("{nodeId}", "node-x")
                    .replace("{shard}", "1")
                    .replace("{messageId}", "msg-x");
                let path = if path.ends_with("/location") {
                    format!("{path}?tenant=default")
                } else {
                    path
                };
                found.push((method.to_uppercase().parse().expect("method"), path));
            }
        }
    }
    assert_eq!(found.len(), 11, "{found:?}");
    assert!(found.iter().all(|(_, path)| path.starts_with("/v1/admin/")));
    found
}

async fn call(app: &TestApp, method: &Method, path: &str, authorization: &str) -> Reply {
    let body = match *method {
        Method::POST => Some(r#"{"toNodeId": "node-x"}"#),
        Method::PUT => Some(r#"{"tier": "PRO"}"#),
        _ => None,
    };
    app.call(
        method.clone(),
        path,
        body,
        &[("authorization", authorization)],
    )
    .await
}

#[tokio::test]
async fn only_the_operator_token_reaches_cluster_administration() {
    let app = TestApp::with_config(with_token()).await;
    let tenant_admin = app
        .account("default", Permissions::of(Role::SuperAdmin))
        .await
        .bearer();
    for (method, path) in operator_operations(&app).await {
        for (who, authorization) in [
            ("no token", ""),
            ("a wrong token", "Bearer not-the-operator-token"),
            ("the token without its scheme", TOKEN),
            ("a tenant's super admin", tenant_admin.as_str()),
        ] {
            let refused = call(&app, &method, &path, authorization).await;
            assert_eq!(
                (refused.status, refused.code()),
                (StatusCode::UNAUTHORIZED, "invalid_operator_token"),
                "{who}: {method} {path}: {:?}",
                refused.body
            );
        }
        if !path.starts_with("/v1/admin/cluster") {
            continue;
        }
        let alone = call(&app, &method, &path, OPERATOR.1).await;
        assert_eq!(
            (alone.status, alone.code()),
            (StatusCode::CONFLICT, "not_clustered"),
            "{method} {path}: {:?}",
            alone.body
        );
        assert_eq!(
            alone.body["error"]["message"],
            "this node runs alone; start it with serve --cluster"
        );
    }
}

#[tokio::test]
async fn without_a_configured_token_cluster_administration_does_not_exist() {
    let app = TestApp::new().await;
    let owner = app.owner.bearer();
    for (method, path) in operator_operations(&app).await {
        for authorization in ["", OPERATOR.1, owner.as_str()] {
            let off = call(&app, &method, &path, authorization).await;
            assert_eq!(
                (off.status, off.code()),
                (StatusCode::NOT_FOUND, "admin_disabled"),
                "{method} {path}"
            );
            let message = off.body["error"]["message"].as_str().unwrap_or("");
            assert!(message.contains("http.admin_token"), "{message}");
        }
    }
}

#[tokio::test]
async fn operators_are_charged_to_their_address_like_everyone() {
    let app = TestApp::with_config(HttpConfig {
        rate_limit: RateLimitConfig {
            per_ip_per_minute: 60,
            burst: 2,
            ..RateLimitConfig::default()
        },
        ..with_token()
    })
    .await;
    for _ in 0..2 {
        let alone = app
            .call(Method::GET, "/v1/admin/cluster", None, &[OPERATOR])
            .await;
        assert_eq!(alone.code(), "not_clustered");
    }
    let limited = app
        .call(Method::GET, "/v1/admin/cluster", None, &[OPERATOR])
        .await;
    assert_eq!(
        (limited.status, limited.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
}

/// `GET` as the operator.
async fn read(app: &TestApp, path: &str) -> Value {
    let reply = app.call(Method::GET, path, None, &[OPERATOR]).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {:?}", reply.body);
    reply.body
}

/// `POST` as the operator.
async fn post(app: &TestApp, path: &str, body: Value) -> Reply {
    let body = body.to_string();
    app.call(Method::POST, path, Some(&body), &[OPERATOR]).await
}

/// Polls the shard map until `check` holds for it.
async fn shards_until(app: &TestApp, what: &str, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let shards = read(app, "/v1/admin/cluster/shards").await;
        let shards = shards.as_array().expect("an array").clone();
        if check(&shards) {
            return shards;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {shards:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_real_cluster_member_is_shown_steered_and_drained() {
    let cluster = TestCluster::start(4).await;
    let node_id = cluster.node.node_id().to_owned();
    let app = TestApp::with_cluster(with_token(), cluster.node.clone()).await;

    let held_here = |shards: &[Value]| {
        shards.len() == 4
            && shards
                .iter()
                .all(|shard| shard["heldBy"] == node_id.as_str())
    };
    let shards = shards_until(&app, "every shard held by the member", held_here).await;
    let numbers: Vec<&Value> = shards.iter().map(|shard| &shard["shard"]).collect();
    assert_eq!(numbers, [0, 1, 2, 3]);
    assert!(
        shards
            .iter()
            .all(|shard| shard["placedOn"] == node_id.as_str())
    );
    assert!(
        shards
            .iter()
            .all(|shard| shard["epoch"].as_u64() >= Some(1))
    );

    let status = read(&app, "/v1/admin/cluster").await;
    assert_eq!(status["answeredBy"], node_id.as_str());
    assert_eq!(status["shardCount"], 4);
    assert_eq!(status["deadLetters"], 0);
    let members = status["members"].as_array().expect("members");
    assert_eq!(members.len(), 1, "{status}");
    assert_eq!(members[0]["nodeId"], node_id.as_str());
    assert_eq!(members[0]["address"], "127.0.0.1:8080");
    assert_eq!(members[0]["shardsPlaced"], 4);
    assert_eq!(members[0]["draining"], false);

    // Where a tenant's session runs; another tenant has no such session.
    let bot = app.bot(BotSettings::named("Located")).await;
    let session = converse(&app, &bot, Channel::Web, "visitor-located", &["hi"]).await;
    let path = format!("/v1/admin/cluster/sessions/{session}/location");
    let located = read(&app, &format!("{path}?tenant=default")).await;
    let key = SessionKey::new(
        bot.tenant_id.clone(),
        Channel::Web,
        bot.id.as_str(),
        "visitor-located",
    );
    assert_eq!(located["sessionId"], session.as_str());
    assert_eq!(located["key"]["contact"], "visitor-located");
    assert_eq!(located["shard"], shard_of(&key, 4).0);
    assert_eq!(located["heldBy"], node_id.as_str());
    let elsewhere = app
        .call(
            Method::GET,
            &format!("{path}?tenant=globex"),
            None,
            &[OPERATOR],
        )
        .await;
    assert_eq!(elsewhere.code(), "not_found");
    let unnamed = app.call(Method::GET, &path, None, &[OPERATOR]).await;
    assert_eq!(
        (unnamed.status, unnamed.code()),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );

    // Moves: to a member pins the shard; to no member, or of no shard, is refused.
    let to_member = json!({"toNodeId": node_id});
    let moved = post(&app, "/v1/admin/cluster/shards/2/move", to_member.clone()).await;
    assert_eq!(moved.status, StatusCode::ACCEPTED, "{:?}", moved.body);
    assert_eq!(moved.body, json!({"shard": 2, "toNodeId": node_id}));
    let shards = read(&app, "/v1/admin/cluster/shards").await;
    assert_eq!(shards[2]["pinned"], true);
    assert_eq!(shards[1]["pinned"], false);
    let status = read(&app, "/v1/admin/cluster").await;
    assert_eq!(status["pins"], json!({"2": node_id}));
    let nobody = post(
        &app,
        "/v1/admin/cluster/shards/2/move",
        json!({"toNodeId": "nobody"}),
    )
    .await;
    assert_eq!(
        (nobody.status, nobody.code()),
        (StatusCode::NOT_FOUND, "unknown_member")
    );
    let beyond = post(&app, "/v1/admin/cluster/shards/4/move", to_member).await;
    assert_eq!(
        (beyond.status, beyond.code()),
        (StatusCode::BAD_REQUEST, "invalid_request"),
        "{:?}",
        beyond.body
    );

    // Unpinning gives the shard back to placement; a shard without a pin is not found.
    let unpin = |shard: u32| {
        let path = format!("/v1/admin/cluster/shards/{shard}/pin");
        let app = &app;
        async move { app.call(Method::DELETE, &path, None, &[OPERATOR]).await }
    };
    assert_eq!(unpin(2).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        read(&app, "/v1/admin/cluster/shards").await[2]["pinned"],
        false
    );
    let again = unpin(2).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );

    // The dead-letter queue of this cluster is empty.
    assert_eq!(
        read(&app, "/v1/admin/cluster/dead-letters").await,
        json!([])
    );
    let too_many = app
        .call(
            Method::GET,
            "/v1/admin/cluster/dead-letters?limit=501",
            None,
            &[OPERATOR],
        )
        .await;
    assert_eq!(too_many.code(), "validation_failed");
    let replay = post(
        &app,
        "/v1/admin/cluster/dead-letters/msg-x/replay",
        json!({}),
    )
    .await;
    assert_eq!(replay.status, StatusCode::NOT_FOUND);
    let discard = app
        .call(
            Method::DELETE,
            "/v1/admin/cluster/dead-letters/msg-x",
            None,
            &[OPERATOR],
        )
        .await;
    assert_eq!(discard.status, StatusCode::NOT_FOUND);

    // Draining: an unknown node is refused; the member hands every shard away.
    let unknown = post(&app, "/v1/admin/cluster/nodes/nobody/drain", json!({})).await;
    assert_eq!(unknown.code(), "unknown_member");
    let drain = post(
        &app,
        &format!("/v1/admin/cluster/nodes/{node_id}/drain"),
        json!({}),
    )
    .await;
    assert_eq!(drain.status, StatusCode::ACCEPTED, "{:?}", drain.body);
    assert_eq!(drain.body, json!({"nodeId": node_id}));
    tokio::time::timeout(Duration::from_secs(15), cluster.node.drained())
        .await
        .expect("the node drains");
    shards_until(&app, "no shard held", |shards| {
        shards.iter().all(|shard| shard["heldBy"].is_null())
    })
    .await;
    let status = read(&app, "/v1/admin/cluster").await;
    assert_eq!(status["members"][0]["draining"], true, "{status}");
    assert_eq!(status["members"][0]["shardsPlaced"], 0, "{status}");
    cluster.node.shutdown().await;
}
