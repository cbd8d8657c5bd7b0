//! A campaign's metrics, counted from its recipients' progress: how many messages were sent,
//! delivered, read and failed (the PRD's "metrics tracking"), and how many recipients completed,
//! could not be reached, opted out or are still going. Counting is pure, so the same numbers come
//! out wherever and whenever the progress is read.
//!
//! The message counts are a funnel: a message counts at every status it passed, so a message
//! reported `read` straight after `sent` (channels report out of order, and may skip one) counts
//! as delivered too. A message counts as failed when the provider reports it failed, or when the
//! channel refused it and every retry.

use super::recipient::{RecipientOutcome, RecipientProgress};
use super::workflow::StepTrigger;
use serde::{Deserialize, Serialize};

/// How far one recipient's messages got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeliveryCounts {
    /// Messages the channel accepted (reported sent, delivered or read).
    pub sent: u32,
    /// Messages that reached the contact's phone (reported delivered or read).
    pub delivered: u32,
    /// Messages the contact read.
    pub read: u32,
    /// Messages the provider reported failed, or the channel refused on every try.
    pub failed: u32,
}

impl DeliveryCounts {
    /// Counts a message moving from the status `before` to `now`, at every status it passed.
    pub(super) fn record(&mut self, before: Option<StepTrigger>, now: StepTrigger) {
        if now == StepTrigger::Failed {
            self.failed = self.failed.saturating_add(1);
            return;
        }
        for (status, count) in [
            (StepTrigger::Sent, &mut self.sent),
            (StepTrigger::Delivered, &mut self.delivered),
            (StepTrigger::Read, &mut self.read),
        ] {
            let reached_now = !now.may_become(status);
            let not_counted_before = before.is_none_or(|before| before.may_become(status));
            if reached_now && not_counted_before {
                *count = count.saturating_add(1);
            }
        }
    }
}

/// A campaign's metrics: messages by status and recipients by where they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignTally {
    /// Every recipient counted, started or not.
    pub recipients: u64,
    /// Messages the channel accepted.
    pub sent: u64,
    /// Messages that reached the contact's phone.
    pub delivered: u64,
    /// Messages the contact read.
    pub read: u64,
    /// Messages that failed for good.
    pub failed: u64,
    /// Recipients whose workflow ran to its end.
    pub completed: u64,
    /// Recipients who finished `Failed`: a message could not reach them and no step took over.
    pub unreachable: u64,
    /// Recipients who asked for no more messages.
    pub opted_out: u64,
    /// Recipients not finished yet, including those the campaign has not reached.
    pub in_progress: u64,
}

impl CampaignTally {
    /// The metrics of these recipients.
    pub fn of(recipients: &[RecipientProgress]) -> Self {
        let mut tally = Self::default();
        for recipient in recipients {
            tally.add(recipient);
        }
        tally
    }

    /// Counts one more recipient, for a driver that reads its recipients a page at a time.
    pub fn add(&mut self, recipient: &RecipientProgress) {
        self.recipients += 1;
        let messages = recipient.messages;
        self.sent += u64::from(messages.sent);
        self.delivered += u64::from(messages.delivered);
        self.read += u64::from(messages.read);
        self.failed += u64::from(messages.failed);
        let bucket = match recipient.outcome {
            Some(RecipientOutcome::Completed) => &mut self.completed,
            Some(RecipientOutcome::Failed) => &mut self.unreachable,
            Some(RecipientOutcome::OptedOut) => &mut self.opted_out,
            None => &mut self.in_progress,
        };
        *bucket += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(statuses: &[StepTrigger]) -> DeliveryCounts {
        let mut counts = DeliveryCounts::default();
        let mut before = None;
        for &status in statuses {
            counts.record(before, status);
            before = Some(status);
        }
        counts
    }

    fn finished(outcome: Option<RecipientOutcome>, messages: DeliveryCounts) -> RecipientProgress {
        RecipientProgress {
            outcome,
            messages,
            ..RecipientProgress::default()
        }
    }

    #[test]
    fn a_message_read_without_a_delivered_report_counts_as_sent_delivered_and_read() {
        let counts = counted(&[StepTrigger::Read]);
        assert_eq!(
            counts,
            DeliveryCounts {
                sent: 1,
                delivered: 1,
                read: 1,
                failed: 0
            }
        );
        assert_eq!(
            counted(&[StepTrigger::Sent, StepTrigger::Delivered, StepTrigger::Read]),
            counts,
            "the same message reported step by step counts the same"
        );
    }

    #[test]
    fn a_message_that_failed_after_it_was_sent_counts_as_sent_and_failed() {
        assert_eq!(
            counted(&[StepTrigger::Sent, StepTrigger::Failed]),
            DeliveryCounts {
                sent: 1,
                delivered: 0,
                read: 0,
                failed: 1
            }
        );
    }

    #[test]
    fn the_tally_adds_messages_and_sorts_recipients_by_outcome() {
        let two_read = DeliveryCounts {
            sent: 2,
            delivered: 2,
            read: 2,
            failed: 0,
        };
        let one_failed = DeliveryCounts {
            sent: 0,
            delivered: 0,
            read: 0,
            failed: 1,
        };
        let recipients = [
            finished(Some(RecipientOutcome::Completed), two_read),
            finished(Some(RecipientOutcome::Failed), one_failed),
            finished(
                Some(RecipientOutcome::OptedOut),
                counted(&[StepTrigger::Delivered]),
            ),
            finished(None, counted(&[StepTrigger::Sent])),
            RecipientProgress::new(),
        ];
        let tally = CampaignTally::of(&recipients);
        assert_eq!(
            tally,
            CampaignTally {
                recipients: 5,
                sent: 4,
                delivered: 3,
                read: 2,
                failed: 1,
                completed: 1,
                unreachable: 1,
                opted_out: 1,
                in_progress: 2,
            }
        );
    }

    #[test]
    fn the_tally_of_no_recipients_is_all_zero() {
        assert_eq!(CampaignTally::of(&[]), CampaignTally::default());
    }

    #[test]
    fn the_tally_is_written_in_camel_case() {
        let json = serde_json::to_value(CampaignTally::default()).expect("json");
        assert!(json.get("optedOut").is_some(), "{json}");
        assert!(json.get("inProgress").is_some(), "{json}");
    }
}
