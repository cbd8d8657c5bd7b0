//! The workflow: it reads and writes the PRD's JSON shape exactly, and validation names every
//! field that breaks a limit, with its path.

use super::*;
use crate::message::Delivery;
use serde_json::json;

const DAY_MS: u64 = 24 * 60 * 60 * 1_000;

fn step(name: &str, on: StepTrigger, wait_ms: u64, template_id: &str) -> WorkflowStep {
    WorkflowStep {
        name: name.into(),
        on,
        wait_ms,
        template_id: template_id.into(),
        terminal: false,
    }
}

fn workflow(max_follow_ups: u32, steps: Vec<WorkflowStep>) -> CampaignWorkflow {
    CampaignWorkflow {
        max_follow_ups,
        steps,
    }
}

/// The fields validation complains about, in order.
fn invalid_fields(workflow: &CampaignWorkflow) -> Vec<String> {
    match workflow.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|error| error.field).collect(),
    }
}

fn abandoned_cart_json() -> serde_json::Value {
    json!({
        "maxFollowUps": 2,
        "steps": [
            {
                "name": "Nudge if not read",
                "on": "delivered",
                "waitMs": 86_400_000,
                "templateId": "cart_reminder",
                "terminal": false
            },
            {
                "name": "Discount once read",
                "on": "read",
                "waitMs": 3_600_000,
                "templateId": "cart_discount",
                "terminal": true
            }
        ]
    })
}

#[test]
fn a_workflow_in_the_prd_shape_reads_and_writes_back_unchanged() {
    let json = abandoned_cart_json();
    let workflow: CampaignWorkflow = serde_json::from_value(json.clone()).expect("workflow");
    assert_eq!(workflow.max_follow_ups, 2);
    assert_eq!(workflow.steps[0].on, StepTrigger::Delivered);
    assert_eq!(workflow.steps[0].wait_ms, DAY_MS);
    assert_eq!(workflow.steps[1].template_id, "cart_discount");
    assert!(workflow.steps[1].terminal);
    assert_eq!(serde_json::to_value(&workflow).expect("json"), json);
    assert_eq!(workflow.validate(), Ok(()));
}

#[test]
fn every_trigger_is_written_in_lowercase() {
    for trigger in StepTrigger::ALL {
        let written = serde_json::to_value(trigger).expect("json");
        assert_eq!(written, json!(trigger.as_str()));
        let read: StepTrigger = serde_json::from_value(written).expect("trigger");
        assert_eq!(read, trigger);
    }
}

#[test]
fn an_unknown_trigger_or_a_misspelt_field_is_refused_when_read() {
    let mut unknown_trigger = abandoned_cart_json();
    unknown_trigger["steps"][0]["on"] = json!("opened");
    assert!(serde_json::from_value::<CampaignWorkflow>(unknown_trigger).is_err());

    let mut snake_case = abandoned_cart_json();
    let first = snake_case["steps"][0].as_object_mut().expect("step");
    let wait = first.remove("waitMs").expect("waitMs");
    first.insert("wait_ms".into(), wait);
    assert!(serde_json::from_value::<CampaignWorkflow>(snake_case).is_err());

    let mut negative_wait = abandoned_cart_json();
    negative_wait["steps"][0]["waitMs"] = json!(-1);
    assert!(serde_json::from_value::<CampaignWorkflow>(negative_wait).is_err());
}

#[test]
fn validation_reports_every_problem_with_its_field_path() {
    let too_long_name = "n".repeat(MAX_STEP_NAME_CHARS + 1);
    let broken = workflow(
        0,
        vec![
            step("Nudge", StepTrigger::Delivered, DAY_MS, "cart_reminder"),
            step("  ", StepTrigger::Read, 31 * DAY_MS, ""),
            step("Nudge", StepTrigger::Delivered, 0, "cart_again"),
            step(&too_long_name, StepTrigger::Failed, 0, &"t".repeat(513)),
        ],
    );
    assert_eq!(
        invalid_fields(&broken),
        [
            "maxFollowUps",
            "steps[1].name",
            "steps[1].waitMs",
            "steps[1].templateId",
            "steps[2].name",
            "steps[2].on",
            "steps[3].name",
            "steps[3].templateId",
        ]
    );
}

#[test]
fn a_repeated_name_or_trigger_names_the_step_that_came_first() {
    let repeated = workflow(
        3,
        vec![
            step("Nudge", StepTrigger::Sent, 0, "a"),
            step("Thanks", StepTrigger::Read, 0, "b"),
            step("Nudge", StepTrigger::Read, 0, "c"),
        ],
    );
    let errors = repeated.validate().expect_err("invalid");
    let messages: Vec<(&str, &str)> = errors
        .0
        .iter()
        .map(|error| (error.field.as_str(), error.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "steps[2].name",
                "must be unique: steps[0] has the same name"
            ),
            (
                "steps[2].on",
                "steps[1] already follows 'read': each status may have one step"
            ),
        ]
    );
}

#[test]
fn a_workflow_needs_at_least_one_step() {
    assert_eq!(invalid_fields(&workflow(1, Vec::new())), ["steps"]);
}

#[test]
fn a_workflow_holds_at_most_twenty_steps() {
    let steps: Vec<WorkflowStep> = (0..=MAX_STEPS)
        .map(|index| {
            step(
                &format!("Step {index}"),
                StepTrigger::ALL[index % 4],
                0,
                "t",
            )
        })
        .collect();
    let errors = workflow(1, steps).validate().expect_err("invalid");
    assert_eq!(errors.0[0].field, "steps");
    assert_eq!(errors.0[0].message, "must hold at most 20 items");
}

#[test]
fn the_limits_hold_up_to_their_edges() {
    let longest_wait = u64::try_from(MAX_WAIT.as_millis()).expect("fits");
    assert_eq!(longest_wait, 30 * DAY_MS);
    let at_the_edge = workflow(
        MAX_FOLLOW_UPS,
        vec![step(
            &"n".repeat(MAX_STEP_NAME_CHARS),
            StepTrigger::Sent,
            longest_wait,
            &"t".repeat(MAX_TEMPLATE_ID_CHARS),
        )],
    );
    assert_eq!(at_the_edge.validate(), Ok(()));

    let past_the_edge = workflow(
        MAX_FOLLOW_UPS + 1,
        vec![step("Wait", StepTrigger::Sent, longest_wait + 1, "t")],
    );
    assert_eq!(
        invalid_fields(&past_the_edge),
        ["maxFollowUps", "steps[0].waitMs"]
    );
}

#[test]
fn the_step_for_a_status_is_the_one_that_follows_it() {
    let cart: CampaignWorkflow = serde_json::from_value(abandoned_cart_json()).expect("workflow");
    assert_eq!(
        cart.step_for(StepTrigger::Read).map(|(index, _)| index),
        Some(1)
    );
    assert!(cart.step_for(StepTrigger::Sent).is_none());
    assert!(
        cart.has_step_after(StepTrigger::Sent),
        "delivered may follow"
    );
    assert!(
        cart.has_step_after(StepTrigger::Delivered),
        "read may follow"
    );
    assert!(!cart.has_step_after(StepTrigger::Read), "read is final");
}

#[test]
fn statuses_only_move_forward() {
    use StepTrigger::{Delivered, Failed, Read, Sent};
    assert!(Sent.may_become(Delivered) && Sent.may_become(Read) && Sent.may_become(Failed));
    assert!(Delivered.may_become(Read) && Delivered.may_become(Failed));
    assert!(!Delivered.may_become(Sent) && !Sent.may_become(Sent));
    for final_status in [Read, Failed] {
        for next in StepTrigger::ALL {
            assert!(
                !final_status.may_become(next),
                "{final_status:?} → {next:?}"
            );
        }
    }
}

#[test]
fn a_message_delivery_state_maps_to_its_trigger() {
    let failed = Delivery::Failed {
        reason: "131026 undeliverable".into(),
    };
    assert_eq!(
        StepTrigger::from_delivery(&Delivery::Read),
        Some(StepTrigger::Read)
    );
    assert_eq!(
        StepTrigger::from_delivery(&failed),
        Some(StepTrigger::Failed)
    );
    assert_eq!(StepTrigger::from_delivery(&Delivery::Pending), None);
    assert_eq!(StepTrigger::from_delivery(&Delivery::Received), None);
}
