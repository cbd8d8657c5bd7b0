//! Billing: a plan per tier, replaced and listed in tier order; an organisation's account stored
//! whole and found by when its grant runs out; a provider id linked to one organisation only; a
//! provider event recorded once; erasing an organisation's billing takes its account and
//! references and nothing of another's.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::access::PlanTier;
use botwot_engine::billing::{
    BillingAccount, BillingPlan, Grant, Order, Subscription, SubscriptionSnapshot,
    SubscriptionStatus,
};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::StoreError;

fn plan(tier: PlanTier, amount: u64) -> BillingPlan {
    BillingPlan {
        tier,
        provider_plan_id: format!("plan_{}_{amount}", tier.as_str()),
        amount,
        currency: "USD".to_owned(),
        created_at: Timestamp(1_000),
    }
}

/// An account granted PRO until `due_ms`, or granted nothing.
fn account(tenant: &TenantId, due_ms: Option<i64>) -> BillingAccount {
    let mut account = BillingAccount::new(tenant.clone(), Timestamp(1_000));
    account.granted = due_ms.map(|until| Grant {
        tier: PlanTier::Pro,
        until: Timestamp(until),
    });
    account
}

fn tenants_of(accounts: &[BillingAccount]) -> Vec<&str> {
    accounts
        .iter()
        .map(|account| account.tenant_id.as_str())
        .collect()
}

pub async fn plans_are_replaced_per_tier_and_listed_in_tier_order(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    store
        .put_billing_plan(&plan(PlanTier::Enterprise, 99_900))
        .await?;
    store.put_billing_plan(&plan(PlanTier::Pro, 29_900)).await?;
    assert_eq!(store.billing_plan(PlanTier::Base).await?, None);

    store.put_billing_plan(&plan(PlanTier::Base, 9_900)).await?;
    let repriced = plan(PlanTier::Pro, 34_900);
    store.put_billing_plan(&repriced).await?;

    assert_eq!(
        store.billing_plan(PlanTier::Pro).await?,
        Some(repriced.clone())
    );
    let listed = store.billing_plans().await?;
    let tiers: Vec<_> = listed.iter().map(|plan| plan.tier).collect();
    assert_eq!(tiers, PlanTier::ALL);
    assert_eq!(listed[1], repriced);
    Ok(())
}

pub async fn an_account_is_stored_whole_and_read_in_its_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut stored = account(&acme, Some(90_000));
    let created = SubscriptionSnapshot {
        provider_id: "sub_acme".to_owned(),
        provider_plan_id: "plan_pro".to_owned(),
        status: SubscriptionStatus::Active,
        current_start: Some(Timestamp(1_000)),
        current_end: Some(Timestamp(60_000)),
        ended_at: None,
        paid_count: 1,
        short_url: Some("https://rzp.io/i/acme".to_owned()),
        reported_at: Timestamp(1_000),
    };
    let subscription = Subscription::created(created, PlanTier::Pro, Timestamp(1_000));
    stored.add_subscription(subscription, Timestamp(1_000));
    let order = Order::created(
        "order_acme".to_owned(),
        PlanTier::Pro,
        3,
        89_700,
        "USD".to_owned(),
        Timestamp(2_000),
    );
    stored.add_order(order, Timestamp(2_000));
    store.save_billing_account(&stored).await?;
    assert_eq!(store.billing_account(&acme).await?, Some(stored.clone()));
    assert_eq!(store.billing_account(&globex).await?, None);

    // Saving again replaces the whole account.
    stored.granted = None;
    stored.orders.clear();
    store.save_billing_account(&stored).await?;
    assert_eq!(store.billing_account(&acme).await?, Some(stored));
    Ok(())
}

pub async fn accounts_are_due_earliest_first_once_their_grant_runs_out(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    for (name, due) in [
        ("third", Some(3_000)),
        ("first", Some(1_000)),
        ("second", Some(2_000)),
        ("unpaid", None),
        ("later", Some(9_000)),
    ] {
        store
            .save_billing_account(&account(&tenant(name), due))
            .await?;
    }

    let due = store.billing_accounts_due(Timestamp(3_000), 10).await?;
    assert_eq!(tenants_of(&due), ["first", "second", "third"]);
    let due = store.billing_accounts_due(Timestamp(3_000), 2).await?;
    assert_eq!(tenants_of(&due), ["first", "second"]);

    // A grant decided again is due when it now runs out, or never when nothing is granted.
    store
        .save_billing_account(&account(&tenant("first"), Some(8_000)))
        .await?;
    store
        .save_billing_account(&account(&tenant("second"), None))
        .await?;
    let due = store.billing_accounts_due(Timestamp(8_000), 10).await?;
    assert_eq!(tenants_of(&due), ["third", "first"]);
    Ok(())
}

pub async fn a_provider_id_is_linked_to_one_organisation(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    store.link_billing_reference("sub_1", &acme).await?;
    store.link_billing_reference("sub_1", &acme).await?;
    assert!(matches!(
        store.link_billing_reference("sub_1", &globex).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.billing_reference("sub_1").await?, Some(acme));
    assert_eq!(store.billing_reference("order_unknown").await?, None);
    Ok(())
}

pub async fn a_provider_event_is_recorded_once(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    assert!(
        store
            .record_billing_event("evt_1", Timestamp(1_000))
            .await?
    );
    assert!(
        !store
            .record_billing_event("evt_1", Timestamp(2_000))
            .await?
    );
    assert!(
        store
            .record_billing_event("evt_2", Timestamp(2_000))
            .await?
    );
    store
        .record_billing_event("evt_3", Timestamp(3_000))
        .await?;
    // Events received before 2_500 are forgotten, oldest first, at most `limit` at a time.
    assert_eq!(store.forget_billing_events(Timestamp(2_500), 1).await?, 1);
    assert_eq!(store.forget_billing_events(Timestamp(2_500), 10).await?, 1);
    assert_eq!(store.forget_billing_events(Timestamp(2_500), 10).await?, 0);
    assert!(
        store
            .record_billing_event("evt_1", Timestamp(4_000))
            .await?,
        "forgotten"
    );
    assert!(
        !store
            .record_billing_event("evt_3", Timestamp(4_000))
            .await?,
        "kept"
    );
    Ok(())
}

pub async fn erasing_billing_takes_one_organisations_account_and_references(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    for (tenant, due) in [(&acme, 5_000), (&globex, 6_000)] {
        store
            .save_billing_account(&account(tenant, Some(due)))
            .await?;
        for kind in ["sub", "order"] {
            let provider_id = format!("{kind}_{tenant}");
            store.link_billing_reference(&provider_id, tenant).await?;
        }
    }

    store.erase_billing(&acme).await?;
    assert_eq!(store.billing_account(&acme).await?, None);
    assert_eq!(store.billing_reference("sub_acme").await?, None);
    assert_eq!(store.billing_reference("order_acme").await?, None);
    assert!(store.billing_account(&globex).await?.is_some());
    assert_eq!(
        store.billing_reference("order_globex").await?,
        Some(globex.clone())
    );
    let due = store.billing_accounts_due(Timestamp(10_000), 10).await?;
    assert_eq!(tenants_of(&due), ["globex"]);

    // Erasing the whole organisation takes its billing too.
    store.erase_organisation(&globex).await?;
    assert_eq!(store.billing_account(&globex).await?, None);
    assert_eq!(store.billing_reference("sub_globex").await?, None);
    assert!(
        store
            .billing_accounts_due(Timestamp(10_000), 10)
            .await?
            .is_empty()
    );
    Ok(())
}
