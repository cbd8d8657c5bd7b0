use crate::fixtures::Fixture;
use crate::paging::walk;
use crate::records::{bot, tenant};
use botwot_engine::Timestamp;
use botwot_engine::ids::{BotId, WidgetKey};
use botwot_engine::ports::StoreError;

pub async fn bots_crud_and_widget_key_lookup(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut ava = bot(&acme, "Ava", 1_000);
    store.insert_bot(&ava).await?;
    assert_eq!(store.get_bot(&acme, &ava.id).await?, Some(ava.clone()));
    assert!(matches!(
        store.insert_bot(&ava).await,
        Err(StoreError::Conflict(_))
    ));

    ava.settings.bot_name = "Ava II".to_owned();
    ava.updated_at = Timestamp(2_000);
    store.update_bot(&ava).await?;
    assert_eq!(store.get_bot(&acme, &ava.id).await?, Some(ava.clone()));
    assert_eq!(
        store.find_bot_by_widget_key(&ava.widget_key).await?,
        Some(ava.clone())
    );
    assert_eq!(
        store
            .find_bot_by_widget_key(&WidgetKey::new("wk_nobody"))
            .await?,
        None
    );
    assert_eq!(store.get_bot(&acme, &BotId::new("bot_nobody")).await?, None);

    let ghost = bot(&acme, "Ghost", 3_000);
    assert!(matches!(
        store.update_bot(&ghost).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.get_bot(&acme, &ghost.id).await?, None);

    // A widget key belongs to one bot.
    let mut thief = bot(&acme, "Thief", 4_000);
    thief.widget_key = ava.widget_key.clone();
    assert!(matches!(
        store.insert_bot(&thief).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.get_bot(&acme, &thief.id).await?, None);

    // A new widget key replaces the old one in lookups.
    let old_key = ava.widget_key.clone();
    ava.widget_key = WidgetKey::generate();
    store.update_bot(&ava).await?;
    assert_eq!(store.find_bot_by_widget_key(&old_key).await?, None);
    assert_eq!(
        store.find_bot_by_widget_key(&ava.widget_key).await?,
        Some(ava.clone())
    );
    thief.widget_key = old_key;
    store.insert_bot(&thief).await?;
    assert_eq!(
        store.find_bot_by_widget_key(&thief.widget_key).await?,
        Some(thief)
    );
    Ok(())
}

pub async fn bot_listing_pages_newest_first_and_hides_deleted(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let created = [5, 1, 3, 3, 7, 2, 9, 3, 4];
    let mut bots: Vec<_> = created
        .iter()
        .enumerate()
        .map(|(n, at)| bot(&acme, &format!("bot {n}"), *at * 1_000))
        .collect();
    for bot in &bots {
        store.insert_bot(bot).await?;
    }
    for deleted in [1, 4, 7] {
        bots[deleted].deleted_at = Some(Timestamp(10_000));
        store.update_bot(&bots[deleted]).await?;
    }
    bots.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));

    let list = |include_deleted: bool| {
        let (store, acme) = (store.clone(), acme.clone());
        walk(2, move |page| {
            let (store, acme) = (store.clone(), acme.clone());
            async move { store.list_bots(&acme, include_deleted, &page).await }
        })
    };
    assert_eq!(list(true).await?, bots);
    let live = list(false).await?;
    let expected: Vec<_> = bots
        .iter()
        .filter(|bot| bot.deleted_at.is_none())
        .cloned()
        .collect();
    assert_eq!(live, expected);
    assert_eq!(live.len(), 6);

    let empty = store
        .list_bots(&tenant("nobody"), true, &Default::default())
        .await?;
    assert!(empty.items.is_empty() && empty.next_cursor.is_none());
    Ok(())
}
