//! Satisfaction ratings: a widget visitor rates the conversation once it has ended (the
//! conversation stays closed), an integration rates another through the API, bad scores and
//! over-long comments are refused with the field at fault, and the dashboard's average
//! satisfaction is the mean of the latest ratings.

use crate::console::{chatty_bot, visitor, write};
use crate::support::TestServer;
use crate::support::socket::TestSocket;
use axum::http::{Method, StatusCode};
use botwot_http::HttpConfig;
use serde_json::{Value, json};

/// The visitor's rating, as the widget sends it; returns the acknowledgement.
async fn rate(widget: &mut TestSocket, rating: Value) -> Value {
    let ack = widget.emit_with_ack("rating", rating).await;
    widget.ack(ack).await
}

#[tokio::test]
async fn ratings_from_the_widget_and_the_api_make_the_average_satisfaction() {
    let server = TestServer::start(HttpConfig::default()).await;
    let bot = server.bot(chatty_bot()).await;
    let owner = server.owner.clone();
    let (mut widget, first) = visitor(&server, &bot, "v_rates").await;
    write(&mut widget, "Where is my parcel?").await;
    let route = |session: &str, action: &str| format!("/v1/sessions/{session}/{action}");
    let closed = server
        .call_as(&owner, Method::POST, &route(&first, "close"), None)
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);

    // The visitor rates 2, then thinks better of it: the latest rating counts.
    assert_eq!(
        rate(&mut widget, json!({"score": 2})).await,
        json!({"ok": true})
    );
    let ack = rate(
        &mut widget,
        json!({"score": 5, "comment": "Quick and kind"}),
    )
    .await;
    assert_eq!(ack, json!({"ok": true}));
    let refused = rate(&mut widget, json!({"score": 7})).await;
    assert_eq!(refused["ok"], false);
    assert_eq!(refused["error"]["code"], "validation_failed");
    let session = server
        .call_as(&owner, Method::GET, &format!("/v1/sessions/{first}"), None)
        .await;
    assert_eq!(session.body["status"], "closed", "rating reopens nothing");
    assert_eq!(session.body["satisfaction"]["score"], 5);
    assert_eq!(session.body["satisfaction"]["comment"], "Quick and kind");

    // Another conversation is rated 2 through the API.
    let (_other_widget, second) = visitor(&server, &bot, "v_api").await;
    let rated = server
        .call_as(
            &owner,
            Method::POST,
            &route(&second, "rating"),
            Some(json!({"score": 2})),
        )
        .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
    assert_eq!(rated.body["satisfaction"]["score"], 2);
    let long = "x".repeat(1_001);
    let bad = server
        .call_as(
            &owner,
            Method::POST,
            &route(&second, "rating"),
            Some(json!({"score": 0, "comment": long})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.fields_at_fault(), ["score", "comment"]);

    // A third conversation is not rated: the average is (5 + 2) / 2.
    let _unrated = visitor(&server, &bot, "v_quiet").await;
    let metrics = server
        .call_as(&owner, Method::GET, "/v1/dashboard/metrics", None)
        .await;
    assert_eq!(metrics.status, StatusCode::OK, "{}", metrics.body);
    assert_eq!(metrics.body["totalConversations"], 3);
    assert_eq!(metrics.body["averageSatisfaction"], 3.5);
}
