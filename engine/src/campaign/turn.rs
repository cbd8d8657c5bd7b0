//! The rules of one event for one recipient, as [`RecipientProgress::apply`] applies them (the
//! recipient module's documentation says them in plain words). Each rule changes the progress
//! and collects the actions the driver must carry out.

use super::recipient::{
    ArmedStep, RecipientAction, RecipientOutcome, RecipientProgress, SEND_RETRY_INTERVAL,
    SEND_RETRY_LIMIT,
};
use super::workflow::{CampaignWorkflow, StepTrigger};
use crate::time::Timestamp;
use std::time::Duration;

/// One call of [`RecipientProgress::apply`]: the progress it changes and the actions it
/// collects.
pub(super) struct Turn<'a> {
    progress: &'a mut RecipientProgress,
    workflow: &'a CampaignWorkflow,
    opening_template: &'a str,
    actions: Vec<RecipientAction>,
}

impl<'a> Turn<'a> {
    pub(super) fn new(
        progress: &'a mut RecipientProgress,
        workflow: &'a CampaignWorkflow,
        opening_template: &'a str,
    ) -> Self {
        Self {
            progress,
            workflow,
            opening_template,
            actions: Vec::new(),
        }
    }

    pub(super) fn into_actions(self) -> Vec<RecipientAction> {
        self.actions
    }

    /// The campaign reached the recipient: the opening template, once.
    pub(super) fn start(&mut self, at: Timestamp) {
        if self.progress.is_started() {
            return;
        }
        self.progress.started_at = Some(at);
        let last = self.workflow.max_follow_ups == 0;
        self.send(None, self.opening_template.to_owned(), last, false);
    }

    /// A delivery status of the latest message: counted, then it replaces the armed step with
    /// the one that follows it, or ends the journey when nothing can follow.
    pub(super) fn status_reported(&mut self, message: u32, status: StepTrigger, at: Timestamp) {
        let progress = &mut *self.progress;
        if !progress.is_started() || message != progress.last_message {
            return;
        }
        let before = progress.last_status;
        if before.is_some_and(|before| !before.may_become(status)) {
            return;
        }
        progress.messages.record(before, status);
        progress.last_status = Some(status);
        if progress.is_finished() {
            return;
        }
        if progress.retry_due.take().is_some() {
            self.actions.push(RecipientAction::CancelRetry);
        }
        self.cancel_armed_step();
        if self.progress.last_message_is_final {
            let outcome = match status {
                StepTrigger::Failed => RecipientOutcome::Failed,
                _ => RecipientOutcome::Completed,
            };
            self.finish(outcome, at);
        } else if let Some((step, definition)) = self.workflow.step_for(status) {
            let due = at.plus(Duration::from_millis(definition.wait_ms));
            self.progress.armed = Some(ArmedStep { step, due });
            self.actions.push(RecipientAction::ArmTimer { step, due });
        } else if status == StepTrigger::Failed {
            self.finish(RecipientOutcome::Failed, at);
        } else if !self.workflow.has_step_after(status) {
            self.finish(RecipientOutcome::Completed, at);
        }
    }

    /// The armed step is due: its template goes out as a follow-up. A workflow changed since
    /// (the step gone, or no follow-up left under a lowered limit) ends the journey instead.
    pub(super) fn timer_fired(&mut self, step: usize, at: Timestamp) {
        let Some(armed) = self.progress.armed else {
            return;
        };
        if armed.step != step || at < armed.due {
            return;
        }
        self.progress.armed = None;
        let follow_ups_left = self.progress.follow_ups < self.workflow.max_follow_ups;
        let Some(definition) = self.workflow.steps.get(step).filter(|_| follow_ups_left) else {
            self.finish(RecipientOutcome::Completed, at);
            return;
        };
        self.progress.follow_ups += 1;
        let last = definition.terminal || self.progress.follow_ups >= self.workflow.max_follow_ups;
        self.send(Some(step), definition.template_id.clone(), last, false);
    }

    /// The channel refused the latest message before any status: retried later, or given up
    /// once the retries are spent.
    pub(super) fn send_refused(&mut self, message: u32, at: Timestamp, reason: String) {
        let progress = &mut *self.progress;
        let about_the_latest_unanswered_send = message == progress.last_message
            && progress.last_status.is_none()
            && progress.retry_due.is_none();
        if !about_the_latest_unanswered_send {
            return;
        }
        progress.refusals = progress.refusals.saturating_add(1);
        progress.last_refusal = Some(reason);
        if progress.refusals > SEND_RETRY_LIMIT {
            progress.messages.failed = progress.messages.failed.saturating_add(1);
            self.finish(RecipientOutcome::Failed, at);
        } else {
            let due = at.plus(SEND_RETRY_INTERVAL);
            progress.retry_due = Some(due);
            self.actions.push(RecipientAction::ScheduleRetry { due });
        }
    }

    /// The retry is due: the same template again, as a new message.
    pub(super) fn retry_due(&mut self, at: Timestamp) {
        let Some(due) = self.progress.retry_due else {
            return;
        };
        if at < due {
            return;
        }
        self.progress.retry_due = None;
        let template = match self.progress.last_step {
            None => Some(self.opening_template.to_owned()),
            Some(step) => self
                .workflow
                .steps
                .get(step)
                .map(|definition| definition.template_id.clone()),
        };
        match template {
            Some(template) => {
                let last = self.progress.last_message_is_final;
                self.send(self.progress.last_step, template, last, true);
            }
            None => self.finish(RecipientOutcome::Failed, at),
        }
    }

    /// The contact wants no more messages: whatever runs is stopped.
    pub(super) fn opted_out(&mut self, at: Timestamp) {
        self.cancel_armed_step();
        if self.progress.retry_due.take().is_some() {
            self.actions.push(RecipientAction::CancelRetry);
        }
        self.finish(RecipientOutcome::OptedOut, at);
    }

    /// Sends `template_id` as the next message. A retry keeps the count of refusals; a new
    /// template starts it again.
    fn send(&mut self, step: Option<usize>, template_id: String, last: bool, retry: bool) {
        let progress = &mut *self.progress;
        progress.last_message = progress.last_message.saturating_add(1);
        progress.last_step = step;
        progress.last_status = None;
        progress.last_message_is_final = last;
        if !retry {
            progress.refusals = 0;
            progress.last_refusal = None;
        }
        self.actions.push(RecipientAction::Send {
            message: progress.last_message,
            step,
            template_id,
        });
    }

    fn cancel_armed_step(&mut self) {
        if let Some(armed) = self.progress.armed.take() {
            self.actions
                .push(RecipientAction::CancelTimer { step: armed.step });
        }
    }

    /// Ends the journey. Every caller has cancelled or used up the armed step and the retry
    /// before, so the driver is left with nothing running.
    fn finish(&mut self, outcome: RecipientOutcome, at: Timestamp) {
        self.progress.outcome = Some(outcome);
        self.progress.finished_at = Some(at);
        self.actions.push(RecipientAction::Finish(outcome));
    }
}
