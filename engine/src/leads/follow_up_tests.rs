use super::*;
use crate::ids::TenantId;
use crate::time::Timestamp;
use std::time::Duration;

const HOUR: i64 = 3_600_000;
const LEASE: Duration = Duration::from_secs(120);

fn program(steps: u32) -> FollowUpProgram {
    FollowUpProgram {
        enabled: true,
        channel_account: "106540352242922".into(),
        language: "en".into(),
        steps: (1..=steps)
            .map(|day| FollowUpStep {
                after_hours: 24,
                template: format!("lead_day_{day}"),
            })
            .collect(),
        stop_when_answered: true,
    }
}

fn lead(automation: bool, program: &FollowUpProgram) -> Lead {
    let details = LeadDetails {
        full_name: "Asha Rao".into(),
        ..LeadDetails::default()
    };
    let mut lead = Lead::new(
        TenantId::new("org_1"),
        "+91 98765 43210",
        None,
        details,
        automation,
        Timestamp(0),
    )
    .expect("an international number");
    lead.plan(program);
    lead
}

fn sent(id: &str) -> FollowUpOutcome {
    FollowUpOutcome::Sent {
        provider_message_id: id.into(),
    }
}

#[test]
fn an_automated_lead_gets_one_follow_up_a_day_until_the_schedule_ends() {
    let program = program(3);
    let mut lead = lead(true, &program);
    assert_eq!(lead.phone, "919876543210");
    assert_eq!(lead.follow_up.status(), "Not Started");
    assert_eq!(lead.due(), Some(Timestamp(24 * HOUR)));
    assert!(
        lead.begin_follow_up(&program, Timestamp(23 * HOUR), LEASE)
            .is_none(),
        "not due yet"
    );
    let mut now = 24 * HOUR;
    for day in 1..=3u8 {
        let work = lead
            .begin_follow_up(&program, Timestamp(now), LEASE)
            .expect("due");
        assert_eq!(work.number, day);
        assert_eq!(work.template, format!("lead_day_{day}"));
        assert!(lead.finish_follow_up(
            &work,
            sent(&format!("wamid.{day}")),
            &program,
            Timestamp(now)
        ));
        now += 24 * HOUR;
    }
    assert_eq!(lead.follow_up.sent, 3);
    assert_eq!(lead.follow_up.history.len(), 3);
    assert_eq!(lead.follow_up.stopped, Some(StopReason::Completed));
    assert_eq!(lead.follow_up.status(), "Completed");
    assert_eq!(lead.due(), None);
}

#[test]
fn the_status_names_the_last_day_sent() {
    let program = program(5);
    let mut lead = lead(true, &program);
    let work = lead
        .begin_follow_up(&program, Timestamp(24 * HOUR), LEASE)
        .unwrap();
    lead.finish_follow_up(&work, sent("wamid.1"), &program, Timestamp(24 * HOUR));
    assert_eq!(lead.follow_up.status(), "Day 1");
    assert_eq!(lead.due(), Some(Timestamp(48 * HOUR)));
}

#[test]
fn a_lead_without_automation_or_no_longer_unreal_gets_none() {
    let program = program(3);
    let mut manual = lead(false, &program);
    assert_eq!(manual.due(), None);
    let mut qualified = lead(true, &program);
    qualified.set_stage(LeadStage::Real, None, &program, Timestamp(HOUR));
    assert_eq!(qualified.due(), None);
    let mut rejected = lead(true, &program);
    rejected.set_stage(
        LeadStage::Unreal,
        Some("budget too small".into()),
        &program,
        Timestamp(HOUR),
    );
    assert_eq!(rejected.due(), None);
    assert!(
        rejected
            .begin_follow_up(&program, Timestamp(100 * HOUR), LEASE)
            .is_none()
    );
    manual.set_automation(true, &program, Timestamp(10 * HOUR));
    assert_eq!(
        manual.due(),
        Some(Timestamp(34 * HOUR)),
        "counted from when it was turned on"
    );
    let disabled = FollowUpProgram {
        enabled: false,
        ..program
    };
    manual.plan(&disabled);
    assert_eq!(manual.due(), None);
}

#[test]
fn back_to_unreal_counts_from_then() {
    let program = program(3);
    let mut lead = lead(true, &program);
    lead.set_stage(LeadStage::Hold, None, &program, Timestamp(HOUR));
    assert_eq!(lead.due(), None);
    lead.set_stage(LeadStage::Unreal, None, &program, Timestamp(30 * HOUR));
    assert_eq!(lead.due(), Some(Timestamp(54 * HOUR)));
}

#[test]
fn a_lease_keeps_a_second_attempt_out_until_it_runs_out() {
    let program = program(3);
    let mut lead = lead(true, &program);
    let now = Timestamp(24 * HOUR);
    let first = lead.begin_follow_up(&program, now, LEASE).unwrap();
    assert!(
        lead.begin_follow_up(&program, now.plus(Duration::from_secs(60)), LEASE)
            .is_none()
    );
    assert_eq!(
        lead.due(),
        Some(first.lease_until),
        "due again when the lease ends"
    );
    let later = first.lease_until;
    let second = lead
        .begin_follow_up(&program, later, LEASE)
        .expect("the lease ran out");
    assert_eq!(second.number, 1, "the same follow-up, taken up again");
    assert!(
        !lead.finish_follow_up(&first, sent("wamid.late"), &program, later),
        "the first attempt's answer is dropped"
    );
    assert!(lead.finish_follow_up(&second, sent("wamid.1"), &program, later));
    assert_eq!(lead.follow_up.history.len(), 1);
}

#[test]
fn transient_failures_back_off_then_stop() {
    let program = program(3);
    let mut lead = lead(true, &program);
    let mut now = Timestamp(24 * HOUR);
    for failure in 1..=5u8 {
        let work = lead.begin_follow_up(&program, now, LEASE).expect("due");
        lead.finish_follow_up(
            &work,
            FollowUpOutcome::Retry {
                reason: "Graph API unavailable".into(),
            },
            &program,
            now,
        );
        assert_eq!(lead.follow_up.failures, failure);
        if failure < 5 {
            let due = lead.due().expect("a retry is planned");
            assert!(due > now, "the retry waits");
            now = due;
        }
    }
    assert!(matches!(
        lead.follow_up.stopped,
        Some(StopReason::Failed { .. })
    ));
    assert_eq!(lead.due(), None);
    assert_eq!(lead.follow_up.status(), "Stopped");
    lead.set_automation(false, &program, now);
    lead.set_automation(true, &program, now);
    assert_eq!(
        lead.follow_up.stopped, None,
        "turning automation on again resumes"
    );
    assert_eq!(lead.due(), Some(now.plus(Duration::from_secs(24 * 3_600))));
}

#[test]
fn an_answer_or_a_refusal_stops_the_follow_ups() {
    let program = program(3);
    for outcome in [
        FollowUpOutcome::Answered {
            at: Timestamp(5 * HOUR),
        },
        FollowUpOutcome::Refused {
            reason: "not a WhatsApp number".into(),
        },
    ] {
        let mut lead = lead(true, &program);
        let now = Timestamp(24 * HOUR);
        let work = lead.begin_follow_up(&program, now, LEASE).unwrap();
        assert_eq!(work.answered_after, Timestamp(0));
        lead.finish_follow_up(&work, outcome, &program, now);
        assert!(lead.follow_up.stopped.is_some());
        assert_eq!(lead.due(), None);
    }
}

#[test]
fn a_patch_changes_only_what_it_names() {
    let details = LeadDetails {
        full_name: "Asha Rao".into(),
        email: Some("asha@example.com".into()),
        ..LeadDetails::default()
    };
    let patch = LeadPatch {
        email: Some(String::new()),
        scope: Some(ProjectScope::FullHome),
        full_name: Some("Asha Rao".into()),
        ..LeadPatch::default()
    };
    let (next, changed) = patch.apply_to(&details);
    assert_eq!(changed, vec!["email", "scope"]);
    assert_eq!(next.email, None);
    assert_eq!(next.scope, Some(ProjectScope::FullHome));
    assert_eq!(next.full_name, "Asha Rao");
}

#[test]
fn details_are_checked() {
    let details = LeadDetails {
        full_name: " ".into(),
        email: Some("not-an-address".into()),
        start_by: Some("next spring".into()),
        ..LeadDetails::default()
    };
    let errors = details.validate().unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|error| error.field.as_str()).collect();
    assert_eq!(fields, vec!["fullName", "email", "startBy"]);
}
