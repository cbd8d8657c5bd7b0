//! A campaign's lifecycle, as explicit transitions. Each one either moves the campaign and
//! records when, or refuses with a [`CampaignRefusal`] and changes nothing:
//!
//! ```text
//!          schedule              start
//! Draft ─────────────▶ Scheduled ───────▶ Running ◀──▶ Paused   (pause, resume)
//!   │                                      ▲   │
//!   └──────────────── launch ──────────────┘   └── complete ──▶ Completed
//!
//! Draft, Scheduled, Running or Paused ── cancel ──▶ Cancelled
//! ```
//!
//! - **Draft.** The definition may be edited ([`Campaign::edit`], validated again in full) and
//!   recipients added. A draft with recipients is scheduled for a time not in the past, or
//!   launched at once.
//! - **Scheduled.** Recipients may still be added. It is started at its time, not before
//!   ([`Campaign::is_due`] says when).
//! - **Running.** Only a running campaign sends ([`Campaign::accepts_sends`]). It is paused and
//!   resumed, and completed when its driver reports every recipient finished.
//! - **Completed, Cancelled.** Finished: every transition is refused with `already_finished`.
//!   Any campaign not finished may be cancelled.
//!
//! **The definition is frozen once the campaign leaves its draft.** Each recipient's progress
//! (`recipient.rs`) records positions in the workflow's steps (the armed step, the step of the
//! last message) and how many follow-ups were sent against `maxFollowUps`, while
//! `RecipientProgress::apply` is given the workflow and the opening template afresh with every
//! event. A step inserted, removed or reordered under a running campaign would make a stored
//! position name another step, a lowered limit would end journeys half way, and a retried
//! opening would go out as another template; the recipient model only survives that, it does
//! not make it right. Edits are therefore refused with
//! `not_a_draft` from the moment a campaign is scheduled or launched; a changed campaign is a
//! new campaign.

use super::definition::{Campaign, CampaignStatus, NewCampaign};
use super::refusal::{CampaignEditError, CampaignRefusal};
use crate::time::Timestamp;

impl Campaign {
    /// Whether the campaign completed or was cancelled.
    pub fn is_finished(&self) -> bool {
        self.status.is_finished()
    }

    /// Whether messages may go out: only while running.
    pub fn accepts_sends(&self) -> bool {
        self.status == CampaignStatus::Running
    }

    /// Whether a scheduled campaign's start time has come.
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.status == CampaignStatus::Scheduled && self.starts_at.is_some_and(|at| at <= now)
    }

    /// Replaces the definition of a draft with `input`, validated in full; the id, organisation,
    /// audience and creation time stay. Refused once the campaign left its draft (see the
    /// module documentation for why), before the input is looked at.
    pub fn edit(&mut self, input: NewCampaign, now: Timestamp) -> Result<(), CampaignEditError> {
        self.require(CampaignStatus::Draft, |status| CampaignRefusal::NotADraft {
            status,
        })?;
        input.validate()?;
        self.take_definition(input, now);
        Ok(())
    }

    /// Counts `count` more recipients, while a draft or scheduled. Adding none changes nothing.
    pub fn add_audience(&mut self, count: u32, now: Timestamp) -> Result<(), CampaignRefusal> {
        self.refuse_if_finished()?;
        if !matches!(
            self.status,
            CampaignStatus::Draft | CampaignStatus::Scheduled
        ) {
            return Err(CampaignRefusal::AudienceClosed {
                status: self.status,
            });
        }
        let audience_size = self
            .audience_size
            .checked_add(count)
            .ok_or(CampaignRefusal::AudienceTooLarge)?;
        if count > 0 {
            self.audience_size = audience_size;
            self.updated_at = now;
        }
        Ok(())
    }

    /// Draft → Scheduled, to start at `at`: the draft needs recipients, and `at` must not be
    /// before `now` (now itself is allowed, and is due at once).
    pub fn schedule(&mut self, at: Timestamp, now: Timestamp) -> Result<(), CampaignRefusal> {
        self.require(CampaignStatus::Draft, |status| CampaignRefusal::NotADraft {
            status,
        })?;
        self.require_audience()?;
        if at < now {
            return Err(CampaignRefusal::StartInThePast { at });
        }
        self.starts_at = Some(at);
        self.move_to(CampaignStatus::Scheduled, now);
        Ok(())
    }

    /// Scheduled → Running, once its start time has come.
    pub fn start(&mut self, now: Timestamp) -> Result<(), CampaignRefusal> {
        self.require(CampaignStatus::Scheduled, |status| {
            CampaignRefusal::NotScheduled { status }
        })?;
        if let Some(starts_at) = self.starts_at.filter(|&at| at > now) {
            return Err(CampaignRefusal::NotDueYet { starts_at });
        }
        self.launched_at = Some(now);
        self.move_to(CampaignStatus::Running, now);
        Ok(())
    }

    /// Draft → Running at once, without a start time; the draft needs recipients.
    pub fn launch(&mut self, now: Timestamp) -> Result<(), CampaignRefusal> {
        self.require(CampaignStatus::Draft, |status| CampaignRefusal::NotADraft {
            status,
        })?;
        self.require_audience()?;
        self.launched_at = Some(now);
        self.move_to(CampaignStatus::Running, now);
        Ok(())
    }

    /// Running → Paused: nothing is sent until it is resumed.
    pub fn pause(&mut self, now: Timestamp) -> Result<(), CampaignRefusal> {
        self.require(CampaignStatus::Running, |status| {
            CampaignRefusal::NotRunning { status }
        })?;
        self.move_to(CampaignStatus::Paused, now);
        Ok(())
    }

    /// Paused → Running.
    pub fn resume(&mut self, now: Timestamp) -> Result<(), CampaignRefusal> {
        self.require(CampaignStatus::Paused, |status| {
            CampaignRefusal::NotPaused { status }
        })?;
        self.move_to(CampaignStatus::Running, now);
        Ok(())
    }

    /// Any campaign not finished → Cancelled, for good.
    pub fn cancel(&mut self, now: Timestamp) -> Result<(), CampaignRefusal> {
        self.refuse_if_finished()?;
        self.finished_at = Some(now);
        self.move_to(CampaignStatus::Cancelled, now);
        Ok(())
    }

    /// Running → Completed, when the campaign's driver reports every recipient finished. The
    /// campaign cannot check that itself: it counts its recipients, it does not hold them.
    pub fn complete(&mut self, now: Timestamp) -> Result<(), CampaignRefusal> {
        self.require(CampaignStatus::Running, |status| {
            CampaignRefusal::NotRunning { status }
        })?;
        self.finished_at = Some(now);
        self.move_to(CampaignStatus::Completed, now);
        Ok(())
    }

    /// Refuses a finished campaign with `already_finished`, and any other status but
    /// `expected` with the refusal `otherwise` makes of it.
    fn require(
        &self,
        expected: CampaignStatus,
        otherwise: impl FnOnce(CampaignStatus) -> CampaignRefusal,
    ) -> Result<(), CampaignRefusal> {
        self.refuse_if_finished()?;
        if self.status == expected {
            Ok(())
        } else {
            Err(otherwise(self.status))
        }
    }

    fn refuse_if_finished(&self) -> Result<(), CampaignRefusal> {
        if self.is_finished() {
            Err(CampaignRefusal::AlreadyFinished {
                status: self.status,
            })
        } else {
            Ok(())
        }
    }

    fn require_audience(&self) -> Result<(), CampaignRefusal> {
        if self.audience_size == 0 {
            Err(CampaignRefusal::NoAudience)
        } else {
            Ok(())
        }
    }

    fn move_to(&mut self, status: CampaignStatus, now: Timestamp) {
        self.status = status;
        self.updated_at = now;
    }
}
