//! Conversation intelligence: a session analysed by the bot's language model (a local server
//! speaking OpenAI's chat-completions format), the analysis kept and answered again until the
//! conversation moves on, and every way it can fail answered with a clear error.

use crate::sessions::converse;
use crate::support::TestApp;
use crate::support::fake_model::FakeModel;
use axum::http::{Method, StatusCode};
use botwot_engine::Channel;
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::{MessageBody, SessionEvent, SessionKey};
use botwot_http::sessions::{Envelope, SessionDispatcher};

const SENTIMENT: &str = r#"{"positive": 10, "negative": 70, "neutral": 20}"#;

#[tokio::test]
async fn a_session_is_analysed_by_the_model_and_the_analysis_kept_until_it_moves_on() {
    let model = FakeModel::start().await;
    let app = TestApp::with_language_model(&model.base_url).await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let session = converse(
        &app,
        &bot,
        Channel::WhatsApp,
        "+15550001",
        &["my parcel is late again", "this is the third time"],
    )
    .await;
    model.answer(SENTIMENT);
    let path = format!("/v1/sessions/{session}/insights/sentiment");

    let analysed = app.call(Method::POST, &path, None, &[]).await;
    assert_eq!(analysed.status, StatusCode::OK, "{:?}", analysed.body);
    assert_eq!(analysed.body["result"]["kind"], "sentiment");
    assert_eq!(analysed.body["result"]["negative"], 70);
    assert_eq!(analysed.body["throughSeq"], 2);
    assert_eq!(analysed.body["provider"], "openai");

    // The request followed OpenAI's format: JSON mode, the instruction, then the transcript.
    let requests = model.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request["model"], "gpt-4o-mini");
    assert_eq!(request["response_format"]["type"], "json_object");
    assert_eq!(request["temperature"], 0.0);
    assert_eq!(request["messages"][0]["role"], "system");
    assert!(
        request["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("positive, negative and neutral")
    );
    assert_eq!(request["messages"][1]["role"], "user");
    assert_eq!(
        request["messages"][1]["content"],
        "Customer: my parcel is late again\nCustomer: this is the third time"
    );

    // Asked again with nothing new said: the kept analysis, without calling the model.
    let again = app.call(Method::POST, &path, None, &[]).await;
    assert_eq!(again.body, analysed.body);
    assert_eq!(model.requests().len(), 1);

    // The conversation moves on: the model reads it again.
    let key = SessionKey::new(
        bot.tenant_id.clone(),
        Channel::WhatsApp,
        bot.id.as_str(),
        "+15550001",
    );
    let later = SessionEvent::Inbound {
        provider_message_id: Some("wamid.later".into()),
        body: MessageBody::text("hello?"),
    };
    let envelope = Envelope {
        key,
        bot_id: bot.id.clone(),
        event: later,
    };
    app.sessions().dispatch(envelope).await.expect("dispatch");
    let moved_on = app.call(Method::POST, &path, None, &[]).await;
    assert_eq!(moved_on.status, StatusCode::OK, "{:?}", moved_on.body);
    assert_eq!(model.requests().len(), 2);
    assert!(moved_on.body["throughSeq"].as_u64().unwrap() > 2);

    // Asked to refresh: the model again, even with nothing new.
    let refreshed = app
        .call(Method::POST, &format!("{path}?refresh=true"), None, &[])
        .await;
    assert_eq!(refreshed.status, StatusCode::OK);
    assert_eq!(model.requests().len(), 3);

    model.answer(r#"{"cause": "Repeated late deliveries of the customer's parcels"}"#);
    let cause = app
        .call(
            Method::POST,
            &format!("/v1/sessions/{session}/insights/cause"),
            None,
            &[],
        )
        .await;
    assert_eq!(cause.status, StatusCode::OK, "{:?}", cause.body);
    let kept = app.get(&format!("/v1/sessions/{session}/insights")).await;
    let kinds: Vec<&str> = kept
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|insight| insight["result"]["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["sentiment", "cause"]);
    // The contact's data export holds the analyses with the session.
    let export = app
        .get("/v1/data/contact-export?channel=whatsapp&contact=%2B15550001")
        .await;
    let exported = &export.body["sessions"][0]["insights"];
    assert_eq!(
        exported[0]["result"]["kind"], "sentiment",
        "{}",
        export.body
    );
    assert_eq!(exported[1]["result"]["kind"], "cause");
    let audit = app.get("/v1/audit").await;
    assert_eq!(
        audit.body["items"][0]["action"],
        "POST /v1/sessions/{sessionId}/insights/{kind}"
    );
}

#[tokio::test]
async fn a_bad_answer_or_an_absent_model_is_a_clear_error_and_nothing_is_kept() {
    let model = FakeModel::start().await;
    let app = TestApp::with_language_model(&model.base_url).await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let session = converse(&app, &bot, Channel::Web, "v1", &["I want to buy 40 chairs"]).await;
    let path = format!("/v1/sessions/{session}/insights/sales");

    model.answer("This customer looks keen to me!");
    let prose = app.call(Method::POST, &path, None, &[]).await;
    assert_eq!(prose.status, StatusCode::BAD_GATEWAY);
    assert_eq!(prose.code(), "language_model_malformed");
    assert!(
        prose.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sales")
    );

    model.answer(
        r#"{"interest": "enormous", "purchaseSignals": [], "objections": [], "nextActions": []}"#,
    );
    let out_of_range = app.call(Method::POST, &path, None, &[]).await;
    assert_eq!(out_of_range.code(), "language_model_malformed");
    assert!(
        out_of_range.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("enormous")
    );

    model.fail(StatusCode::INTERNAL_SERVER_ERROR);
    let down = app.call(Method::POST, &path, None, &[]).await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(down.code(), "language_model_unavailable");

    let kept = app.get(&format!("/v1/sessions/{session}/insights")).await;
    assert_eq!(kept.body, serde_json::json!([]));

    // A bot on a provider this server has no model for.
    let mut settings = BotSettings::named("Bea");
    settings.llm_provider = botwot_engine::LlmProvider::Bedrock;
    let bedrock_bot = app.bot(settings).await;
    let other = converse(&app, &bedrock_bot, Channel::Web, "v2", &["hello"]).await;
    let absent = app
        .call(
            Method::POST,
            &format!("/v1/sessions/{other}/insights/summary"),
            None,
            &[],
        )
        .await;
    assert_eq!(absent.status, StatusCode::CONFLICT);
    assert_eq!(absent.code(), "language_model_not_configured");
}

#[tokio::test]
async fn unknown_kinds_and_other_organisations_sessions_are_refused() {
    let model = FakeModel::start().await;
    let app = TestApp::with_language_model(&model.base_url).await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let session = converse(&app, &bot, Channel::Web, "v1", &["hi"]).await;
    model.answer(SENTIMENT);

    let unknown = app
        .call(
            Method::POST,
            &format!("/v1/sessions/{session}/insights/horoscope"),
            None,
            &[],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.fields_at_fault(), ["kind"]);
    let bad_query = app
        .call(
            Method::POST,
            &format!("/v1/sessions/{session}/insights/sentiment?refresh=maybe"),
            None,
            &[],
        )
        .await;
    assert_eq!(bad_query.status, StatusCode::BAD_REQUEST);
    let missing = app
        .call(
            Method::POST,
            "/v1/sessions/nope/insights/sentiment",
            None,
            &[],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let stranger = app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await
        .bearer();
    let foreign = app
        .call(
            Method::POST,
            &format!("/v1/sessions/{session}/insights/sentiment"),
            None,
            &[("authorization", stranger.as_str())],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let listed = app
        .call(
            Method::GET,
            &format!("/v1/sessions/{session}/insights"),
            None,
            &[("authorization", stranger.as_str())],
        )
        .await;
    assert_eq!(listed.status, StatusCode::NOT_FOUND);
    assert!(model.requests().is_empty(), "nothing reached the model");

    // An agent in the console may ask for suggestions.
    let agent = app
        .account("default", Permissions::of(Role::Agent))
        .await
        .bearer();
    model.answer(r#"{"suggestions": ["Ask for the order number"]}"#);
    let suggested = app
        .call(
            Method::POST,
            &format!("/v1/sessions/{session}/insights/suggestions"),
            None,
            &[("authorization", agent.as_str())],
        )
        .await;
    assert_eq!(suggested.status, StatusCode::OK, "{:?}", suggested.body);
    assert_eq!(
        suggested.body["result"]["suggestions"][0],
        "Ask for the order number"
    );
}

#[tokio::test]
async fn the_dashboard_counts_the_intents_and_sentiment_of_analysed_conversations() {
    let model = FakeModel::start().await;
    let app = TestApp::with_language_model(&model.base_url).await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let analyses = [
        (
            "v1",
            r#"{"intent": "Complaint", "confidence": 0.9}"#,
            (0, 80, 20),
        ),
        (
            "v2",
            r#"{"intent": "complaint", "confidence": 0.7}"#,
            (10, 60, 30),
        ),
        (
            "v3",
            r#"{"intent": "Sales_Lead", "confidence": 0.8}"#,
            (80, 0, 20),
        ),
    ];
    for (visitor, intent, (positive, negative, neutral)) in analyses {
        let session = converse(&app, &bot, Channel::Web, visitor, &["hello"]).await;
        model.answer(intent);
        let path = format!("/v1/sessions/{session}/insights/intent");
        assert_eq!(
            app.call(Method::POST, &path, None, &[]).await.status,
            StatusCode::OK
        );
        model.answer(&format!(
            r#"{{"positive": {positive}, "negative": {negative}, "neutral": {neutral}}}"#
        ));
        let path = format!("/v1/sessions/{session}/insights/sentiment");
        assert_eq!(
            app.call(Method::POST, &path, None, &[]).await.status,
            StatusCode::OK
        );
    }
    // A conversation nobody analysed counts in neither.
    converse(&app, &bot, Channel::Web, "v4", &["hi"]).await;

    let metrics = app.get("/v1/dashboard/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK, "{:?}", metrics.body);
    assert_eq!(metrics.body["totalConversations"], 4);
    assert_eq!(
        metrics.body["topIntents"],
        serde_json::json!([
            {"intent": "complaint", "conversations": 2},
            {"intent": "salesLead", "conversations": 1},
        ])
    );
    // (0 + 10 + 80) / 3, (80 + 60 + 0) / 3, (20 + 30 + 20) / 3.
    let sentiment = &metrics.body["sentiment"];
    assert_eq!(sentiment["analysed"], 3);
    assert_eq!(sentiment["positive"], 30.0);
    let negative = sentiment["negative"].as_f64().unwrap();
    assert!((negative - 140.0 / 3.0).abs() < 1e-9, "{sentiment}");

    // The report has them too: per conversation, and summed up.
    let rows = app.get("/v1/dashboard/export").await;
    let rows = rows.body.as_str().expect("csv").to_owned();
    assert!(
        rows.lines()
            .next()
            .unwrap()
            .ends_with(",intent,positive %,negative %,neutral %")
    );
    assert_eq!(rows.matches(",complaint,").count(), 2, "{rows}");
    assert_eq!(rows.matches(",salesLead,80,0,20").count(), 1, "{rows}");
    let summary = app.get("/v1/dashboard/export?part=summary").await;
    let summary = summary.body.as_str().expect("csv").to_owned();
    assert!(summary.contains("intent complaint,2"), "{summary}");
    assert!(summary.contains("sentiment analysed,3"), "{summary}");
}

#[tokio::test]
async fn a_conversation_held_elsewhere_is_analysed_without_keeping_anything() {
    let model = FakeModel::start().await;
    let app = TestApp::with_language_model(&model.base_url).await;
    model.answer(r#"{"dominant": "Anger"}"#);
    let conversation = serde_json::json!({
        "messages": [
            {"speaker": "customer", "text": "Third time my parcel   is late!"},
            {"speaker": "agent", "text": "I am sorry, let me check."},
        ]
    });
    let analysed = app
        .send(Method::POST, "/v1/insights/emotion", conversation.clone())
        .await;
    assert_eq!(analysed.status, StatusCode::OK, "{:?}", analysed.body);
    assert_eq!(
        analysed.body,
        serde_json::json!({"kind": "emotion", "dominant": "anger"})
    );
    let requests = model.requests();
    assert_eq!(
        requests[0]["messages"][1]["content"],
        "Customer: Third time my parcel is late!\nAgent: I am sorry, let me check."
    );
    let audit = app.get("/v1/audit").await;
    assert_eq!(audit.body["items"][0]["action"], "POST /v1/insights/{kind}");

    // Refused before the model is asked: no lines, an empty or too long one, an unknown kind.
    let empty = app
        .send(
            Method::POST,
            "/v1/insights/emotion",
            serde_json::json!({"messages": []}),
        )
        .await;
    assert_eq!(empty.fields_at_fault(), ["messages"]);
    let long = "x".repeat(4_097);
    let lines = serde_json::json!({"messages": [
        {"speaker": "customer", "text": "  "},
        {"speaker": "bot", "text": long},
    ]});
    let bad = app.send(Method::POST, "/v1/insights/emotion", lines).await;
    assert_eq!(
        bad.fields_at_fault(),
        ["messages[0].text", "messages[1].text"]
    );
    let unknown = app
        .send(Method::POST, "/v1/insights/horoscope", conversation.clone())
        .await;
    assert_eq!(unknown.fields_at_fault(), ["kind"]);
    let stranger = serde_json::json!({"messages": [{"speaker": "alien", "text": "hi"}]});
    let refused = app
        .send(Method::POST, "/v1/insights/emotion", stranger)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        refused.body
    );
    assert_eq!(model.requests().len(), 1);

    // A provider without a model on this server.
    let mut bedrock = conversation;
    bedrock["provider"] = serde_json::json!("bedrock");
    let absent = app
        .send(Method::POST, "/v1/insights/emotion", bedrock)
        .await;
    assert_eq!(absent.code(), "language_model_not_configured");
}
