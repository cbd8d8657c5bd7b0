//! When a recipient needs its campaign next, and for what. A recipient waits on one of three
//! things: the campaign reaching it (not started), the armed step's time, or the retry of a
//! refused send; otherwise it waits for a delivery report, which comes by itself, or it is
//! finished. [`RecipientProgress::next_due`] gives the time the runner must look at the
//! recipient again, and [`RecipientProgress::due_event`] the event to apply then. Both are
//! computed from the stored progress, so a restarted runner finds every overdue recipient from
//! the store alone: the recipient's timers are its progress.

use super::recipient::{RecipientEvent, RecipientProgress};
use crate::time::Timestamp;

impl RecipientProgress {
    /// When the recipient is due without waiting for a report: `not_before` for a recipient the
    /// campaign has not reached, the retry's time, or the armed step's; `None` while it only
    /// waits for a report, and once it is finished.
    pub fn next_due(&self, not_before: Timestamp) -> Option<Timestamp> {
        if self.is_finished() {
            return None;
        }
        if !self.is_started() {
            return Some(not_before);
        }
        let armed = self.armed.map(|armed| armed.due);
        match (self.retry_due, armed) {
            (Some(retry), Some(step)) => Some(retry.min(step)),
            (retry, step) => retry.or(step),
        }
    }

    /// The event that is due at `at`: the start, the retry or the armed step's timer, in that
    /// order; `None` when nothing is due yet.
    pub fn due_event(&self, at: Timestamp) -> Option<RecipientEvent> {
        if self.is_finished() {
            return None;
        }
        if !self.is_started() {
            return Some(RecipientEvent::Start { at });
        }
        if self.retry_due.is_some_and(|due| due <= at) {
            return Some(RecipientEvent::RetryDue { at });
        }
        self.armed
            .filter(|armed| armed.due <= at)
            .map(|armed| RecipientEvent::TimerFired {
                step: armed.step,
                at,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{
        CampaignWorkflow, RecipientAction, RecipientOutcome, StepTrigger, WorkflowStep,
    };

    fn workflow() -> CampaignWorkflow {
        CampaignWorkflow {
            max_follow_ups: 2,
            steps: vec![WorkflowStep {
                name: "nudge".into(),
                on: StepTrigger::Delivered,
                wait_ms: 60_000,
                template_id: "nudge".into(),
                terminal: true,
            }],
        }
    }

    /// Applies the due event at `at`, as a runner would.
    fn run_due(progress: &mut RecipientProgress, at: Timestamp) -> Vec<RecipientAction> {
        let event = progress.due_event(at).expect("something due");
        progress.apply(&workflow(), "opening", event)
    }

    #[test]
    fn a_recipient_not_reached_is_due_at_once_and_starts() {
        let mut progress = RecipientProgress::new();
        assert_eq!(progress.next_due(Timestamp(5)), Some(Timestamp(5)));
        let actions = run_due(&mut progress, Timestamp(10));
        assert!(matches!(
            actions[0],
            RecipientAction::Send { message: 1, .. }
        ));
        assert_eq!(progress.next_due(Timestamp(5)), None, "waits for a report");
        assert_eq!(progress.due_event(Timestamp(1_000_000)), None);
    }

    #[test]
    fn an_armed_step_is_due_at_its_time_and_not_before() {
        let mut progress = RecipientProgress::new();
        run_due(&mut progress, Timestamp(10));
        let delivered = RecipientEvent::Status {
            message: 1,
            status: StepTrigger::Delivered,
            at: Timestamp(1_000),
        };
        progress.apply(&workflow(), "opening", delivered);
        assert_eq!(progress.next_due(Timestamp(0)), Some(Timestamp(61_000)));
        assert_eq!(progress.due_event(Timestamp(60_999)), None);
        let actions = run_due(&mut progress, Timestamp(61_000));
        assert!(matches!(
            actions[0],
            RecipientAction::Send {
                message: 2,
                step: Some(0),
                ..
            }
        ));
        assert_eq!(progress.next_due(Timestamp(0)), None);
    }

    #[test]
    fn a_refused_send_is_due_again_at_its_retry() {
        let mut progress = RecipientProgress::new();
        run_due(&mut progress, Timestamp(10));
        let refused = RecipientEvent::SendFailed {
            message: 1,
            at: Timestamp(20),
            reason: "template paused".into(),
        };
        progress.apply(&workflow(), "opening", refused);
        let retry = progress.retry_due.expect("a retry");
        assert_eq!(progress.next_due(Timestamp(0)), Some(retry));
        let actions = run_due(&mut progress, retry);
        assert!(matches!(
            actions[0],
            RecipientAction::Send { message: 2, .. }
        ));
    }

    #[test]
    fn a_finished_recipient_is_never_due() {
        let mut progress = RecipientProgress::new();
        let opted_out = RecipientEvent::OptedOut { at: Timestamp(1) };
        let actions = progress.apply(&workflow(), "opening", opted_out);
        assert_eq!(
            actions,
            vec![RecipientAction::Finish(RecipientOutcome::OptedOut)]
        );
        assert_eq!(progress.next_due(Timestamp(0)), None);
        assert_eq!(progress.due_event(Timestamp(i64::MAX)), None);
    }
}
