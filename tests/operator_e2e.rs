//! The operator's commands against a real store: `botwot set-plan` moves an organisation to
//! another plan, and the limits in force change with it (a BASE organisation's second voice
//! agent is refused, a PRO one's is created), with the change in the organisation's audit log.
//! With the embedded store the command refuses to run beside the server that holds the file.

mod support;

use serde_json::{Value, json};
use support::Server;

fn voice_agent(name: &str) -> Value {
    json!({ "name": name })
}

#[tokio::test]
async fn an_operator_upgrades_an_organisation_and_its_limits_follow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Server::start(dir.path(), &[]).await;
    let (_, me) = server.get("/v1/me").await;
    let organisation = me["organisation"]["id"].as_str().expect("id").to_owned();
    assert_eq!(me["organisation"]["subscriptionTier"], "BASE");
    assert_eq!(me["organisation"]["limits"]["voiceAgents"], 1);

    let (status, _) = server
        .post("/v1/voice-agents", voice_agent("Front desk"))
        .await;
    assert_eq!(status, 201);
    let (status, refused) = server
        .post("/v1/voice-agents", voice_agent("After hours"))
        .await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"]["code"], "plan_limit_reached");

    // The embedded store belongs to the running server: the command says so and changes nothing.
    let busy = server.operator(&["set-plan", &organisation, "PRO"]);
    assert!(!busy.status.success());
    let said = String::from_utf8_lossy(&busy.stderr);
    assert!(said.contains("stop the server first"), "{said}");

    server.kill();
    let unknown_tier = server.operator(&["set-plan", &organisation, "GOLD"]);
    assert!(!unknown_tier.status.success());
    assert!(String::from_utf8_lossy(&unknown_tier.stderr).contains("BASE, PRO or ENTERPRISE"));
    let unknown_org = server.operator(&["set-plan", "org_nobody", "PRO"]);
    assert!(!unknown_org.status.success());
    assert!(String::from_utf8_lossy(&unknown_org.stderr).contains("no organisation org_nobody"));

    let upgraded = server.operator(&["set-plan", &organisation, "pro"]);
    assert!(
        upgraded.status.success(),
        "{}",
        String::from_utf8_lossy(&upgraded.stderr)
    );
    let printed: Value = serde_json::from_slice(&upgraded.stdout).expect("JSON");
    assert_eq!(printed["organisation"]["subscriptionTier"], "PRO");
    assert_eq!(printed["limits"]["voiceAgents"], 5);

    server.start_again().await;
    let (_, me) = server.get("/v1/me").await;
    assert_eq!(me["organisation"]["subscriptionTier"], "PRO");
    let (status, created) = server
        .post("/v1/voice-agents", voice_agent("After hours"))
        .await;
    assert_eq!(status, 201, "{created}");
    let (_, audit) = server.get("/v1/audit").await;
    let entries = audit["items"].as_array().expect("audit entries");
    let change = entries
        .iter()
        .find(|entry| entry["action"] == "organisation.plan")
        .unwrap_or_else(|| panic!("the plan change is audited: {audit}"));
    assert_eq!(change["target"], "BASE → PRO");
    assert_eq!(change["actor"]["kind"], "operator");
}
