//! Shops and their orders: a shop is connected once across every tenant, read in its tenant and
//! found by its domain alone; orders are stored over what was kept, listed latest placed first
//! by shop and by reminder status a page at a time, found by the reminder worker in every tenant
//! by when they are due; a disconnected shop takes its orders with it, and so does an erased
//! organisation.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::commerce::{
    OrderSnapshot, ReminderSettings, ReminderStatus, ShopConnection, TrackedOrder,
};
use botwot_engine::ids::TenantId;
use botwot_engine::integration::SealedSecret;
use botwot_engine::ports::{PageRequest, StoreError};

fn shop(tenant: &TenantId, domain: &str, created_ms: i64) -> ShopConnection {
    ShopConnection {
        domain: domain.to_owned(),
        tenant_id: tenant.clone(),
        name: domain.to_owned(),
        currency: "INR".to_owned(),
        sealed_access_token: SealedSecret::new("sealed-token"),
        sealed_webhook_secret: SealedSecret::new("sealed-secret"),
        reminders: ReminderSettings {
            enabled: true,
            channel_account: "106540352242922".to_owned(),
            template: "cod_confirmation".to_owned(),
            default_country_code: Some("91".to_owned()),
            ..ReminderSettings::default()
        },
        unhealthy: None,
        created_at: Timestamp(created_ms),
        updated_at: Timestamp(created_ms),
    }
}

/// An order placed at `placed_ms`, paid on delivery unless `prepaid`.
fn order(shop: &ShopConnection, id: u32, placed_ms: i64, prepaid: bool) -> TrackedOrder {
    let gateway = if prepaid {
        "shopify_payments"
    } else {
        "Cash on Delivery (COD)"
    };
    let snapshot = OrderSnapshot {
        order_id: id.to_string(),
        name: format!("#{id}"),
        email: None,
        phone: Some("+91 98765 43210".to_owned()),
        customer_name: Some("Asha".to_owned()),
        created_at: Timestamp(placed_ms),
        updated_at: Timestamp(placed_ms),
        cancelled_at: None,
        closed_at: None,
        financial_status: Some("pending".to_owned()),
        fulfillment_status: None,
        payment_gateways: vec![gateway.to_owned()],
        total_price: "499.00".to_owned(),
        currency: "INR".to_owned(),
        tags: Vec::new(),
        items: Vec::new(),
    };
    TrackedOrder::new(shop, snapshot, Timestamp(placed_ms))
}

fn all() -> PageRequest {
    PageRequest {
        limit: 100,
        cursor: None,
    }
}

fn ids(orders: &[TrackedOrder]) -> Vec<&str> {
    orders.iter().map(|order| order.id.as_str()).collect()
}

pub async fn a_shop_is_connected_once_and_lives_in_its_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let first = shop(&acme, "acme.myshopify.com", 1_000);
    let second = shop(&acme, "acme-outlet.myshopify.com", 2_000);
    store.insert_shop(&first).await?;
    store.insert_shop(&second).await?;
    let taken = store
        .insert_shop(&shop(&globex, "acme.myshopify.com", 3_000))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");

    assert_eq!(
        store.get_shop(&acme, &first.domain).await?,
        Some(first.clone())
    );
    assert_eq!(store.get_shop(&globex, &first.domain).await?, None);
    assert_eq!(store.find_shop(&first.domain).await?, Some(first.clone()));
    assert_eq!(store.find_shop("nobody.myshopify.com").await?, None);
    assert_eq!(
        store.list_shops(&acme).await?,
        vec![second.clone(), first.clone()]
    );
    assert!(store.list_shops(&globex).await?.is_empty());

    let mut unhealthy = first.clone();
    unhealthy.unhealthy = Some("token revoked".to_owned());
    store.save_shop(&unhealthy).await?;
    assert_eq!(
        store.find_shop(&first.domain).await?,
        Some(unhealthy.clone())
    );
    let mut foreign = unhealthy.clone();
    foreign.tenant_id = globex.clone();
    assert!(matches!(
        store.save_shop(&foreign).await,
        Err(StoreError::NotFound)
    ));

    let kept = order(&first, 1001, 5_000, false);
    let other = order(&second, 2001, 6_000, false);
    store.put_order(&kept).await?;
    store.put_order(&other).await?;
    assert!(!store.delete_shop(&globex, &first.domain).await?);
    assert!(store.delete_shop(&acme, &first.domain).await?);
    assert!(!store.delete_shop(&acme, &first.domain).await?);
    assert_eq!(store.find_shop(&first.domain).await?, None);
    assert_eq!(store.get_order(&acme, &kept.id).await?, None);
    assert_eq!(store.get_order(&acme, &other.id).await?, Some(other));
    Ok(())
}

pub async fn orders_list_latest_placed_first_by_shop_and_status(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let main = shop(&acme, "acme.myshopify.com", 1_000);
    let outlet = shop(&acme, "acme-outlet.myshopify.com", 1_000);
    let foreign = shop(&globex, "globex.myshopify.com", 1_000);
    let orders = [
        order(&main, 1, 10_000, false),
        order(&main, 2, 20_000, true),
        order(&outlet, 3, 30_000, false),
        order(&main, 4, 40_000, false),
        order(&foreign, 5, 50_000, false),
    ];
    for order in &orders {
        store.put_order(order).await?;
    }
    let listed = store.list_orders(&acme, None, None, &all()).await?;
    let newest_first: Vec<&str> = [3, 2, 1, 0].map(|at| orders[at].id.as_str()).to_vec();
    assert_eq!(ids(&listed.items), newest_first);

    let main_only = store
        .list_orders(&acme, Some(&main.domain), None, &all())
        .await?;
    assert_eq!(main_only.items.len(), 3);
    let awaiting = store
        .list_orders(&acme, None, Some(ReminderStatus::Awaiting), &all())
        .await?;
    assert_eq!(
        ids(&awaiting.items),
        vec![
            orders[3].id.as_str(),
            orders[2].id.as_str(),
            orders[0].id.as_str()
        ]
    );
    let main_awaiting = store
        .list_orders(
            &acme,
            Some(&main.domain),
            Some(ReminderStatus::Awaiting),
            &all(),
        )
        .await?;
    assert_eq!(
        ids(&main_awaiting.items),
        vec![orders[3].id.as_str(), orders[0].id.as_str()]
    );

    let first_page = store
        .list_orders(
            &acme,
            None,
            None,
            &PageRequest {
                limit: 3,
                cursor: None,
            },
        )
        .await?;
    assert_eq!(first_page.items.len(), 3);
    let rest = store
        .list_orders(
            &acme,
            None,
            None,
            &PageRequest {
                limit: 3,
                cursor: first_page.next_cursor.clone(),
            },
        )
        .await?;
    assert_eq!(ids(&rest.items), vec![orders[0].id.as_str()]);
    assert_eq!(rest.next_cursor, None);

    // A status change moves the order between listings when stored again.
    let mut confirmed = orders[0].clone();
    confirmed.reminder_status = ReminderStatus::Confirmed;
    store.put_order(&confirmed).await?;
    let awaiting = store
        .list_orders(&acme, None, Some(ReminderStatus::Awaiting), &all())
        .await?;
    assert_eq!(awaiting.items.len(), 2);
    assert_eq!(
        store.get_order(&acme, &orders[0].id).await?,
        Some(confirmed)
    );
    assert_eq!(store.get_order(&globex, &orders[0].id).await?, None);
    Ok(())
}

pub async fn orders_are_due_earliest_first_in_every_tenant_and_erased_with_it(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let main = shop(&acme, "acme.myshopify.com", 1_000);
    let foreign = shop(&globex, "globex.myshopify.com", 1_000);
    store.insert_shop(&main).await?;
    store.insert_shop(&foreign).await?;
    let hour = 3_600_000;
    let late = order(&main, 1, 2 * hour, false);
    let early = order(&foreign, 2, hour, false);
    let prepaid = order(&main, 3, 0, true);
    for order in [&late, &early, &prepaid] {
        store.put_order(order).await?;
    }
    assert_eq!(prepaid.due(), None);
    let due = store.due_orders(Timestamp(3 * hour + 1), 10).await?;
    assert_eq!(ids(&due), vec![early.id.as_str(), late.id.as_str()]);
    assert_eq!(store.due_orders(Timestamp(2 * hour), 10).await?.len(), 1);
    assert_eq!(store.due_orders(Timestamp(3 * hour), 1).await?.len(), 1);

    // Nothing left to do: it leaves the worker's work.
    let mut done = early.clone();
    done.reminder_status = ReminderStatus::Confirmed;
    done.due_at = None;
    store.put_order(&done).await?;
    assert_eq!(
        ids(&store.due_orders(Timestamp(3 * hour + 1), 10).await?),
        vec![late.id.as_str()]
    );

    // A customer's orders, by their WhatsApp number, in their tenant only.
    let theirs = store.contact_orders(&acme, "919876543210").await?;
    assert_eq!(ids(&theirs), vec![late.id.as_str(), prepaid.id.as_str()]);
    assert_eq!(
        store.contact_orders(&globex, "919876543210").await?.len(),
        1
    );
    assert_eq!(store.erase_contact_orders(&acme, "919876543210").await?, 2);
    assert!(
        store
            .contact_orders(&acme, "919876543210")
            .await?
            .is_empty()
    );
    assert_eq!(
        store.get_order(&globex, &early.id).await?,
        Some(done.clone())
    );
    store.put_order(&late).await?;

    store.erase_organisation(&acme).await?;
    assert_eq!(store.find_shop(&main.domain).await?, None);
    assert_eq!(store.get_order(&acme, &late.id).await?, None);
    assert!(
        store
            .due_orders(Timestamp(3 * hour + 1), 10)
            .await?
            .is_empty()
    );
    assert_eq!(store.find_shop(&foreign.domain).await?, Some(foreign));
    assert_eq!(store.get_order(&globex, &early.id).await?, Some(done));
    Ok(())
}
