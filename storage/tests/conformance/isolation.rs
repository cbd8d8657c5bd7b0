use crate::fixtures::Fixture;
use crate::records::{bot, key, opening, seqs, session, tenant};
use botwot_engine::channel::Channel;
use botwot_engine::ports::{PageRequest, SessionFilter, StoreError};

pub async fn tenants_never_see_each_other(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let ava = bot(&acme, "Ava", 1);
    store.insert_bot(&ava).await?;
    let acme_key = key(&acme, Channel::Web, "visitor");
    let state = session(acme_key.clone(), &ava, 100);
    store.commit(opening(&state, "secret", "c-1")).await?;

    let everything = PageRequest {
        limit: 100,
        cursor: None,
    };
    assert_eq!(store.get_bot(&globex, &ava.id).await?, None);
    assert!(
        store
            .list_bots(&globex, true, &everything)
            .await?
            .items
            .is_empty()
    );
    let mut stolen = ava.clone();
    stolen.tenant_id = globex.clone();
    stolen.widget_key = botwot_engine::ids::WidgetKey::generate();
    assert!(matches!(
        store.update_bot(&stolen).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.get_bot(&acme, &ava.id).await?, Some(ava.clone()));

    assert_eq!(store.get_session(&globex, &state.id).await?, None);
    let globex_key = key(&globex, Channel::Web, "visitor");
    assert_eq!(store.load_session(&globex_key).await?, None);
    let listed = store
        .list_sessions(&globex, &SessionFilter::default(), &everything)
        .await?;
    assert!(listed.items.is_empty());
    assert!(
        store
            .transcript(&globex, &state.id, 0, 100)
            .await?
            .is_empty()
    );
    assert!(
        store
            .recent_messages(&globex, &state.id, 100)
            .await?
            .is_empty()
    );

    // The same contact on the same channel account is another session in another tenant.
    let theirs = session(globex_key.clone(), &ava, 200);
    store.commit(opening(&theirs, "hello", "c-1")).await?;
    assert_eq!(store.load_session(&globex_key).await?, Some(theirs.clone()));
    assert_eq!(store.load_session(&acme_key).await?, Some(state.clone()));
    assert_eq!(
        seqs(&store.transcript(&globex, &theirs.id, 0, 10).await?),
        [1]
    );
    let acme_listing = store
        .list_sessions(&acme, &SessionFilter::default(), &everything)
        .await?;
    assert_eq!(acme_listing.items, vec![state]);
    Ok(())
}
