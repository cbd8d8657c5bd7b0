//! The campaign's lifecycle: every transition from every status, allowed or refused with its
//! code, a refusal changing nothing; the conditions of scheduling, starting and launching; the
//! times each move records; editing a draft only; the audience growing only before the start;
//! and refusal codes that do not change.

use super::*;
use crate::ids::TenantId;
use crate::time::Timestamp;
use CampaignStatus::{Cancelled, Completed, Draft, Paused, Running, Scheduled};

const HOUR: i64 = 60 * 60 * 1_000;

fn at(hours: i64) -> Timestamp {
    Timestamp(hours * HOUR)
}

fn new_campaign(name: &str) -> NewCampaign {
    NewCampaign {
        name: name.into(),
        channel_account: "106540352242922".into(),
        opening_template_id: "order_confirmation".into(),
        language: "pt_BR".into(),
        workflow: CampaignWorkflow {
            max_follow_ups: 1,
            steps: vec![WorkflowStep {
                name: "Ask for feedback".into(),
                on: StepTrigger::Read,
                wait_ms: 3_600_000,
                template_id: "feedback".into(),
                terminal: true,
            }],
        },
    }
}

/// A draft created at hour 0, with or without recipients.
fn draft(audience: u32) -> Campaign {
    let mut campaign =
        Campaign::create(TenantId::new("org_shop"), new_campaign("Orders"), at(0)).expect("valid");
    campaign.add_audience(audience, at(0)).expect("draft");
    campaign
}

/// A campaign with 100 recipients brought to `status` through the lifecycle, before hour 3;
/// a scheduled one starts at hour 10.
fn campaign_in(status: CampaignStatus) -> Campaign {
    let mut campaign = draft(100);
    let moved = match status {
        Draft => Ok(()),
        Scheduled => campaign.schedule(at(10), at(1)),
        Running => campaign.launch(at(1)),
        Paused => campaign.launch(at(1)).and_then(|()| campaign.pause(at(2))),
        Completed => campaign
            .launch(at(1))
            .and_then(|()| campaign.complete(at(2))),
        Cancelled => campaign.cancel(at(1)),
    };
    moved.expect("reachable");
    assert_eq!(campaign.status, status);
    campaign
}

#[derive(Clone, Copy, Debug)]
enum Transition {
    Edit,
    AddAudience,
    Schedule,
    Start,
    Launch,
    Pause,
    Resume,
    Cancel,
    Complete,
}

const TRANSITIONS: [Transition; 9] = [
    Transition::Edit,
    Transition::AddAudience,
    Transition::Schedule,
    Transition::Start,
    Transition::Launch,
    Transition::Pause,
    Transition::Resume,
    Transition::Cancel,
    Transition::Complete,
];

/// When the table's transitions happen: after a scheduled campaign's start time.
const NOW: i64 = 20;

/// Applies `transition` at hour [`NOW`] with everything it needs (a valid edit, a start time
/// ahead), and returns the status it moved to or the code it was refused with.
fn attempt(campaign: &mut Campaign, transition: Transition) -> Result<CampaignStatus, String> {
    let now = at(NOW);
    let result = match transition {
        Transition::Edit => campaign
            .edit(new_campaign("Orders, reworded"), now)
            .map_err(|error| error.code()),
        Transition::AddAudience => campaign.add_audience(5, now).map_err(|r| r.code()),
        Transition::Schedule => campaign.schedule(at(NOW + 10), now).map_err(|r| r.code()),
        Transition::Start => campaign.start(now).map_err(|r| r.code()),
        Transition::Launch => campaign.launch(now).map_err(|r| r.code()),
        Transition::Pause => campaign.pause(now).map_err(|r| r.code()),
        Transition::Resume => campaign.resume(now).map_err(|r| r.code()),
        Transition::Cancel => campaign.cancel(now).map_err(|r| r.code()),
        Transition::Complete => campaign.complete(now).map_err(|r| r.code()),
    };
    result
        .map(|()| campaign.status)
        .map_err(|code| code.to_owned())
}

/// What each transition (in the order of [`TRANSITIONS`]) does from each status: the status it
/// moves to, or the code it is refused with.
const EXPECTED: [(CampaignStatus, [&str; 9]); 6] = [
    (
        Draft,
        [
            "draft",
            "draft",
            "scheduled",
            "not_scheduled",
            "running",
            "not_running",
            "not_paused",
            "cancelled",
            "not_running",
        ],
    ),
    (
        Scheduled,
        [
            "not_a_draft",
            "scheduled",
            "not_a_draft",
            "running",
            "not_a_draft",
            "not_running",
            "not_paused",
            "cancelled",
            "not_running",
        ],
    ),
    (
        Running,
        [
            "not_a_draft",
            "audience_closed",
            "not_a_draft",
            "not_scheduled",
            "not_a_draft",
            "paused",
            "not_paused",
            "cancelled",
            "completed",
        ],
    ),
    (
        Paused,
        [
            "not_a_draft",
            "audience_closed",
            "not_a_draft",
            "not_scheduled",
            "not_a_draft",
            "not_running",
            "running",
            "cancelled",
            "not_running",
        ],
    ),
    (Completed, ["already_finished"; 9]),
    (Cancelled, ["already_finished"; 9]),
];

#[test]
fn every_transition_from_every_status_moves_or_is_refused_as_the_table_says() {
    for (from, expected) in EXPECTED {
        for (transition, expected) in TRANSITIONS.into_iter().zip(expected) {
            let before = campaign_in(from);
            let mut campaign = before.clone();
            let outcome = attempt(&mut campaign, transition);
            let written = match &outcome {
                Ok(status) => status.as_str(),
                Err(code) => code.as_str(),
            };
            assert_eq!(written, expected, "{transition:?} from {from}");
            if outcome.is_ok() {
                assert_eq!(campaign.updated_at, at(NOW), "{transition:?} from {from}");
            } else {
                assert_eq!(
                    campaign, before,
                    "a refused {transition:?} from {from} changes nothing"
                );
            }
        }
    }
}

#[test]
fn the_table_covers_every_status() {
    let statuses: Vec<CampaignStatus> = EXPECTED.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, CampaignStatus::ALL);
}

#[test]
fn scheduling_needs_recipients_and_a_start_that_is_not_in_the_past() {
    let mut empty = draft(0);
    assert_eq!(
        empty.schedule(at(5), at(1)),
        Err(CampaignRefusal::NoAudience)
    );
    assert_eq!(
        empty.schedule(at(0), at(1)),
        Err(CampaignRefusal::NoAudience),
        "the audience is checked first"
    );

    let mut campaign = draft(10);
    assert_eq!(
        campaign.schedule(at(0), at(1)),
        Err(CampaignRefusal::StartInThePast { at: at(0) })
    );
    assert_eq!(campaign.status, Draft);
    assert_eq!(
        campaign.schedule(at(1), at(1)),
        Ok(()),
        "now is not the past"
    );
    assert_eq!(campaign.status, Scheduled);
    assert_eq!(campaign.starts_at, Some(at(1)));
    assert_eq!(campaign.launched_at, None);
}

#[test]
fn a_scheduled_campaign_is_due_from_its_start_time_and_starts_no_sooner() {
    let mut campaign = campaign_in(Scheduled);
    assert!(!campaign.is_due(at(9)));
    assert!(campaign.is_due(at(10)));
    assert!(campaign.is_due(at(11)), "a late start is still due");
    assert_eq!(
        campaign.start(at(9)),
        Err(CampaignRefusal::NotDueYet { starts_at: at(10) })
    );
    assert_eq!(campaign.status, Scheduled);

    assert_eq!(campaign.start(at(11)), Ok(()));
    assert_eq!(campaign.status, Running);
    assert_eq!(campaign.launched_at, Some(at(11)));
    assert_eq!(
        campaign.starts_at,
        Some(at(10)),
        "the planned start is kept"
    );
    assert!(!campaign.is_due(at(11)), "a running campaign is not due");
}

#[test]
fn only_a_scheduled_campaign_is_ever_due() {
    for status in CampaignStatus::ALL {
        let mut campaign = campaign_in(status);
        campaign.starts_at = Some(at(0));
        assert_eq!(campaign.is_due(at(NOW)), status == Scheduled, "{status}");
    }
}

#[test]
fn launching_needs_recipients_and_starts_at_once_without_a_start_time() {
    let mut empty = draft(0);
    assert_eq!(empty.launch(at(1)), Err(CampaignRefusal::NoAudience));
    assert_eq!(empty.status, Draft);

    let mut campaign = draft(1);
    assert_eq!(campaign.launch(at(1)), Ok(()));
    assert_eq!(campaign.status, Running);
    assert_eq!(campaign.launched_at, Some(at(1)));
    assert_eq!(campaign.starts_at, None);
}

#[test]
fn only_a_running_campaign_accepts_sends() {
    for status in CampaignStatus::ALL {
        let campaign = campaign_in(status);
        assert_eq!(campaign.accepts_sends(), status == Running, "{status}");
        assert_eq!(
            campaign.is_finished(),
            matches!(status, Completed | Cancelled),
            "{status}"
        );
    }
}

#[test]
fn pausing_and_resuming_keep_the_launch_time() {
    let mut campaign = campaign_in(Running);
    assert_eq!(campaign.pause(at(4)), Ok(()));
    assert!(!campaign.accepts_sends());
    assert_eq!(campaign.resume(at(5)), Ok(()));
    assert!(campaign.accepts_sends());
    assert_eq!(campaign.launched_at, Some(at(1)));
    assert_eq!(campaign.updated_at, at(5));
    assert_eq!(campaign.finished_at, None);
}

#[test]
fn completing_and_cancelling_record_when_the_campaign_finished() {
    let mut completed = campaign_in(Running);
    assert_eq!(completed.complete(at(7)), Ok(()));
    assert_eq!(completed.finished_at, Some(at(7)));
    assert!(completed.is_finished());

    for from in [Draft, Scheduled, Running, Paused] {
        let mut cancelled = campaign_in(from);
        assert_eq!(cancelled.cancel(at(7)), Ok(()), "{from}");
        assert_eq!(cancelled.status, Cancelled);
        assert_eq!(cancelled.finished_at, Some(at(7)));
        assert_eq!(cancelled.updated_at, at(7));
    }
}

#[test]
fn a_finished_campaign_says_how_it_finished() {
    let mut completed = campaign_in(Completed);
    assert_eq!(
        completed.cancel(at(9)),
        Err(CampaignRefusal::AlreadyFinished { status: Completed })
    );
    let mut cancelled = campaign_in(Cancelled);
    assert_eq!(
        cancelled.edit(new_campaign("Again"), at(9)),
        Err(CampaignEditError::Refused(
            CampaignRefusal::AlreadyFinished { status: Cancelled }
        ))
    );
}

#[test]
fn editing_a_draft_replaces_its_definition_and_keeps_its_identity() {
    let before = draft(40);
    let mut campaign = before.clone();
    let mut input = new_campaign("Orders, second wave");
    input.language = "es".into();
    input.workflow.max_follow_ups = 2;
    assert_eq!(campaign.edit(input.clone(), at(3)), Ok(()));
    assert_eq!(campaign.definition(), input);
    assert_eq!(campaign.id, before.id);
    assert_eq!(campaign.tenant_id, before.tenant_id);
    assert_eq!(campaign.created_at, before.created_at);
    assert_eq!(campaign.audience_size, 40);
    assert_eq!(campaign.status, Draft);
    assert_eq!(campaign.updated_at, at(3));
}

#[test]
fn editing_a_draft_validates_the_whole_definition_again() {
    let before = draft(40);
    let mut campaign = before.clone();
    let mut input = new_campaign("");
    input.channel_account = "not a number".into();
    input.workflow.steps[0].wait_ms = u64::MAX;
    let Err(CampaignEditError::Invalid(errors)) = campaign.edit(input, at(3)) else {
        panic!("an invalid definition must be refused");
    };
    let fields: Vec<&str> = errors.0.iter().map(|error| error.field.as_str()).collect();
    assert_eq!(
        fields,
        ["name", "channelAccount", "workflow.steps[0].waitMs"]
    );
    assert_eq!(campaign, before, "nothing changed");
}

#[test]
fn a_campaign_that_left_its_draft_refuses_edits_before_looking_at_them() {
    for status in [Scheduled, Running, Paused] {
        let before = campaign_in(status);
        let mut campaign = before.clone();
        let invalid = new_campaign("");
        assert_eq!(
            campaign.edit(invalid, at(NOW)),
            Err(CampaignEditError::Refused(CampaignRefusal::NotADraft {
                status
            })),
            "{status}"
        );
        assert_eq!(campaign.workflow, before.workflow, "the workflow is frozen");
    }
}

#[test]
fn the_audience_grows_while_a_draft_or_scheduled() {
    let mut campaign = draft(10);
    assert_eq!(campaign.add_audience(15, at(1)), Ok(()));
    assert_eq!(campaign.audience_size, 25);
    assert_eq!(campaign.updated_at, at(1));
    campaign.schedule(at(10), at(2)).expect("scheduled");
    assert_eq!(campaign.add_audience(5, at(3)), Ok(()));
    assert_eq!(campaign.audience_size, 30);

    campaign.start(at(10)).expect("due");
    assert_eq!(
        campaign.add_audience(1, at(11)),
        Err(CampaignRefusal::AudienceClosed { status: Running })
    );
    assert_eq!(campaign.audience_size, 30);
}

#[test]
fn adding_no_recipients_changes_nothing() {
    let before = draft(10);
    let mut campaign = before.clone();
    assert_eq!(campaign.add_audience(0, at(5)), Ok(()));
    assert_eq!(campaign, before);
}

#[test]
fn an_audience_past_the_largest_count_is_refused_rather_than_cut() {
    let mut campaign = draft(u32::MAX - 1);
    assert_eq!(campaign.add_audience(1, at(1)), Ok(()));
    assert_eq!(campaign.audience_size, u32::MAX);
    assert_eq!(
        campaign.add_audience(1, at(2)),
        Err(CampaignRefusal::AudienceTooLarge)
    );
    assert_eq!(campaign.audience_size, u32::MAX);
    assert_eq!(campaign.updated_at, at(1));
}

#[test]
fn refusal_codes_and_messages_are_stable() {
    let cases = [
        (
            CampaignRefusal::NotADraft { status: Running },
            "not_a_draft",
            "the campaign is running, not a draft",
        ),
        (
            CampaignRefusal::AlreadyFinished { status: Cancelled },
            "already_finished",
            "the campaign is already cancelled",
        ),
        (
            CampaignRefusal::NoAudience,
            "no_audience",
            "the campaign has no recipients yet: add its audience first",
        ),
        (
            CampaignRefusal::StartInThePast { at: at(0) },
            "start_in_the_past",
            "the start time 1970-01-01T00:00:00.000Z is in the past",
        ),
        (
            CampaignRefusal::NotScheduled { status: Draft },
            "not_scheduled",
            "the campaign is draft, not scheduled",
        ),
        (
            CampaignRefusal::NotDueYet { starts_at: at(10) },
            "not_due_yet",
            "the campaign is scheduled to start at 1970-01-01T10:00:00.000Z",
        ),
        (
            CampaignRefusal::NotRunning { status: Paused },
            "not_running",
            "the campaign is paused, not running",
        ),
        (
            CampaignRefusal::NotPaused { status: Running },
            "not_paused",
            "the campaign is running, not paused",
        ),
        (
            CampaignRefusal::AudienceClosed { status: Running },
            "audience_closed",
            "the campaign is running: recipients can only be added before it starts",
        ),
        (
            CampaignRefusal::AudienceTooLarge,
            "audience_too_large",
            "a campaign holds at most 4294967295 recipients",
        ),
    ];
    for (refusal, code, message) in cases {
        assert_eq!(refusal.code(), code);
        assert_eq!(refusal.to_string(), message);
        let edit = CampaignEditError::from(refusal.clone());
        assert_eq!(
            edit.code(),
            code,
            "an edit refusal keeps the refusal's code"
        );
        assert_eq!(edit.to_string(), message);
    }
}

#[test]
fn an_invalid_edit_is_coded_as_a_validation_failure() {
    let mut campaign = draft(1);
    let error = campaign.edit(new_campaign(""), at(1)).expect_err("invalid");
    assert_eq!(error.code(), "validation_failed");
    assert_eq!(error.to_string(), "name: must not be empty");
}
