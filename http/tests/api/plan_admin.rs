//! An operator moves an organisation to another plan through the administration route: the
//! limits in force change at once for its users, the organisation's audit log says so, and an
//! unknown organisation or tier is refused without changing anything.

use crate::cluster_admin::{OPERATOR, with_token};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_operator_changes_an_organisations_plan_and_its_limits_follow() {
    let app = TestApp::with_config(with_token()).await;
    let before = app.get("/v1/me").await.body["organisation"].clone();
    let organisation = before["id"].as_str().expect("id").to_owned();
    // The test organisation starts on ENTERPRISE (nothing limited).
    assert_eq!(before["subscriptionTier"], "ENTERPRISE");
    assert_eq!(before["limits"]["voiceAgents"], serde_json::Value::Null);
    let path = format!("/v1/admin/organisations/{organisation}/plan");
    let put = |path: String, body: serde_json::Value| {
        let app = &app;
        async move {
            let body = body.to_string();
            app.call(Method::PUT, &path, Some(&body), &[OPERATOR]).await
        }
    };

    let changed = put(path.clone(), json!({"tier": "PRO"})).await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["subscriptionTier"], "PRO");
    assert_eq!(changed.body["limits"]["voiceAgents"], 5);
    let me = app.get("/v1/me").await.body;
    assert_eq!(me["organisation"]["subscriptionTier"], "PRO");
    assert_eq!(me["organisation"]["limits"]["bots"], 10);

    let audit = app.get("/v1/audit").await.body;
    let entries = audit["items"].as_array().expect("entries");
    let change = entries
        .iter()
        .find(|entry| entry["action"] == "organisation.plan")
        .unwrap_or_else(|| panic!("audited: {audit}"));
    assert_eq!(change["target"], "ENTERPRISE → PRO");
    assert_eq!(change["actor"]["kind"], "operator");

    let unknown = put(
        "/v1/admin/organisations/org_nobody/plan".into(),
        json!({"tier": "PRO"}),
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let gold = put(path.clone(), json!({"tier": "GOLD"})).await;
    assert_eq!(gold.status, StatusCode::BAD_REQUEST, "{:?}", gold.body);
    let after = app.get("/v1/me").await.body;
    assert_eq!(
        after["organisation"]["subscriptionTier"], "PRO",
        "unchanged"
    );
}
