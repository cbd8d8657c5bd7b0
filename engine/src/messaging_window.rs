//! The 24-hour customer service window of WhatsApp, Messenger and Instagram: for 24 hours after
//! a contact's last message, the business may reply with anything; after that (or before the
//! contact ever wrote) only an approved template may be sent on WhatsApp, and Messenger and
//! Instagram need a message tag. [`messaging_window`] decides it from the last inbound time and
//! now, both passed in, so the session actor and tests agree on the edges: a reply at 23:59:59.999
//! after the contact wrote is free-form, one at exactly 24:00:00 needs a template.

use crate::channel::Channel;
use crate::time::Timestamp;
use std::time::Duration;

/// How long after a contact's last message free-form replies are allowed.
pub const CUSTOMER_SERVICE_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether a free-form message may be sent now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessagingWindow {
    /// Free-form messages are allowed until `closes_at` (exclusive).
    Open { closes_at: Timestamp },
    /// Only a template may be sent: the window closed at `closed_at`.
    Closed { closed_at: Timestamp },
    /// Only a template may be sent: the contact has never written.
    NeverOpened,
}

impl MessagingWindow {
    pub fn allows_free_form(self) -> bool {
        matches!(self, MessagingWindow::Open { .. })
    }

    pub fn requires_template(self) -> bool {
        !self.allows_free_form()
    }

    /// Why a free-form message is refused, for the agent or the log; `None` while open.
    pub fn refusal_reason(self) -> Option<String> {
        match self {
            MessagingWindow::Open { .. } => None,
            MessagingWindow::Closed { closed_at } => Some(format!(
                "the 24 hour customer service window closed at {}: send a template",
                closed_at.to_rfc3339()
            )),
            MessagingWindow::NeverOpened => Some(
                "the contact has not written yet: only a template may start the conversation"
                    .to_owned(),
            ),
        }
    }
}

/// The window given the contact's last inbound message (if any) and now. A last inbound time
/// after `now` (clocks of two nodes apart) counts as now, so the window never closes later than
/// 24 hours from the present.
pub fn messaging_window(last_inbound: Option<Timestamp>, now: Timestamp) -> MessagingWindow {
    let Some(last_inbound) = last_inbound else {
        return MessagingWindow::NeverOpened;
    };
    let closes_at = last_inbound.min(now).plus(CUSTOMER_SERVICE_WINDOW);
    if now < closes_at {
        MessagingWindow::Open { closes_at }
    } else {
        MessagingWindow::Closed {
            closed_at: closes_at,
        }
    }
}

/// Whether a channel has the window at all (the web widget and voice do not).
pub fn window_applies(channel: Channel) -> bool {
    matches!(
        channel,
        Channel::WhatsApp | Channel::Messenger | Channel::Instagram
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const WROTE_AT: Timestamp = Timestamp(1_764_000_000_000);
    const SECOND: i64 = 1_000;
    const DAY: i64 = 24 * 60 * 60 * SECOND;

    fn at(offset_millis: i64) -> Timestamp {
        Timestamp(WROTE_AT.0 + offset_millis)
    }

    #[test]
    fn free_form_until_just_before_24_hours() {
        let window = messaging_window(Some(WROTE_AT), at(DAY - SECOND));
        assert_eq!(window, MessagingWindow::Open { closes_at: at(DAY) });
        assert!(window.allows_free_form());
        assert_eq!(window.refusal_reason(), None);
        assert!(messaging_window(Some(WROTE_AT), at(DAY - 1)).allows_free_form());
    }

    #[test]
    fn template_from_24_hours_on() {
        let window = messaging_window(Some(WROTE_AT), at(DAY));
        assert_eq!(window, MessagingWindow::Closed { closed_at: at(DAY) });
        assert!(window.requires_template());
        let reason = window.refusal_reason().unwrap();
        assert!(reason.contains("send a template"), "{reason}");
        assert!(messaging_window(Some(WROTE_AT), at(3 * DAY)).requires_template());
    }

    #[test]
    fn open_right_after_the_contact_writes() {
        assert!(messaging_window(Some(WROTE_AT), WROTE_AT).allows_free_form());
    }

    #[test]
    fn a_last_inbound_time_in_the_future_counts_as_now() {
        let window = messaging_window(Some(at(5 * SECOND)), WROTE_AT);
        assert_eq!(window, MessagingWindow::Open { closes_at: at(DAY) });
    }

    #[test]
    fn a_contact_who_never_wrote_needs_a_template() {
        let window = messaging_window(None, WROTE_AT);
        assert_eq!(window, MessagingWindow::NeverOpened);
        assert!(window.requires_template());
        assert!(window.refusal_reason().is_some());
    }

    #[test]
    fn only_meta_channels_have_a_window() {
        assert!(window_applies(Channel::WhatsApp));
        assert!(window_applies(Channel::Messenger));
        assert!(window_applies(Channel::Instagram));
        assert!(!window_applies(Channel::Web));
        assert!(!window_applies(Channel::Voice));
    }
}
