//! The billing rules: reports in any order, payments checked, the tier decided.

use super::*;
use crate::access::PlanTier;
use crate::ids::TenantId;
use crate::time::Timestamp;
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24 * 3600);
const GRACE: Duration = Duration::from_secs(3 * 24 * 3600);

fn at(day: u64) -> Timestamp {
    Timestamp::from_millis(1_800_000_000_000).plus(DAY * u32::try_from(day).unwrap())
}

fn report(status: SubscriptionStatus, paid: u32, reported_day: u64) -> SubscriptionSnapshot {
    SubscriptionSnapshot {
        provider_id: "sub_1".into(),
        provider_plan_id: "plan_pro".into(),
        status,
        current_start: (paid > 0).then(|| at(u64::from(paid - 1) * 30)),
        current_end: (paid > 0).then(|| at(u64::from(paid) * 30)),
        ended_at: None,
        paid_count: paid,
        short_url: None,
        reported_at: at(reported_day),
    }
}

fn subscribed() -> BillingAccount {
    let mut account = BillingAccount::new(TenantId::generate(), at(0));
    let created = report(SubscriptionStatus::Created, 0, 0);
    account.add_subscription(Subscription::created(created, PlanTier::Pro, at(0)), at(0));
    account
}

fn payment(order: &str, amount: u64, status: PaymentStatus, day: u64) -> PaymentSnapshot {
    PaymentSnapshot {
        provider_id: format!("pay_{day}"),
        order_id: Some(order.into()),
        amount,
        currency: "USD".into(),
        status,
        error_description: (status == PaymentStatus::Failed).then(|| "card declined".into()),
        reported_at: at(day),
    }
}

fn ordered(months: u32, id: &str, account: &mut BillingAccount) {
    let order = Order::created(
        id.into(),
        PlanTier::Pro,
        months,
        29_900 * u64::from(months),
        "USD".into(),
        at(0),
    );
    account.add_order(order, at(0));
}

#[test]
fn an_active_subscription_grants_its_tier_through_the_cycle_and_the_grace() {
    let mut account = subscribed();
    assert!(account.apply_subscription(&report(SubscriptionStatus::Active, 1, 0), at(0)));
    let decided = account.reconcile(at(1), GRACE);
    assert_eq!(decided.tier_change, Some(PlanTier::Pro));
    assert_eq!(
        account.granted,
        Some(Grant {
            tier: PlanTier::Pro,
            until: at(30).plus(GRACE)
        })
    );
    assert_eq!(account.due(), Some(at(33)));
    // Deciding again at the same moment changes nothing.
    assert_eq!(
        account.reconcile(at(2), GRACE),
        Reconciled {
            changed: false,
            tier_change: None
        }
    );
}

#[test]
fn an_older_report_after_a_newer_one_changes_nothing() {
    let mut account = subscribed();
    assert!(account.apply_subscription(&report(SubscriptionStatus::Active, 2, 30), at(30)));
    assert!(!account.apply_subscription(&report(SubscriptionStatus::Active, 1, 0), at(30)));
    assert!(!account.apply_subscription(&report(SubscriptionStatus::Created, 0, 0), at(30)));
    let sub = account.subscription("sub_1").unwrap();
    assert_eq!(
        (sub.status, sub.paid_count, sub.current_end),
        (SubscriptionStatus::Active, 2, Some(at(60)))
    );
    // The same report twice: the second changes nothing.
    assert!(!account.apply_subscription(&report(SubscriptionStatus::Active, 2, 30), at(30)));
}

#[test]
fn reports_of_the_same_second_are_ordered_by_cycles_paid_then_by_lifecycle() {
    let mut account = subscribed();
    assert!(account.apply_subscription(&report(SubscriptionStatus::Active, 1, 0), at(0)));
    assert!(!account.apply_subscription(&report(SubscriptionStatus::Authenticated, 1, 0), at(0)));
    assert!(account.apply_subscription(&report(SubscriptionStatus::Cancelled, 1, 0), at(0)));
    assert_eq!(
        account.subscription("sub_1").unwrap().status,
        SubscriptionStatus::Cancelled
    );
}

#[test]
fn an_ended_subscription_stays_ended_and_covers_what_was_paid() {
    let mut account = subscribed();
    account.apply_subscription(&report(SubscriptionStatus::Active, 1, 0), at(0));
    let mut cancelled = report(SubscriptionStatus::Cancelled, 1, 10);
    cancelled.ended_at = Some(at(30));
    assert!(account.apply_subscription(&cancelled, at(10)));
    // A late "active" charged report of a later second cannot revive it.
    assert!(!account.apply_subscription(&report(SubscriptionStatus::Active, 2, 31), at(31)));
    assert!(account.live_subscription().is_none());
    account.reconcile(at(10), GRACE);
    assert_eq!(
        account.granted,
        Some(Grant {
            tier: PlanTier::Pro,
            until: at(30)
        })
    );
    let lapsed = account.reconcile(at(30), GRACE);
    assert_eq!(
        lapsed,
        Reconciled {
            changed: true,
            tier_change: Some(PlanTier::Base)
        }
    );
    assert_eq!(account.granted, None);
}

#[test]
fn a_halted_subscription_stops_granting_at_once() {
    let mut account = subscribed();
    account.apply_subscription(&report(SubscriptionStatus::Active, 1, 0), at(0));
    account.reconcile(at(0), GRACE);
    account.apply_subscription(&report(SubscriptionStatus::Pending, 1, 31), at(31));
    assert_eq!(
        account.reconcile(at(31), GRACE).tier_change,
        None,
        "pending keeps the tier in grace"
    );
    account.apply_subscription(&report(SubscriptionStatus::Halted, 1, 32), at(32));
    assert_eq!(
        account.reconcile(at(32), GRACE).tier_change,
        Some(PlanTier::Base)
    );
}

#[test]
fn a_subscription_cancelled_before_any_payment_grants_nothing() {
    let mut account = subscribed();
    let mut cancelled = report(SubscriptionStatus::Cancelled, 0, 1);
    cancelled.ended_at = Some(at(1));
    account.apply_subscription(&cancelled, at(1));
    assert_eq!(
        account.reconcile(at(1), GRACE),
        Reconciled {
            changed: false,
            tier_change: None
        }
    );
}

#[test]
fn a_captured_payment_pays_its_order_once_and_prepaid_months_stack() {
    let mut account = BillingAccount::new(TenantId::generate(), at(0));
    ordered(2, "order_a", &mut account);
    ordered(1, "order_b", &mut account);
    assert_eq!(
        account.apply_payment(
            &payment("order_a", 59_800, PaymentStatus::Captured, 1),
            at(1)
        ),
        Ok(true)
    );
    assert_eq!(
        account.apply_payment(
            &payment("order_a", 59_800, PaymentStatus::Captured, 1),
            at(1)
        ),
        Ok(false)
    );
    assert_eq!(
        account.apply_payment(
            &payment("order_b", 29_900, PaymentStatus::Captured, 2),
            at(2)
        ),
        Ok(true)
    );
    let b = account.order("order_b").unwrap();
    assert_eq!(
        b.covers_from,
        Some(at(61)),
        "starts when the first order's months end"
    );
    assert_eq!(b.covers_until, Some(at(91)));
    account.reconcile(at(2), GRACE);
    assert_eq!(
        account.granted,
        Some(Grant {
            tier: PlanTier::Pro,
            until: at(91)
        })
    );
}

#[test]
fn a_payment_of_the_wrong_amount_or_another_order_pays_nothing() {
    let mut account = BillingAccount::new(TenantId::generate(), at(0));
    ordered(1, "order_a", &mut account);
    let short = payment("order_a", 100, PaymentStatus::Captured, 1);
    assert!(matches!(
        account.apply_payment(&short, at(1)),
        Err(OrderRefusal::WrongAmount { .. })
    ));
    let mut euros = payment("order_a", 29_900, PaymentStatus::Captured, 1);
    euros.currency = "EUR".into();
    assert!(account.apply_payment(&euros, at(1)).is_err());
    assert_eq!(
        account.apply_payment(
            &payment("order_zzz", 29_900, PaymentStatus::Captured, 1),
            at(1)
        ),
        Ok(false)
    );
    assert_eq!(
        account.order("order_a").unwrap().status,
        OrderStatus::Created
    );
    assert_eq!(account.reconcile(at(1), GRACE).tier_change, None);
}

#[test]
fn a_failed_payment_is_noted_and_a_later_capture_still_pays() {
    let mut account = BillingAccount::new(TenantId::generate(), at(0));
    ordered(1, "order_a", &mut account);
    assert_eq!(
        account.apply_payment(&payment("order_a", 29_900, PaymentStatus::Failed, 1), at(1)),
        Ok(true)
    );
    assert_eq!(
        account.order("order_a").unwrap().last_failure.as_deref(),
        Some("card declined")
    );
    assert_eq!(
        account.apply_payment(
            &payment("order_a", 29_900, PaymentStatus::Captured, 2),
            at(2)
        ),
        Ok(true)
    );
    let order = account.order("order_a").unwrap();
    assert_eq!(
        (order.status, order.last_failure.as_deref()),
        (OrderStatus::Paid, None)
    );
}

#[test]
fn the_highest_tier_paid_for_wins_and_the_lower_one_takes_over_when_it_ends() {
    let mut account = BillingAccount::new(TenantId::generate(), at(0));
    let base = Order::created(
        "order_base".into(),
        PlanTier::Base,
        3,
        29_700,
        "USD".into(),
        at(0),
    );
    account.add_order(base, at(0));
    ordered(1, "order_pro", &mut account);
    let mut paid = payment("order_base", 29_700, PaymentStatus::Captured, 0);
    paid.provider_id = "pay_base".into();
    account.apply_payment(&paid, at(0)).unwrap();
    account
        .apply_payment(
            &payment("order_pro", 29_900, PaymentStatus::Captured, 0),
            at(0),
        )
        .unwrap();
    assert_eq!(
        account.reconcile(at(0), GRACE).tier_change,
        Some(PlanTier::Pro)
    );
    let after = account.reconcile(at(30), GRACE);
    assert_eq!(after.tier_change, Some(PlanTier::Base));
    assert_eq!(
        account.granted,
        Some(Grant {
            tier: PlanTier::Base,
            until: at(90)
        })
    );
}

#[test]
fn unpaid_orders_are_forgotten_after_a_month() {
    let mut account = BillingAccount::new(TenantId::generate(), at(0));
    ordered(1, "order_old", &mut account);
    let fresh = Order::created(
        "order_new".into(),
        PlanTier::Pro,
        1,
        29_900,
        "USD".into(),
        at(31),
    );
    account.add_order(fresh, at(31));
    assert!(account.order("order_old").is_none());
    assert!(account.order("order_new").is_some());
}

#[test]
fn plans_are_checked() {
    assert_eq!(
        NewBillingPlan::validate(PlanTier::Enterprise, 10_000, "USD"),
        Err(PlanRefusal::NotPurchasable)
    );
    assert_eq!(
        NewBillingPlan::validate(PlanTier::Pro, 99, "USD"),
        Err(PlanRefusal::AmountTooSmall)
    );
    assert_eq!(
        NewBillingPlan::validate(PlanTier::Pro, 29_900, "US"),
        Err(PlanRefusal::BadCurrency)
    );
    assert_eq!(
        NewBillingPlan::validate(PlanTier::Pro, 29_900, " usd")
            .unwrap()
            .currency,
        "USD"
    );
}
