//! `/v1/integrations/{integrationId}/templates` against a local Graph API: the business
//! account's templates listed a page at a time with Meta's cursor, a template submitted for
//! review, Meta's refusal passed on with its reason, and what is refused before Meta is asked.

use crate::support::TestApp;
use crate::support::fake_templates::{self, TAKEN_NAME, WABA_ID};
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use serde_json::{Value, json};

const PATH: &str = "/v1/integrations/whatsapp:106540352242922/templates";

async fn connected(with_waba: bool) -> (TestApp, fake_templates::Submitted) {
    let (graph, submitted) = fake_templates::start().await;
    let app = TestApp::with_graph(&graph).await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    let mut settings =
        json!({"channel": "whatsapp", "accountId": "106540352242922", "botId": bot.id});
    if with_waba {
        settings["businessAccountId"] = json!(WABA_ID);
    }
    let created = app.send(Method::POST, "/v1/integrations", settings).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    (app, submitted)
}

fn new_template(name: &str) -> Value {
    json!({"name": name, "category": "UTILITY", "language": "en_US", "components": [
        {"type": "BODY", "text": "Hi {{1}}, your order {{2}} is on its way.",
         "example": {"body_text": [["Kerry", "#1042"]]}}
    ]})
}

#[tokio::test]
async fn templates_are_listed_a_page_at_a_time_as_meta_has_them() {
    let (app, _) = connected(true).await;
    let first = app.get(PATH).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(first.body["items"][0]["name"], "shipping_update");
    assert_eq!(first.body["items"][0]["status"], "APPROVED");
    let cursor = first.body["nextCursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = app.get(&format!("{PATH}?cursor={cursor}")).await;
    assert_eq!(second.status, StatusCode::OK, "{:?}", second.body);
    assert_eq!(second.body["items"][0]["name"], "payment_reminder");
    assert!(
        second.body.get("nextCursor").is_none(),
        "the last page: {:?}",
        second.body
    );
}

#[tokio::test]
async fn a_template_is_submitted_and_meta_refusals_say_why() {
    let (app, submitted) = connected(true).await;
    let sent = app
        .send(Method::POST, PATH, new_template("delivery_notice"))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(
        sent.body,
        json!({"id": "594425479261596", "status": "PENDING", "category": "UTILITY"})
    );
    assert_eq!(
        submitted.all(),
        [new_template("delivery_notice")],
        "sent as given"
    );

    let taken = app.send(Method::POST, PATH, new_template(TAKEN_NAME)).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(taken.code(), "provider_rejected");
    assert!(
        taken.body.to_string().contains("already exists"),
        "{:?}",
        taken.body
    );

    let malformed =
        json!({"name": "Bad Name", "category": "PROMO", "language": "", "components": []});
    let refused = app.send(Method::POST, PATH, malformed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.fields_at_fault(),
        ["name", "category", "language", "components"]
    );
    assert_eq!(submitted.all().len(), 1, "nothing refused reached Meta");
}

#[tokio::test]
async fn without_a_business_account_or_for_another_organisation_nothing_is_asked() {
    let (app, submitted) = connected(false).await;
    let unset = app.get(PATH).await;
    assert_eq!(unset.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unset.fields_at_fault(), ["businessAccountId"]);

    let stranger = app
        .account("org_other", Permissions::of(Role::SuperAdmin))
        .await;
    let bearer = stranger.bearer();
    let headers = [("authorization", bearer.as_str())];
    let body = new_template("delivery_notice").to_string();
    let seen = app.call(Method::POST, PATH, Some(&body), &headers).await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    assert!(submitted.all().is_empty());
}
