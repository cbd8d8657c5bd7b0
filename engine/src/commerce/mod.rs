//! Shops the organisation sells from (PRD §3.8.2, Shopify): its orders as the shop reports them,
//! and the reminders that ask a cash-on-delivery customer to confirm an order on WhatsApp before
//! it ships, as a pure model.

mod contact;
mod order;
mod shop;
mod tracked;
#[cfg(test)]
mod tracked_tests;

pub use contact::whatsapp_contact;
pub use order::{OrderItem, OrderSnapshot};
pub use shop::{MAX_REMINDER_DELAY_MINS, ReminderSettings, ShopConnection, is_shop_domain};
pub use tracked::{
    AttemptReport, CustomerAnswer, MAX_FAILURES, MAX_ORDER_AGE, MAX_REMINDERS, OrderRefusal,
    ReminderStatus, ReminderWork, SendOutcome, SentReminder, TrackedOrder, reminder_tag,
};
