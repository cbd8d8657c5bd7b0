//! The campaign's definition: a valid input makes a draft, validation names every broken field
//! with its path (the workflow's under `workflow.`), and the input and the record read and
//! write camelCase JSON, the input refusing fields it does not know.

use super::*;
use crate::ids::TenantId;
use crate::time::Timestamp;
use serde_json::json;

const HOUR: i64 = 60 * 60 * 1_000;

fn at(hours: i64) -> Timestamp {
    Timestamp(hours * HOUR)
}

fn cart_workflow() -> CampaignWorkflow {
    CampaignWorkflow {
        max_follow_ups: 2,
        steps: vec![WorkflowStep {
            name: "Nudge".into(),
            on: StepTrigger::Delivered,
            wait_ms: 86_400_000,
            template_id: "cart_nudge".into(),
            terminal: true,
        }],
    }
}

fn cart_workflow_with_wait(wait_ms: u64) -> CampaignWorkflow {
    let mut workflow = cart_workflow();
    workflow.steps[0].wait_ms = wait_ms;
    workflow
}

fn new_campaign() -> NewCampaign {
    NewCampaign {
        name: "Abandoned carts, November".into(),
        channel_account: "106540352242922".into(),
        opening_template_id: "cart_opening".into(),
        language: "en_US".into(),
        workflow: cart_workflow(),
    }
}

fn new_campaign_json() -> serde_json::Value {
    json!({
        "name": "Abandoned carts, November",
        "channelAccount": "106540352242922",
        "openingTemplateId": "cart_opening",
        "language": "en_US",
        "workflow": {
            "maxFollowUps": 2,
            "steps": [{
                "name": "Nudge",
                "on": "delivered",
                "waitMs": 86_400_000,
                "templateId": "cart_nudge",
                "terminal": true
            }]
        }
    })
}

/// The fields validation complains about, in order.
fn invalid_fields(input: &NewCampaign) -> Vec<String> {
    match input.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|error| error.field).collect(),
    }
}

fn with_language(language: &str) -> NewCampaign {
    NewCampaign {
        language: language.into(),
        ..new_campaign()
    }
}

fn with_channel_account(account: &str) -> NewCampaign {
    NewCampaign {
        channel_account: account.into(),
        ..new_campaign()
    }
}

#[test]
fn a_valid_input_creates_a_draft_of_its_organisation_with_no_audience() {
    let tenant = TenantId::new("org_shop");
    let campaign = Campaign::create(tenant.clone(), new_campaign(), at(1)).expect("valid");
    assert!(campaign.id.as_str().starts_with("cmp_"), "{}", campaign.id);
    assert_eq!(campaign.tenant_id, tenant);
    assert_eq!(campaign.definition(), new_campaign());
    assert_eq!(campaign.status, CampaignStatus::Draft);
    assert_eq!(campaign.audience_size, 0);
    assert_eq!((campaign.created_at, campaign.updated_at), (at(1), at(1)));
    assert_eq!(campaign.starts_at, None);
    assert_eq!(campaign.launched_at, None);
    assert_eq!(campaign.finished_at, None);
}

#[test]
fn every_campaign_gets_an_id_of_its_own() {
    let first = Campaign::create(TenantId::new("org_a"), new_campaign(), at(1)).expect("valid");
    let second = Campaign::create(TenantId::new("org_a"), new_campaign(), at(1)).expect("valid");
    assert_ne!(first.id, second.id);
    assert_eq!(CampaignId::new(first.id.as_str()), first.id);
    assert_eq!(CampaignId::from("cmp_1").to_string(), "cmp_1");
}

#[test]
fn validation_reports_every_broken_field_with_its_path() {
    let mut workflow = cart_workflow();
    workflow.max_follow_ups = 0;
    workflow.steps[0].wait_ms = u64::MAX;
    let broken = NewCampaign {
        name: " ".into(),
        channel_account: String::new(),
        opening_template_id: "t".repeat(MAX_TEMPLATE_ID_CHARS + 1),
        language: "english (US)".into(),
        workflow,
    };
    let expected = [
        "name",
        "channelAccount",
        "openingTemplateId",
        "language",
        "workflow.maxFollowUps",
        "workflow.steps[0].waitMs",
    ];
    assert_eq!(invalid_fields(&broken), expected);
    let errors = Campaign::create(TenantId::new("org_a"), broken, at(1)).expect_err("invalid");
    let fields: Vec<&str> = errors.0.iter().map(|error| error.field.as_str()).collect();
    assert_eq!(fields, expected, "create refuses with the same errors");
}

#[test]
fn the_workflow_errors_keep_their_message_under_the_workflow_path() {
    let workflow = cart_workflow_with_wait(u64::MAX);
    let own = workflow.validate().expect_err("invalid").0;
    assert_eq!(own[0].field, "steps[0].waitMs");

    let input = NewCampaign {
        workflow,
        ..new_campaign()
    };
    let errors = input.validate().expect_err("invalid").0;
    assert_eq!(errors[0].field, "workflow.steps[0].waitMs");
    assert_eq!(errors[0].message, own[0].message);

    let no_steps = NewCampaign {
        workflow: CampaignWorkflow {
            max_follow_ups: 1,
            steps: Vec::new(),
        },
        ..new_campaign()
    };
    assert_eq!(invalid_fields(&no_steps), ["workflow.steps"]);
}

#[test]
fn the_limits_hold_up_to_their_edges() {
    let at_the_edge = NewCampaign {
        name: "n".repeat(MAX_CAMPAIGN_NAME_CHARS),
        channel_account: "1".repeat(MAX_CHANNEL_ACCOUNT_CHARS),
        opening_template_id: "t".repeat(MAX_TEMPLATE_ID_CHARS),
        language: "l".repeat(*LANGUAGE_CHARS.end()),
        workflow: cart_workflow(),
    };
    assert_eq!(at_the_edge.validate(), Ok(()));

    let past_the_edge = NewCampaign {
        name: "n".repeat(MAX_CAMPAIGN_NAME_CHARS + 1),
        channel_account: "1".repeat(MAX_CHANNEL_ACCOUNT_CHARS + 1),
        opening_template_id: "t".repeat(MAX_TEMPLATE_ID_CHARS + 1),
        language: "l".repeat(LANGUAGE_CHARS.end() + 1),
        workflow: cart_workflow(),
    };
    assert_eq!(
        invalid_fields(&past_the_edge),
        ["name", "channelAccount", "openingTemplateId", "language"]
    );
}

#[test]
fn a_language_code_is_two_to_fifteen_letters_underscores_or_hyphens() {
    for good in ["en", "en_US", "pt-BR", "zh_Hant_TW", "fil"] {
        assert_eq!(
            invalid_fields(&with_language(good)),
            Vec::<String>::new(),
            "{good}"
        );
    }
    for bad in ["", "e", "en US", "en.US", "e1", "fr_É", "abcdefghijklmnop"] {
        assert_eq!(invalid_fields(&with_language(bad)), ["language"], "{bad}");
    }
}

#[test]
fn the_channel_account_is_the_numeric_phone_number_id_of_an_integration() {
    assert_eq!(
        invalid_fields(&with_channel_account("1065")),
        Vec::<String>::new()
    );
    for bad in ["", " ", "+15551234567", "phone_1", "1065 "] {
        assert_eq!(
            invalid_fields(&with_channel_account(bad)),
            ["channelAccount"],
            "{bad:?}"
        );
    }
}

#[test]
fn a_new_campaign_reads_camel_case_json() {
    let input: NewCampaign = serde_json::from_value(new_campaign_json()).expect("input");
    assert_eq!(input, new_campaign());
    assert_eq!(
        serde_json::to_value(&input).expect("json"),
        new_campaign_json()
    );
}

#[test]
fn a_new_campaign_refuses_fields_it_does_not_know_or_in_snake_case() {
    for (field, value) in [
        ("status", json!("running")),
        ("audienceSize", json!(10)),
        ("startsAt", json!("2026-12-01T09:00:00.000Z")),
        ("tenantId", json!("org_other")),
    ] {
        let mut input = new_campaign_json();
        input[field] = value;
        assert!(
            serde_json::from_value::<NewCampaign>(input).is_err(),
            "{field} is not an input"
        );
    }

    let mut snake_case = new_campaign_json();
    let object = snake_case.as_object_mut().expect("object");
    let template = object.remove("openingTemplateId").expect("field");
    object.insert("opening_template_id".into(), template);
    assert!(serde_json::from_value::<NewCampaign>(snake_case).is_err());

    let mut workflow_field = new_campaign_json();
    workflow_field["workflow"]["steps"][0]["delay"] = json!(5);
    assert!(serde_json::from_value::<NewCampaign>(workflow_field).is_err());
}

#[test]
fn a_campaign_reads_and_writes_back_unchanged_in_camel_case() {
    let mut campaign =
        Campaign::create(TenantId::new("org_shop"), new_campaign(), at(1)).expect("valid");
    campaign.add_audience(250, at(2)).expect("draft");
    campaign.schedule(at(5), at(3)).expect("scheduled");
    campaign.start(at(5)).expect("due");
    campaign.cancel(at(6)).expect("cancelled");

    let json = serde_json::to_value(&campaign).expect("json");
    assert_eq!(json["id"], json!(campaign.id.as_str()));
    assert_eq!(json["tenantId"], json!("org_shop"));
    assert_eq!(json["channelAccount"], json!("106540352242922"));
    assert_eq!(json["openingTemplateId"], json!("cart_opening"));
    assert_eq!(json["language"], json!("en_US"));
    assert_eq!(json["workflow"], new_campaign_json()["workflow"]);
    assert_eq!(json["audienceSize"], json!(250));
    assert_eq!(json["status"], json!("cancelled"));
    assert_eq!(json["createdAt"], json!(at(1).to_rfc3339()));
    assert_eq!(json["updatedAt"], json!(at(6).to_rfc3339()));
    assert_eq!(json["startsAt"], json!(at(5).to_rfc3339()));
    assert_eq!(json["launchedAt"], json!(at(5).to_rfc3339()));
    assert_eq!(json["finishedAt"], json!(at(6).to_rfc3339()));
    let read: Campaign = serde_json::from_value(json).expect("campaign");
    assert_eq!(read, campaign);
}

#[test]
fn a_draft_leaves_out_the_times_it_has_not_reached() {
    let draft = Campaign::create(TenantId::new("org_shop"), new_campaign(), at(1)).expect("valid");
    let json = serde_json::to_value(&draft).expect("json");
    for absent in ["startsAt", "launchedAt", "finishedAt"] {
        assert!(json.get(absent).is_none(), "{absent} in {json}");
    }
    assert_eq!(json["status"], json!("draft"));
    let read: Campaign = serde_json::from_value(json).expect("campaign");
    assert_eq!(read, draft);
}

#[test]
fn every_status_is_written_as_its_name() {
    for status in CampaignStatus::ALL {
        let written = serde_json::to_value(status).expect("json");
        assert_eq!(written, json!(status.as_str()));
        assert_eq!(status.to_string(), status.as_str());
        let read: CampaignStatus = serde_json::from_value(written).expect("status");
        assert_eq!(read, status);
    }
    let names: Vec<&str> = CampaignStatus::ALL.map(CampaignStatus::as_str).to_vec();
    assert_eq!(
        names,
        [
            "draft",
            "scheduled",
            "running",
            "paused",
            "completed",
            "cancelled"
        ]
    );
}
