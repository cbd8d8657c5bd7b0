use crate::fixtures::Fixture;
use crate::records::{bot, commit, inbound, key, outbound, outbox, session, tenant, timer};
use botwot_engine::channel::Channel;
use botwot_engine::ports::{CommitOutcome, PageRequest};
use botwot_engine::timer::TimerKind;

pub async fn reopen_keeps_everything(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let acme = tenant("acme");
    let ava = bot(&acme, "Ava", 1);
    let key = key(&acme, Channel::Instagram, "ig-1");
    let state = session(key.clone(), &ava, 100);
    let question = inbound(&state, 1, "price?", Some("ig-mid-1"));
    let answer = outbound(&state, 2, "42");
    let mut write = commit(&state, vec![question.clone(), answer.clone()]);
    write.timers_set = vec![timer(&state, TimerKind::AutoClose, 9_000)];
    write.outbox = vec![outbox(&state, &answer, 100)];
    {
        let store = fixture.store();
        store.insert_bot(&ava).await?;
        assert_eq!(store.commit(write.clone()).await?, CommitOutcome::Committed);
    }
    fixture.reopen().await?;

    let store = fixture.store();
    assert_eq!(
        store.find_bot_by_widget_key(&ava.widget_key).await?,
        Some(ava.clone())
    );
    let bots = store
        .list_bots(&acme, false, &PageRequest::default())
        .await?;
    assert_eq!(bots.items, vec![ava]);
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![question, answer]
    );
    assert_eq!(store.all_timers().await?, write.timers_set);
    assert_eq!(store.pending_outbox(10).await?, write.outbox);
    // The unique indexes survive too: the redelivery is still recognised.
    assert!(matches!(
        store.commit(write).await?,
        CommitOutcome::DuplicateInbound { .. }
    ));
    Ok(())
}
