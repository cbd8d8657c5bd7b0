//! A lead's automated follow-ups: how many went, when the next is due, and why they stopped.
//!
//! The worker takes a due lead with [`Lead::begin_follow_up`], which records a lease before any
//! message is sent, so two nodes never send the same follow-up and a node that dies mid-way
//! leaves the lead due again when the lease runs out; [`Lead::finish_follow_up`] records what
//! came of it, only if that attempt is still the current one. Everything else that changes a
//! lead calls [`Lead::plan`] to put the next follow-up where the schedule says.

use super::lead::{Lead, LeadStage};
use super::settings::FollowUpProgram;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Transient failures in a row after which a lead's follow-ups stop.
const MAX_FAILURES: u8 = 5;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUp {
    /// How many follow-ups were sent.
    pub sent: u8,
    /// What the next follow-up's wait counts from: when the lead was created or its automation
    /// turned on, or the last follow-up sent.
    pub since: Timestamp,
    /// When the next follow-up is due; `None` when none is planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_at: Option<Timestamp>,
    /// After a failed attempt: not before then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<Timestamp>,
    /// While an attempt runs: when its lease ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_until: Option<Timestamp>,
    /// Failed attempts in a row.
    #[serde(default)]
    pub failures: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<StopReason>,
    /// Every follow-up sent (the PRD's `campaignHistory`).
    #[serde(default)]
    pub history: Vec<SentFollowUp>,
}

/// Why a lead gets no more follow-ups although automation is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "reason")]
pub enum StopReason {
    /// Every follow-up of the schedule went.
    Completed,
    /// The lead wrote to the number after the last follow-up.
    Answered { at: Timestamp },
    /// WhatsApp refused a follow-up for good (not a WhatsApp number, a template not approved).
    Refused { detail: String },
    /// Follow-ups failed too many times in a row.
    Failed { detail: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentFollowUp {
    /// 1 for the first follow-up.
    pub number: u8,
    pub template: String,
    pub sent_at: Timestamp,
    pub provider_message_id: String,
}

/// One follow-up to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpWork {
    /// 1 for the first follow-up.
    pub number: u8,
    pub template: String,
    pub language: String,
    pub channel_account: String,
    /// A message from the lead after this (the last follow-up, or when the schedule started
    /// again) means they answered.
    pub answered_after: Timestamp,
    /// The attempt's lease, which [`Lead::finish_follow_up`] checks is still the current one.
    pub lease_until: Timestamp,
}

/// What came of an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUpOutcome {
    Sent {
        provider_message_id: String,
    },
    /// Not sent: the lead wrote after the last follow-up.
    Answered {
        at: Timestamp,
    },
    /// Not sent this time; trying later may work.
    Retry {
        reason: String,
    },
    /// Not sent, and never will be.
    Refused {
        reason: String,
    },
}

impl FollowUp {
    pub fn starting(now: Timestamp) -> Self {
        Self {
            sent: 0,
            since: now,
            next_at: None,
            retry_at: None,
            attempt_until: None,
            failures: 0,
            last_error: None,
            stopped: None,
            history: Vec::new(),
        }
    }

    /// The PRD's `followUpStatus`: `Not Started`, `Day N` after the N-th follow-up,
    /// `Completed`, or `Stopped`.
    pub fn status(&self) -> String {
        match &self.stopped {
            Some(StopReason::Completed) => "Completed".to_owned(),
            Some(_) => "Stopped".to_owned(),
            None if self.sent == 0 => "Not Started".to_owned(),
            None => format!("Day {}", self.sent),
        }
    }

    pub(super) fn due(&self) -> Option<Timestamp> {
        self.attempt_until.or(self.next_at)
    }
}

impl Lead {
    /// Puts the next follow-up where the schedule says, or nowhere when none may go.
    pub fn plan(&mut self, program: &FollowUpProgram) {
        let follow_up = &mut self.follow_up;
        follow_up.next_at = None;
        if !self.automation
            || self.stage != LeadStage::Unreal
            || self.rejection_reason.is_some()
            || !program.enabled
            || follow_up.stopped.is_some()
        {
            return;
        }
        let Some(wait) = program.wait_before(usize::from(follow_up.sent)) else {
            follow_up.stopped = Some(StopReason::Completed);
            return;
        };
        let scheduled = follow_up.since.plus(wait);
        follow_up.next_at = Some(
            follow_up
                .retry_at
                .map_or(scheduled, |retry| retry.max(scheduled)),
        );
    }

    /// Turns automation on or off. Turning it on starts the schedule again from `now` where it
    /// stopped (a lead who answered, or whose follow-ups failed, gets the rest); the follow-ups
    /// already sent stay sent.
    pub fn set_automation(&mut self, on: bool, program: &FollowUpProgram, now: Timestamp) {
        if on && !self.automation {
            let follow_up = &mut self.follow_up;
            follow_up.since = now;
            follow_up.retry_at = None;
            follow_up.failures = 0;
            if follow_up.stopped != Some(StopReason::Completed) {
                follow_up.stopped = None;
            }
        }
        self.automation = on;
        self.plan(program);
    }

    /// Moves the lead to `stage` (a rejection reason stops it being pursued). A lead back in
    /// `Unreal` counts its next follow-up's wait from now.
    pub fn set_stage(
        &mut self,
        stage: LeadStage,
        rejection_reason: Option<String>,
        program: &FollowUpProgram,
        now: Timestamp,
    ) {
        if stage == LeadStage::Unreal && self.stage != LeadStage::Unreal {
            self.follow_up.since = now;
        }
        self.stage = stage;
        self.rejection_reason = rejection_reason;
        self.plan(program);
    }

    /// Starts a follow-up attempt due at `now`: records its lease. `None` when none is due (not
    /// planned, not yet, or another attempt's lease still runs).
    pub fn begin_follow_up(
        &mut self,
        program: &FollowUpProgram,
        now: Timestamp,
        lease: Duration,
    ) -> Option<FollowUpWork> {
        self.plan(program);
        let follow_up = &mut self.follow_up;
        if follow_up.attempt_until.is_some_and(|until| until > now) {
            return None;
        }
        follow_up.attempt_until = None;
        if follow_up.next_at.is_none_or(|due| due > now) {
            return None;
        }
        let step = &program.steps[usize::from(follow_up.sent)];
        let lease_until = now.plus(lease);
        follow_up.attempt_until = Some(lease_until);
        Some(FollowUpWork {
            number: follow_up.sent + 1,
            template: step.template.clone(),
            language: program.language.clone(),
            channel_account: program.channel_account.clone(),
            answered_after: follow_up.since,
            lease_until,
        })
    }

    /// Records what came of the attempt `work`; `false` (and nothing changes) when that attempt
    /// is no longer the current one (its lease ran out and another took the lead up).
    pub fn finish_follow_up(
        &mut self,
        work: &FollowUpWork,
        outcome: FollowUpOutcome,
        program: &FollowUpProgram,
        now: Timestamp,
    ) -> bool {
        let follow_up = &mut self.follow_up;
        if follow_up.attempt_until != Some(work.lease_until) {
            return false;
        }
        follow_up.attempt_until = None;
        match outcome {
            FollowUpOutcome::Sent {
                provider_message_id,
            } => {
                follow_up.history.push(SentFollowUp {
                    number: work.number,
                    template: work.template.clone(),
                    sent_at: now,
                    provider_message_id,
                });
                follow_up.sent = work.number;
                follow_up.since = now;
                follow_up.failures = 0;
                follow_up.retry_at = None;
                follow_up.last_error = None;
            }
            FollowUpOutcome::Answered { at } => {
                follow_up.stopped = Some(StopReason::Answered { at });
            }
            FollowUpOutcome::Refused { reason } => {
                follow_up.last_error = Some(reason.clone());
                follow_up.stopped = Some(StopReason::Refused { detail: reason });
            }
            FollowUpOutcome::Retry { reason } => {
                follow_up.failures = follow_up.failures.saturating_add(1);
                follow_up.last_error = Some(reason.clone());
                if follow_up.failures >= MAX_FAILURES {
                    follow_up.stopped = Some(StopReason::Failed { detail: reason });
                } else {
                    follow_up.retry_at = Some(now.plus(retry_wait(follow_up.failures)));
                }
            }
        }
        self.updated_at = now;
        self.plan(program);
        true
    }
}

/// 1, 4, 16, 64 minutes.
fn retry_wait(failures: u8) -> Duration {
    Duration::from_secs(60 * 4u64.pow(u32::from(failures.saturating_sub(1)).min(3)))
}
