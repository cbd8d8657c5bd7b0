//! Probes, metrics, the OpenAPI document, request ids and the served pages.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use botwot_http::HttpConfig;
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[tokio::test]
async fn health_is_the_process_and_readiness_is_storage() {
    let app = TestApp::new().await;
    let health = app.get("/healthz").await;
    assert_eq!(
        (health.status, health.body.clone()),
        (StatusCode::OK, json!({"status": "ok"}))
    );
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    let down = TestApp::with_storage_down().await;
    let ready = down.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.code(), "storage_unavailable");
    assert_eq!(down.get("/healthz").await.status, StatusCode::OK);
    app.sessions().set_timers_stopped(true);
    let unhealthy = app.get("/readyz").await;
    assert_eq!(unhealthy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(unhealthy.code(), "node_unhealthy");
    assert!(
        unhealthy.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("timer service")
    );
    app.sessions().set_timers_stopped(false);
    let listing = down.get("/v1/bots").await;
    assert_eq!(listing.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(listing.code(), "storage_unavailable");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = TestApp::new().await;
    app.get("/v1/bots/bot_nope").await;
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.content_type().starts_with("text/plain"));
    let text = metrics.body.as_str().unwrap();
    assert!(
        text.lines()
            .any(|line| line.starts_with("botwot_http_requests_total")
                && line.contains(r#"route="/v1/bots/{botId}""#)
                && line.contains(r#"status="404""#)),
        "{text}"
    );
}

/// Every operation of the document, as `METHOD /path`.
fn operations(document: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            found.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    found
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_served() {
    let app = TestApp::new().await;
    let reply = app.get("/v1/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    let document = reply.body;
    assert_eq!(document["openapi"], "3.1.0");
    let expected: BTreeSet<String> = [
        "GET /",
        "GET /widget.js",
        "GET /widget/licenses.txt",
        "GET /console",
        "GET /console/{file}",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /v1/openapi.json",
        "GET /v1/bots",
        "POST /v1/bots",
        "GET /v1/bots/{botId}",
        "PUT /v1/bots/{botId}",
        "PATCH /v1/bots/{botId}",
        "DELETE /v1/bots/{botId}",
        "GET /v1/voice-agents",
        "POST /v1/voice-agents",
        "GET /v1/voice-agents/{voiceAgentId}",
        "PATCH /v1/voice-agents/{voiceAgentId}",
        "DELETE /v1/voice-agents/{voiceAgentId}",
        "GET /v1/sessions",
        "GET /v1/sessions/{sessionId}",
        "GET /v1/sessions/{sessionId}/transcript",
        "GET /v1/sessions/{sessionId}/messages/{messageId}/media",
        "GET /v1/sessions/{sessionId}/insights",
        "POST /v1/sessions/{sessionId}/insights/{kind}",
        "POST /v1/insights/{kind}",
        "POST /v1/sessions/{sessionId}/close",
        "POST /v1/sessions/{sessionId}/rating",
        "POST /v1/sessions/{sessionId}/takeover",
        "POST /v1/sessions/{sessionId}/messages",
        "POST /v1/media",
        "POST /v1/sessions/{sessionId}/messages/{messageId}/reaction",
        "POST /v1/sessions/{sessionId}/notes",
        "POST /v1/sessions/{sessionId}/templates",
        "POST /v1/sessions/{sessionId}/read",
        "POST /v1/sessions/{sessionId}/handback",
        "POST /v1/sessions/{sessionId}/transfer",
        "GET /v1/conversations",
        "GET /v1/dashboard/metrics",
        "GET /v1/dashboard/export",
        "GET /v1/dashboard/layout",
        "PUT /v1/dashboard/layout",
        "GET /v1/canned-responses",
        "POST /v1/canned-responses",
        "GET /v1/canned-responses/{cannedResponseId}",
        "PUT /v1/canned-responses/{cannedResponseId}",
        "DELETE /v1/canned-responses/{cannedResponseId}",
        "GET /v1/integrations",
        "POST /v1/integrations",
        "GET /v1/integrations/{integrationId}",
        "PUT /v1/integrations/{integrationId}",
        "GET /v1/integrations/{integrationId}/templates",
        "POST /v1/integrations/{integrationId}/templates",
        "GET /v1/knowledge-bases",
        "POST /v1/knowledge-bases",
        "GET /v1/knowledge-bases/{knowledgeBaseId}",
        "PUT /v1/knowledge-bases/{knowledgeBaseId}",
        "DELETE /v1/knowledge-bases/{knowledgeBaseId}",
        "GET /v1/knowledge-bases/{knowledgeBaseId}/documents",
        "POST /v1/knowledge-bases/{knowledgeBaseId}/documents",
        "POST /v1/knowledge-bases/{knowledgeBaseId}/urls",
        "GET /v1/knowledge-bases/{knowledgeBaseId}/documents/{documentId}",
        "DELETE /v1/knowledge-bases/{knowledgeBaseId}/documents/{documentId}",
        "POST /v1/knowledge-bases/{knowledgeBaseId}/query",
        "PUT /v1/bots/{botId}/knowledge-bases/{knowledgeBaseId}",
        "DELETE /v1/bots/{botId}/knowledge-bases/{knowledgeBaseId}",
        "POST /v1/bots/{botId}/answer",
        "POST /v1/answer",
        "GET /v1/me",
        "GET /v1/api-keys",
        "POST /v1/api-keys",
        "DELETE /v1/api-keys/{keyId}",
        "GET /v1/data/contact-export",
        "DELETE /v1/data/contact",
        "GET /v1/data/organisation-export",
        "DELETE /v1/data/organisation",
        "GET /v1/audit",
        "GET /v1/audit/export",
        "GET /v1/users",
        "POST /v1/users",
        "GET /v1/users/{userId}",
        "PATCH /v1/users/{userId}",
        "DELETE /v1/users/{userId}",
        "POST /v1/auth/signup",
        "POST /v1/auth/signup/verify",
        "POST /v1/auth/login",
        "POST /v1/auth/refresh",
        "POST /v1/auth/logout",
        "POST /v1/auth/password-reset",
        "POST /v1/auth/password-reset/confirm",
        "POST /v1/auth/invitation/accept",
        "GET /v1/dev/mailbox",
        "GET /webhooks/meta",
        "POST /webhooks/meta",
        "GET /media/uploads/{tenant}/{uploadId}",
        "GET /v1/admin/cluster",
        "GET /v1/admin/cluster/shards",
        "GET /v1/admin/cluster/sessions/{sessionId}/location",
        "POST /v1/admin/cluster/nodes/{nodeId}/drain",
        "POST /v1/admin/cluster/shards/{shard}/move",
        "DELETE /v1/admin/cluster/shards/{shard}/pin",
        "GET /v1/admin/cluster/dead-letters",
        "POST /v1/admin/cluster/dead-letters/{messageId}/replay",
        "DELETE /v1/admin/cluster/dead-letters/{messageId}",
        "PUT /v1/admin/organisations/{organisationId}/plan",
        "POST /v1/admin/billing/plans",
        "GET /v1/billing",
        "GET /v1/billing/plans",
        "POST /v1/billing/subscriptions",
        "POST /v1/billing/subscriptions/{subscriptionId}/confirm",
        "POST /v1/billing/subscriptions/{subscriptionId}/cancel",
        "POST /v1/billing/orders",
        "POST /v1/billing/orders/{orderId}/capture",
        "POST /webhooks/razorpay",
        "GET /v1/shopify/shops",
        "POST /v1/shopify/shops",
        "GET /v1/shopify/shops/{shopDomain}",
        "PATCH /v1/shopify/shops/{shopDomain}",
        "DELETE /v1/shopify/shops/{shopDomain}",
        "POST /v1/shopify/shops/{shopDomain}/sync",
        "GET /v1/shopify/orders",
        "GET /v1/shopify/shops/{shopDomain}/orders/{orderId}",
        "POST /webhooks/shopify",
        "GET /v1/leads",
        "POST /v1/leads",
        "GET /v1/leads/settings",
        "PUT /v1/leads/settings",
        "GET /v1/leads/by-phone/{phoneNumber}",
        "GET /v1/leads/{leadId}",
        "PATCH /v1/leads/{leadId}",
        "DELETE /v1/leads/{leadId}",
        "PUT /v1/leads/{leadId}/status",
        "PUT /v1/leads/{leadId}/automation",
        "POST /v1/leads/{leadId}/interactions",
        "GET /v1/leads/{leadId}/history",
        "GET /v1/social/posts",
        "POST /v1/social/posts",
        "GET /v1/social/posts/{postId}",
        "POST /v1/social/posts/optimize",
        "POST /v1/media/prompts/enhance",
        "POST /v1/social/posts/{postId}/cancel",
        "PUT /v1/social/posts/{postId}/schedule",
        "GET /v1/voice/numbers",
        "POST /v1/voice/numbers",
        "GET /v1/voice/numbers/{numberId}",
        "PATCH /v1/voice/numbers/{numberId}",
        "DELETE /v1/voice/numbers/{numberId}",
        "GET /v1/voice/calls",
        "POST /v1/voice/calls",
        "GET /v1/voice/calls/{callId}",
        "GET /v1/voice/calls/{callId}/recording",
        "GET /v1/voice/stats",
        "GET /v1/voice-agents/voices",
        "POST /webhooks/twilio/voice/{numberId}",
        "POST /webhooks/twilio/status/{numberId}",
        "POST /webhooks/elevenlabs",
        "GET /v1/campaigns",
        "POST /v1/campaigns",
        "GET /v1/campaigns/{campaignId}",
        "PUT /v1/campaigns/{campaignId}",
        "DELETE /v1/campaigns/{campaignId}",
        "POST /v1/campaigns/{campaignId}/launch",
        "POST /v1/campaigns/{campaignId}/schedule",
        "POST /v1/campaigns/{campaignId}/pause",
        "POST /v1/campaigns/{campaignId}/resume",
        "POST /v1/campaigns/{campaignId}/cancel",
        "POST /v1/campaigns/{campaignId}/audience",
        "GET /v1/campaigns/{campaignId}/recipients",
        "GET /v1/campaigns/{campaignId}/metrics",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(operations(&document), expected);

    // Each documented operation is routed: it may fail on its input, but never as "no route".
    for operation in operations(&document) {
        let (method, path) = operation.split_once(' ').unwrap();
        let path = path
            .replace("{botId}", "bot_x")
            .replace("{sessionId}", "ses_x")
            .replace("{userId}", "usr_x")
            .replace("{cannedResponseId}", "cr_x")
            .replace("{voiceAgentId}", "va_x")
            .replace("{keyId}", "key_x")
            .replace("{nodeId}", "node-x")
            .replace("{shard}", "1")
            .replace("{messageId}", "msg-x")
            .replace("{organisationId}", "org_x")
            .replace("{file}", "console.js");
        let reply = app
            .call(method.parse::<Method>().unwrap(), &path, Some("{}"), &[])
            .await;
        assert!(
            !matches!(reply.code(), "method_not_allowed")
                && reply.body["error"]["message"] != "no such route",
            "{operation} is documented but not routed"
        );
    }

    let bot = &document["components"]["schemas"]["BotProfile"];
    assert_eq!(bot["properties"]["widgetKey"]["type"], "string");
    assert_eq!(
        document["components"]["schemas"]["BotSettings"]["required"],
        json!(["botName"])
    );
    let create = &document["paths"]["/v1/bots"]["post"];
    assert_eq!(create["security"], json!([{"bearer": []}]));
    let drain = &document["paths"]["/v1/admin/cluster/nodes/{nodeId}/drain"]["post"];
    assert_eq!(
        drain["security"],
        json!([{"operator": []}]),
        "cluster administration takes the operators' token"
    );
    assert_eq!(drain["tags"], json!(["cluster"]));
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["operator"]["scheme"], "bearer");
    let status = &document["components"]["schemas"]["ClusterStatus"]["properties"];
    assert_eq!(
        status["members"]["items"]["properties"]["nodeId"]["type"],
        "string"
    );
    let login = &document["paths"]["/v1/auth/login"]["post"];
    assert!(login.get("security").is_none(), "signing in needs no token");
    let read = &document["paths"]["/v1/bots/{botId}"]["get"]["parameters"];
    assert!(
        read.as_array()
            .expect("parameters")
            .iter()
            .any(|p| p["name"] == "botId" && p["in"] == "path" && p["required"] == true),
        "{read}"
    );
    assert!(
        create["responses"]["default"].is_object(),
        "errors are documented"
    );
}

#[tokio::test]
async fn schemas_list_exactly_the_fields_responses_carry() {
    let app = TestApp::new().await;
    let document = app.get("/v1/openapi.json").await.body;
    let created = app.create_bot(json!({"botName": "Ava"})).await.body;
    let documented: BTreeSet<&String> =
        document["components"]["schemas"]["BotProfile"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
    for field in created.as_object().unwrap().keys() {
        assert!(
            documented.contains(field),
            "{field} is returned but not documented"
        );
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::new().await;
    let fresh = app.get("/healthz").await;
    assert!(!fresh.headers["x-request-id"].is_empty());
    let given = app
        .call(
            Method::GET,
            "/v1/bots/nope",
            None,
            &[("x-request-id", "req-42")],
        )
        .await;
    assert_eq!(given.headers["x-request-id"], "req-42");
}

#[tokio::test]
async fn the_widget_script_and_demo_page_are_served_from_the_binary() {
    let app = TestApp::new().await;
    botwot_http::widget::demo::ensure_demo_bot(&app.state)
        .await
        .unwrap();
    let script = app.get("/widget.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.content_type().starts_with("text/javascript"));
    assert!(script.body.as_str().unwrap().contains("Socket.IO v4"));
    let page = app
        .call(Method::GET, "/", None, &[("host", "chat.test")])
        .await;
    let html = page.body.as_str().unwrap();
    let demo = app.get("/v1/bots/bot_demo").await.body;
    let key = demo["widgetKey"].as_str().unwrap();
    assert!(
        html.contains(&format!(r#"data-widget-key="{key}""#)),
        "the page runs the demo bot"
    );
    assert!(
        html.contains("http://chat.test/widget.js"),
        "the snippet points at this server"
    );
    assert!(
        html.contains("no knowledge base"),
        "the page says what the demo bot cannot do"
    );
    assert!(!html.contains("cdn"));
    let licenses = app.get("/widget/licenses.txt").await;
    assert!(licenses.body.as_str().unwrap().contains("MIT"));
}

#[tokio::test]
async fn the_console_page_and_its_files_are_served_from_the_binary() {
    let app = TestApp::new().await;
    let page = app.get("/console").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"));
    assert!(page.body.as_str().unwrap().contains("sign-in-form"));
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    let script = app.get("/console/console.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.content_type().starts_with("text/javascript"));
    let client = app.get("/console/socket.io.min.js").await;
    assert!(client.body.as_str().unwrap().contains("Socket.IO v4"));
    let style = app.get("/console/console.css").await;
    assert!(style.content_type().starts_with("text/css"));
    let missing = app.get("/console/nope.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
}

#[tokio::test]
async fn clients_past_their_budget_are_told_to_wait() {
    use botwot_http::config::RateLimitConfig;
    let app = TestApp::with_config(HttpConfig {
        rate_limit: RateLimitConfig {
            per_ip_per_minute: 60,
            burst: 3,
            ..RateLimitConfig::default()
        },
        ..HttpConfig::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.get("/v1/bots").await.status, StatusCode::OK);
    }
    let limited = app.get("/v1/bots").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.code(), "rate_limited");
    assert_eq!(
        limited
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    assert_eq!(
        app.get("/healthz").await.status,
        StatusCode::OK,
        "probes are never limited"
    );
}

#[tokio::test]
async fn pages_carry_security_headers_and_the_demo_page_a_strict_policy() {
    let app = TestApp::new().await;
    for path in ["/", "/v1/bots", "/healthz"] {
        let reply = app.get(path).await;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert_eq!(
            header("referrer-policy").as_deref(),
            Some("no-referrer"),
            "{path}"
        );
    }
    let page = app.get("/").await;
    let policy = page
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a policy");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self' 'sha256-"), "{policy}");
    assert!(
        !policy.contains("script-src 'self' 'unsafe-inline'"),
        "{policy}"
    );
}
