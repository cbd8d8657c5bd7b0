use super::*;
use crate::ids::TenantId;
use crate::integration::SealedSecret;
use crate::time::Timestamp;
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const LEASE: Duration = Duration::from_secs(600);

fn at(minutes: i64) -> Timestamp {
    Timestamp::from_millis(1_700_000_000_000 + minutes * 60_000)
}

fn settings() -> ReminderSettings {
    ReminderSettings {
        enabled: true,
        channel_account: "106540352242922".to_owned(),
        template: "cod_confirmation".to_owned(),
        default_country_code: Some("91".to_owned()),
        ..ReminderSettings::default()
    }
}

fn shop() -> ShopConnection {
    ShopConnection {
        domain: "acme.myshopify.com".to_owned(),
        tenant_id: TenantId::new("org_1"),
        name: "Acme".to_owned(),
        currency: "INR".to_owned(),
        sealed_access_token: SealedSecret::new("sealed-token"),
        sealed_webhook_secret: SealedSecret::new("sealed-secret"),
        reminders: settings(),
        unhealthy: None,
        created_at: at(-1000),
        updated_at: at(-1000),
    }
}

fn cod_order(updated: i64) -> OrderSnapshot {
    OrderSnapshot {
        order_id: "450789469".to_owned(),
        name: "#1001".to_owned(),
        email: Some("bob@example.com".to_owned()),
        phone: Some("98765 43210".to_owned()),
        customer_name: Some("Bob Norman".to_owned()),
        created_at: at(0),
        updated_at: at(updated),
        cancelled_at: None,
        closed_at: None,
        financial_status: Some("pending".to_owned()),
        fulfillment_status: None,
        payment_gateways: vec!["Cash on Delivery (COD)".to_owned()],
        total_price: "598.94".to_owned(),
        currency: "INR".to_owned(),
        tags: Vec::new(),
        items: Vec::new(),
    }
}

fn sent(id: &str) -> AttemptReport {
    AttemptReport {
        send: Some(SendOutcome::Sent {
            provider_message_id: id.to_owned(),
        }),
        ..AttemptReport::default()
    }
}

#[test]
fn a_cash_on_delivery_order_is_reminded_an_hour_after_it_was_placed() {
    let order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    assert_eq!(order.id, "acme.myshopify.com:450789469");
    assert_eq!(order.reminder_status, ReminderStatus::Awaiting);
    assert_eq!(order.contact.as_deref(), Some("919876543210"));
    assert_eq!(order.due(), Some(at(60)));
}

#[test]
fn nothing_is_due_before_its_time() {
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    assert_eq!(
        order.begin_attempt(at(59), LEASE),
        Err(OrderRefusal::NotDue)
    );
}

#[test]
fn two_reminders_then_the_order_is_unanswered() {
    let settings = settings();
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    let work = order.begin_attempt(at(61), LEASE).unwrap();
    assert_eq!(work.reminder, Some(1));
    assert_eq!(work.tags, vec!["first_reminder".to_owned()]);
    assert_eq!(order.due(), Some(at(61).plus(LEASE)), "leased");
    assert_eq!(
        order.begin_attempt(at(62), LEASE),
        Err(OrderRefusal::NotDue)
    );

    let mut report = sent("wamid.1");
    report.tags_written = work.tags;
    order.finish_attempt(report, &settings, at(62));
    assert_eq!(order.reminders.len(), 1);
    assert!(order.tags_pending.is_empty());
    assert_eq!(
        order.due(),
        Some(at(362)),
        "the second six hours after the order, five hours after the first"
    );

    let work = order.begin_attempt(at(362), LEASE).unwrap();
    assert_eq!(work.reminder, Some(2));
    order.finish_attempt(sent("wamid.2"), &settings, at(361));
    assert_eq!(order.reminder_status, ReminderStatus::Unanswered);
    assert_eq!(order.tags_pending, vec!["second_reminder".to_owned()]);
    assert_eq!(order.due(), Some(at(361)), "the tag still to write");
    let work = order.begin_attempt(at(361), LEASE).unwrap();
    assert_eq!(work.reminder, None);
    assert_eq!(work.tags, vec!["second_reminder".to_owned()]);
    order.finish_attempt(
        AttemptReport {
            tags_written: work.tags,
            ..AttemptReport::default()
        },
        &settings,
        at(362),
    );
    assert_eq!(order.due(), None);
}

#[test]
fn a_late_worker_sends_each_reminder_once_and_keeps_them_apart() {
    let settings = settings();
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    // Down for ten hours: both reminders are overdue, but one attempt sends one, and the
    // second waits the five hours the settings put between them.
    let work = order.begin_attempt(at(600), LEASE).unwrap();
    assert_eq!(work.reminder, Some(1));
    let mut report = sent("wamid.1");
    report.tags_written = work.tags;
    order.finish_attempt(report, &settings, at(600));
    assert_eq!(order.due(), Some(at(900)));
    assert_eq!(
        order.begin_attempt(at(601), LEASE),
        Err(OrderRefusal::NotDue)
    );
    let work = order.begin_attempt(at(900), LEASE).unwrap();
    assert_eq!(work.reminder, Some(2));
}

#[test]
fn an_attempt_whose_lease_ran_out_is_taken_up_again() {
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    order.begin_attempt(at(60), LEASE).unwrap();
    let later = at(60).plus(LEASE);
    let work = order.begin_attempt(later, LEASE).unwrap();
    assert_eq!(work.reminder, Some(1));
}

#[test]
fn a_failed_send_is_tried_again_after_a_pause_then_failed() {
    let settings = settings();
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    let mut now = at(60);
    for failure in 1..=MAX_FAILURES {
        let work = order.begin_attempt(now, LEASE).unwrap();
        assert_eq!(work.reminder, Some(1));
        let report = AttemptReport {
            send: Some(SendOutcome::Retry {
                reason: "rate limited".to_owned(),
            }),
            ..AttemptReport::default()
        };
        order.finish_attempt(report, &settings, now);
        if failure < MAX_FAILURES {
            assert_eq!(order.reminder_status, ReminderStatus::Awaiting);
            let due = order.due().unwrap();
            assert!(due > now, "paused");
            now = due;
        }
    }
    assert_eq!(order.reminder_status, ReminderStatus::Failed);
    assert_eq!(order.last_error.as_deref(), Some("rate limited"));
    assert_eq!(order.due(), None);
}

#[test]
fn a_refused_send_fails_the_order_with_the_reason() {
    let settings = settings();
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    order.begin_attempt(at(60), LEASE).unwrap();
    let report = AttemptReport {
        send: Some(SendOutcome::Refused {
            reason: "template not found".to_owned(),
        }),
        ..AttemptReport::default()
    };
    order.finish_attempt(report, &settings, at(60));
    assert_eq!(order.reminder_status, ReminderStatus::Failed);
    assert_eq!(order.due(), None);
}

#[test]
fn a_settled_order_gets_no_more_reminders() {
    let settings = settings();
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    let mut fulfilled = cod_order(30);
    fulfilled.fulfillment_status = Some("fulfilled".to_owned());
    assert!(order.observe(fulfilled, &settings, at(30)));
    assert_eq!(order.reminder_status, ReminderStatus::Settled);
    assert_eq!(order.due(), None);

    // The shop said so only during the attempt: nothing is sent.
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    order.begin_attempt(at(60), LEASE).unwrap();
    let mut cancelled = cod_order(59);
    cancelled.cancelled_at = Some(at(59));
    let report = AttemptReport {
        fresh: Some(cancelled),
        send: Some(SendOutcome::NotNeeded),
        ..AttemptReport::default()
    };
    order.finish_attempt(report, &settings, at(60));
    assert_eq!(order.reminder_status, ReminderStatus::Settled);
    assert!(order.reminders.is_empty());
    assert_eq!(order.due(), None);
}

#[test]
fn an_older_report_changes_nothing() {
    let settings = settings();
    let mut order = TrackedOrder::new(&shop(), cod_order(10), at(11));
    let mut stale = cod_order(5);
    stale.cancelled_at = Some(at(5));
    assert!(!order.observe(stale, &settings, at(12)));
    assert_eq!(order.reminder_status, ReminderStatus::Awaiting);
    let again = order.clone();
    assert!(order.observe(cod_order(10), &settings, at(11)));
    assert_eq!(order, again, "the same report twice");
}

#[test]
fn orders_that_need_no_reminder_say_why() {
    let mut prepaid = cod_order(0);
    prepaid.payment_gateways = vec!["shopify_payments".to_owned()];
    let order = TrackedOrder::new(&shop(), prepaid, at(1));
    assert_eq!(order.reminder_status, ReminderStatus::NotCashOnDelivery);

    let mut no_phone = cod_order(0);
    no_phone.phone = None;
    let order = TrackedOrder::new(&shop(), no_phone, at(1));
    assert_eq!(order.reminder_status, ReminderStatus::NoPhone);

    let mut off = shop();
    off.reminders.enabled = false;
    let order = TrackedOrder::new(&off, cod_order(0), at(1));
    assert_eq!(order.reminder_status, ReminderStatus::Off);
    assert_eq!(order.due(), None);

    let order = TrackedOrder::new(&shop(), cod_order(0), at(3 * 24 * 60));
    assert_eq!(order.reminder_status, ReminderStatus::TooOld);
}

#[test]
fn switching_reminders_on_plans_them() {
    let mut off = shop();
    off.reminders.enabled = false;
    let mut order = TrackedOrder::new(&off, cod_order(0), at(1));
    order.replan(&settings(), at(2));
    assert_eq!(order.reminder_status, ReminderStatus::Awaiting);
    assert_eq!(order.due(), Some(at(60)));
}

#[test]
fn the_customers_answer_ends_the_reminders_and_is_tagged() {
    let settings = settings();
    let mut order = TrackedOrder::new(&shop(), cod_order(0), at(1));
    assert_eq!(
        order.answer(CustomerAnswer::Confirm, at(2)),
        Err(OrderRefusal::NotAwaiting(ReminderStatus::Awaiting)),
        "no reminder was sent yet"
    );
    order.begin_attempt(at(60), LEASE).unwrap();
    let mut report = sent("wamid.1");
    report.tags_written = vec!["first_reminder".to_owned()];
    order.finish_attempt(report, &settings, at(60));

    assert_eq!(order.acknowledgement(), None, "nothing answered yet");
    assert_eq!(order.answer(CustomerAnswer::Confirm, at(70)), Ok(true));
    assert_eq!(
        order.acknowledgement().as_deref(),
        Some("Thank you! Your order #1001 is confirmed and will be on its way soon.")
    );
    assert_eq!(order.answer(CustomerAnswer::Confirm, at(71)), Ok(false));
    assert_eq!(order.reminder_status, ReminderStatus::Confirmed);
    assert_eq!(order.tags_pending, vec!["cod_confirmed".to_owned()]);
    assert_eq!(order.due(), Some(at(70)));
    assert_eq!(
        order.answer(CustomerAnswer::Cancel, at(72)),
        Err(OrderRefusal::NotAwaiting(ReminderStatus::Confirmed))
    );

    let work = order.begin_attempt(at(70), LEASE).unwrap();
    assert_eq!(work.reminder, None, "no more reminders");
    let report = AttemptReport {
        tags_error: Some("Shopify unavailable".to_owned()),
        ..AttemptReport::default()
    };
    order.finish_attempt(report, &settings, at(70));
    assert_eq!(
        order.due(),
        Some(at(70).plus(MINUTE)),
        "the tag tried again"
    );
    // A later report of the order (still pending payment) keeps the answer.
    assert!(order.observe(cod_order(80), &settings, at(80)));
    assert_eq!(order.reminder_status, ReminderStatus::Confirmed);
}
