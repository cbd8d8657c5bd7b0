//! The follow-up worker: looks for due leads every `sweep_ms` and whenever it is woken (a lead
//! was added or changed), so a follow-up goes within seconds of its time rather than at the
//! PRD's next ten-minute cron tick, and after a restart every overdue one is still found in the
//! store.
//!
//! An attempt is recorded before anything is sent, as order reminders are: under the lead's
//! lock the lead takes a lease and is stored; outside it, the worker checks whether the lead
//! wrote to the number since the last follow-up (their WhatsApp conversation with that number)
//! and, if not, sends the step's template; what came of it is stored under the lock again, only
//! if the attempt is still the current one. The one window left is the channel's: a process
//! that dies after WhatsApp took a follow-up and before its id is stored sends it again when
//! the lease runs out.

use super::{BY_AUTOMATION, Leads};
use crate::due_work::{DueWork, Pace};
use botwot_engine::Channel;
use botwot_engine::leads::{FollowUpOutcome, FollowUpWork, Lead, LeadEventKind, StopReason};
use botwot_engine::ports::{DeliveryError, StoreError};
use botwot_engine::session::SessionKey;
use std::time::Duration;
use tracing::{info, warn};

impl DueWork for Leads {
    type Record = Lead;
    const NAME: &'static str = "lead follow-ups";

    fn pace(&self) -> &Pace {
        &self.pace
    }

    async fn due(&self, limit: usize) -> Result<Vec<Lead>, StoreError> {
        self.deps
            .store
            .due_leads(self.deps.clock.now(), limit)
            .await
    }

    /// One attempt at `seen`; `false` when another process had it or it was no longer due.
    async fn attempt(&self, seen: &Lead) -> Result<bool, StoreError> {
        let Some((lead, work, stop_when_answered)) = self.begin(seen).await? else {
            return Ok(false);
        };
        let answered = if stop_when_answered {
            self.answered_since(&lead, &work).await?
        } else {
            None
        };
        let outcome = match answered {
            Some(at) => FollowUpOutcome::Answered { at },
            None => match self.deps.sender.send_lead_follow_up(&lead, &work).await {
                Ok(provider_message_id) => FollowUpOutcome::Sent {
                    provider_message_id,
                },
                Err(DeliveryError::Permanent(reason)) => FollowUpOutcome::Refused { reason },
                Err(error) => FollowUpOutcome::Retry {
                    reason: error.to_string(),
                },
            },
        };
        ::metrics::counter!("botwot_lead_follow_ups_total", "outcome" => outcome_label(&outcome))
            .increment(1);
        self.finish(&lead, &work, outcome).await?;
        Ok(true)
    }
}

impl Leads {
    /// Records the attempt's lease under the lead's lock: the lead as stored, the follow-up to
    /// send and whether an answer stops it; `None` when it was not due any more.
    async fn begin(&self, seen: &Lead) -> Result<Option<(Lead, FollowUpWork, bool)>, StoreError> {
        let settings = self.settings(&seen.tenant_id).await?;
        let Ok(_lock) = self.lock(&seen.id).await else {
            return Ok(None);
        };
        let Some(mut lead) = self.deps.store.get_lead(&seen.tenant_id, &seen.id).await? else {
            return Ok(None);
        };
        let lease = Duration::from_millis(self.config.lease_ms);
        let now = self.deps.clock.now();
        let Some(work) = lead.begin_follow_up(&settings.follow_ups, now, lease) else {
            // Not due after all (settings changed since it was planned): store the new plan.
            if lead.due() != seen.due() {
                self.deps.store.save_lead(&lead).await?;
            }
            return Ok(None);
        };
        self.deps.store.save_lead(&lead).await?;
        Ok(Some((lead, work, settings.follow_ups.stop_when_answered)))
    }

    /// When the lead wrote to the follow-ups' number after `work.answered_after`, if they did.
    async fn answered_since(
        &self,
        lead: &Lead,
        work: &FollowUpWork,
    ) -> Result<Option<botwot_engine::Timestamp>, StoreError> {
        let key = SessionKey::new(
            lead.tenant_id.clone(),
            Channel::WhatsApp,
            work.channel_account.as_str(),
            lead.phone.as_str(),
        );
        let session = self.deps.store.load_session(&key).await?;
        Ok(session
            .and_then(|session| session.last_inbound_at)
            .filter(|at| *at > work.answered_after))
    }

    async fn finish(
        &self,
        attempted: &Lead,
        work: &FollowUpWork,
        outcome: FollowUpOutcome,
    ) -> Result<(), StoreError> {
        let settings = self.settings(&attempted.tenant_id).await?;
        let _lock = self.lock(&attempted.id).await?;
        let Some(mut lead) = self
            .deps
            .store
            .get_lead(&attempted.tenant_id, &attempted.id)
            .await?
        else {
            return Ok(());
        };
        let now = self.deps.clock.now();
        let stopped_before = lead.follow_up.stopped.is_some();
        let mut events = match &outcome {
            FollowUpOutcome::Sent { .. } => vec![LeadEventKind::FollowUpSent {
                number: work.number,
                template: work.template.clone(),
            }],
            FollowUpOutcome::Retry { reason } | FollowUpOutcome::Refused { reason } => {
                vec![LeadEventKind::FollowUpFailed {
                    number: work.number,
                    reason: reason.clone(),
                }]
            }
            FollowUpOutcome::Answered { .. } => Vec::new(),
        };
        if !lead.finish_follow_up(work, outcome, &settings.follow_ups, now) {
            warn!(lead = %lead.id, "a follow-up attempt outlived its lease; its answer is dropped");
            return Ok(());
        }
        if let (false, Some(reason)) = (stopped_before, &lead.follow_up.stopped) {
            events.push(LeadEventKind::FollowUpsStopped {
                reason: stop_reason(reason),
            });
        }
        self.deps.store.save_lead(&lead).await?;
        self.record(&lead, BY_AUTOMATION, events, now).await?;
        info!(lead = %lead.id, status = %lead.follow_up.status(), "lead follow-up attempt finished");
        Ok(())
    }
}

/// Why follow-ups stopped, in words a salesperson reads.
fn stop_reason(reason: &StopReason) -> String {
    match reason {
        StopReason::Completed => "every follow-up of the schedule was sent".to_owned(),
        StopReason::Answered { .. } => "the lead wrote back".to_owned(),
        StopReason::Refused { detail } => format!("WhatsApp refused a follow-up: {detail}"),
        StopReason::Failed { detail } => {
            format!("follow-ups failed too many times in a row: {detail}")
        }
    }
}

fn outcome_label(outcome: &FollowUpOutcome) -> &'static str {
    match outcome {
        FollowUpOutcome::Sent { .. } => "sent",
        FollowUpOutcome::Answered { .. } => "answered",
        FollowUpOutcome::Retry { .. } => "retry",
        FollowUpOutcome::Refused { .. } => "refused",
    }
}
