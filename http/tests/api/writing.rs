//! Writing with the language model (a local server speaking OpenAI's chat-completions format):
//! a post's copy rewritten for its network with hashtags apart, a media prompt made specific,
//! the request in the model's format, and every failure a clear error.

use crate::support::TestApp;
use crate::support::fake_model::FakeModel;
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Permissions, Role};
use serde_json::json;

#[tokio::test]
async fn a_post_is_rewritten_for_its_network_with_hashtags_apart() {
    let model = FakeModel::start().await;
    let app = TestApp::with_language_model(&model.base_url).await;
    model.answer(
        r##"{"text": "Fresh kurtas just landed! 20% off till Sunday.", "hashtags": ["Kurta", "#SundaySale", "#kurta"]}"##,
    );
    let draft = json!({"text": "new kurtas in store. 20% off till sunday!", "network": "instagram", "tone": "playful"});
    let written = app
        .send(Method::POST, "/v1/social/posts/optimize", draft)
        .await;
    assert_eq!(written.status, StatusCode::OK, "{:?}", written.body);
    assert_eq!(
        written.body["text"],
        "Fresh kurtas just landed! 20% off till Sunday."
    );
    assert_eq!(written.body["hashtags"], json!(["#Kurta", "#SundaySale"]));

    let request = &model.requests()[0];
    assert_eq!(request["response_format"]["type"], "json_object");
    let system = request["messages"][0]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(
        system.contains("instagram") && system.contains("playful tone"),
        "{system}"
    );
    assert_eq!(
        request["messages"][1]["content"],
        "new kurtas in store. 20% off till sunday!"
    );

    model.answer(r#"{"prompt": "A model in an indigo cotton kurta on a sunlit Jaipur terrace, slow dolly-in"}"#);
    let enhanced = app
        .send(
            Method::POST,
            "/v1/media/prompts/enhance",
            json!({"prompt": "kurta on a model", "medium": "video"}),
        )
        .await;
    assert_eq!(enhanced.status, StatusCode::OK, "{:?}", enhanced.body);
    assert!(
        enhanced.body["prompt"]
            .as_str()
            .unwrap_or_default()
            .contains("dolly-in")
    );
}

#[tokio::test]
async fn bad_input_and_a_failing_model_are_clear_errors() {
    let model = FakeModel::start().await;
    let app = TestApp::with_language_model(&model.base_url).await;
    let empty = app
        .send(
            Method::POST,
            "/v1/social/posts/optimize",
            json!({"text": " ", "network": "facebook"}),
        )
        .await;
    assert_eq!(
        (empty.status, empty.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let network = app
        .send(
            Method::POST,
            "/v1/social/posts/optimize",
            json!({"text": "hi", "network": "myspace"}),
        )
        .await;
    assert_eq!(network.status.as_u16() / 100, 4, "{:?}", network.body);
    assert!(
        model.requests().is_empty(),
        "nothing was asked of the model"
    );

    model.answer("Sure! Here is a better post: ...");
    let chatty = app
        .send(
            Method::POST,
            "/v1/social/posts/optimize",
            json!({"text": "hi", "network": "facebook"}),
        )
        .await;
    assert_eq!(
        (chatty.status, chatty.code()),
        (StatusCode::BAD_GATEWAY, "language_model_malformed")
    );
    model.fail(StatusCode::INTERNAL_SERVER_ERROR);
    let down = app
        .send(
            Method::POST,
            "/v1/media/prompts/enhance",
            json!({"prompt": "a cat", "medium": "image"}),
        )
        .await;
    assert_eq!(
        (down.status, down.code()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "language_model_unavailable"
        )
    );
    let other = app
        .send(
            Method::POST,
            "/v1/media/prompts/enhance",
            json!({"prompt": "a cat", "medium": "image", "provider": "bedrock"}),
        )
        .await;
    assert_eq!(
        (other.status, other.code()),
        (StatusCode::CONFLICT, "language_model_not_configured")
    );

    // Media generation is its own module: an agent (conversations, live chat) may not.
    let agent = app
        .account("default", Permissions::of(Role::Agent))
        .await
        .bearer();
    let body = json!({"prompt": "a cat", "medium": "image"}).to_string();
    let refused = app
        .call(
            Method::POST,
            "/v1/media/prompts/enhance",
            Some(&body),
            &[("authorization", &agent)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
