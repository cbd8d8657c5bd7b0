//! MongoDB only: a writer that loses its shard in the middle of a session commit (paused between
//! two of its single-document writes while a newer epoch takes the session on) and then goes on.
//! What it takes back when it is refused is only what it wrote and nobody wrote since: the
//! messages the new owner's recovery wrote again stay, and its journal does not outlive it to
//! bring the refused state back over the newer one.

use crate::fixtures::{Fixture, MongoFixture};
use crate::journal::journals;
use crate::records::{Answered, answered, commit, conversation, tenant};
use botwot_engine::SessionKey;
use botwot_engine::channel::Channel;
use botwot_engine::ports::{CommitOutcome, Fence, StoreError, WriteAccess};
use botwot_engine::session::SessionStatus;
use botwot_storage::PausePoint;

const SHARD: u32 = 9;
const STALE: Fence = Fence {
    shard: SHARD,
    epoch: 2,
};
const NEWER: Fence = Fence {
    shard: SHARD,
    epoch: 3,
};

/// Write access to `key`'s session alone, under the newer epoch.
fn newer_owner_of(key: &SessionKey) -> impl Fn(&SessionKey) -> Option<WriteAccess> + use<> {
    let key = key.clone();
    move |asked: &SessionKey| (*asked == key).then_some(WriteAccess { fence: Some(NEWER) })
}

mongo_case!(
    mongo_a_stale_writer_resumed_after_recovery_keeps_what_recovery_wrote,
    resumed_after_recovery
);
mongo_case!(
    mongo_a_stale_writer_refused_part_way_leaves_neither_journal_nor_new_documents,
    refused_part_way
);

/// The stale writer inserted the question and stopped; the new owner finished the commit from
/// its journal; the stale writer then finds the answer taken and rolls back: the question it
/// inserted is the new owner's now, and stays.
async fn resumed_after_recovery(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let opened = conversation(&acme, Channel::WhatsApp, "+15550201");
    let Answered {
        state,
        question,
        answer,
        commit: mut first,
    } = answered(
        &opened,
        "is my order out?",
        "wamid.stale1",
        "yes, this morning",
    );
    first.fence = Some(STALE);

    let mut paused = fixture
        .mongo_store()
        .backend()
        .pause_next_write(PausePoint::AfterInserts(1));
    let stale_writer = tokio::spawn({
        let (store, first) = (store.clone(), first.clone());
        async move { store.commit(first).await }
    });
    paused.reached().await;
    assert_eq!(journals(fixture).await?, 1);

    let newer = newer_owner_of(&state.key);
    assert_eq!(store.finish_interrupted_commits(&newer).await?, 1);
    paused.resume();
    let refused = stale_writer.await?;
    assert!(
        !matches!(refused, Ok(CommitOutcome::Committed)),
        "the stale writer's answer was written by the new owner first: {refused:?}"
    );

    assert_eq!(store.load_session(&state.key).await?, Some(state.clone()));
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![question, answer],
        "the question the stale writer inserted, written again by recovery, stays"
    );
    assert_eq!(store.all_timers().await?, first.timers_set);
    assert_eq!(store.pending_outbox(10).await?, first.outbox);
    assert_eq!(journals(fixture).await?, 0);
    Ok(())
}

/// The stale writer stopped right after its claim; the new owner committed the session since.
/// Resumed, it writes its journal, messages, timer and outbox entry, and is refused at the
/// session: it takes them all back and deletes its journal, so the new owner, finishing
/// interrupted commits of the session later, finds nothing to bring back.
async fn refused_part_way(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let opened = conversation(&acme, Channel::WhatsApp, "+15550202");
    let mut stale = answered(&opened, "hello?", "wamid.stale2", "hi, how can I help?").commit;
    stale.fence = Some(STALE);

    let mut paused = fixture
        .mongo_store()
        .backend()
        .pause_next_write(PausePoint::AfterClaim);
    let stale_writer = tokio::spawn({
        let store = store.clone();
        async move { store.commit(stale).await }
    });
    paused.reached().await;

    let mut closed = opened.clone();
    closed.status = SessionStatus::Closed;
    let mut newer = commit(&closed, Vec::new());
    newer.fence = Some(NEWER);
    assert_eq!(store.commit(newer).await?, CommitOutcome::Committed);

    paused.resume();
    match stale_writer.await? {
        Err(StoreError::Fenced(_)) => {}
        other => anyhow::bail!("expected the stale writer to be fenced, got {other:?}"),
    }
    assert_eq!(journals(fixture).await?, 0, "the refused journal is gone");
    assert_eq!(store.load_session(&opened.key).await?, Some(closed.clone()));
    assert_eq!(
        store.transcript(&acme, &opened.id, 0, 10).await?,
        Vec::new()
    );
    assert_eq!(store.all_timers().await?, Vec::new());
    assert_eq!(store.pending_outbox(10).await?, Vec::new());

    let newer = newer_owner_of(&opened.key);
    assert_eq!(
        store.finish_interrupted_commit(&opened.key, &newer).await?,
        None
    );
    assert_eq!(store.load_session(&opened.key).await?, Some(closed));
    Ok(())
}
