//! Canned responses: unique shortcuts per tenant, read, replaced and deleted only in their
//! tenant, listed in shortcut order.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::canned::{CannedResponse, CannedResponseSettings};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{PageRequest, StoreError};

fn canned(tenant: &TenantId, shortcut: &str, text: &str) -> CannedResponse {
    let settings = CannedResponseSettings {
        shortcut: shortcut.to_owned(),
        text: text.to_owned(),
    };
    CannedResponse::create(tenant.clone(), settings, Timestamp(1_000))
}

pub async fn canned_responses_have_unique_shortcuts_per_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let refund = canned(&acme, "/refund", "Refunds take 5 days.");
    let hello = canned(&acme, "/hello", "Hi there!");
    store.insert_canned_response(&refund).await?;
    store.insert_canned_response(&hello).await?;
    // Another organisation may use the same shortcut.
    store
        .insert_canned_response(&canned(&globex, "/refund", "No refunds."))
        .await?;

    let again = store
        .insert_canned_response(&canned(&acme, "/refund", "Twice"))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    let listed = store
        .list_canned_responses(&acme, &PageRequest::default())
        .await?;
    let shortcuts: Vec<_> = listed
        .items
        .iter()
        .map(|c| c.settings.shortcut.as_str())
        .collect();
    assert_eq!(shortcuts, ["/hello", "/refund"]);

    assert_eq!(
        store.get_canned_response(&acme, &refund.id).await?,
        Some(refund.clone())
    );
    assert_eq!(store.get_canned_response(&globex, &refund.id).await?, None);

    let mut taken = hello.clone();
    taken.settings.shortcut = "/refund".to_owned();
    let clash = store.update_canned_response(&taken).await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");

    let mut renamed = hello.clone();
    renamed.settings.shortcut = "/hi".to_owned();
    store.update_canned_response(&renamed).await?;
    // The old shortcut is free again.
    store
        .insert_canned_response(&canned(&acme, "/hello", "Hello again"))
        .await?;

    let mut foreign = refund.clone();
    foreign.tenant_id = globex.clone();
    assert!(matches!(
        store.update_canned_response(&foreign).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_canned_response(&globex, &refund.id).await,
        Err(StoreError::NotFound)
    ));
    store.delete_canned_response(&acme, &refund.id).await?;
    assert_eq!(store.get_canned_response(&acme, &refund.id).await?, None);
    let left = store
        .list_canned_responses(&acme, &PageRequest::default())
        .await?;
    assert_eq!(left.items.len(), 2);
    Ok(())
}
