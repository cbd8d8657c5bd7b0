//! `/v1/campaigns`: WhatsApp campaigns drafted from a number of the organisation, given an
//! audience from CSV contact lists, moved through their lifecycle with the engine's refusal
//! codes, counted, deleted, kept to their organisation and to the Campaigns module, changed one
//! request at a time, and covered by the data rights routes.

use crate::support::{Account, Reply, TestApp};
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Module, Permissions, Role};
use botwot_engine::bot::BotSettings;
use botwot_engine::integration::{ChannelIntegration, IntegrationSettings};
use botwot_engine::{Channel, TenantId, Timestamp};
use serde_json::{Value, json};

const NUMBER: &str = "106540352242922";

/// Connects the WhatsApp number `account` to `tenant`.
async fn connect(app: &TestApp, tenant: &str, account: &str) {
    let bot = app.bot(BotSettings::named("Ava")).await;
    let settings = IntegrationSettings::new(Channel::WhatsApp, account, bot.id.clone());
    let integration =
        ChannelIntegration::create(TenantId::from(tenant), settings, Timestamp(1_000));
    app.state
        .store
        .insert_integration(&integration)
        .await
        .expect("integration stored");
}

fn definition(name: &str) -> Value {
    json!({
        "name": name,
        "channelAccount": NUMBER,
        "openingTemplateId": "cart_reminder",
        "language": "en_US",
        "workflow": {
            "maxFollowUps": 2,
            "steps": [
                {"name": "nudge", "on": "delivered", "waitMs": 86_400_000,
                 "templateId": "cart_nudge", "terminal": false},
                {"name": "thanks", "on": "read", "waitMs": 3_600_000,
                 "templateId": "cart_thanks", "terminal": true}
            ]
        }
    })
}

/// A drafted campaign's path.
async fn draft(app: &TestApp, name: &str) -> String {
    let created = app
        .send(Method::POST, "/v1/campaigns", definition(name))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    format!(
        "/v1/campaigns/{}",
        created.body["id"].as_str().expect("an id")
    )
}

async fn add_list(app: &TestApp, campaign: &str, csv: &str) -> Reply {
    let path = format!("{campaign}/audience");
    app.upload(&path, csv.as_bytes().to_vec(), "text/csv").await
}

async fn act(app: &TestApp, campaign: &str, action: &str) -> Reply {
    let path = format!("{campaign}/{action}");
    app.call(Method::POST, &path, None, &[]).await
}

fn refused(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(
        (reply.status, reply.code()),
        (status, code),
        "{:?}",
        reply.body
    );
}

#[tokio::test]
async fn a_campaign_is_drafted_given_an_audience_run_through_its_lifecycle_and_deleted() {
    let app = TestApp::new().await;
    connect(&app, "default", NUMBER).await;
    let campaign = draft(&app, "Cart recovery").await;
    let read = app.get(&campaign).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["status"], "draft");
    assert_eq!(read.body["audienceSize"], 0);
    assert_eq!(read.body["workflow"]["steps"][1]["on"], "read");

    let mut edited = definition("Cart recovery, December");
    edited["language"] = json!("en_GB");
    let replaced = app.send(Method::PUT, &campaign, edited).await;
    assert_eq!(replaced.status, StatusCode::OK, "{:?}", replaced.body);
    assert_eq!(replaced.body["name"], "Cart recovery, December");

    let first = add_list(
        &app,
        &campaign,
        "name,phone,city\nAsha,+44 7700 900123,Leeds\nBen,+1 (415) 555-0100,\n\
         Asha twice,0044 7700 900123,York\nChen,+91 98765 43210,Pune\n",
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(
        first.body,
        json!({"added": 3, "alreadyInAudience": 0, "repeatedInList": 1,
               "ignoredColumns": ["city"], "audienceSize": 3})
    );
    let second = add_list(&app, &campaign, "phone\n447700900123\n447700900999\n").await;
    assert_eq!(second.body["added"], 1);
    assert_eq!(second.body["alreadyInAudience"], 1);
    assert_eq!(second.body["audienceSize"], 4);

    let recipients = app.get(&format!("{campaign}/recipients?limit=3")).await;
    assert_eq!(recipients.status, StatusCode::OK, "{:?}", recipients.body);
    let phones: Vec<_> = recipients.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["phone"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(phones, ["14155550100", "447700900123", "447700900999"]);
    assert_eq!(recipients.body["items"][1]["name"], "Asha");
    assert!(recipients.body["nextCursor"].is_string());
    let metrics = app.get(&format!("{campaign}/metrics")).await;
    assert_eq!(metrics.status, StatusCode::OK, "{:?}", metrics.body);
    assert_eq!(metrics.body["tally"]["recipients"], 4);
    assert_eq!(metrics.body["tally"]["inProgress"], 4);
    assert_eq!(metrics.body["tally"]["sent"], 0);

    let launched = act(&app, &campaign, "launch").await;
    assert_eq!(launched.status, StatusCode::OK, "{:?}", launched.body);
    assert_eq!(launched.body["status"], "running");
    assert!(launched.body["launchedAt"].is_string());
    let frozen = app
        .send(Method::PUT, &campaign, definition("Renamed"))
        .await;
    refused(&frozen, StatusCode::CONFLICT, "not_a_draft");
    let closed = add_list(&app, &campaign, "phone\n447700900555\n").await;
    refused(&closed, StatusCode::CONFLICT, "audience_closed");
    refused(
        &act(&app, &campaign, "launch").await,
        StatusCode::CONFLICT,
        "not_a_draft",
    );
    refused(
        &act(&app, &campaign, "resume").await,
        StatusCode::CONFLICT,
        "not_paused",
    );
    assert_eq!(act(&app, &campaign, "pause").await.body["status"], "paused");
    refused(
        &act(&app, &campaign, "pause").await,
        StatusCode::CONFLICT,
        "not_running",
    );
    let listed = app.get("/v1/campaigns?status=paused").await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        act(&app, &campaign, "resume").await.body["status"],
        "running"
    );
    let active = app.call(Method::DELETE, &campaign, None, &[]).await;
    refused(&active, StatusCode::CONFLICT, "campaign_active");
    let cancelled = act(&app, &campaign, "cancel").await;
    assert_eq!(cancelled.body["status"], "cancelled");
    assert!(cancelled.body["finishedAt"].is_string());
    refused(
        &act(&app, &campaign, "cancel").await,
        StatusCode::CONFLICT,
        "already_finished",
    );

    let deleted = app.call(Method::DELETE, &campaign, None, &[]).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);
    refused(
        &app.get(&campaign).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let gone = app.get(&format!("{campaign}/recipients")).await;
    refused(&gone, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_definition_names_every_field_at_fault_and_must_send_from_an_own_number() {
    let app = TestApp::new().await;
    connect(&app, "default", NUMBER).await;
    connect(&app, "globex", "4470000000001").await;
    let mut broken = definition("");
    broken["language"] = json!("english (UK)");
    broken["workflow"]["steps"][1]["on"] = json!("delivered");
    broken["workflow"]["steps"][0]["waitMs"] = json!(31u64 * 86_400_000);
    let created = app.send(Method::POST, "/v1/campaigns", broken).await;
    refused(
        &created,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let fields = created.fields_at_fault();
    for field in [
        "name",
        "language",
        "workflow.steps[0].waitMs",
        "workflow.steps[1].on",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }

    let mut foreign = definition("Someone else's number");
    foreign["channelAccount"] = json!("4470000000001");
    let created = app.send(Method::POST, "/v1/campaigns", foreign).await;
    refused(
        &created,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(created.fields_at_fault(), ["channelAccount"]);
    let mut unknown = definition("Nobody's number");
    unknown["channelAccount"] = json!("999");
    let created = app.send(Method::POST, "/v1/campaigns", unknown).await;
    assert_eq!(created.fields_at_fault(), ["channelAccount"]);

    let mut extra = definition("Extra");
    extra["status"] = json!("running");
    let created = app.send(Method::POST, "/v1/campaigns", extra).await;
    refused(&created, StatusCode::BAD_REQUEST, "invalid_json");
    let listed = app.get("/v1/campaigns").await;
    assert_eq!(listed.body["items"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn launching_and_scheduling_keep_their_conditions() {
    let app = TestApp::new().await;
    connect(&app, "default", NUMBER).await;
    let campaign = draft(&app, "Feedback").await;
    refused(
        &act(&app, &campaign, "launch").await,
        StatusCode::CONFLICT,
        "no_audience",
    );
    let schedule = |at: &str| {
        let path = format!("{campaign}/schedule");
        let body = json!({ "startsAt": at });
        let app = &app;
        async move { app.send(Method::POST, &path, body).await }
    };
    refused(
        &schedule("2099-01-01T09:00:00Z").await,
        StatusCode::CONFLICT,
        "no_audience",
    );
    add_list(&app, &campaign, "phone\n447700900123\n").await;
    refused(
        &schedule("2001-01-01T09:00:00Z").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "start_in_the_past",
    );
    let unreadable = schedule("next tuesday").await;
    refused(
        &unreadable,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(unreadable.fields_at_fault(), ["startsAt"]);
    let scheduled = schedule("2099-01-01T09:00:00Z").await;
    assert_eq!(scheduled.status, StatusCode::OK, "{:?}", scheduled.body);
    assert_eq!(scheduled.body["status"], "scheduled");
    assert_eq!(scheduled.body["startsAt"], "2099-01-01T09:00:00.000Z");
    // A scheduled campaign's audience may still grow.
    let more = add_list(&app, &campaign, "phone\n447700900124\n").await;
    assert_eq!(more.body["audienceSize"], 2, "{:?}", more.body);
    refused(
        &act(&app, &campaign, "pause").await,
        StatusCode::CONFLICT,
        "not_running",
    );
}

#[tokio::test]
async fn a_broken_contact_list_adds_nothing_and_names_its_bad_lines() {
    let app = TestApp::new().await;
    connect(&app, "default", NUMBER).await;
    let campaign = draft(&app, "Spring sale").await;
    let broken = add_list(
        &app,
        &campaign,
        "phone,name\n447700900123,Asha\n07700 900124,Ben\nnot a number,Chen\n",
    )
    .await;
    refused(
        &broken,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_contact_list",
    );
    assert_eq!(broken.fields_at_fault(), ["line 3", "line 4"]);
    let no_phone = add_list(&app, &campaign, "name,email\nAsha,a@example.com\n").await;
    refused(
        &no_phone,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_contact_list",
    );
    let path = format!("{campaign}/audience");
    let as_json = app
        .upload(&path, b"{\"phone\": 1}".to_vec(), "application/json")
        .await;
    refused(
        &as_json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let huge = format!("phone\n{}", "447700900123\n".repeat(700_000));
    let too_large = app.upload(&path, huge.into_bytes(), "text/csv").await;
    refused(
        &too_large,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    let read = app.get(&campaign).await;
    assert_eq!(read.body["audienceSize"], 0);
    let recipients = app.get(&format!("{campaign}/recipients")).await;
    assert_eq!(recipients.body["items"], json!([]));
}

async fn as_account(app: &TestApp, account: &Account, method: Method, path: &str) -> Reply {
    app.call(method, path, None, &[("authorization", &account.bearer())])
        .await
}

#[tokio::test]
async fn campaigns_are_their_organisation_s_own_and_belong_to_the_campaigns_module() {
    let app = TestApp::new().await;
    connect(&app, "default", NUMBER).await;
    let campaign = draft(&app, "Ours").await;
    let outsider = app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await;
    for (method, path) in [
        (Method::GET, campaign.clone()),
        (Method::GET, format!("{campaign}/recipients")),
        (Method::GET, format!("{campaign}/metrics")),
        (Method::POST, format!("{campaign}/cancel")),
        (Method::DELETE, campaign.clone()),
    ] {
        let reply = as_account(&app, &outsider, method.clone(), &path).await;
        refused(&reply, StatusCode::NOT_FOUND, "not_found");
    }
    let theirs = as_account(&app, &outsider, Method::GET, "/v1/campaigns").await;
    assert_eq!(theirs.body["items"], json!([]));

    let agent = app.account("default", Permissions::of(Role::Agent)).await;
    let refused_agent = as_account(&app, &agent, Method::GET, "/v1/campaigns").await;
    refused(&refused_agent, StatusCode::FORBIDDEN, "forbidden");
    let marketer = app
        .account(
            "default",
            Permissions::of(Role::Custom).granting([Module::CAMPAIGNS]),
        )
        .await;
    let listed = as_account(&app, &marketer, Method::GET, "/v1/campaigns").await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn concurrent_changes_of_one_campaign_never_write_over_each_other() {
    let app = TestApp::new().await;
    connect(&app, "default", NUMBER).await;
    let campaign = draft(&app, "Busy").await;
    let lists: Vec<String> = (0..12)
        .map(|list| {
            let mut csv = String::from("phone\n");
            for n in 0..50 {
                csv.push_str(&format!("4477009{list:02}{n:03}\n"));
            }
            csv
        })
        .collect();
    let uploads = lists.iter().map(|csv| add_list(&app, &campaign, csv));
    let launch = act(&app, &campaign, "launch");
    let (uploaded, launched) = tokio::join!(futures::future::join_all(uploads), launch);
    assert_eq!(launched.status, StatusCode::OK, "{:?}", launched.body);
    let mut added = 0;
    for reply in &uploaded {
        match reply.status {
            StatusCode::OK => added += reply.body["added"].as_u64().unwrap_or(0),
            _ => refused(reply, StatusCode::CONFLICT, "audience_closed"),
        }
    }
    let read = app.get(&campaign).await;
    assert_eq!(read.body["status"], "running");
    assert_eq!(read.body["audienceSize"], added);
    let metrics = app.get(&format!("{campaign}/metrics")).await;
    assert_eq!(metrics.body["tally"]["recipients"], added);
    assert!(added > 0, "the launch needed an audience");
}

#[tokio::test]
async fn data_rights_cover_campaign_audiences() {
    let app = TestApp::new().await;
    connect(&app, "default", NUMBER).await;
    let first = draft(&app, "First").await;
    let second = draft(&app, "Second").await;
    add_list(&app, &first, "phone\n447700900123\n447700900124\n").await;
    add_list(&app, &second, "phone\n+44 7700 900123\n").await;

    let query = "channel=whatsapp&contact=447700900123";
    let exported = app.get(&format!("/v1/data/contact-export?{query}")).await;
    assert_eq!(exported.status, StatusCode::OK, "{:?}", exported.body);
    assert_eq!(exported.body["campaigns"].as_array().map(Vec::len), Some(2));
    let organisation = app.get("/v1/data/organisation-export").await;
    assert_eq!(
        organisation.status,
        StatusCode::OK,
        "{:?}",
        organisation.body
    );
    let campaigns = organisation.body["campaigns"]
        .as_array()
        .expect("campaigns");
    assert_eq!(campaigns.len(), 2);
    let erased = app
        .call(
            Method::DELETE,
            &format!("/v1/data/contact?{query}"),
            None,
            &[],
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.body);
    assert_eq!(erased.body["erasedFromCampaigns"], 2);
    assert_eq!(app.get(&first).await.body["audienceSize"], 1);
    assert_eq!(app.get(&second).await.body["audienceSize"], 0);
    let left = app.get(&format!("{first}/recipients")).await;
    assert_eq!(left.body["items"][0]["phone"], "447700900124");
}
