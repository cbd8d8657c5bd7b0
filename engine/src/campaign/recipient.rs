//! One recipient's way through a campaign, as a pure state machine:
//! `progress.apply(workflow, opening_template, event) -> actions`. Whoever drives the campaign
//! stores the [`RecipientProgress`], feeds it what happened and carries out the actions it
//! returns (send a template, arm or cancel a timer, schedule a retry); nothing here sends or
//! waits itself.
//!
//! The rules:
//!
//! - **Start.** A recipient starts with the campaign's opening template. Every message sent to
//!   the recipient, retries included, takes the next ordinal (1, 2, ...), and a status report
//!   names the ordinal it is about, so a late report about an older message is ignored.
//! - **Status.** When the latest message's delivery status changes, any armed step is cancelled
//!   and the step that follows the new status (if the workflow has one) is armed, due its wait
//!   after the report. A step on `delivered` waiting 24 hours is cancelled when the message is
//!   read first, and the `read` step is armed instead. Statuses only move forward for one
//!   message (sent, then delivered, then read; read and failed are final): a repeated or
//!   earlier status is ignored.
//! - **Timer.** When the armed step's timer fires, its template is sent and counts as a
//!   follow-up. A timer that is not the armed one (cancelled, replaced, or reported before its
//!   due time) does nothing.
//! - **The last message.** When the step sent is `terminal`, or the recipient has had the
//!   workflow's `maxFollowUps`, no step is armed after it: the recipient finishes `Completed`
//!   once the channel accepts that message (its first status), or `Failed` when it fails.
//! - **Refused sends.** A send the channel refused is retried at most [`SEND_RETRY_LIMIT`]
//!   times, [`SEND_RETRY_INTERVAL`] apart; when the last retry is refused too, the recipient
//!   finishes `Failed`. A status report for a refused message means the channel took it after
//!   all: the retry is cancelled and the status counts as usual.
//! - **Failed status.** A message the provider reports `failed` is a status like the others: it
//!   arms the workflow's `failed` step if there is one, and otherwise the recipient finishes
//!   `Failed`.
//! - **Nothing left.** When a status arms no step and no step could follow a status the
//!   message may still reach (`read` in a workflow without a `read` step), the recipient
//!   finishes `Completed`. While a later status could still arm a step, the recipient waits
//!   for it, however long: ending journeys that wait for ever is left to whoever runs the
//!   campaign.
//! - **Opt-out.** A contact who replied STOP or blocked the number finishes `OptedOut`, at any
//!   time, even before the opening template; any timer or retry is cancelled and nothing more is
//!   sent.
//! - **Finished.** A finished recipient takes no action on any event. It still records how far
//!   its latest message got, since the campaign's metrics count messages read after the
//!   recipient's journey ended.
//!
//! `apply` never panics, whatever the order of events. A workflow must not change under a
//! running campaign; if it does anyway, a step position it no longer has, or a `maxFollowUps`
//! lowered to the follow-ups already sent or fewer, ends the journey rather than breaking it.

use super::tally::DeliveryCounts;
use super::turn::Turn;
use super::workflow::{CampaignWorkflow, StepTrigger};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How many times a send the channel refused is tried again.
pub const SEND_RETRY_LIMIT: u32 = 3;
/// How long after a refused send it is tried again.
pub const SEND_RETRY_INTERVAL: Duration = Duration::from_secs(12 * 60 * 60);

/// Where one recipient is in a campaign: stored between events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RecipientProgress {
    /// When the opening template was sent; `None` until the recipient starts.
    pub started_at: Option<Timestamp>,
    /// How the recipient's journey ended; `None` while it goes on.
    pub outcome: Option<RecipientOutcome>,
    /// When it ended.
    pub finished_at: Option<Timestamp>,
    /// The ordinal of the latest message sent, from 1; 0 before the first.
    pub last_message: u32,
    /// The step whose template the latest message carries; `None` for the opening template.
    pub last_step: Option<usize>,
    /// The status the latest message reached; `None` until the channel reports one.
    pub last_status: Option<StepTrigger>,
    /// Whether the latest message is the recipient's last: no step is armed after it.
    pub last_message_is_final: bool,
    /// Follow-up messages sent so far (the opening template and retries are not follow-ups).
    pub follow_ups: u32,
    /// How many times in a row the channel refused the latest template.
    pub refusals: u32,
    /// Why the channel last refused it.
    pub last_refusal: Option<String>,
    /// When the refused template is tried again, while a retry is scheduled.
    pub retry_due: Option<Timestamp>,
    /// The step waiting for its time, if any.
    pub armed: Option<ArmedStep>,
    /// How far the recipient's messages got, for the campaign's metrics.
    pub messages: DeliveryCounts,
}

/// A step whose timer is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmedStep {
    /// Its position in the workflow's steps.
    pub step: usize,
    /// When it fires.
    pub due: Timestamp,
}

/// How a recipient's journey ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RecipientOutcome {
    /// The workflow ran to its end.
    Completed,
    /// A message could not reach the recipient and no step took over.
    Failed,
    /// The contact asked for no more messages.
    OptedOut,
}

/// What happened to a recipient, as the campaign's driver reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecipientEvent {
    /// The campaign reached this recipient: send the opening template.
    Start { at: Timestamp },
    /// The channel reported a delivery status of the message with ordinal `message`.
    Status {
        message: u32,
        status: StepTrigger,
        at: Timestamp,
    },
    /// The timer of the step at position `step` fired (`at` is when, never before it was due).
    TimerFired { step: usize, at: Timestamp },
    /// The channel refused to take the message with ordinal `message`.
    SendFailed {
        message: u32,
        at: Timestamp,
        reason: String,
    },
    /// The scheduled retry of a refused send is due.
    RetryDue { at: Timestamp },
    /// The contact replied STOP or blocked the number.
    OptedOut { at: Timestamp },
}

/// What the driver must do after an event, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecipientAction {
    /// Send a template as the message with ordinal `message`: the opening template when `step`
    /// is `None`, otherwise that step's.
    Send {
        message: u32,
        step: Option<usize>,
        template_id: String,
    },
    /// Start the timer of the step at position `step`, to fire at `due`.
    ArmTimer { step: usize, due: Timestamp },
    /// Stop the timer of the step at position `step`.
    CancelTimer { step: usize },
    /// Report [`RecipientEvent::RetryDue`] at `due`.
    ScheduleRetry { due: Timestamp },
    /// Drop the scheduled retry.
    CancelRetry,
    /// The recipient's journey ended; nothing more will be sent to them.
    Finish(RecipientOutcome),
}

impl RecipientProgress {
    /// A recipient the campaign has not reached yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the opening template was sent (or tried).
    pub fn is_started(&self) -> bool {
        self.started_at.is_some()
    }

    /// Whether the journey ended: nothing more will be sent.
    pub fn is_finished(&self) -> bool {
        self.outcome.is_some()
    }

    /// Applies one event and returns what the driver must do, in order, following the rules
    /// listed at the top of `campaign/recipient.rs`. `opening_template` is the template the
    /// campaign starts with; `workflow` must be the same for every event of a campaign.
    pub fn apply(
        &mut self,
        workflow: &CampaignWorkflow,
        opening_template: &str,
        event: RecipientEvent,
    ) -> Vec<RecipientAction> {
        let (started, finished) = (self.is_started(), self.is_finished());
        let mut turn = Turn::new(self, workflow, opening_template);
        match event {
            RecipientEvent::Status {
                message,
                status,
                at,
            } => turn.status_reported(message, status, at),
            _ if finished => {}
            RecipientEvent::Start { at } => turn.start(at),
            RecipientEvent::OptedOut { at } => turn.opted_out(at),
            _ if !started => {}
            RecipientEvent::TimerFired { step, at } => turn.timer_fired(step, at),
            RecipientEvent::SendFailed {
                message,
                at,
                reason,
            } => turn.send_refused(message, at, reason),
            RecipientEvent::RetryDue { at } => turn.retry_due(at),
        }
        turn.into_actions()
    }
}
