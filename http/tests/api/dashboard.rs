//! The dashboard over REST: metrics of a known set of conversations (made through the session
//! dispatcher and the handover routes, as the other tests make them), the CSV and XLSX reports,
//! range errors, who may see the dashboard, and each user's widget layout.

use crate::sessions::converse;
use crate::support::{Account, Reply, TestApp};
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::{BotProfile, Channel, SessionEvent, SessionKey};
use botwot_http::{Envelope, SessionDispatcher};
use serde_json::{Value, json};

/// The bot answers the contact's first message (sequence 1).
async fn bot_answers(app: &TestApp, bot: &BotProfile, channel: Channel, visitor: &str) {
    let envelope = Envelope {
        key: SessionKey::new(bot.tenant_id.clone(), channel, bot.id.as_str(), visitor),
        bot_id: bot.id.clone(),
        event: SessionEvent::BotReplied {
            in_reply_to: 1,
            text: "Here to help.".into(),
            wants_human: false,
        },
    };
    app.sessions().dispatch(envelope).await.expect("dispatch");
}

async fn post(app: &TestApp, account: &Account, path: &str, body: Option<Value>) -> Reply {
    let body = body.map(|body| body.to_string());
    let reply = app
        .call(
            Method::POST,
            path,
            body.as_deref(),
            &[("authorization", &account.bearer())],
        )
        .await;
    assert!(reply.status.is_success(), "{path}: {}", reply.body);
    reply
}

/// Four conversations of the default organisation:
/// - web `v_a`: answered by the bot, then closed: bot only, resolved;
/// - web `v_b`: answered by the bot, still open: bot only, active;
/// - WhatsApp `v_c`: an agent takes over and replies, then it is closed: agent, resolved;
/// - Messenger `v_d`: nobody answers, then it is closed: unanswered, not resolved.
async fn known_conversations(app: &TestApp) -> Vec<String> {
    let bot = app.bot(BotSettings::named("Ava")).await;
    let agent = app.account("default", Permissions::of(Role::Agent)).await;
    let owner = app.owner.clone();
    let a = converse(app, &bot, Channel::Web, "v_a", &["hi"]).await;
    bot_answers(app, &bot, Channel::Web, "v_a").await;
    post(app, &owner, &format!("/v1/sessions/{a}/close"), None).await;
    let b = converse(app, &bot, Channel::Web, "v_b", &["hello"]).await;
    bot_answers(app, &bot, Channel::Web, "v_b").await;
    let c = converse(app, &bot, Channel::WhatsApp, "v_c", &["a human please"]).await;
    post(app, &agent, &format!("/v1/sessions/{c}/takeover"), None).await;
    let reply = Some(json!({"text": "Alice here."}));
    post(app, &agent, &format!("/v1/sessions/{c}/messages"), reply).await;
    post(app, &owner, &format!("/v1/sessions/{c}/close"), None).await;
    let d = converse(app, &bot, Channel::Messenger, "v_d", &["anyone?"]).await;
    post(app, &owner, &format!("/v1/sessions/{d}/close"), None).await;
    vec![a, b, c, d]
}

fn ms(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("not a duration: {value}"))
}

fn assert_ordered(percentiles: &Value, count: u64) {
    assert_eq!(percentiles["count"], count, "{percentiles}");
    let (p50, p90, p95) = (
        ms(&percentiles["p50"]),
        ms(&percentiles["p90"]),
        ms(&percentiles["p95"]),
    );
    assert!(p50 <= p90 && p90 <= p95, "{percentiles}");
}

#[tokio::test]
async fn metrics_of_known_conversations_match_hand_counts() {
    let app = TestApp::new().await;
    let ids = known_conversations(&app).await;
    let reply = app.get("/v1/dashboard/metrics").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let metrics = reply.body;
    // A, B, C, D; B is open; A, C, D closed, of which A and C answered: 2 / 3 resolved.
    assert_eq!(metrics["totalConversations"], 4);
    assert_eq!(metrics["activeSessions"], 1);
    assert_eq!(metrics["closedConversations"], 3);
    assert_eq!(metrics["resolvedConversations"], 2);
    assert_eq!(metrics["resolutionRate"].as_f64(), Some(2.0 / 3.0));
    assert_eq!(metrics["averageSatisfaction"], Value::Null);
    assert_eq!(metrics["truncated"], false);
    // Only C had an agent's reply; it ended resolved and is not rated yet.
    let agents = metrics["agents"].as_array().expect("agents");
    assert_eq!(agents.len(), 1, "{agents:?}");
    assert_eq!(agents[0]["conversations"], 1);
    assert_eq!(agents[0]["resolvedConversations"], 1);
    assert_eq!(agents[0]["ratedConversations"], 0);
    assert_eq!(agents[0]["averageSatisfaction"], Value::Null);
    // The contact of C rates it 4: the agent's satisfaction, and the organisation's.
    let owner = app.owner.clone();
    let rating = Some(json!({"score": 4}));
    let rated = post(
        &app,
        &owner,
        &format!("/v1/sessions/{}/rating", ids[2]),
        rating,
    )
    .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
    let rated = app.get("/v1/dashboard/metrics").await.body;
    assert_eq!(rated["averageSatisfaction"].as_f64(), Some(4.0));
    assert_eq!(rated["agents"][0]["ratedConversations"], 1);
    assert_eq!(
        rated["agents"][0]["averageSatisfaction"].as_f64(),
        Some(4.0)
    );
    assert_eq!(rated["agents"][0]["agentId"], agents[0]["agentId"]);
    // A, B and C were each answered once; D never was.
    assert_ordered(&metrics["firstResponseMs"], 3);
    assert_ordered(&metrics["responseMs"], 3);
    assert_eq!(
        metrics["channels"],
        json!([
            {"channel": "web", "conversations": 2},
            {"channel": "whatsapp", "conversations": 1},
            {"channel": "messenger", "conversations": 1},
            {"channel": "instagram", "conversations": 0},
            {"channel": "voice", "conversations": 0},
        ])
    );
    let handling = &metrics["handling"];
    assert_eq!(
        (
            &handling["botOnly"],
            &handling["agent"],
            &handling["unanswered"]
        ),
        (&json!(2), &json!(1), &json!(1))
    );
    // The default range is seven days: counted per day, every conversation in it.
    let series = &metrics["conversationsOverTime"];
    assert_eq!(series["bucket"], "day");
    let points = series["points"].as_array().expect("points");
    let total: u64 = points.iter().map(|p| ms(&p["conversations"])).sum();
    assert_eq!(total, 4);

    let web = app.get("/v1/dashboard/metrics?channel=web").await;
    assert_eq!(web.body["totalConversations"], 2, "{}", web.body);
    assert_eq!(web.body["handling"]["botOnly"], 2);
    // A range that ended before any of them: nothing.
    let past = app
        .get("/v1/dashboard/metrics?from=2020-01-01T00:00:00Z&to=1577923200000")
        .await;
    assert_eq!(past.status, StatusCode::OK, "{}", past.body);
    assert_eq!(past.body["totalConversations"], 0);
    assert_eq!(past.body["conversationsOverTime"]["bucket"], "hour");
    assert_eq!(past.body["resolutionRate"], Value::Null);
}

#[tokio::test]
async fn ranges_are_checked() {
    let app = TestApp::new().await;
    for query in [
        "from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z",
        "from=1000&to=1000",
        "from=2024-01-01T00:00:00Z&to=2025-01-02T00:00:01Z",
    ] {
        let reply = app.get(&format!("/v1/dashboard/metrics?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.code(), "invalid_range", "{query}");
        let export = app.get(&format!("/v1/dashboard/export?{query}")).await;
        assert_eq!(export.code(), "invalid_range", "{query}");
    }
    let unreadable = app.get("/v1/dashboard/metrics?from=yesterday").await;
    assert_eq!(unreadable.code(), "invalid_query");
    let channel = app.get("/v1/dashboard/metrics?channel=fax").await;
    assert_eq!(channel.code(), "invalid_query");
    let format = app.get("/v1/dashboard/export?format=pdf").await;
    assert_eq!(format.code(), "invalid_query");
}

#[tokio::test]
async fn the_csv_report_has_a_row_per_conversation_and_a_summary() {
    let app = TestApp::new().await;
    let ids = known_conversations(&app).await;
    let reply = app.get("/v1/dashboard/export?format=csv").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.content_type().starts_with("text/csv"));
    let disposition = reply.headers["content-disposition"]
        .to_str()
        .expect("ascii");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let text = reply.body.as_str().expect("text").to_owned();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "id",
            "channel",
            "created",
            "closed",
            "status",
            "handled by",
            "first response ms",
            "message count",
            "intent",
            "positive %",
            "negative %",
            "neutral %"
        ]
    );
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|record| record.expect("row").iter().map(str::to_owned).collect())
        .collect();
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row[0]));
    let picked: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[4].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        picked,
        vec![
            (ids[0].as_str(), "web", "closed", "bot"),
            (ids[1].as_str(), "web", "open", "bot"),
            (ids[2].as_str(), "whatsapp", "closed", "agent"),
            (ids[3].as_str(), "messenger", "closed", "unanswered"),
        ]
    );
    // B is open: no closing time; D was never answered: no first response time.
    assert!(rows[1][3].is_empty() && !rows[0][3].is_empty());
    assert!(rows[3][6].is_empty() && rows[0][6].parse::<u64>().is_ok());
    // A: the question and the answer (a closing note, if any, is counted too).
    assert!(rows[0][7].parse::<u64>().expect("count") >= 2);

    let summary = app
        .get("/v1/dashboard/export?format=csv&part=summary")
        .await;
    let text = summary.body.as_str().expect("text").to_owned();
    let figures: Vec<(String, String)> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|record| {
            let record = record.expect("row");
            (record[0].to_owned(), record[1].to_owned())
        })
        .collect();
    let figure = |name: &str| {
        figures
            .iter()
            .find(|(metric, _)| metric == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("no {name} in {figures:?}"))
    };
    assert_eq!(figure("total conversations"), "4");
    assert_eq!(figure("handled by an agent"), "1");
    assert_eq!(figure("channel web"), "2");
    assert_eq!(figure("average satisfaction"), "");
}

#[tokio::test]
async fn the_xlsx_report_has_a_summary_and_a_conversations_sheet() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::new().await;
    known_conversations(&app).await;
    let bytes = app.get_bytes("/v1/dashboard/export?format=xlsx").await;
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an XLSX workbook");
    assert_eq!(workbook.sheet_names(), ["Summary", "Conversations"]);
    let conversations = workbook.worksheet_range("Conversations").expect("sheet");
    // The header and four conversations.
    assert_eq!(conversations.height(), 5);
    assert_eq!(
        conversations.get((0, 5)),
        Some(&Data::String("handled by".into()))
    );
    let summary = workbook.worksheet_range("Summary").expect("sheet");
    let total = summary
        .rows()
        .find(|row| row[0] == Data::String("total conversations".into()))
        .expect("total row");
    assert_eq!(total[1], Data::Float(4.0));
}

#[tokio::test]
async fn agents_without_the_dashboard_module_are_refused() {
    let app = TestApp::new().await;
    let agent = app.account("default", Permissions::of(Role::Agent)).await;
    let manager = app.account("default", Permissions::of(Role::Manager)).await;
    for path in [
        "/v1/dashboard/metrics",
        "/v1/dashboard/export",
        "/v1/dashboard/layout",
    ] {
        let refused = app
            .call(
                Method::GET,
                path,
                None,
                &[("authorization", &agent.bearer())],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(refused.code(), "forbidden");
        let allowed = app
            .call(
                Method::GET,
                path,
                None,
                &[("authorization", &manager.bearer())],
            )
            .await;
        assert_eq!(allowed.status, StatusCode::OK, "{path}: {}", allowed.body);
    }
}

#[tokio::test]
async fn each_user_keeps_a_layout_of_known_widgets() {
    let app = TestApp::new().await;
    let manager = app.account("default", Permissions::of(Role::Manager)).await;
    let as_manager = [("authorization", manager.bearer())];
    let headers: Vec<(&str, &str)> = as_manager.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let initial = app
        .call(Method::GET, "/v1/dashboard/layout", None, &headers)
        .await;
    assert_eq!(initial.status, StatusCode::OK);
    assert_eq!(initial.body["widgets"][0]["kind"], "totalConversations");

    let layout = json!({"widgets": [
        {"id": "volume", "kind": "conversationVolume", "x": 0, "y": 0, "width": 8, "height": 4},
        {"id": "speed", "kind": "responseTime", "x": 8, "y": 0, "width": 4, "height": 4},
    ]});
    let body = layout.to_string();
    let saved = app
        .call(Method::PUT, "/v1/dashboard/layout", Some(&body), &headers)
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let read = app
        .call(Method::GET, "/v1/dashboard/layout", None, &headers)
        .await;
    assert_eq!(read.body, layout);
    // Another user still sees the default.
    let own = app.get("/v1/dashboard/layout").await;
    assert_eq!(own.body["widgets"][0]["kind"], "totalConversations");

    let unknown = json!({"widgets": [
        {"id": "pie", "kind": "pieOfTheDay", "x": 0, "y": 0, "width": 4, "height": 4},
    ]});
    let refused = app
        .call(
            Method::PUT,
            "/v1/dashboard/layout",
            Some(&unknown.to_string()),
            &headers,
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.code(), "invalid_json");
    let outside = json!({"widgets": [
        {"id": "a", "kind": "botVsAgent", "x": 10, "y": 0, "width": 4, "height": 4},
        {"id": "a", "kind": "satisfaction", "x": 0, "y": 0, "width": 4, "height": 4},
    ]});
    let invalid = app
        .call(
            Method::PUT,
            "/v1/dashboard/layout",
            Some(&outside.to_string()),
            &headers,
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        invalid.fields_at_fault(),
        ["widgets[0].width", "widgets[1].id"]
    );
    let unchanged = app
        .call(Method::GET, "/v1/dashboard/layout", None, &headers)
        .await;
    assert_eq!(unchanged.body, layout);
}
