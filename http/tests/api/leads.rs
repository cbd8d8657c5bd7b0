//! `/v1/leads`: leads added, found by id and by WhatsApp number in their organisation only,
//! listed by stage, changed (and qualified by the organisation's rules), moved between stages,
//! logged on and read back through their history; the organisation's settings; follow-ups
//! sent by the node's worker (here through a recording sender: the Graph API's wire format is
//! tested with every other WhatsApp template) shown on the lead; bad input refused with a code
//! and the field at fault; every change audited.

use crate::support::TestApp;
use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use botwot_actors::DueWork;
use botwot_engine::access::{Permissions, Role};
use botwot_engine::leads::{FollowUpWork, Lead};
use botwot_engine::ports::{DeliveryError, FollowUpSender};
use botwot_engine::time::ManualClock;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const NUMBER: &str = "106540352242922";

/// Records every follow-up it is handed.
#[derive(Default)]
struct Recording {
    sent: Mutex<Vec<(String, String)>>,
}

#[async_trait]
impl FollowUpSender for Recording {
    async fn send_lead_follow_up(
        &self,
        lead: &Lead,
        work: &FollowUpWork,
    ) -> Result<String, DeliveryError> {
        let mut sent = self.sent.lock().expect("lock");
        sent.push((lead.phone.clone(), work.template.clone()));
        Ok(format!("wamid.{}", sent.len()))
    }
}

struct Crm {
    app: TestApp,
    clock: Arc<ManualClock>,
    whatsapp: Arc<Recording>,
}

async fn crm() -> Crm {
    let whatsapp = Arc::new(Recording::default());
    let clock = Arc::new(ManualClock::default());
    let app = TestApp::with_leads(whatsapp.clone(), clock.clone()).await;
    clock.set(app.state.now());
    Crm {
        app,
        clock,
        whatsapp,
    }
}

fn asha() -> Value {
    json!({"phoneNumber": "+91 98765 43210", "details": {"fullName": "Asha Rao",
        "location": "Bengaluru", "projectNeeds": "3BHK interiors", "source": "facebook-ad"}})
}

impl Crm {
    async fn add(&self, body: Value) -> Value {
        let created = self.app.send(Method::POST, "/v1/leads", body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        created.body
    }
}

#[tokio::test]
async fn a_lead_is_added_once_per_number_and_found_by_it_in_its_organisation_only() {
    let crm = crm().await;
    let lead = crm.add(asha()).await;
    assert_eq!(lead["phone"], "919876543210");
    assert_eq!(lead["stage"], "Unreal");
    assert_eq!(lead["automation"], true);
    assert_eq!(lead["followUpStatus"], "Not Started");
    assert_eq!(lead["details"]["fullName"], "Asha Rao");
    assert_eq!(lead["qualification"]["verdict"], "incomplete");
    assert_eq!(
        lead["qualification"]["missing"],
        json!(["scope", "budgetFits", "startBy"])
    );
    let id = lead["id"].as_str().expect("an id");

    let twin = crm
        .app
        .send(
            Method::POST,
            "/v1/leads",
            json!({"phoneNumber": "0091-98765-43210", "details": {"fullName": "Asha"}}),
        )
        .await;
    assert_eq!(twin.status, StatusCode::CONFLICT);
    assert_eq!(twin.code(), "lead_exists");

    for phone in ["919876543210", "+91%2098765%2043210"] {
        let found = crm.app.get(&format!("/v1/leads/by-phone/{phone}")).await;
        assert_eq!(found.status, StatusCode::OK, "{phone}: {:?}", found.body);
        assert_eq!(found.body["id"], id);
    }
    assert_eq!(crm.app.get(&format!("/v1/leads/{id}")).await.body["id"], id);

    let other = crm
        .app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await;
    let bearer = other.bearer();
    let headers = [("authorization", bearer.as_str())];
    for path in [
        format!("/v1/leads/{id}"),
        "/v1/leads/by-phone/919876543210".to_owned(),
        format!("/v1/leads/{id}/history"),
    ] {
        let theirs = crm.app.call(Method::GET, &path, None, &headers).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{path}");
    }
    let theirs = crm.app.call(Method::GET, "/v1/leads", None, &headers).await;
    assert_eq!(theirs.body["items"], json!([]));
}

#[tokio::test]
async fn bad_leads_are_refused_with_the_field_at_fault() {
    let crm = crm().await;
    let local = crm
        .app
        .send(
            Method::POST,
            "/v1/leads",
            json!({"phoneNumber": "98765 43210", "details": {"fullName": "Asha"}}),
        )
        .await;
    assert_eq!(local.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(local.fields_at_fault(), vec!["phoneNumber"]);

    let bad = crm
        .app
        .send(
            Method::POST,
            "/v1/leads",
            json!({"phoneNumber": "+919876543210", "details": {"fullName": "", "email": "asha",
                "startBy": "soon"}}),
        )
        .await;
    assert_eq!(bad.code(), "validation_failed");
    assert_eq!(bad.fields_at_fault(), vec!["fullName", "email", "startBy"]);

    let unknown = crm
        .app
        .send(
            Method::POST,
            "/v1/leads",
            json!({"phoneNumber": "+919876543210", "details": {"fullName": "Asha", "budget": 3}}),
        )
        .await;
    assert!(unknown.status.is_client_error(), "{:?}", unknown.body);
    assert!(
        unknown.body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("budget"),
        "{:?}",
        unknown.body
    );

    let stage = crm
        .app
        .send(Method::GET, "/v1/leads?stage=Cold", json!(null))
        .await;
    assert_eq!(stage.code(), "invalid_query");
    let listed = crm.app.get("/v1/leads").await;
    assert_eq!(listed.body["items"], json!([]), "nothing was stored");

    // With the organisation's default country code, a local number is theirs.
    let settings = crm
        .app
        .send(
            Method::PUT,
            "/v1/leads/settings",
            json!({"defaultCountryCode": "91"}),
        )
        .await;
    assert_eq!(settings.status, StatusCode::OK, "{:?}", settings.body);
    let lead = crm
        .add(json!({"phoneNumber": "098765 43210", "details": {"fullName": "Asha"}}))
        .await;
    assert_eq!(lead["phone"], "919876543210");
}

#[tokio::test]
async fn details_that_satisfy_the_rules_qualify_a_lead_and_its_history_tells_it_all() {
    let crm = crm().await;
    let lead = crm.add(asha()).await;
    let id = lead["id"].as_str().expect("an id");
    let start = "2027-01-15";
    let changed = crm
        .app
        .send(
            Method::PATCH,
            &format!("/v1/leads/{id}"),
            json!({"scope": "fullHome", "budgetFits": true, "startBy": start, "location": ""}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["stage"], "Real", "qualified by the rules");
    assert_eq!(changed.body["qualification"]["verdict"], "qualified");
    assert_eq!(changed.body["details"].get("location"), None, "cleared");

    let held = crm
        .app
        .send(
            Method::PUT,
            &format!("/v1/leads/{id}/status"),
            json!({"stage": "Hold", "rejectionReason": null}),
        )
        .await;
    assert_eq!(held.body["stage"], "Hold");
    let unknown = crm
        .app
        .send(
            Method::PUT,
            &format!("/v1/leads/{id}/status"),
            json!({"stage": "Lukewarm"}),
        )
        .await;
    assert_eq!(unknown.code(), "validation_failed");

    let logged = crm
        .app
        .send(
            Method::POST,
            &format!("/v1/leads/{id}/interactions"),
            json!({"channel": "call", "summary": "Wants a site visit next week",
                "outcome": "interested"}),
        )
        .await;
    assert_eq!(logged.status, StatusCode::CREATED, "{:?}", logged.body);
    let empty = crm
        .app
        .send(
            Method::POST,
            &format!("/v1/leads/{id}/interactions"),
            json!({"channel": "call", "summary": " "}),
        )
        .await;
    assert_eq!(empty.fields_at_fault(), vec!["summary"]);

    let first = crm
        .app
        .get(&format!("/v1/leads/{id}/history?limit=2"))
        .await;
    let types: Vec<&str> = first.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|event| event["type"].as_str().expect("a type"))
        .collect();
    assert_eq!(types, vec!["interaction", "stageChanged"]);
    assert_eq!(
        first.body["items"][0]["summary"],
        "Wants a site visit next week"
    );
    let cursor = first.body["nextCursor"].as_str().expect("more");
    let rest = crm
        .app
        .get(&format!("/v1/leads/{id}/history?cursor={cursor}"))
        .await;
    let types: Vec<&str> = rest.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|event| event["type"].as_str().expect("a type"))
        .collect();
    assert_eq!(types, vec!["stageChanged", "detailsChanged", "created"]);

    let held_only = crm.app.get("/v1/leads?stage=Hold").await;
    assert_eq!(held_only.body["items"][0]["id"], id);
    assert_eq!(
        crm.app.get("/v1/leads?stage=Real").await.body["items"],
        json!([])
    );

    let deleted = crm
        .app
        .send(Method::DELETE, &format!("/v1/leads/{id}"), json!(null))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        crm.app.get(&format!("/v1/leads/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let audit = crm.app.get("/v1/audit?limit=200").await.body.to_string();
    for change in [
        "POST /v1/leads",
        "PATCH /v1/leads/{leadId}",
        "PUT /v1/leads/{leadId}/status",
        "POST /v1/leads/{leadId}/interactions",
        "DELETE /v1/leads/{leadId}",
    ] {
        assert!(audit.contains(change), "{change} audited");
    }
}

#[tokio::test]
async fn follow_ups_go_on_the_organisations_schedule_and_show_on_the_lead() {
    let crm = crm().await;
    let defaults = crm.app.get("/v1/leads/settings").await;
    assert_eq!(defaults.body["followUps"]["enabled"], false);
    assert_eq!(defaults.body["qualification"]["startWithinDays"], 90);

    let incomplete = crm
        .app
        .send(
            Method::PUT,
            "/v1/leads/settings",
            json!({"followUps": {"enabled": true}}),
        )
        .await;
    assert_eq!(incomplete.code(), "validation_failed");
    assert_eq!(
        incomplete.fields_at_fault(),
        vec!["followUps.channelAccount", "followUps.steps"]
    );

    let lead = crm.add(asha()).await;
    let id = lead["id"].as_str().expect("an id");
    let schedule = json!({"followUps": {"enabled": true, "channelAccount": NUMBER,
        "steps": [{"afterHours": 24, "template": "decor_day_1"},
                  {"afterHours": 24, "template": "decor_day_2"}]}});
    let saved = crm
        .app
        .send(Method::PUT, "/v1/leads/settings", schedule)
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let leads = crm.app.state.leads.clone().expect("leads");
    let planned = crm.app.get(&format!("/v1/leads/{id}")).await;
    assert!(
        planned.body["followUp"]["nextAt"].is_string(),
        "planned when the settings came"
    );

    crm.clock.advance(Duration::from_secs(24 * 3_600));
    assert_eq!(leads.run_due().await.expect("run"), 1);
    let after = crm.app.get(&format!("/v1/leads/{id}")).await;
    assert_eq!(after.body["followUpStatus"], "Day 1");
    assert_eq!(
        after.body["followUp"]["history"][0]["template"],
        "decor_day_1"
    );
    assert_eq!(
        *crm.whatsapp.sent.lock().expect("lock"),
        vec![("919876543210".to_owned(), "decor_day_1".to_owned())]
    );

    let off = crm
        .app
        .send(
            Method::PUT,
            &format!("/v1/leads/{id}/automation"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(off.body["automation"], false);
    assert!(off.body["followUp"].get("nextAt").is_none());
    crm.clock.advance(Duration::from_secs(48 * 3_600));
    assert_eq!(leads.run_due().await.expect("run"), 0);
    assert_eq!(crm.whatsapp.sent.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn a_contacts_lead_is_exported_and_erased_with_the_contact() {
    let crm = crm().await;
    let lead = crm.add(asha()).await;
    let id = lead["id"].as_str().expect("an id");
    let contact = "channel=whatsapp&contact=919876543210";
    let export = crm
        .app
        .get(&format!("/v1/data/contact-export?{contact}"))
        .await;
    assert_eq!(export.body["lead"]["lead"]["id"], id, "{:?}", export.body);
    assert_eq!(export.body["lead"]["history"][0]["type"], "created");

    let erased = crm
        .app
        .send(
            Method::DELETE,
            &format!("/v1/data/contact?{contact}"),
            json!(null),
        )
        .await;
    assert_eq!(erased.body["erasedLead"], true, "{:?}", erased.body);
    assert_eq!(
        crm.app.get(&format!("/v1/leads/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let again = crm
        .app
        .get(&format!("/v1/data/contact-export?{contact}"))
        .await;
    assert_eq!(again.body["lead"], Value::Null);
}
