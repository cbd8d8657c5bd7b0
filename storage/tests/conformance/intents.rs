//! MongoDB only (the embedded backends write a batch atomically and keep no intents): a session
//! commit cut short by a crash is finished from its commit intent when the session is loaded
//! again, and the redelivery of its inbound event is then still a duplicate; commits that
//! complete, duplicates and fenced commits leave no intent behind.

use crate::fixtures::{Fixture, MongoFixture};
use crate::records::{commit, conversation, inbound, outbound, outbox, seqs, tenant, timer};
use botwot_engine::channel::Channel;
use botwot_engine::message::Delivery;
use botwot_engine::ports::{CommitOutcome, DeliveryReceipt, Fence};
use botwot_engine::session::SessionStatus;
use botwot_engine::timer::TimerKind;
use mongodb::bson::{Document, doc};

/// Runs `case` on a fresh MongoDB fixture and removes it afterwards.
macro_rules! mongo_case {
    ($name:ident, $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() -> anyhow::Result<()> {
            let fixture = MongoFixture::new().await?;
            let outcome = $case(&fixture).await;
            fixture.cleanup().await?;
            outcome
        }
    };
}

mongo_case!(
    mongo_a_commit_cut_after_its_inbound_message_is_finished_on_load,
    cut_after_inbound
);
mongo_case!(
    mongo_a_reply_cut_before_its_outbox_entry_is_finished_on_load,
    cut_before_outbox
);
mongo_case!(
    mongo_completed_duplicate_and_fenced_commits_leave_no_intent,
    no_intent_left
);
mongo_case!(
    mongo_an_intent_of_a_redelivery_is_discarded,
    redelivery_intent_discarded
);
mongo_case!(
    mongo_a_finished_reply_delivered_since_is_not_queued_again,
    delivered_reply_not_requeued
);

async fn intents(fixture: &MongoFixture) -> anyhow::Result<u64> {
    Ok(fixture
        .raw_database()
        .await?
        .collection::<Document>("commit_intents")
        .count_documents(doc! {})
        .await?)
}

fn duplicate(id: &str) -> CommitOutcome {
    CommitOutcome::DuplicateInbound {
        provider_message_id: id.to_owned(),
    }
}

async fn cut_after_inbound(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::WhatsApp, "+15550101");
    let key = state.key.clone();
    state.last_seq = 2;
    let question = inbound(&state, 1, "where is my order?", Some("wamid.cut1"));
    let answer = outbound(&state, 2, "on its way");
    let mut first = commit(&state, vec![question.clone(), answer.clone()]);
    first.timers_set = vec![timer(&state, TimerKind::AutoClose, 5_000)];
    first.outbox = vec![outbox(&state, &answer, 100)];

    // The process dies right after the inbound message is inserted.
    fixture
        .mongo_store()
        .commit_interrupted(first.clone(), 1)
        .await?;
    assert_eq!(intents(fixture).await?, 1);
    assert_eq!(store.get_session(&acme, &state.id).await?, None);

    // The session's new owner loads it: the commit is finished.
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(intents(fixture).await?, 0);
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![question.clone(), answer.clone()]
    );
    let timers = store.all_timers().await?;
    assert_eq!(timers, first.timers_set);
    let pending = store.pending_outbox(10).await?;
    assert_eq!(pending, first.outbox);

    // The provider redelivers the event; the new transition is a duplicate and loses nothing.
    let mut replayed = state.clone();
    replayed.last_seq = 4;
    replayed.status = SessionStatus::Warned;
    let again = inbound(&replayed, 3, "where is my order?", Some("wamid.cut1"));
    let second_answer = outbound(&replayed, 4, "on its way (again)");
    let mut second = commit(&replayed, vec![again, second_answer.clone()]);
    second.outbox = vec![outbox(&replayed, &second_answer, 50)];
    assert_eq!(store.commit(second).await?, duplicate("wamid.cut1"));
    assert_eq!(intents(fixture).await?, 0);
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![question, answer]
    );
    assert_eq!(store.all_timers().await?, first.timers_set);
    assert_eq!(store.pending_outbox(10).await?, first.outbox);
    Ok(())
}

async fn cut_before_outbox(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::Web, "visitor-2");
    let key = state.key.clone();
    state.last_seq = 1;
    let hello = inbound(&state, 1, "hello", Some("web-1"));
    assert_eq!(
        store.commit(commit(&state, vec![hello.clone()])).await?,
        CommitOutcome::Committed
    );

    let mut answered = state.clone();
    answered.last_seq = 2;
    let reply = outbound(&answered, 2, "hi, how can I help?");
    let mut second = commit(&answered, vec![reply.clone()]);
    second.timers_set = vec![timer(&answered, TimerKind::InactivityWarning, 9_000)];
    second.outbox = vec![outbox(&answered, &reply, 200)];
    // The reply and the session are written, the timer and the outbox entry are not.
    fixture
        .mongo_store()
        .commit_interrupted(second.clone(), 2)
        .await?;
    assert_eq!(store.pending_outbox(10).await?, Vec::new());

    assert_eq!(store.load_session(&key).await?, Some(answered.clone()));
    assert_eq!(intents(fixture).await?, 0);
    assert_eq!(
        seqs(&store.transcript(&acme, &state.id, 0, 10).await?),
        [1, 2]
    );
    assert_eq!(store.all_timers().await?, second.timers_set);
    assert_eq!(store.pending_outbox(10).await?, second.outbox);
    Ok(())
}

async fn no_intent_left(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::WhatsApp, "+15550102");
    state.last_seq = 1;
    let question = inbound(&state, 1, "hi", Some("wamid.once"));
    let mut first = commit(&state, vec![question]);
    first.fence = Some(Fence { shard: 3, epoch: 2 });
    assert_eq!(store.commit(first).await?, CommitOutcome::Committed);
    assert_eq!(intents(fixture).await?, 0);

    let mut replayed = state.clone();
    replayed.last_seq = 2;
    let again = inbound(&replayed, 2, "hi", Some("wamid.once"));
    let mut second = commit(&replayed, vec![again]);
    second.fence = Some(Fence { shard: 3, epoch: 2 });
    assert_eq!(store.commit(second).await?, duplicate("wamid.once"));
    assert_eq!(intents(fixture).await?, 0);

    let mut stale = commit(&replayed, vec![inbound(&replayed, 2, "late", Some("x"))]);
    stale.fence = Some(Fence { shard: 3, epoch: 1 });
    assert!(
        store.commit(stale).await.is_err(),
        "a stale epoch is fenced"
    );
    assert_eq!(intents(fixture).await?, 0);
    assert_eq!(seqs(&store.transcript(&acme, &state.id, 0, 10).await?), [1]);
    Ok(())
}

async fn redelivery_intent_discarded(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::Messenger, "psid-9");
    let key = state.key.clone();
    state.last_seq = 1;
    let first = inbound(&state, 1, "hi", Some("m_mid.9"));
    assert_eq!(
        store.commit(commit(&state, vec![first.clone()])).await?,
        CommitOutcome::Committed
    );

    // The redelivery's intent is written, and the process dies before its insert is refused.
    let mut replayed = state.clone();
    replayed.last_seq = 3;
    let again = inbound(&replayed, 2, "hi", Some("m_mid.9"));
    let answer = outbound(&replayed, 3, "hello again");
    let mut redelivery = commit(&replayed, vec![again, answer.clone()]);
    redelivery.outbox = vec![outbox(&replayed, &answer, 10)];
    fixture
        .mongo_store()
        .commit_interrupted(redelivery, 0)
        .await?;
    assert_eq!(intents(fixture).await?, 1);

    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(intents(fixture).await?, 0);
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![first]
    );
    assert_eq!(store.pending_outbox(10).await?, Vec::new());
    Ok(())
}

async fn delivered_reply_not_requeued(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::Web, "visitor-3");
    let key = state.key.clone();
    state.last_seq = 2;
    let hello = inbound(&state, 1, "hello", Some("web-3"));
    let reply = outbound(&state, 2, "hi!");
    let mut cut = commit(&state, vec![hello, reply.clone()]);
    let entry = outbox(&state, &reply, 10);
    cut.outbox = vec![entry.clone()];
    // Everything is written but the intent is not deleted; the reply is delivered since.
    fixture.mongo_store().commit_interrupted(cut, 10).await?;
    assert_eq!(store.pending_outbox(10).await?, vec![entry.clone()]);
    store
        .outbox_delivered(&entry, DeliveryReceipt::from(Delivery::Sent))
        .await?;
    assert_eq!(intents(fixture).await?, 1);

    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(intents(fixture).await?, 0);
    assert_eq!(store.pending_outbox(10).await?, Vec::new());
    let transcript = store.transcript(&acme, &state.id, 0, 10).await?;
    assert_eq!(transcript[1].delivery, Delivery::Sent);
    Ok(())
}
