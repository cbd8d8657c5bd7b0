//! Shard fences on session commits: a commit whose epoch is below the highest one the store has
//! accepted for its shard is refused as `Fenced` and writes nothing; equal and higher epochs
//! pass, shards are independent, commits without a fence check nothing, and the store reports
//! each shard's highest accepted epoch.

use crate::fixtures::{Fixture, MongoFixture};
use crate::records::{commit, conversation, inbound, outbound, outbox, seqs, tenant, timer};
use anyhow::Context;
use botwot_engine::SessionState;
use botwot_engine::channel::Channel;
use botwot_engine::message::Delivery;
use botwot_engine::ports::{CommitOutcome, Fence, SessionCommit, Storage, StoreError};
use botwot_engine::session::SessionStatus;
use botwot_engine::timer::TimerKind;

fn fenced(mut commit: SessionCommit, shard: u32, epoch: u64) -> SessionCommit {
    commit.fence = Some(Fence { shard, epoch });
    commit
}

/// The message of a refused commit, or a failure naming what happened instead.
fn fenced_message(outcome: Result<CommitOutcome, StoreError>) -> anyhow::Result<String> {
    match outcome {
        Err(StoreError::Fenced(message)) => Ok(message),
        other => anyhow::bail!("expected the commit to be fenced, got {other:?}"),
    }
}

/// A state of `session` that has moved on to `last_seq` and `status`.
fn moved_on(session: &SessionState, last_seq: u64, status: SessionStatus) -> SessionState {
    let mut state = session.clone();
    state.last_seq = last_seq;
    state.status = status;
    state
}

pub async fn a_stale_epoch_writes_nothing(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let acme = tenant("acme");
    let opened = conversation(&acme, Channel::WhatsApp, "+15550007");

    // The shard's new holder (epoch 2) answers the first message.
    let current = moved_on(&opened, 2, SessionStatus::Open);
    let question = inbound(&current, 1, "where is my order?", Some("wamid.first"));
    let answer = outbound(&current, 2, "on its way");
    let mut newer = fenced(commit(&current, vec![question, answer.clone()]), 7, 2);
    newer.timers_set = vec![timer(&current, TimerKind::AutoClose, 5_000)];
    newer.outbox = vec![outbox(&current, &answer, 100)];
    let store = fixture.store();
    assert_eq!(store.commit(newer.clone()).await?, CommitOutcome::Committed);

    // The old holder (epoch 1) wakes up and commits its own transition of the same session.
    let stale_state = moved_on(&opened, 4, SessionStatus::Warned);
    let other = inbound(&stale_state, 3, "hello?", Some("wamid.second"));
    let stale_answer = outbound(&stale_state, 4, "still there?");
    let mut stale = fenced(
        commit(&stale_state, vec![other, stale_answer.clone()]),
        7,
        1,
    );
    stale.delivery_updates = vec![(
        answer.id.clone(),
        Delivery::Failed {
            reason: "stale".to_owned(),
        },
    )];
    stale.timers_set = vec![timer(&stale_state, TimerKind::InactivityWarning, 4_000)];
    stale.timers_cancelled = newer
        .timers_set
        .iter()
        .map(|timer| timer.id.clone())
        .collect();
    stale.outbox = vec![outbox(&stale_state, &stale_answer, 50)];
    let message = fenced_message(store.commit(stale.clone()).await)?;
    assert_eq!(
        message,
        "shard 7 is held by epoch 2, this writer has epoch 1"
    );

    holds_only(&*store, &newer).await?;

    // The fence outlives a restart.
    drop(store);
    fixture.reopen().await?;
    let store = fixture.store();
    let message = fenced_message(store.commit(stale).await)?;
    assert_eq!(
        message,
        "shard 7 is held by epoch 2, this writer has epoch 1"
    );
    holds_only(&*store, &newer).await
}

/// Checks that the store holds what `commit` wrote and nothing else of its session: the state,
/// the transcript, the timers and the outbox.
async fn holds_only(store: &dyn Storage, commit: &SessionCommit) -> anyhow::Result<()> {
    let session = commit
        .session
        .as_ref()
        .context("the commit has a session")?;
    assert_eq!(
        store.load_session(&session.key).await?.as_ref(),
        Some(session)
    );
    assert_eq!(
        store
            .transcript(&session.key.tenant_id, &session.id, 0, 100)
            .await?,
        commit.messages
    );
    assert_eq!(store.all_timers().await?, commit.timers_set);
    assert_eq!(store.pending_outbox(100).await?, commit.outbox);
    Ok(())
}

pub async fn equal_and_higher_epochs_pass_and_shards_are_independent(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    assert!(store.shard_epochs().await?.is_empty(), "no fence yet");
    let acme = tenant("acme");
    let first = conversation(&acme, Channel::Web, "visitor-1");
    let second = conversation(&acme, Channel::Web, "visitor-2");

    let opening = |state: &SessionState, seq: u64| {
        let state = moved_on(state, seq, SessionStatus::Open);
        let message = inbound(&state, seq, "hi", Some(&format!("{}-{seq}", state.id)));
        commit(&state, vec![message])
    };
    assert_eq!(
        store.commit(fenced(opening(&first, 1), 1, 5)).await?,
        CommitOutcome::Committed
    );
    // The same epoch again, then a higher one.
    assert_eq!(
        store.commit(fenced(opening(&first, 2), 1, 5)).await?,
        CommitOutcome::Committed
    );
    assert_eq!(
        store.commit(fenced(opening(&first, 3), 1, 6)).await?,
        CommitOutcome::Committed
    );
    // Epoch 6 raised the shard: 5 is stale now.
    let message = fenced_message(store.commit(fenced(opening(&first, 4), 1, 5)).await)?;
    assert_eq!(
        message,
        "shard 1 is held by epoch 6, this writer has epoch 5"
    );
    assert_eq!(
        seqs(&store.transcript(&acme, &first.id, 0, 10).await?),
        [1, 2, 3]
    );

    // Another shard keeps its own epoch: epoch 1 of shard 2 is not fenced by shard 1's 6.
    assert_eq!(
        store.commit(fenced(opening(&second, 1), 2, 1)).await?,
        CommitOutcome::Committed
    );
    assert_eq!(
        store.load_session(&second.key).await?,
        Some(moved_on(&second, 1, SessionStatus::Open))
    );
    assert_eq!(
        store.commit(fenced(opening(&second, 2), 2, 1)).await?,
        CommitOutcome::Committed
    );
    assert_eq!(
        seqs(&store.transcript(&acme, &second.id, 0, 10).await?),
        [1, 2]
    );
    // What a lease service that lost its counters issues epochs above: each shard's highest
    // accepted epoch (the refused 5 changed nothing).
    assert_eq!(
        store.shard_epochs().await?,
        std::collections::BTreeMap::from([(1, 6), (2, 1)])
    );
    Ok(())
}

pub async fn unfenced_commits_still_work_after_fenced_ones(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let opened = conversation(&acme, Channel::Messenger, "psid-9");
    let one = moved_on(&opened, 1, SessionStatus::Open);
    let hello = inbound(&one, 1, "hello", Some("m_mid.1"));
    assert_eq!(
        store
            .commit(fenced(commit(&one, vec![hello.clone()]), 3, 4))
            .await?,
        CommitOutcome::Committed
    );
    let stale = fenced(
        commit(&one, vec![inbound(&one, 2, "x", Some("m_mid.x"))]),
        3,
        2,
    );
    fenced_message(store.commit(stale.clone()).await)?;

    // A single node's commit carries no fence and checks nothing.
    let two = moved_on(&opened, 2, SessionStatus::Warned);
    let reply = outbound(&two, 2, "anything else?");
    let mut unfenced = commit(&two, vec![reply.clone()]);
    unfenced.timers_set = vec![timer(&two, TimerKind::AutoClose, 7_000)];
    unfenced.outbox = vec![outbox(&two, &reply, 10)];
    assert_eq!(
        store.commit(unfenced.clone()).await?,
        CommitOutcome::Committed
    );
    let mut both = unfenced.clone();
    both.messages = vec![hello, reply];
    holds_only(&*store, &both).await?;
    // A redelivery without a fence is still a duplicate, not an error.
    let again = commit(&two, vec![inbound(&two, 3, "hello", Some("m_mid.1"))]);
    assert_eq!(
        store.commit(again).await?,
        CommitOutcome::DuplicateInbound {
            provider_message_id: "m_mid.1".to_owned()
        }
    );

    // Unfenced writes did not lower the shard's epoch.
    fenced_message(store.commit(stale).await)?;
    holds_only(&*store, &both).await
}

pub async fn a_stale_redelivery_is_fenced_not_duplicate(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let opened = conversation(&acme, Channel::WhatsApp, "+15550009");
    let one = moved_on(&opened, 1, SessionStatus::Open);
    let question = inbound(&one, 1, "price?", Some("wamid.same"));
    assert_eq!(
        store
            .commit(fenced(commit(&one, vec![question.clone()]), 9, 3))
            .await?,
        CommitOutcome::Committed
    );

    // The old holder commits the same provider message: the fence is checked first.
    let two = moved_on(&opened, 2, SessionStatus::Warned);
    let replay = inbound(&two, 1, "price?", Some("wamid.same"));
    let fresh = inbound(&two, 2, "hello?", Some("wamid.fresh"));
    let stale = fenced(commit(&two, vec![fresh, replay]), 9, 2);
    let message = fenced_message(store.commit(stale).await)?;
    assert_eq!(
        message,
        "shard 9 is held by epoch 3, this writer has epoch 2"
    );
    assert_eq!(store.load_session(&opened.key).await?, Some(one.clone()));
    assert_eq!(
        store.transcript(&acme, &opened.id, 0, 10).await?,
        vec![question.clone()]
    );

    // The current holder still gets the redelivery reported as one.
    let current = fenced(
        commit(&one, vec![inbound(&one, 2, "price?", Some("wamid.same"))]),
        9,
        3,
    );
    assert_eq!(
        store.commit(current).await?,
        CommitOutcome::DuplicateInbound {
            provider_message_id: "wamid.same".to_owned()
        }
    );
    assert_eq!(
        store.transcript(&acme, &opened.id, 0, 10).await?,
        vec![question]
    );
    Ok(())
}

pub async fn concurrent_first_commits_of_a_shard_all_pass(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    // Eight sessions of one shard commit at once under the same, first epoch: the shard's fence
    // is created by one of them and none is refused.
    let commits: Vec<_> = (0..8)
        .map(|n| {
            let state = moved_on(
                &conversation(&acme, Channel::Web, &format!("visitor-{n}")),
                1,
                SessionStatus::Open,
            );
            let message = inbound(&state, 1, "hi", Some(&format!("web-{n}")));
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .commit(fenced(commit(&state, vec![message]), 12, 1))
                    .await
            })
        })
        .collect();
    for attempt in commits {
        assert_eq!(attempt.await??, CommitOutcome::Committed);
    }
    let stale = moved_on(
        &conversation(&acme, Channel::Web, "late"),
        1,
        SessionStatus::Open,
    );
    fenced_message(
        store
            .commit(fenced(commit(&stale, Vec::new()), 12, 0))
            .await,
    )?;
    Ok(())
}

mongo_case!(
    mongo_a_writer_paused_after_its_claim_is_refused_by_the_session_stamp,
    paused_writer_is_refused
);

/// MongoDB only: a writer that claimed its shard, paused while a newer epoch took the shard over
/// and wrote the session, and then went on, is refused by the session record's stamp; the
/// messages it inserted before that are deleted again.
async fn paused_writer_is_refused(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let opened = conversation(&acme, Channel::WhatsApp, "+15550010");
    let current = moved_on(&opened, 1, SessionStatus::Open);
    let question = inbound(&current, 1, "hello", Some("wamid.one"));
    let mut newer = fenced(commit(&current, vec![question]), 4, 3);
    newer.timers_set = vec![timer(&current, TimerKind::AutoClose, 5_000)];
    assert_eq!(store.commit(newer.clone()).await?, CommitOutcome::Committed);

    // The shard's fence as the paused writer saw it when it claimed the shard with epoch 2.
    let lowered = fixture
        .raw_database()
        .await?
        .collection::<mongodb::bson::Document>("shard_fences")
        .update_one(
            mongodb::bson::doc! { "_id": 4_i64 },
            mongodb::bson::doc! { "$set": { "epoch": 2_i64 } },
        )
        .await?;
    assert_eq!(
        lowered.matched_count, 1,
        "the shard's fence document is where expected"
    );

    let stale_state = moved_on(&opened, 3, SessionStatus::Warned);
    let other = inbound(&stale_state, 2, "anyone?", Some("wamid.two"));
    let reply = outbound(&stale_state, 3, "still there?");
    let mut stale = fenced(commit(&stale_state, vec![other.clone(), reply]), 4, 2);
    stale.timers_cancelled = newer
        .timers_set
        .iter()
        .map(|timer| timer.id.clone())
        .collect();
    let message = fenced_message(store.commit(stale).await)?;
    assert_eq!(
        message,
        "shard 4 is held by epoch 3, this writer has epoch 2"
    );
    holds_only(&*store, &newer).await?;

    // The refused commit's inbound message was deleted again: it is not taken for a redelivery.
    let next = moved_on(&current, 2, SessionStatus::Open);
    assert_eq!(
        store
            .commit(fenced(commit(&next, vec![other]), 4, 3))
            .await?,
        CommitOutcome::Committed
    );
    Ok(())
}
