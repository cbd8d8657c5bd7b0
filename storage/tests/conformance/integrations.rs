use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Channel;
use botwot_engine::Timestamp;
use botwot_engine::ids::BotId;
use botwot_engine::integration::{ChannelIntegration, IntegrationHealth, IntegrationSettings};
use botwot_engine::ports::{PageRequest, StoreError};

fn whatsapp(account: &str) -> IntegrationSettings {
    IntegrationSettings {
        display_name: "Support".to_owned(),
        ..IntegrationSettings::new(Channel::WhatsApp, account, BotId::new("bot_1"))
    }
}

pub async fn integrations_are_found_by_account_and_listed_per_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let first = ChannelIntegration::create(acme.clone(), whatsapp("1065"), Timestamp(1_000));
    let second = ChannelIntegration::create(acme.clone(), whatsapp("2077"), Timestamp(2_000));
    store.insert_integration(&first).await?;
    store.insert_integration(&second).await?;

    assert_eq!(
        store.find_integration(Channel::WhatsApp, "1065").await?,
        Some(first.clone())
    );
    assert_eq!(
        store.find_integration(Channel::Messenger, "1065").await?,
        None
    );
    assert_eq!(
        store.find_integration(Channel::WhatsApp, "9999").await?,
        None
    );

    let taken = ChannelIntegration::create(globex.clone(), whatsapp("1065"), Timestamp(3_000));
    assert!(
        matches!(
            store.insert_integration(&taken).await,
            Err(StoreError::Conflict(_))
        ),
        "one provider account belongs to one organisation"
    );

    let page = PageRequest {
        limit: 10,
        cursor: None,
    };
    let listed = store.list_integrations(&acme, &page).await?;
    assert_eq!(listed.items, [second, first]);
    assert!(
        store
            .list_integrations(&globex, &page)
            .await?
            .items
            .is_empty()
    );
    Ok(())
}

pub async fn an_updated_integration_keeps_its_health_and_a_missing_one_is_not_found(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let mut integration =
        ChannelIntegration::create(tenant("acme"), whatsapp("1065"), Timestamp(1_000));
    assert!(matches!(
        store.update_integration(&integration).await,
        Err(StoreError::NotFound)
    ));
    store.insert_integration(&integration).await?;
    integration.health = IntegrationHealth::token_rejected("Session has expired", Timestamp(2_000));
    integration.updated_at = Timestamp(2_000);
    store.update_integration(&integration).await?;
    let found = store.find_integration(Channel::WhatsApp, "1065").await?;
    assert_eq!(found, Some(integration.clone()));
    assert!(!found.expect("stored").health.is_healthy());
    let listed = store
        .list_integrations(
            &tenant("acme"),
            &PageRequest {
                limit: 10,
                cursor: None,
            },
        )
        .await?;
    assert_eq!(listed.items, [integration], "updated in place, not added");
    Ok(())
}
