use crate::fixtures::Fixture;
use crate::records::{
    answered, commit, conversation, inbound, opening, outbound, outbox, seqs, tenant, timer,
};
use botwot_engine::channel::Channel;
use botwot_engine::ports::CommitOutcome;
use botwot_engine::session::SessionStatus;
use botwot_engine::timer::TimerKind;

fn duplicate(id: &str) -> CommitOutcome {
    CommitOutcome::DuplicateInbound {
        provider_message_id: id.to_owned(),
    }
}

pub async fn duplicate_inbound_writes_nothing(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let opened = conversation(&acme, Channel::WhatsApp, "+15550002");
    let key = opened.key.clone();
    let first = answered(&opened, "where is my order?", "wamid.HBgM", "on its way");
    assert_eq!(
        store.commit(first.commit.clone()).await?,
        CommitOutcome::Committed
    );

    // The provider delivers the same message again; the engine makes a whole new transition.
    let mut replayed = first.state.clone();
    replayed.last_seq = 4;
    replayed.status = SessionStatus::Warned;
    let again = inbound(&replayed, 3, "where is my order?", Some("wamid.HBgM"));
    let second_answer = outbound(&replayed, 4, "on its way (again)");
    let mut second = commit(&replayed, vec![second_answer.clone(), again]);
    second.timers_set = vec![timer(&replayed, TimerKind::InactivityWarning, 4_000)];
    second.outbox = vec![outbox(&replayed, &second_answer, 50)];
    assert_eq!(store.commit(second).await?, duplicate("wamid.HBgM"));

    assert_eq!(
        store.transcript(&acme, &first.state.id, 0, 10).await?,
        vec![first.question, first.answer]
    );
    assert_eq!(store.load_session(&key).await?, Some(first.state));
    let timers = store.all_timers().await?;
    assert_eq!(timers.len(), 1);
    assert_eq!(timers[0].kind, TimerKind::AutoClose);
    let pending = store.pending_outbox(10).await?;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message.seq, 2);
    Ok(())
}

pub async fn concurrent_duplicates_commit_once(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::Messenger, "psid-7");
    state.last_seq = 1;
    store.commit(commit(&state, Vec::new())).await?;
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let message = inbound(&state, 1, "hi", Some("m_mid.42"));
            let commit = commit(&state, vec![message]);
            tokio::spawn(async move { store.commit(commit).await })
        })
        .collect();
    let mut committed = 0;
    for attempt in attempts {
        match attempt.await?? {
            CommitOutcome::Committed => committed += 1,
            outcome => assert_eq!(outcome, duplicate("m_mid.42")),
        }
    }
    assert_eq!(committed, 1);
    assert_eq!(seqs(&store.transcript(&acme, &state.id, 0, 10).await?), [1]);
    Ok(())
}

pub async fn provider_ids_are_scoped_to_tenant_channel_and_inbound(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let web = conversation(&acme, Channel::Web, "v1");
    let whatsapp = conversation(&acme, Channel::WhatsApp, "v1");
    let elsewhere = conversation(&globex, Channel::Web, "v1");
    for state in [&web, &whatsapp, &elsewhere] {
        let outcome = store.commit(opening(state, "hello", "same-id")).await?;
        assert_eq!(outcome, CommitOutcome::Committed);
    }
    // Outbound messages are never taken for redeliveries.
    let mut first = outbound(&web, 2, "one");
    first.provider_message_id = Some("out-1".to_owned());
    let mut second = outbound(&web, 3, "two");
    second.provider_message_id = Some("out-1".to_owned());
    assert_eq!(
        store.commit(commit(&web, vec![first, second])).await?,
        CommitOutcome::Committed
    );
    assert_eq!(
        seqs(&store.transcript(&acme, &web.id, 0, 10).await?),
        [1, 2, 3]
    );
    // Within the same tenant and channel, another session cannot reuse the id either.
    let sibling = conversation(&acme, Channel::Web, "v2");
    let outcome = store.commit(opening(&sibling, "hello", "same-id")).await?;
    assert_eq!(outcome, duplicate("same-id"));
    assert_eq!(store.get_session(&acme, &sibling.id).await?, None);
    Ok(())
}

pub async fn a_redelivery_among_new_messages_writes_nothing(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let state = conversation(&acme, Channel::WhatsApp, "+1555");
    let old = inbound(&state, 1, "first", Some("wamid.old"));
    assert_eq!(
        store.commit(commit(&state, vec![old.clone()])).await?,
        CommitOutcome::Committed
    );

    // A batch of two webhooks: a new message, then the redelivery of the old one.
    let fresh = inbound(&state, 2, "second", Some("wamid.new"));
    let replay = inbound(&state, 3, "first", Some("wamid.old"));
    let both = commit(&state, vec![fresh.clone(), replay]);
    assert_eq!(store.commit(both).await?, duplicate("wamid.old"));
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![old.clone()]
    );

    // The new message was not kept half-written: it commits on its own afterwards.
    assert_eq!(
        store.commit(commit(&state, vec![fresh.clone()])).await?,
        CommitOutcome::Committed
    );
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![old, fresh]
    );
    Ok(())
}
