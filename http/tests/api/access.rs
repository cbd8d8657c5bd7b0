//! Who may call what, walked over the OpenAPI document: every signed-in operation is in the
//! access map; each role reaches exactly the modules the map gives it; another organisation's
//! token never reaches, changes or sees this organisation's records. Then managing users:
//! invitations, escalation limits and the plan's user limit.

use crate::support::{Account, Reply, TestApp};
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Module, Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::{Channel, MessageBody, SessionEvent, SessionKey};
use botwot_http::auth::access_map::access_of;
use botwot_http::{Envelope, SessionDispatcher};
use serde_json::{Value, json};

/// Every operation of the document that needs a tenant's token, as (method, path template).
/// The cluster administration routes take the operators' token instead (see `cluster_admin`).
async fn signed_in_operations(app: &TestApp) -> Vec<(Method, String)> {
    let document = app.get("/v1/openapi.json").await.body;
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if operation["security"] == json!([{"bearer": []}]) {
                found.push((method.to_uppercase().parse().expect("method"), path.clone()));
            }
        }
    }
    assert!(found.len() >= 18, "{found:?}");
    found
}

fn filled(path: &str, ids: &Ids) -> String {
    path.replace("{botId}", &ids.bot)
        .replace("{sessionId}", &ids.session)
        .replace("{userId}", &ids.user)
        .replace("{cannedResponseId}", &ids.canned)
        .replace("{voiceAgentId}", &ids.voice_agent)
}

async fn call_as(
    app: &TestApp,
    account: &Account,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> Reply {
    let bearer = account.bearer();
    app.call(method, path, body, &[("authorization", bearer.as_str())])
        .await
}

/// Records of one organisation that the others must never reach.
struct Ids {
    bot: String,
    session: String,
    user: String,
    email: String,
    canned: String,
    voice_agent: String,
}

async fn records_of(app: &TestApp, owner: &Account) -> Ids {
    let bot = app.bot(BotSettings::named("Private bot")).await;
    let key = SessionKey {
        tenant_id: owner.tenant().clone(),
        channel: Channel::Web,
        channel_account: bot.id.to_string(),
        contact: "visitor-secret".into(),
    };
    let outcome = app
        .sessions()
        .dispatch(Envelope {
            key,
            bot_id: bot.id.clone(),
            event: SessionEvent::Inbound {
                provider_message_id: Some("secret-1".into()),
                body: MessageBody::text("my private question"),
            },
        })
        .await;
    assert!(outcome.is_ok(), "{outcome:?}");
    let sessions = app.get("/v1/sessions").await.body;
    let agent = app.account("default", Permissions::of(Role::Agent)).await;
    let canned = app
        .send(
            Method::POST,
            "/v1/canned-responses",
            json!({"shortcut": "/secret-shortcut", "text": "private canned text"}),
        )
        .await;
    assert_eq!(canned.status, StatusCode::CREATED, "{:?}", canned.body);
    let voice = app
        .send(
            Method::POST,
            "/v1/voice-agents",
            json!({"name": "Private voice line",
                   "promptConfig": {"systemPrompt": "private voice prompt"}}),
        )
        .await;
    assert_eq!(voice.status, StatusCode::CREATED, "{:?}", voice.body);
    Ids {
        canned: canned.body["id"].as_str().expect("an id").to_owned(),
        voice_agent: voice.body["id"].as_str().expect("an id").to_owned(),
        bot: bot.id.to_string(),
        session: sessions["items"][0]["id"]
            .as_str()
            .expect("a session")
            .to_owned(),
        user: agent.user.id.to_string(),
        email: agent.user.email,
    }
}

#[tokio::test]
async fn every_signed_in_operation_has_an_access_rule() {
    let app = TestApp::new().await;
    for (method, path) in signed_in_operations(&app).await {
        assert!(
            access_of(&method, &path).is_some(),
            "{method} {path} is not in the access map"
        );
    }
}

#[tokio::test]
async fn each_role_reaches_exactly_its_modules() {
    let app = TestApp::new().await;
    let ids = records_of(&app, &app.owner).await;
    let custom_reports = Permissions::of(Role::Custom).granting([Module {
        major: 5,
        minor: Some(2),
    }]);
    let custom_live_chat_and_bots =
        Permissions::of(Role::Custom).granting([Module::LIVE_CHAT, Module::BOT_CONFIGURATION]);
    let agent_with_whatsapp = Permissions::of(Role::Agent).granting([Module::WHATSAPP]);
    let roles = [
        Permissions::of(Role::SuperAdmin),
        Permissions::of(Role::Manager),
        Permissions::of(Role::Agent),
        Permissions::of(Role::Custom),
        custom_reports,
        custom_live_chat_and_bots,
        agent_with_whatsapp,
    ];
    let operations = signed_in_operations(&app).await;
    for permissions in roles {
        let account = app.account("default", permissions.clone()).await;
        for (method, path) in &operations {
            let access = access_of(method, path).expect("classified");
            // Reads only: a write that is allowed would change what the next role sees.
            let reply = if *method == Method::GET {
                call_as(&app, &account, method.clone(), &filled(path, &ids), None).await
            } else {
                call_as(
                    &app,
                    &account,
                    method.clone(),
                    &filled(path, &ids)
                        .replace(&ids.bot, "bot_none")
                        .replace(&ids.session, "ses_none")
                        .replace(&ids.user, "usr_none")
                        .replace(&ids.canned, "cr_none")
                        .replace(&ids.voice_agent, "va_none"),
                    Some("{"),
                )
                .await
            };
            let refused = reply.status == StatusCode::FORBIDDEN && reply.code() == "forbidden";
            assert_eq!(
                refused,
                !access.allows(&permissions),
                "{:?} {method} {path}: {:?}",
                permissions,
                reply.body
            );
            if !refused {
                assert!(reply.status != StatusCode::UNAUTHORIZED, "{method} {path}");
            }
        }
    }
}

#[tokio::test]
async fn another_organisations_token_never_reaches_this_ones_records() {
    let app = TestApp::new().await;
    let ids = records_of(&app, &app.owner).await;
    let intruder = app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await;
    let bodies = [
        None,
        Some(r#"{}"#),
        Some(r#"{"botName": "Taken over", "status": "DISABLED", "role": "AGENT"}"#),
    ];
    for (method, path) in signed_in_operations(&app).await {
        let url = filled(&path, &ids);
        for body in bodies {
            let reply = call_as(&app, &intruder, method.clone(), &url, body).await;
            let text = reply.body.to_string();
            // What the caller did not name itself must not come back.
            let ids_not_asked = [
                &ids.bot,
                &ids.session,
                &ids.user,
                &ids.canned,
                &ids.voice_agent,
            ]
            .into_iter()
            .filter(|id| !url.contains(id.as_str()))
            .map(String::as_str);
            let private = [
                "Private bot",
                "visitor-secret",
                "my private question",
                "private canned text",
                "/secret-shortcut",
                "Private voice line",
                "private voice prompt",
                ids.email.as_str(),
            ];
            for secret in ids_not_asked.chain(private) {
                assert!(
                    !text.contains(secret),
                    "{method} {url} leaked {secret}: {text}"
                );
            }
            if path.contains('{') {
                assert!(
                    matches!(reply.status.as_u16(), 400 | 403 | 404 | 415 | 422),
                    "{method} {url} answered {}: {text}",
                    reply.status
                );
            }
        }
    }
    // Nothing of the first organisation changed.
    let bot = app.get(&format!("/v1/bots/{}", ids.bot)).await;
    assert_eq!(bot.body["botName"], "Private bot");
    let session = app.get(&format!("/v1/sessions/{}", ids.session)).await;
    assert_eq!(session.body["status"], "open", "{:?}", session.body);
    let user = app.get(&format!("/v1/users/{}", ids.user)).await;
    assert_eq!(user.body["status"], "ACTIVE");
    assert_eq!(user.body["role"], "AGENT");
    let session = &session.body;
    assert_eq!(session["responder"]["kind"], "bot", "nobody took it over");
    let canned = app
        .get(&format!("/v1/canned-responses/{}", ids.canned))
        .await;
    assert_eq!(canned.body["text"], "private canned text");
    let voice_agent = app
        .get(&format!("/v1/voice-agents/{}", ids.voice_agent))
        .await;
    assert_eq!(voice_agent.body["name"], "Private voice line");
    assert_eq!(
        voice_agent.body["promptConfig"]["systemPrompt"],
        "private voice prompt"
    );
}

#[tokio::test]
async fn an_invited_agent_accepts_and_works_within_the_agent_modules() {
    let app = TestApp::new().await;
    let invited = app
        .send(
            Method::POST,
            "/v1/users",
            json!({"email": "Agent.Smith@default.test", "firstName": "Smith", "role": "AGENT"}),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{:?}", invited.body);
    assert_eq!(invited.body["status"], "INVITED");
    assert_eq!(invited.body["modules"], json!(["4", "10", "11"]));
    let id = invited.body["id"].as_str().unwrap().to_owned();
    let twice = app
        .send(
            Method::POST,
            "/v1/users",
            json!({"email": "agent.smith@default.test", "role": "AGENT"}),
        )
        .await;
    assert_eq!(twice.code(), "email_taken");

    // Not signed in before accepting.
    let early = app
        .call(
            Method::POST,
            "/v1/auth/login",
            Some(r#"{"email": "agent.smith@default.test", "password": "whatever it is"}"#),
            &[("authorization", "")],
        )
        .await;
    assert_eq!(early.code(), "invalid_credentials");
    let code = app.mailed_code("agent.smith@default.test").await;
    let accepted = app
        .call(
            Method::POST,
            "/v1/auth/invitation/accept",
            Some(&json!({"email": "agent.smith@default.test", "code": code, "password": "agent password 1"}).to_string()),
            &[("authorization", "")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    let token = format!("Bearer {}", accepted.body["accessToken"].as_str().unwrap());
    let agent = [("authorization", token.as_str())];
    assert_eq!(
        app.call(Method::GET, "/v1/sessions", None, &agent)
            .await
            .status,
        StatusCode::OK
    );
    let bots = app.call(Method::GET, "/v1/bots", None, &agent).await;
    assert_eq!(
        (bots.status, bots.code()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        bots.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Bot Configuration")
    );

    // Disabled: refused at once, with the token still unexpired.
    let disabled = app
        .send(
            Method::PATCH,
            &format!("/v1/users/{id}"),
            json!({"status": "DISABLED"}),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{:?}", disabled.body);
    let refused = app.call(Method::GET, "/v1/sessions", None, &agent).await;
    assert_eq!(refused.code(), "account_disabled");
    let deleted = app
        .call(Method::DELETE, &format!("/v1/users/{id}"), None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = app.call(Method::GET, "/v1/sessions", None, &agent).await;
    assert_eq!(gone.code(), "invalid_token");
}

#[tokio::test]
async fn nobody_grants_more_than_they_hold() {
    let app = TestApp::new().await;
    let manager = app.account("default", Permissions::of(Role::Manager)).await;
    let post = |body: Value| {
        let manager = manager.clone();
        let app = &app;
        async move {
            call_as(
                app,
                &manager,
                Method::POST,
                "/v1/users",
                Some(&body.to_string()),
            )
            .await
        }
    };
    let admin = post(json!({"email": "boss@default.test", "role": "SUPERADMIN"})).await;
    assert_eq!(admin.code(), "forbidden");
    let bots =
        post(json!({"email": "bots@default.test", "role": "CUSTOM", "modules": ["2"]})).await;
    assert_eq!(bots.code(), "forbidden");
    assert!(
        bots.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not 2")
    );
    let reports =
        post(json!({"email": "reports@default.test", "role": "CUSTOM", "modules": ["5.2"]})).await;
    assert_eq!(reports.status, StatusCode::CREATED, "{:?}", reports.body);
    let bad_module =
        post(json!({"email": "x@default.test", "role": "CUSTOM", "modules": ["14"]})).await;
    assert_eq!(bad_module.code(), "invalid_json");

    // Nor changes their own access, nor removes themselves.
    let own = format!("/v1/users/{}", manager.user.id);
    let promote = call_as(
        &app,
        &manager,
        Method::PATCH,
        &own,
        Some(r#"{"role": "SUPERADMIN"}"#),
    )
    .await;
    assert_eq!(promote.code(), "forbidden");
    let leave = call_as(&app, &manager, Method::DELETE, &own, None).await;
    assert_eq!(leave.code(), "forbidden");
    // A manager cannot touch the owner.
    let owner = format!("/v1/users/{}", app.owner.user.id);
    let demote = call_as(
        &app,
        &manager,
        Method::PATCH,
        &owner,
        Some(r#"{"role": "AGENT"}"#),
    )
    .await;
    assert_eq!(demote.code(), "forbidden");
}

#[tokio::test]
async fn the_base_plan_stops_at_five_users_and_three_bots_naming_the_limit() {
    let app = TestApp::new().await;
    let token = app
        .sign_up_base_organisation("owner@small.test", "Small")
        .await;
    let owner = [("authorization", token.as_str())];
    for n in 1..5 {
        let body = json!({"email": format!("u{n}@small.test"), "role": "AGENT"}).to_string();
        let reply = app
            .call(Method::POST, "/v1/users", Some(&body), &owner)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{n}: {:?}", reply.body);
    }
    let body = json!({"email": "u5@small.test", "role": "AGENT"}).to_string();
    let refused = app
        .call(Method::POST, "/v1/users", Some(&body), &owner)
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "plan_limit_reached")
    );
    assert_eq!(
        refused.body["error"]["message"],
        "the plan allows 5 users and 5 are in use; upgrade the plan to add more"
    );
    let listed = app.call(Method::GET, "/v1/users", None, &owner).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 5);

    // Three bots on BASE; a deleted one frees its place.
    let mut ids = Vec::new();
    for n in 0..3 {
        let body = json!({"botName": format!("Bot {n}")}).to_string();
        let reply = app
            .call(Method::POST, "/v1/bots", Some(&body), &owner)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{n}: {:?}", reply.body);
        ids.push(reply.body["id"].as_str().unwrap().to_owned());
    }
    let body = json!({"botName": "One too many"}).to_string();
    let refused = app
        .call(Method::POST, "/v1/bots", Some(&body), &owner)
        .await;
    assert_eq!(refused.code(), "plan_limit_reached");
    assert_eq!(
        refused.body["error"]["message"],
        "the plan allows 3 bots and 3 are in use; upgrade the plan to add more"
    );
    let path = format!("/v1/bots/{}", ids[0]);
    app.call(Method::DELETE, &path, None, &owner).await;
    let again = app
        .call(Method::POST, "/v1/bots", Some(&body), &owner)
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
}
