//! Failed sends: each is classified as retriable or permanent for the outbox, made exactly once
//! (the client never retries), and never mentions the access token.

use super::fake_graph::{FakeGraph, Reply};
use super::*;
use botwot_adapters::meta::graph::{
    GraphClient, GraphConfig, GraphError, MetaGraphSender, StaticTokens,
};
use botwot_engine::ports::{ChannelSender, DeliveryError};
use serde_json::{Value, json};

fn graph_error(code: i64, subcode: Option<i64>, message: &str) -> Value {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"
    });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    json!({ "error": error })
}

/// Sends one WhatsApp text against a fake answering `reply`; returns the classified error and
/// what the outbox would be told, after checking that exactly one request was made.
async fn failed_send(reply: Reply) -> (GraphError, DeliveryError) {
    let graph = FakeGraph::start(reply).await;
    let sender = sender(&graph.base_url);
    let error = sender
        .send(&whatsapp_text("hello"))
        .await
        .expect_err("the send should fail");
    let delivery_error = sender
        .deliver(&whatsapp_text("hello"))
        .await
        .expect_err("the delivery should fail");
    assert_eq!(
        graph.requests().len(),
        2,
        "one request per send, no retries"
    );
    assert_no_token(&error.to_string());
    assert_no_token(&delivery_error.to_string());
    (error, delivery_error)
}

fn assert_no_token(text: &str) {
    for token in [WHATSAPP_TOKEN, PAGE_TOKEN, INSTAGRAM_TOKEN] {
        assert!(!text.contains(token), "token leaked into {text:?}");
    }
}

fn assert_retryable(error: &DeliveryError) {
    assert!(matches!(error, DeliveryError::Retryable { .. }), "{error}");
}

fn assert_permanent(error: &DeliveryError) {
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error}");
}

#[tokio::test]
async fn too_many_requests_is_retriable_and_keeps_retry_after() {
    let reply = Reply::json(
        429,
        graph_error(4, None, "(#4) Application request limit reached"),
    )
    .with_header("retry-after", "30");
    let (error, outbox) = failed_send(reply).await;
    assert!(
        matches!(
            error,
            GraphError::RateLimited {
                status: 429,
                code: Some(4),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert_retryable(&outbox);
    assert!(outbox.to_string().contains("retry after 30s"), "{outbox}");
    assert!(
        matches!(
            outbox,
            DeliveryError::Retryable {
                retry_after: Some(delay),
                ..
            } if delay == Duration::from_secs(30)
        ),
        "the outbox is told how long Meta asked to wait: {outbox:?}"
    );
}

#[tokio::test]
async fn a_rate_limit_code_is_retriable_whatever_the_status() {
    let reply = Reply::json(400, graph_error(130429, None, "(#130429) Rate limit hit"));
    let (error, outbox) = failed_send(reply).await;
    assert_eq!(error.kind(), "rate_limited");
    assert_retryable(&outbox);
}

#[tokio::test]
async fn a_server_error_is_retriable() {
    let reply = Reply::json(500, graph_error(131000, None, "Something went wrong"));
    let (error, outbox) = failed_send(reply).await;
    assert!(
        matches!(
            error,
            GraphError::Unavailable {
                status: 500,
                code: Some(131000),
                ..
            }
        ),
        "{error:?}"
    );
    assert_retryable(&outbox);
}

#[tokio::test]
async fn a_gateway_page_instead_of_graph_json_is_retriable() {
    let reply = Reply::raw(502, "text/html", "<html><body>Bad Gateway</body></html>")
        .with_header("retry-after", "5");
    let (error, outbox) = failed_send(reply).await;
    assert_eq!(error.kind(), "unavailable");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    assert!(error.to_string().contains("Bad Gateway"), "{error}");
    assert_retryable(&outbox);
}

#[tokio::test]
async fn an_expired_token_is_permanent_and_says_to_reconnect() {
    let reply = Reply::json(
        401,
        graph_error(
            190,
            Some(463),
            "Error validating access token: Session has expired on Tuesday, 25-Nov-25 10:00:00 PST.",
        ),
    );
    let (error, outbox) = failed_send(reply).await;
    assert!(
        matches!(
            error,
            GraphError::TokenRejected {
                subcode: Some(463),
                ..
            }
        ),
        "{error:?}"
    );
    assert_permanent(&outbox);
    let reason = outbox.to_string();
    assert!(reason.contains("access token rejected"), "{reason}");
    assert!(reason.contains("reconnect the account"), "{reason}");
}

#[tokio::test]
async fn a_reply_outside_the_24_hour_window_is_permanent() {
    let mut body = graph_error(131047, Some(2494010), "(#131047) Re-engagement message");
    body["error"]["error_data"] = json!({
        "messaging_product": "whatsapp",
        "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
    });
    let (error, outbox) = failed_send(Reply::json(400, body)).await;
    assert!(
        matches!(error, GraphError::OutsideWindow { code: 131047, .. }),
        "{error:?}"
    );
    assert_permanent(&outbox);
    let reason = outbox.to_string();
    assert!(
        reason.contains("24 hour customer service window"),
        "{reason}"
    );
    assert!(reason.contains("send a template"), "{reason}");
    assert!(
        reason.contains("more than 24 hours have passed"),
        "{reason}"
    );
}

#[tokio::test]
async fn an_undeliverable_recipient_is_permanent() {
    let reply = Reply::json(
        400,
        graph_error(131026, None, "(#131026) Message Undeliverable"),
    );
    let (error, outbox) = failed_send(reply).await;
    assert!(
        matches!(error, GraphError::Undeliverable { code: 131026, .. }),
        "{error:?}"
    );
    assert_permanent(&outbox);
}

#[tokio::test]
async fn an_invalid_parameter_is_permanent() {
    let reply = Reply::json(400, graph_error(100, None, "(#100) Invalid parameter"));
    let (error, outbox) = failed_send(reply).await;
    assert_eq!(error.kind(), "refused");
    assert_eq!(error.code(), Some(100));
    assert_permanent(&outbox);
}

#[tokio::test]
async fn a_missing_permission_is_permanent() {
    let reply = Reply::json(
        403,
        graph_error(
            200,
            None,
            "(#200) Requires whatsapp_business_messaging permission",
        ),
    );
    let (error, outbox) = failed_send(reply).await;
    assert_eq!(error.kind(), "permission_denied");
    assert_permanent(&outbox);
}

/// A 2xx body that cannot be read is retriable: nothing confirms Meta accepted the message and no
/// id could be recorded for its statuses, so sending again is the safer mistake.
#[tokio::test]
async fn a_malformed_success_body_is_retriable() {
    let reply = Reply::raw(
        200,
        "application/json",
        r#"{"messaging_product":"whatsapp","messages":[{"id":"#,
    );
    let (error, outbox) = failed_send(reply).await;
    assert!(
        matches!(error, GraphError::UnreadableResponse { status: 200, .. }),
        "{error:?}"
    );
    assert_retryable(&outbox);
}

#[tokio::test]
async fn a_success_body_without_a_message_id_is_retriable() {
    let reply = Reply::json(
        200,
        json!({"messaging_product": "whatsapp", "messages": []}),
    );
    let (error, outbox) = failed_send(reply).await;
    assert_eq!(error.kind(), "unreadable_response");
    assert_retryable(&outbox);
}

#[tokio::test]
async fn a_redirect_is_not_followed_with_the_token() {
    let reply = Reply::raw(307, "text/plain", "").with_header("location", "/elsewhere");
    let (error, outbox) = failed_send(reply).await;
    assert!(
        matches!(error, GraphError::Refused { status: 307, .. }),
        "{error:?}"
    );
    assert_permanent(&outbox);
}

#[tokio::test]
async fn a_refused_connection_is_retriable() {
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let sender = sender(&format!("http://127.0.0.1:{closed_port}"));
    let error = sender.send(&whatsapp_text("hello")).await.unwrap_err();
    assert!(matches!(error, GraphError::Network(_)), "{error:?}");
    assert_retryable(&sender.deliver(&whatsapp_text("hello")).await.unwrap_err());
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retriable() {
    let reply = Reply::json(200, json!({"messages": [{"id": "wamid.late"}]}))
        .after(Duration::from_secs(30));
    let graph = FakeGraph::start(reply).await;
    let sender = sender_at(&graph.base_url, Duration::from_millis(200));

    let error = sender.send(&whatsapp_text("hello")).await.unwrap_err();

    assert_eq!(error, GraphError::Timeout);
    assert!(error.is_retriable());
    assert_eq!(
        graph.only_request().path,
        format!("/v21.0/{PHONE_NUMBER_ID}/messages")
    );
}

#[tokio::test]
async fn an_account_without_a_token_is_permanent_and_sends_nothing() {
    let graph = FakeGraph::start(Reply::json(200, json!({}))).await;
    let entry = outbox_entry(
        Channel::WhatsApp,
        "999999999999999",
        WA_ID,
        MessageBody::text("hello"),
    );
    let error = sender(&graph.base_url).deliver(&entry).await.unwrap_err();
    assert_permanent(&error);
    assert!(error.to_string().contains("no access token"), "{error}");
    assert!(graph.requests().is_empty());
}

#[tokio::test]
async fn a_body_the_channel_cannot_carry_is_permanent_and_sends_nothing() {
    let graph = FakeGraph::start(Reply::json(200, json!({}))).await;
    let entry = outbox_entry(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        WA_ID,
        MessageBody::Unsupported {
            raw: json!({"type": "order"}),
        },
    );
    let error = sender(&graph.base_url).deliver(&entry).await.unwrap_err();
    assert_permanent(&error);
    assert!(graph.requests().is_empty());
}

#[tokio::test]
async fn a_token_echoed_in_an_error_is_blanked() {
    let reply = Reply::json(
        400,
        graph_error(
            190,
            None,
            &format!("Malformed access token {WHATSAPP_TOKEN}"),
        ),
    );
    let (error, outbox) = failed_send(reply).await;
    assert!(
        error
            .to_string()
            .contains("Malformed access token <redacted>"),
        "{error}"
    );
    assert_permanent(&outbox);
}

#[tokio::test]
async fn a_token_that_is_no_header_value_is_permanent_and_sends_nothing() {
    let graph = FakeGraph::start(Reply::json(200, json!({}))).await;
    let config = GraphConfig::with_base_url(&graph.base_url);
    let client = GraphClient::new(config).expect("a valid graph config");
    let tokens = StaticTokens::default().with(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        AccessToken::new("EAAbroken\ntoken"),
    );
    let sender = MetaGraphSender::new(client, Arc::new(tokens));
    let error = sender.send(&whatsapp_text("hello")).await.unwrap_err();
    assert_eq!(error.kind(), "unbuildable", "{error:?}");
    assert!(!error.to_string().contains("EAAbroken"), "{error}");
    assert!(!error.is_retriable());
    assert!(graph.requests().is_empty());
}

#[tokio::test]
async fn a_messenger_reply_outside_the_window_is_permanent() {
    let reply = Reply::json(
        400,
        graph_error(
            10,
            Some(2018278),
            "(#10) This message is sent outside of allowed window.",
        ),
    );
    let graph = FakeGraph::start(reply).await;
    let entry = outbox_entry(Channel::Messenger, PAGE_ID, PSID, MessageBody::text("hi"));
    let error = sender(&graph.base_url).send(&entry).await.unwrap_err();
    assert!(
        matches!(error, GraphError::OutsideWindow { code: 10, .. }),
        "{error:?}"
    );
    assert!(!error.is_retriable());
    assert_eq!(graph.only_request().path, "/v21.0/me/messages");
}

#[tokio::test]
async fn an_oversized_answer_is_not_read_whole_and_is_retriable() {
    let huge = format!(
        r#"{{"messages":[{{"id":"wamid.x"}}],"pad":"{}"}}"#,
        "x".repeat(2 << 20)
    );
    let (error, outbox) = failed_send(Reply::raw(200, "application/json", &huge)).await;
    assert_eq!(error.kind(), "unreadable_response", "{error:?}");
    assert_retryable(&outbox);
}
