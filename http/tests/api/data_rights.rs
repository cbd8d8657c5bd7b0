//! Exporting everything held about a contact, or about the organisation.

use crate::sessions::converse;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use botwot_engine::Channel;
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;

#[tokio::test]
async fn a_contacts_export_holds_their_sessions_and_nobody_elses() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let theirs = converse(
        &app,
        &bot,
        Channel::Web,
        "visitor-1",
        &["my order 42", "thanks"],
    )
    .await;
    converse(&app, &bot, Channel::Web, "visitor-2", &["someone else"]).await;
    converse(
        &app,
        &bot,
        Channel::WhatsApp,
        "visitor-1",
        &["same id, other channel"],
    )
    .await;

    let export = app
        .get("/v1/data/contact-export?channel=web&contact=visitor-1")
        .await;
    assert_eq!(export.status, StatusCode::OK, "{:?}", export.body);
    let sessions = export.body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["session"]["id"], theirs.as_str());
    let texts: Vec<&str> = sessions[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|message| message["body"]["text"].as_str())
        .collect();
    assert_eq!(texts, ["my order 42", "thanks"]);
    let text = export.body.to_string();
    assert!(!text.contains("someone else") && !text.contains("other channel"));

    let bad = app
        .get("/v1/data/contact-export?channel=fax&contact=")
        .await;
    assert_eq!(bad.fields_at_fault(), ["channel", "contact"]);
    let other = app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await
        .bearer();
    let foreign = app
        .call(
            Method::GET,
            "/v1/data/contact-export?channel=web&contact=visitor-1",
            None,
            &[("authorization", other.as_str())],
        )
        .await;
    assert_eq!(foreign.body["sessions"].as_array().map(Vec::len), Some(0));
    let agent = app
        .account("default", Permissions::of(Role::Agent))
        .await
        .bearer();
    let refused = app
        .call(
            Method::GET,
            "/v1/data/organisation-export",
            None,
            &[("authorization", agent.as_str())],
        )
        .await;
    assert_eq!(refused.code(), "forbidden");
}

#[tokio::test]
async fn the_organisation_export_holds_everything_but_secrets() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    converse(&app, &bot, Channel::Web, "visitor-1", &["hello"]).await;
    app.send(
        Method::POST,
        "/v1/api-keys",
        serde_json::json!({"name": "k", "modules": ["4"]}),
    )
    .await;
    app.send(
        Method::POST,
        "/v1/canned-responses",
        serde_json::json!({"shortcut": "/hours", "text": "We open at nine."}),
    )
    .await;
    app.send(
        Method::POST,
        "/v1/voice-agents",
        serde_json::json!({"name": "Front desk"}),
    )
    .await;
    let export = app.get("/v1/data/organisation-export").await;
    assert_eq!(export.status, StatusCode::OK, "{:?}", export.body);
    let body = &export.body;
    assert_eq!(body["organisation"]["id"], "default");
    assert_eq!(body["users"][0]["id"], app.owner.user.id.to_string());
    assert_eq!(body["bots"][0]["botName"], "Ava");
    assert_eq!(body["sessions"][0]["messages"][0]["body"]["text"], "hello");
    assert_eq!(body["apiKeys"][0]["name"], "k");
    assert_eq!(body["cannedResponses"][0]["shortcut"], "/hours");
    assert_eq!(body["voiceAgents"][0]["name"], "Front desk");
    assert_eq!(body["audit"][0]["action"], "POST /v1/voice-agents");
    let text = body.to_string();
    assert!(!text.contains("passwordHash") && !text.contains("digest"));
}

#[tokio::test]
async fn erasing_a_contact_removes_their_sessions_and_leaves_others() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let gone = converse(
        &app,
        &bot,
        Channel::Web,
        "visitor-1",
        &["my phone is 555", "bye"],
    )
    .await;
    let kept = converse(&app, &bot, Channel::Web, "visitor-2", &["hello"]).await;
    let erased = app
        .call(
            Method::DELETE,
            "/v1/data/contact?channel=web&contact=visitor-1",
            None,
            &[],
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.body);
    assert_eq!(erased.body["erasedSessions"], 1);
    assert_eq!(erased.body["erasedMessages"], 2);
    let export = app
        .get("/v1/data/contact-export?channel=web&contact=visitor-1")
        .await;
    assert_eq!(export.body["sessions"].as_array().map(Vec::len), Some(0));
    let sessions = app.get("/v1/sessions").await;
    let ids: Vec<&str> = sessions.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|session| session["id"].as_str())
        .collect();
    assert_eq!(ids, [kept.as_str()]);
    let audit = app.get("/v1/audit").await;
    assert_eq!(audit.body["items"][0]["action"], "DELETE /v1/data/contact");
    assert!(
        !audit.body.to_string().contains("visitor-1"),
        "the audit log names no contact"
    );

    // The contact may come back: a fresh conversation starts, not the erased one reopened from
    // what its actor remembered.
    let fresh = converse(&app, &bot, Channel::Web, "visitor-1", &["hi again"]).await;
    assert_ne!(fresh, gone);
    let export = app
        .get("/v1/data/contact-export?channel=web&contact=visitor-1")
        .await;
    let sessions = export.body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["session"]["id"], fresh.as_str());
    assert_eq!(sessions[0]["session"]["reopenedCount"], 0);
    let messages = sessions[0]["messages"].as_array().unwrap();
    assert_eq!(messages[0]["body"]["text"], "hi again");
    assert_eq!(messages[0]["seq"], 1);
}

#[tokio::test]
async fn only_a_superadmin_naming_the_organisation_erases_it() {
    let app = TestApp::new().await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    converse(&app, &bot, Channel::Web, "visitor-1", &["hello"]).await;
    let kb = app
        .send(
            Method::POST,
            "/v1/knowledge-bases",
            serde_json::json!({"name": "FAQ"}),
        )
        .await;
    let kb_path = format!(
        "/v1/knowledge-bases/{}/documents?fileName=faq.txt",
        kb.body["id"].as_str().unwrap()
    );
    let uploaded = app
        .upload(
            &kb_path,
            b"Opening hours: nine to six.".to_vec(),
            "text/plain",
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::CREATED);
    // Erased once ingested, so nothing is still being written when the erasure is checked.
    let document = app
        .ingestion_finished(
            kb.body["id"].as_str().unwrap(),
            uploaded.body["id"].as_str().unwrap(),
        )
        .await;
    assert_eq!(document["stage"], "ready");
    let with_kb = serde_json::json!({"name": "Front desk", "knowledgeBaseIds": [kb.body["id"]]});
    let voice = app.send(Method::POST, "/v1/voice-agents", with_kb).await;
    assert_eq!(voice.status, StatusCode::CREATED, "{:?}", voice.body);
    let other = app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await;
    let settings = app
        .account(
            "default",
            Permissions::of(Role::Custom)
                .granting([botwot_engine::access::Module::SYSTEM_SETTINGS]),
        )
        .await
        .bearer();
    let body = r#"{"confirm": "default"}"#;
    let refused = app
        .call(
            Method::DELETE,
            "/v1/data/organisation",
            Some(body),
            &[("authorization", settings.as_str())],
        )
        .await;
    assert_eq!(refused.code(), "forbidden");
    let unnamed = app
        .call(
            Method::DELETE,
            "/v1/data/organisation",
            Some(r#"{"confirm": "Default"}"#),
            &[],
        )
        .await;
    assert_eq!(unnamed.fields_at_fault(), ["confirm"]);

    let erased = app
        .call(Method::DELETE, "/v1/data/organisation", Some(body), &[])
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.body);
    assert!(erased.body["erasedRecords"].as_u64().unwrap() >= 6);
    let gone = app.get("/v1/me").await;
    assert_eq!(gone.code(), "invalid_token");
    let knowledge_files = app.state.knowledge.blobs.list("kb/default/").await.unwrap();
    assert_eq!(
        knowledge_files,
        Vec::<String>::new(),
        "uploads and indexes are erased"
    );
    let default = botwot_engine::TenantId::from("default");
    assert_eq!(
        app.node.store.get_organisation(&default).await.unwrap(),
        None
    );
    assert_eq!(
        app.node
            .store
            .count_voice_agents(&default, 10)
            .await
            .unwrap(),
        0,
        "voice agents are erased"
    );
    let theirs = app
        .call(
            Method::GET,
            "/v1/me",
            None,
            &[("authorization", other.bearer().as_str())],
        )
        .await;
    assert_eq!(
        theirs.status,
        StatusCode::OK,
        "other organisations are untouched"
    );
}
