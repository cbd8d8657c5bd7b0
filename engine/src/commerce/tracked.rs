//! An order BotWot follows, and the reminders that ask its customer to confirm it: what the
//! shop last reported ([`OrderSnapshot`]), the customer's WhatsApp number, the reminders sent,
//! the answer, the tags still to write on the order in Shopify, and when the reminder worker
//! must act next (`due_at`, absent when nothing is left to do).
//!
//! The shop's reports may come in any order and more than once: a report older than the one kept
//! changes nothing, and the same report twice changes nothing either. A reminder is planned
//! from the order's own time (the first `first_after_mins` after it was placed, the second
//! `second_after_mins` after, and never closer to the first than the settings space them), so
//! a restart or an outage makes a reminder late, never lost and never sent twice by the plan. Work on an order is one attempt at a time, recorded with a lease
//! before any network is asked (as posts are, ADR 0022); a failed send is tried again after a
//! growing pause, a few times, and then the order shows why it failed.

use super::order::OrderSnapshot;
use super::shop::{ReminderSettings, ShopConnection};
use crate::ids::TenantId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;

/// Reminders an order gets at most.
pub const MAX_REMINDERS: u8 = 2;
/// Failed attempts at sending one reminder before the order is failed.
pub const MAX_FAILURES: u32 = 5;
/// An order placed longer ago than this when its first reminder would go gets none: the shop
/// was connected after it, or reminders were switched on later.
pub const MAX_ORDER_AGE: Duration = Duration::from_secs(48 * 60 * 60);
/// The pause after the 1st, 2nd, 3rd, 4th failed attempt.
const RETRY_PAUSES: [Duration; 4] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(60 * 60),
];

/// The tag written on the order in Shopify when its reminder `number` was sent.
pub fn reminder_tag(number: u8) -> &'static str {
    if number <= 1 {
        "first_reminder"
    } else {
        "second_reminder"
    }
}

/// Where an order's confirmation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderStatus {
    /// Paid another way: nothing to confirm.
    NotCashOnDelivery,
    /// The shop's reminders are switched off.
    Off,
    /// No phone on the order reads as a WhatsApp number.
    NoPhone,
    /// Placed too long before its first reminder would go (see [`MAX_ORDER_AGE`]).
    TooOld,
    /// Reminders go out as they fall due.
    Awaiting,
    Confirmed,
    Declined,
    /// Cancelled, closed, paid or shipped before the customer answered.
    Settled,
    /// Every reminder was sent and the customer did not answer.
    Unanswered,
    /// The channel refused the reminder, or failed it too many times (see `last_error`).
    Failed,
}

impl ReminderStatus {
    pub const ALL: [ReminderStatus; 10] = [
        ReminderStatus::NotCashOnDelivery,
        ReminderStatus::Off,
        ReminderStatus::NoPhone,
        ReminderStatus::TooOld,
        ReminderStatus::Awaiting,
        ReminderStatus::Confirmed,
        ReminderStatus::Declined,
        ReminderStatus::Settled,
        ReminderStatus::Unanswered,
        ReminderStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReminderStatus::NotCashOnDelivery => "not_cash_on_delivery",
            ReminderStatus::Off => "off",
            ReminderStatus::NoPhone => "no_phone",
            ReminderStatus::TooOld => "too_old",
            ReminderStatus::Awaiting => "awaiting",
            ReminderStatus::Confirmed => "confirmed",
            ReminderStatus::Declined => "declined",
            ReminderStatus::Settled => "settled",
            ReminderStatus::Unanswered => "unanswered",
            ReminderStatus::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// Whether the status was decided by the customer or the channel, not by the order.
    fn is_final(self) -> bool {
        matches!(
            self,
            ReminderStatus::Confirmed | ReminderStatus::Declined | ReminderStatus::Failed
        )
    }
}

/// A customer's answer to a reminder: the buttons of its template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerAnswer {
    Confirm,
    Cancel,
}

impl CustomerAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerAnswer::Confirm => "confirm",
            CustomerAnswer::Cancel => "cancel",
        }
    }

    /// The tag written on the order in Shopify.
    pub fn tag(self) -> &'static str {
        match self {
            CustomerAnswer::Confirm => "cod_confirmed",
            CustomerAnswer::Cancel => "cod_declined",
        }
    }
}

/// A reminder that went out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentReminder {
    pub number: u8,
    pub sent_at: Timestamp,
    /// The id the channel gave the message (a `wamid`).
    pub provider_message_id: String,
}

/// What one attempt does: send reminder `reminder` (if any), then write `tags` on the order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReminderWork {
    pub reminder: Option<u8>,
    pub tags: Vec<String>,
}

/// What came of sending a reminder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    Sent {
        provider_message_id: String,
    },
    /// Not sent: the shop says the order no longer needs it.
    NotNeeded,
    /// The channel may take it later (an outage, a rate limit).
    Retry {
        reason: String,
    },
    /// The channel refused it for good (no such template, the number cannot be reached).
    Refused {
        reason: String,
    },
}

/// What an attempt reports back.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AttemptReport {
    /// The order as the shop described it during the attempt.
    pub fresh: Option<OrderSnapshot>,
    pub send: Option<SendOutcome>,
    /// The tags now on the order in Shopify.
    pub tags_written: Vec<String>,
    /// Why writing the tags failed, if it did (tried again later).
    pub tags_error: Option<String>,
}

/// Why an answer or an attempt was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum OrderRefusal {
    #[error("nothing about the order is due yet")]
    NotDue,
    #[error("the order is not waiting for the customer's answer (it is {})", .0.as_str())]
    NotAwaiting(ReminderStatus),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackedOrder {
    /// `{shop domain}:{order id}`.
    pub id: String,
    pub tenant_id: TenantId,
    pub shop: String,
    pub order: OrderSnapshot,
    /// The customer's WhatsApp number (digits), when the order's phone reads as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    pub reminder_status: ReminderStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reminders: Vec<SentReminder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<CustomerAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<Timestamp>,
    /// When the next reminder goes (a retry's pause included), while the status is awaiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_reminder_at: Option<Timestamp>,
    /// When the worker acts next: a reminder, a retry, tags to write, or an attempt's lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<Timestamp>,
    /// The reminder an attempt under way sends (0: only tags); `due_at` is its lease's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u8>,
    #[serde(default)]
    pub failures: u32,
    /// No reminder is sent before this (a pause after a failed send).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Tags to write on the order in Shopify, not written yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_pending: Vec<String>,
    /// When writing the tags is tried again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags_due_at: Option<Timestamp>,
    pub first_seen_at: Timestamp,
    pub updated_at: Timestamp,
}

impl TrackedOrder {
    /// The stored id of a shop's order.
    pub fn key(shop: &str, order_id: &str) -> String {
        format!("{shop}:{order_id}")
    }

    /// An order first reported by `shop`.
    pub fn new(shop: &ShopConnection, order: OrderSnapshot, now: Timestamp) -> Self {
        let mut tracked = Self {
            id: Self::key(&shop.domain, &order.order_id),
            tenant_id: shop.tenant_id.clone(),
            shop: shop.domain.clone(),
            contact: None,
            order,
            reminder_status: ReminderStatus::Awaiting,
            reminders: Vec::new(),
            answer: None,
            answered_at: None,
            next_reminder_at: None,
            due_at: None,
            attempt: None,
            failures: 0,
            retry_at: None,
            last_error: None,
            tags_pending: Vec::new(),
            tags_due_at: None,
            first_seen_at: now,
            updated_at: now,
        };
        tracked.take_in(None, &shop.reminders, now);
        tracked
    }

    /// When the worker must act on it, if ever.
    pub fn due(&self) -> Option<Timestamp> {
        self.due_at
    }

    /// Takes in a report of the order from the shop; `false` (and nothing changed) when the
    /// report is older than the one kept.
    pub fn observe(
        &mut self,
        order: OrderSnapshot,
        settings: &ReminderSettings,
        now: Timestamp,
    ) -> bool {
        if order.updated_at < self.order.updated_at {
            return false;
        }
        self.take_in(Some(order), settings, now);
        true
    }

    /// Plans again after the shop's settings changed.
    pub fn replan(&mut self, settings: &ReminderSettings, now: Timestamp) {
        self.take_in(None, settings, now);
    }

    /// Starts an attempt at whatever is due: the next reminder and the pending tags. Until the
    /// attempt finishes (or its lease runs out) nothing else is due.
    pub fn begin_attempt(
        &mut self,
        now: Timestamp,
        lease: Duration,
    ) -> Result<ReminderWork, OrderRefusal> {
        if self.due_at.is_none_or(|due| due > now) {
            return Err(OrderRefusal::NotDue);
        }
        let reminder = self
            .next_reminder_at
            .filter(|at| *at <= now)
            .map(|_| self.next_number());
        let tags_due = self.tags_due_at.is_some_and(|at| at <= now);
        let mut tags = if tags_due || reminder.is_some() {
            self.tags_pending.clone()
        } else {
            Vec::new()
        };
        if let Some(number) = reminder {
            tags.push(reminder_tag(number).to_owned());
        }
        self.attempt = Some(reminder.unwrap_or(0));
        self.due_at = Some(now.plus(lease));
        self.updated_at = now;
        Ok(ReminderWork { reminder, tags })
    }

    /// Takes in what the attempt under way did.
    pub fn finish_attempt(
        &mut self,
        report: AttemptReport,
        settings: &ReminderSettings,
        now: Timestamp,
    ) {
        let Some(number) = self.attempt.take() else {
            return;
        };
        match report.send {
            Some(SendOutcome::Sent {
                provider_message_id,
            }) => {
                self.reminders.push(SentReminder {
                    number,
                    sent_at: now,
                    provider_message_id,
                });
                self.tags_pending.push(reminder_tag(number).to_owned());
                self.failures = 0;
                self.retry_at = None;
                self.last_error = None;
            }
            Some(SendOutcome::Retry { reason }) => {
                self.failures += 1;
                self.last_error = Some(reason);
                if self.failures >= MAX_FAILURES {
                    self.reminder_status = ReminderStatus::Failed;
                } else {
                    self.retry_at = Some(now.plus(pause(self.failures)));
                }
            }
            Some(SendOutcome::Refused { reason }) => {
                self.last_error = Some(reason);
                self.reminder_status = ReminderStatus::Failed;
            }
            Some(SendOutcome::NotNeeded) | None => {}
        }
        self.tags_pending
            .retain(|tag| !report.tags_written.contains(tag));
        self.tags_due_at = match (&report.tags_error, self.tags_pending.is_empty()) {
            (_, true) => None,
            (Some(_), false) => Some(now.plus(pause(1))),
            (None, false) => Some(now),
        };
        if let Some(error) = report.tags_error {
            self.last_error = Some(error);
        }
        self.take_in(report.fresh, settings, now);
    }

    /// The customer tapped a reminder's button. The same answer again changes nothing; an
    /// order no longer waiting for one refuses it.
    pub fn answer(&mut self, answer: CustomerAnswer, now: Timestamp) -> Result<bool, OrderRefusal> {
        if self.answer == Some(answer) {
            return Ok(false);
        }
        if !matches!(
            self.reminder_status,
            ReminderStatus::Awaiting | ReminderStatus::Unanswered
        ) || self.reminders.is_empty()
        {
            return Err(OrderRefusal::NotAwaiting(self.reminder_status));
        }
        self.answer = Some(answer);
        self.answered_at = Some(now);
        self.reminder_status = match answer {
            CustomerAnswer::Confirm => ReminderStatus::Confirmed,
            CustomerAnswer::Cancel => ReminderStatus::Declined,
        };
        self.tags_pending.push(answer.tag().to_owned());
        self.tags_due_at = Some(now);
        self.updated_at = now;
        self.plan_due();
        Ok(true)
    }

    /// What the customer is told when they tap a reminder's button: that the order is confirmed,
    /// or that it will not be sent, as the order now stands; `None` when it stands otherwise
    /// (settled meanwhile, say), and the conversation answers the tap as any message.
    pub fn acknowledgement(&self) -> Option<String> {
        let name = &self.order.name;
        match self.reminder_status {
            ReminderStatus::Confirmed => Some(format!(
                "Thank you! Your order {name} is confirmed and will be on its way soon."
            )),
            ReminderStatus::Declined => Some(format!(
                "Thank you for letting us know. We will not send your order {name}."
            )),
            _ => None,
        }
    }

    /// Takes in `order` (when given), then decides the status and the next due time.
    fn take_in(
        &mut self,
        order: Option<OrderSnapshot>,
        settings: &ReminderSettings,
        now: Timestamp,
    ) {
        if let Some(order) = order {
            self.order = order;
        }
        self.contact = self.order.phone.as_deref().and_then(|phone| {
            super::contact::whatsapp_contact(phone, settings.default_country_code.as_deref())
        });
        self.updated_at = now;
        if !self.reminder_status.is_final() {
            self.reminder_status = self.status_from_order(settings, now);
        }
        self.next_reminder_at = match self.reminder_status {
            ReminderStatus::Awaiting => self.plan_next(settings),
            _ => None,
        };
        self.plan_due();
    }

    /// When the next reminder goes: its time after the order, but never closer to the one
    /// before than the settings space them (a worker that was down sends the first late and
    /// the second a whole interval after it, not both at once), nor before a retry's pause ends.
    fn plan_next(&self, settings: &ReminderSettings) -> Option<Timestamp> {
        let number = self.next_number();
        let mut at = self.order.created_at.plus(settings.delay(number)?);
        if let (Some(last), Some(this), Some(before)) = (
            self.reminders.last(),
            settings.delay(number),
            settings.delay(number.saturating_sub(1)),
        ) {
            at = at.max(last.sent_at.plus(this.saturating_sub(before)));
        }
        Some(self.retry_at.map_or(at, |retry| at.max(retry)))
    }

    /// The number of the next reminder to send.
    fn next_number(&self) -> u8 {
        u8::try_from(self.reminders.len() + 1).unwrap_or(u8::MAX)
    }

    /// The next due time: the next reminder or the pending tags, whichever is first; kept
    /// while an attempt holds its lease.
    fn plan_due(&mut self) {
        if self.attempt.is_some() {
            return;
        }
        self.due_at = match (self.next_reminder_at, self.tags_due_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    fn status_from_order(&self, settings: &ReminderSettings, now: Timestamp) -> ReminderStatus {
        if self.order.is_settled() {
            ReminderStatus::Settled
        } else if !self.order.is_cash_on_delivery() {
            ReminderStatus::NotCashOnDelivery
        } else if self.reminders.len() >= usize::from(MAX_REMINDERS) {
            ReminderStatus::Unanswered
        } else if !settings.enabled {
            ReminderStatus::Off
        } else if self.contact.is_none() {
            ReminderStatus::NoPhone
        } else if self.reminders.is_empty() && self.is_too_old(settings, now) {
            ReminderStatus::TooOld
        } else {
            ReminderStatus::Awaiting
        }
    }

    fn is_too_old(&self, settings: &ReminderSettings, now: Timestamp) -> bool {
        let first = settings.delay(1).unwrap_or_default();
        let due = self.order.created_at.plus(first).max(now);
        due.since(self.order.created_at) > MAX_ORDER_AGE
    }
}

/// The pause after `failures` failed attempts.
fn pause(failures: u32) -> Duration {
    let at = usize::try_from(failures.saturating_sub(1)).unwrap_or(usize::MAX);
    RETRY_PAUSES[at.min(RETRY_PAUSES.len() - 1)]
}
