//! One recipient's journey: the opening template, steps armed and cancelled by the status of
//! the last message, follow-ups up to the workflow's limit, stale timers and statuses ignored,
//! refused sends retried 12 hours apart, opt-outs, and nothing done once finished.

use super::*;
use crate::time::Timestamp;
use StepTrigger::{Delivered, Failed, Read, Sent};

const HOUR: i64 = 60 * 60 * 1_000;
const OPENING: &str = "cart_opening";

fn step(name: &str, on: StepTrigger, wait_hours: i64, template_id: &str) -> WorkflowStep {
    WorkflowStep {
        name: name.into(),
        on,
        wait_ms: u64::try_from(wait_hours * HOUR).expect("positive"),
        template_id: template_id.into(),
        terminal: false,
    }
}

fn terminal(step: WorkflowStep) -> WorkflowStep {
    WorkflowStep {
        terminal: true,
        ..step
    }
}

/// Abandoned cart recovery: a nudge 24 hours after the opening is delivered if it is not read
/// first, and a discount an hour after a message is read, which ends the journey.
fn abandoned_cart() -> CampaignWorkflow {
    CampaignWorkflow {
        max_follow_ups: 3,
        steps: vec![
            step("Nudge", Delivered, 24, "cart_nudge"),
            terminal(step("Discount", Read, 1, "cart_discount")),
        ],
    }
}

/// Lead nurturing: a reminder an hour after each delivered message, as often as allowed.
fn reminders(max_follow_ups: u32) -> CampaignWorkflow {
    CampaignWorkflow {
        max_follow_ups,
        steps: vec![step("Reminder", Delivered, 1, "reminder")],
    }
}

fn at(hours: i64) -> Timestamp {
    Timestamp(hours * HOUR)
}

/// A recipient driven through one workflow, as the campaign's driver would.
struct Journey {
    workflow: CampaignWorkflow,
    progress: RecipientProgress,
}

impl Journey {
    fn of(workflow: CampaignWorkflow) -> Self {
        Self {
            workflow,
            progress: RecipientProgress::new(),
        }
    }

    fn started(workflow: CampaignWorkflow) -> Self {
        let mut journey = Self::of(workflow);
        journey.apply(RecipientEvent::Start { at: at(0) });
        journey
    }

    fn apply(&mut self, event: RecipientEvent) -> Vec<RecipientAction> {
        self.progress.apply(&self.workflow, OPENING, event)
    }

    fn status(&mut self, message: u32, status: StepTrigger, hours: i64) -> Vec<RecipientAction> {
        self.apply(RecipientEvent::Status {
            message,
            status,
            at: at(hours),
        })
    }

    fn fire(&mut self, step: usize, hours: i64) -> Vec<RecipientAction> {
        self.apply(RecipientEvent::TimerFired {
            step,
            at: at(hours),
        })
    }

    fn refused(&mut self, message: u32, hours: i64) -> Vec<RecipientAction> {
        self.apply(RecipientEvent::SendFailed {
            message,
            at: at(hours),
            reason: "131049 not delivered to maintain ecosystem health".into(),
        })
    }

    fn retry(&mut self, hours: i64) -> Vec<RecipientAction> {
        self.apply(RecipientEvent::RetryDue { at: at(hours) })
    }
}

fn send(message: u32, step: Option<usize>, template_id: &str) -> RecipientAction {
    RecipientAction::Send {
        message,
        step,
        template_id: template_id.into(),
    }
}

fn arm(step: usize, due_hours: i64) -> RecipientAction {
    RecipientAction::ArmTimer {
        step,
        due: at(due_hours),
    }
}

fn cancel(step: usize) -> RecipientAction {
    RecipientAction::CancelTimer { step }
}

fn finish(outcome: RecipientOutcome) -> RecipientAction {
    RecipientAction::Finish(outcome)
}

fn retry_at(hours: i64) -> RecipientAction {
    RecipientAction::ScheduleRetry { due: at(hours) }
}

#[test]
fn starting_sends_the_opening_template_as_message_one() {
    let mut journey = Journey::of(abandoned_cart());
    let actions = journey.apply(RecipientEvent::Start { at: at(0) });
    assert_eq!(actions, [send(1, None, OPENING)]);
    assert_eq!(journey.progress.started_at, Some(at(0)));
    assert!(!journey.progress.is_finished());
}

#[test]
fn a_second_start_sends_nothing() {
    let mut journey = Journey::started(abandoned_cart());
    assert!(
        journey
            .apply(RecipientEvent::Start { at: at(1) })
            .is_empty()
    );
    assert_eq!(journey.progress.last_message, 1);
}

#[test]
fn a_read_message_arms_the_read_step_and_cancels_the_delivered_one() {
    let mut journey = Journey::started(abandoned_cart());
    assert!(
        journey.status(1, Sent, 0).is_empty(),
        "no step follows sent, and later ones may still come"
    );
    assert_eq!(journey.status(1, Delivered, 1), [arm(0, 25)]);
    assert_eq!(journey.status(1, Read, 5), [cancel(0), arm(1, 6)]);
    assert_eq!(
        journey.progress.armed,
        Some(ArmedStep {
            step: 1,
            due: at(6)
        })
    );
}

#[test]
fn abandoned_cart_recovery_ends_after_the_terminal_discount_is_accepted() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Delivered, 1);
    journey.status(1, Read, 5);
    assert!(
        journey.fire(0, 25).is_empty(),
        "the cancelled nudge fires anyway: stale"
    );
    assert_eq!(journey.fire(1, 6), [send(2, Some(1), "cart_discount")]);
    assert_eq!(journey.progress.follow_ups, 1);
    assert!(
        journey.progress.last_message_is_final,
        "the step is terminal"
    );
    assert!(
        !journey.progress.is_finished(),
        "not until the channel took it"
    );

    assert_eq!(
        journey.status(2, Sent, 6),
        [finish(RecipientOutcome::Completed)]
    );
    assert_eq!(journey.progress.outcome, Some(RecipientOutcome::Completed));
    assert_eq!(journey.progress.finished_at, Some(at(6)));
    assert_eq!(journey.progress.armed, None);
}

#[test]
fn an_unread_message_gets_the_nudge_and_the_journey_goes_on() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Delivered, 1);
    assert_eq!(journey.fire(0, 25), [send(2, Some(0), "cart_nudge")]);
    assert!(!journey.progress.last_message_is_final);
    assert_eq!(journey.status(2, Delivered, 26), [arm(0, 50)]);
    assert_eq!(journey.status(2, Read, 27), [cancel(0), arm(1, 28)]);
    assert_eq!(journey.fire(1, 28), [send(3, Some(1), "cart_discount")]);
    assert_eq!(journey.progress.follow_ups, 2);
}

#[test]
fn no_step_is_armed_once_the_follow_ups_reach_the_limit() {
    let mut journey = Journey::started(reminders(2));
    journey.status(1, Delivered, 0);
    assert_eq!(journey.fire(0, 1), [send(2, Some(0), "reminder")]);
    assert!(!journey.progress.last_message_is_final);
    assert_eq!(journey.status(2, Delivered, 1), [arm(0, 2)]);
    assert_eq!(journey.fire(0, 2), [send(3, Some(0), "reminder")]);
    assert!(
        journey.progress.last_message_is_final,
        "two follow-ups made"
    );
    assert_eq!(
        journey.status(3, Delivered, 2),
        [finish(RecipientOutcome::Completed)],
        "the delivered step is not armed a third time"
    );
    assert_eq!(journey.progress.follow_ups, 2);
}

#[test]
fn a_timer_that_is_not_the_armed_one_does_nothing() {
    let mut journey = Journey::started(abandoned_cart());
    assert!(journey.fire(0, 100).is_empty(), "nothing armed yet");
    journey.status(1, Delivered, 1);
    assert!(journey.fire(1, 100).is_empty(), "another step");
    assert!(journey.fire(0, 24).is_empty(), "before its due time");
    assert_eq!(journey.fire(0, 25).len(), 1);
    assert!(
        journey.fire(0, 25).is_empty(),
        "a second report of the same timer"
    );
    assert_eq!(journey.progress.follow_ups, 1);
    assert_eq!(journey.progress.last_message, 2);
}

#[test]
fn a_late_status_of_an_older_message_is_ignored() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Delivered, 1);
    journey.fire(0, 25);
    assert!(journey.status(1, Read, 26).is_empty(), "message 1 is old");
    assert!(
        journey.status(3, Read, 26).is_empty(),
        "message 3 was never sent"
    );
    assert_eq!(journey.progress.armed, None);
    assert_eq!(journey.progress.last_status, None);
    assert_eq!(journey.status(2, Read, 27), [arm(1, 28)]);
}

#[test]
fn a_repeated_or_backwards_status_is_ignored() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Delivered, 1);
    assert!(journey.status(1, Delivered, 2).is_empty(), "repeated");
    assert!(journey.status(1, Sent, 2).is_empty(), "backwards");
    assert_eq!(
        journey.progress.armed,
        Some(ArmedStep {
            step: 0,
            due: at(25)
        }),
        "the nudge keeps its first due time"
    );
    journey.status(1, Read, 3);
    assert!(journey.status(1, Failed, 4).is_empty(), "read is final");
    assert!(journey.status(1, Delivered, 4).is_empty());
}

#[test]
fn a_read_with_no_read_step_cancels_the_nudge_and_completes() {
    let mut journey = Journey::started(reminders(3));
    journey.status(1, Delivered, 0);
    assert_eq!(
        journey.status(1, Read, 0),
        [cancel(0), finish(RecipientOutcome::Completed)]
    );
}

#[test]
fn a_status_with_no_step_waits_while_a_later_status_has_one() {
    let mut journey = Journey::started(CampaignWorkflow {
        max_follow_ups: 1,
        steps: vec![step("Thanks for reading", Read, 0, "thanks")],
    });
    assert!(journey.status(1, Sent, 0).is_empty());
    assert!(journey.status(1, Delivered, 1).is_empty());
    assert!(!journey.progress.is_finished());
    assert_eq!(journey.status(1, Read, 2), [arm(0, 2)]);
}

#[test]
fn a_failed_status_arms_the_failed_step() {
    let mut journey = Journey::started(CampaignWorkflow {
        max_follow_ups: 2,
        steps: vec![
            step("Nudge", Delivered, 24, "nudge"),
            step("Try another template", Failed, 2, "plain_notice"),
        ],
    });
    journey.status(1, Delivered, 0);
    assert_eq!(journey.status(1, Failed, 1), [cancel(0), arm(1, 3)]);
    assert_eq!(journey.fire(1, 3), [send(2, Some(1), "plain_notice")]);
    assert_eq!(journey.progress.messages.failed, 1);
}

#[test]
fn a_failed_status_without_a_failed_step_finishes_failed() {
    let mut journey = Journey::started(abandoned_cart());
    assert_eq!(
        journey.status(1, Failed, 0),
        [finish(RecipientOutcome::Failed)]
    );
    assert_eq!(journey.progress.outcome, Some(RecipientOutcome::Failed));
}

#[test]
fn a_final_message_that_fails_finishes_failed() {
    let mut journey = Journey::started(reminders(1));
    journey.status(1, Delivered, 0);
    journey.fire(0, 1);
    assert_eq!(
        journey.status(2, Failed, 1),
        [finish(RecipientOutcome::Failed)]
    );
}

#[test]
fn a_refused_send_is_retried_three_times_twelve_hours_apart_then_fails() {
    let mut journey = Journey::started(abandoned_cart());
    assert_eq!(journey.refused(1, 0), [retry_at(12)]);
    assert!(journey.retry(11).is_empty(), "not due yet");
    assert_eq!(journey.retry(12), [send(2, None, OPENING)]);
    assert_eq!(journey.refused(2, 12), [retry_at(24)]);
    assert_eq!(journey.retry(24), [send(3, None, OPENING)]);
    assert_eq!(journey.refused(3, 24), [retry_at(36)]);
    assert_eq!(journey.retry(36), [send(4, None, OPENING)]);
    assert_eq!(
        journey.refused(4, 36),
        [finish(RecipientOutcome::Failed)],
        "the third retry was refused too"
    );
    assert_eq!(journey.progress.refusals, SEND_RETRY_LIMIT + 1);
    assert_eq!(journey.progress.messages.failed, 1, "one message failed");
    assert!(
        journey
            .progress
            .last_refusal
            .as_deref()
            .is_some_and(|reason| reason.starts_with("131049"))
    );
    assert!(journey.retry(48).is_empty());
}

#[test]
fn a_refused_follow_up_is_retried_with_its_own_template_and_counts_once() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Delivered, 0);
    journey.fire(0, 24);
    assert_eq!(journey.refused(2, 24), [retry_at(36)]);
    assert_eq!(journey.retry(36), [send(3, Some(0), "cart_nudge")]);
    assert_eq!(journey.progress.follow_ups, 1, "a retry is not a follow-up");
    assert_eq!(journey.status(3, Delivered, 37), [arm(0, 61)]);
}

#[test]
fn a_new_template_gets_its_own_three_retries() {
    let mut journey = Journey::started(reminders(3));
    journey.refused(1, 0);
    journey.retry(12);
    journey.status(2, Delivered, 12);
    journey.fire(0, 13);
    assert_eq!(journey.progress.refusals, 0);
    for (message, hours) in [(3, 13), (4, 25), (5, 37)] {
        assert_eq!(journey.refused(message, hours), [retry_at(hours + 12)]);
        journey.retry(hours + 12);
    }
    assert_eq!(journey.refused(6, 49), [finish(RecipientOutcome::Failed)]);
}

#[test]
fn a_repeated_or_old_refusal_schedules_no_second_retry() {
    let mut journey = Journey::started(abandoned_cart());
    assert_eq!(journey.refused(1, 0), [retry_at(12)]);
    assert!(journey.refused(1, 1).is_empty(), "reported twice");
    journey.retry(12);
    assert!(journey.refused(1, 13).is_empty(), "message 1 is old");
    assert_eq!(journey.progress.refusals, 1);
}

#[test]
fn a_refusal_after_the_channel_reported_a_status_is_ignored() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Sent, 0);
    assert!(journey.refused(1, 0).is_empty());
    assert_eq!(journey.progress.retry_due, None);
}

#[test]
fn a_status_for_a_refused_message_cancels_its_retry() {
    let mut journey = Journey::started(abandoned_cart());
    journey.refused(1, 0);
    assert_eq!(
        journey.status(1, Delivered, 1),
        [RecipientAction::CancelRetry, arm(0, 25)],
        "the channel took it after all"
    );
    assert!(journey.retry(12).is_empty());
    assert_eq!(journey.progress.last_message, 1);
}

#[test]
fn a_refused_last_message_is_retried_before_the_journey_completes() {
    let mut journey = Journey::started(reminders(1));
    journey.status(1, Delivered, 0);
    journey.fire(0, 1);
    assert_eq!(journey.refused(2, 1), [retry_at(13)]);
    assert_eq!(journey.retry(13), [send(3, Some(0), "reminder")]);
    assert!(journey.progress.last_message_is_final);
    assert_eq!(
        journey.status(3, Sent, 13),
        [finish(RecipientOutcome::Completed)]
    );
}

#[test]
fn opting_out_cancels_the_armed_step_and_sends_nothing_after() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Delivered, 1);
    assert_eq!(
        journey.apply(RecipientEvent::OptedOut { at: at(2) }),
        [cancel(0), finish(RecipientOutcome::OptedOut)]
    );
    assert!(journey.fire(0, 25).is_empty());
    assert_eq!(journey.progress.outcome, Some(RecipientOutcome::OptedOut));
    assert_eq!(journey.progress.last_message, 1);
}

#[test]
fn opting_out_cancels_a_scheduled_retry() {
    let mut journey = Journey::started(abandoned_cart());
    journey.refused(1, 0);
    assert_eq!(
        journey.apply(RecipientEvent::OptedOut { at: at(1) }),
        [
            RecipientAction::CancelRetry,
            finish(RecipientOutcome::OptedOut)
        ]
    );
    assert!(journey.retry(12).is_empty());
}

#[test]
fn a_contact_who_opted_out_before_the_campaign_reached_them_gets_nothing() {
    let mut journey = Journey::of(abandoned_cart());
    assert_eq!(
        journey.apply(RecipientEvent::OptedOut { at: at(0) }),
        [finish(RecipientOutcome::OptedOut)]
    );
    assert!(
        journey
            .apply(RecipientEvent::Start { at: at(1) })
            .is_empty()
    );
    assert!(!journey.progress.is_started());
}

#[test]
fn events_before_the_start_are_ignored() {
    let mut journey = Journey::of(abandoned_cart());
    assert!(journey.status(0, Delivered, 0).is_empty());
    assert!(journey.status(1, Delivered, 0).is_empty());
    assert!(journey.refused(0, 0).is_empty());
    assert!(journey.fire(0, 0).is_empty());
    assert!(journey.retry(0).is_empty());
    assert_eq!(journey.progress, RecipientProgress::new());
}

#[test]
fn a_finished_recipient_takes_no_action_on_any_event() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Failed, 0);
    let before = journey.progress.clone();
    let later = [
        RecipientEvent::Start { at: at(1) },
        RecipientEvent::Status {
            message: 1,
            status: Read,
            at: at(1),
        },
        RecipientEvent::TimerFired {
            step: 0,
            at: at(99),
        },
        RecipientEvent::SendFailed {
            message: 1,
            at: at(1),
            reason: "late".into(),
        },
        RecipientEvent::RetryDue { at: at(99) },
        RecipientEvent::OptedOut { at: at(2) },
    ];
    for event in later {
        assert!(journey.apply(event.clone()).is_empty(), "{event:?}");
    }
    assert_eq!(journey.progress, before);
}

#[test]
fn a_finished_recipient_still_counts_how_far_its_last_message_got() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Read, 0);
    journey.fire(1, 1);
    journey.status(2, Sent, 1);
    assert!(journey.progress.is_finished());
    assert!(journey.status(2, Read, 3).is_empty());
    assert_eq!(
        journey.progress.messages,
        DeliveryCounts {
            sent: 2,
            delivered: 2,
            read: 2,
            failed: 0
        }
    );
    assert!(journey.status(1, Delivered, 4).is_empty());
    assert_eq!(journey.progress.messages.delivered, 2, "message 1 is old");
}

#[test]
fn progress_stored_mid_journey_reads_back_and_goes_on_the_same_way() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Delivered, 1);
    let stored = serde_json::to_string(&journey.progress).expect("json");
    let mut restored: RecipientProgress = serde_json::from_str(&stored).expect("progress");
    assert_eq!(restored, journey.progress);
    let event = RecipientEvent::Status {
        message: 1,
        status: Read,
        at: at(2),
    };
    let workflow = abandoned_cart();
    assert_eq!(
        restored.apply(&workflow, OPENING, event.clone()),
        journey.apply(event)
    );
    assert!(stored.contains("\"lastMessage\":1"), "{stored}");
}

#[test]
fn a_step_the_workflow_no_longer_has_ends_the_journey_without_a_send() {
    let mut journey = Journey::started(abandoned_cart());
    journey.status(1, Read, 0);
    journey.workflow.steps.truncate(1);
    assert_eq!(journey.fire(1, 1), [finish(RecipientOutcome::Completed)]);
}
