//! MongoDB only (the embedded backends write a batch atomically and keep no journal): a session
//! commit cut short by a crash is finished from its journal by recovery, and the redelivery of
//! its inbound event is then a duplicate; a commit written whole but for its journal is not
//! written again; commits that complete, duplicates and fenced commits leave no journal.

use crate::fixtures::{Fixture, MongoFixture};
use crate::records::{
    Answered, answered, commit, conversation, inbound, outbound, outbox, seqs, tenant, timer,
};
use botwot_engine::SessionKey;
use botwot_engine::channel::Channel;
use botwot_engine::message::Delivery;
use botwot_engine::ports::{
    CommitOutcome, DeliveryReceipt, Fence, SessionCommit, Storage, WriteAccess,
};
use botwot_engine::session::SessionStatus;
use botwot_engine::timer::TimerKind;
use mongodb::bson::{Document, doc};

mongo_case!(
    mongo_a_commit_cut_after_its_inbound_message_is_finished_by_recovery,
    cut_after_inbound
);
mongo_case!(
    mongo_a_reply_cut_before_its_outbox_entry_is_finished_by_recovery,
    cut_before_outbox
);
mongo_case!(
    mongo_recovery_keeps_a_reply_sent_since_as_sent_and_does_not_queue_it_again,
    sent_reply_kept
);
mongo_case!(
    mongo_completed_duplicate_and_fenced_commits_leave_no_journal,
    no_journal_left
);
mongo_case!(
    mongo_the_journal_of_a_redelivery_is_discarded,
    redelivery_discarded
);
mongo_case!(
    mongo_a_whole_commit_is_not_written_again_for_its_journal,
    whole_commit_not_rewritten
);
mongo_case!(
    mongo_recovery_finishes_only_the_sessions_it_is_given_under_their_fence,
    only_given_sessions
);
mongo_case!(
    mongo_a_later_commit_and_erasure_replace_a_journal_left_behind,
    later_commit_and_erasure
);
mongo_case!(
    mongo_a_commit_that_failed_part_way_is_finished_for_its_session_alone,
    failed_commit_finished_alone
);

pub(crate) async fn journals(fixture: &MongoFixture) -> anyhow::Result<u64> {
    Ok(fixture
        .raw_database()
        .await?
        .collection::<Document>("commit_journals")
        .count_documents(doc! {})
        .await?)
}

/// Recovery on a single node: every session, no fence.
async fn recover_all(store: &dyn Storage) -> anyhow::Result<usize> {
    let every = |_: &SessionKey| Some(WriteAccess { fence: None });
    Ok(store.finish_interrupted_commits(&every).await?)
}

fn duplicate(id: &str) -> CommitOutcome {
    CommitOutcome::DuplicateInbound {
        provider_message_id: id.to_owned(),
    }
}

async fn cut_after_inbound(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let opened = conversation(&acme, Channel::WhatsApp, "+15550101");
    let key = opened.key.clone();
    let Answered {
        state,
        question,
        answer,
        commit: first,
    } = answered(&opened, "where is my order?", "wamid.cut1", "on its way");

    // The process dies right after the inbound message is inserted.
    fixture
        .mongo_store()
        .commit_interrupted(first.clone(), 1)
        .await?;
    assert_eq!(journals(fixture).await?, 1);
    assert_eq!(store.load_session(&key).await?, None);
    assert_eq!(store.pending_outbox(10).await?, Vec::new());

    // The node that takes the session on next finishes the commit.
    assert_eq!(recover_all(store.as_ref()).await?, 1);
    assert_eq!(journals(fixture).await?, 0);
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![question.clone(), answer.clone()]
    );
    assert_eq!(store.all_timers().await?, first.timers_set);
    assert_eq!(store.pending_outbox(10).await?, first.outbox);

    // The provider redelivers the event: a duplicate, and nothing changes.
    let mut replayed = state.clone();
    replayed.last_seq = 4;
    replayed.status = SessionStatus::Warned;
    let again = inbound(&replayed, 3, "where is my order?", Some("wamid.cut1"));
    let second_answer = outbound(&replayed, 4, "on its way (again)");
    let mut second = commit(&replayed, vec![again, second_answer.clone()]);
    second.outbox = vec![outbox(&replayed, &second_answer, 50)];
    assert_eq!(store.commit(second).await?, duplicate("wamid.cut1"));
    assert_eq!(journals(fixture).await?, 0);
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![question, answer]
    );
    assert_eq!(store.all_timers().await?, first.timers_set);
    assert_eq!(store.pending_outbox(10).await?, first.outbox);
    assert_eq!(recover_all(store.as_ref()).await?, 0);
    Ok(())
}

async fn cut_before_outbox(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::Web, "visitor-2");
    let key = state.key.clone();
    state.last_seq = 1;
    let hello = inbound(&state, 1, "hello", Some("web-1"));
    let mut opened = commit(&state, vec![hello.clone()]);
    opened.timers_set = vec![timer(&state, TimerKind::AutoClose, 5_000)];
    assert_eq!(store.commit(opened).await?, CommitOutcome::Committed);

    let mut answered = state.clone();
    answered.last_seq = 2;
    let reply = outbound(&answered, 2, "hi, how can I help?");
    let mut second = commit(&answered, vec![reply.clone()]);
    second.timers_set = vec![timer(&answered, TimerKind::InactivityWarning, 9_000)];
    second.timers_cancelled = vec![timer(&state, TimerKind::AutoClose, 5_000).id];
    second.outbox = vec![outbox(&answered, &reply, 200)];
    // The reply and the new timer are written; the cancellation, the outbox entry and the
    // session are not.
    fixture
        .mongo_store()
        .commit_interrupted(second.clone(), 2)
        .await?;
    assert_eq!(store.pending_outbox(10).await?, Vec::new());
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));

    assert_eq!(recover_all(store.as_ref()).await?, 1);
    assert_eq!(journals(fixture).await?, 0);
    assert_eq!(store.load_session(&key).await?, Some(answered.clone()));
    assert_eq!(
        seqs(&store.transcript(&acme, &state.id, 0, 10).await?),
        [1, 2]
    );
    assert_eq!(store.all_timers().await?, second.timers_set);
    assert_eq!(store.pending_outbox(10).await?, second.outbox);
    Ok(())
}

/// A reply stored with its outbox entry, the commit cut before its session; the reply is then
/// sent and its send recorded (by a dispatcher that had the entry), before recovery runs.
async fn sent_reply_kept(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::WhatsApp, "+15550109");
    state.last_seq = 1;
    let question = inbound(&state, 1, "open?", Some("wamid.q9"));
    assert_eq!(
        store.commit(commit(&state, vec![question])).await?,
        CommitOutcome::Committed
    );
    let mut answered = state.clone();
    answered.last_seq = 2;
    let reply = outbound(&answered, 2, "until six");
    let mut second = commit(&answered, vec![reply.clone()]);
    second.outbox = vec![outbox(&answered, &reply, 200)];
    // The reply and its outbox entry are written, the session is not.
    fixture
        .mongo_store()
        .commit_interrupted(second.clone(), 2)
        .await?;
    assert_eq!(store.pending_outbox(10).await?, second.outbox);
    let sent = DeliveryReceipt {
        delivery: Delivery::Sent,
        provider_message_id: Some("wamid.reply9".to_owned()),
    };
    store.outbox_delivered(&second.outbox[0], sent).await?;

    assert_eq!(recover_all(store.as_ref()).await?, 1);
    assert_eq!(
        store.load_session(&state.key).await?,
        Some(answered.clone())
    );
    let transcript = store.transcript(&acme, &state.id, 0, 10).await?;
    assert_eq!(seqs(&transcript), [1, 2]);
    assert_eq!(transcript[1].delivery, Delivery::Sent, "not pending again");
    assert_eq!(
        transcript[1].provider_message_id.as_deref(),
        Some("wamid.reply9")
    );
    assert_eq!(
        store.pending_outbox(10).await?,
        Vec::new(),
        "the sent reply is not queued to go out a second time"
    );
    Ok(())
}

async fn no_journal_left(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::WhatsApp, "+15550102");
    state.last_seq = 1;
    let question = inbound(&state, 1, "hi", Some("wamid.once"));
    let mut first = commit(&state, vec![question]);
    first.fence = Some(Fence { shard: 3, epoch: 2 });
    assert_eq!(store.commit(first).await?, CommitOutcome::Committed);
    assert_eq!(journals(fixture).await?, 0);

    let mut replayed = state.clone();
    replayed.last_seq = 2;
    let again = inbound(&replayed, 2, "hi", Some("wamid.once"));
    let mut second = commit(&replayed, vec![again]);
    second.fence = Some(Fence { shard: 3, epoch: 2 });
    assert_eq!(store.commit(second).await?, duplicate("wamid.once"));
    assert_eq!(journals(fixture).await?, 0);

    let mut stale = commit(&replayed, vec![inbound(&replayed, 2, "late", Some("x"))]);
    stale.fence = Some(Fence { shard: 3, epoch: 1 });
    assert!(
        store.commit(stale).await.is_err(),
        "a stale epoch is fenced"
    );
    assert_eq!(journals(fixture).await?, 0);
    assert_eq!(seqs(&store.transcript(&acme, &state.id, 0, 10).await?), [1]);
    Ok(())
}

async fn redelivery_discarded(fixture: &MongoFixture) -> anyhow::Result<()> {
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

    // The redelivery's journal is written, and the process dies before its insert is refused.
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
    assert_eq!(journals(fixture).await?, 1);

    assert_eq!(recover_all(store.as_ref()).await?, 0);
    assert_eq!(journals(fixture).await?, 0);
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![first]
    );
    assert_eq!(store.pending_outbox(10).await?, Vec::new());
    Ok(())
}

async fn whole_commit_not_rewritten(fixture: &MongoFixture) -> anyhow::Result<()> {
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
    cut.timers_set = vec![timer(&state, TimerKind::AutoClose, 5_000)];
    // Everything is written but the journal is not deleted; then the reply is delivered and
    // the timer is done with.
    fixture.mongo_store().commit_interrupted(cut, 10).await?;
    assert_eq!(store.pending_outbox(10).await?, vec![entry.clone()]);
    store
        .outbox_delivered(&entry, DeliveryReceipt::from(Delivery::Sent))
        .await?;
    let done = SessionCommit {
        timers_cancelled: vec![timer(&state, TimerKind::AutoClose, 5_000).id],
        ..SessionCommit::default()
    };
    store.commit(done).await?;
    assert_eq!(journals(fixture).await?, 1);

    assert_eq!(recover_all(store.as_ref()).await?, 0);
    assert_eq!(journals(fixture).await?, 0);
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(store.pending_outbox(10).await?, Vec::new());
    assert_eq!(store.all_timers().await?, Vec::new());
    let transcript = store.transcript(&acme, &state.id, 0, 10).await?;
    assert_eq!(transcript[1].delivery, Delivery::Sent);
    Ok(())
}

async fn only_given_sessions(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut ours = conversation(&acme, Channel::WhatsApp, "+15550103");
    ours.last_seq = 1;
    let mut theirs = conversation(&acme, Channel::WhatsApp, "+15550104");
    theirs.last_seq = 1;
    let fence = Fence { shard: 7, epoch: 4 };
    for state in [&ours, &theirs] {
        let mut cut = commit(state, vec![inbound(state, 1, "hi", None)]);
        cut.fence = Some(fence);
        fixture.mongo_store().commit_interrupted(cut, 1).await?;
    }
    assert_eq!(journals(fixture).await?, 2);

    // A newer owner of the shard has written since: recovery under the old epoch is refused
    // and leaves the journal to it.
    let newer = Fence { shard: 7, epoch: 5 };
    let mut other = conversation(&acme, Channel::WhatsApp, "+15550105");
    other.last_seq = 1;
    let mut moved_on = commit(&other, vec![inbound(&other, 1, "hey", None)]);
    moved_on.fence = Some(newer);
    store.commit(moved_on).await?;
    let ours_key = ours.key.clone();
    let stale =
        move |key: &SessionKey| (*key == ours_key).then_some(WriteAccess { fence: Some(fence) });
    assert_eq!(store.finish_interrupted_commits(&stale).await?, 0);
    assert_eq!(store.load_session(&ours.key).await?, None);
    assert_eq!(journals(fixture).await?, 2);

    let ours_key = ours.key.clone();
    let current =
        move |key: &SessionKey| (*key == ours_key).then_some(WriteAccess { fence: Some(newer) });
    assert_eq!(store.finish_interrupted_commits(&current).await?, 1);
    assert_eq!(store.load_session(&ours.key).await?, Some(ours.clone()));
    assert_eq!(store.load_session(&theirs.key).await?, None);
    assert_eq!(journals(fixture).await?, 1);
    Ok(())
}

async fn later_commit_and_erasure(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::Web, "visitor-4");
    let key = state.key.clone();
    state.last_seq = 1;
    let hello = inbound(&state, 1, "hello", Some("web-4"));
    fixture
        .mongo_store()
        .commit_interrupted(commit(&state, vec![hello.clone()]), 1)
        .await?;
    assert_eq!(journals(fixture).await?, 1);

    // The writer carries on from what is stored (its commit failed): the next commit replaces
    // the journal and deletes it.
    let mut next = state.clone();
    next.last_seq = 2;
    let reply = outbound(&next, 2, "hi");
    assert_eq!(
        store.commit(commit(&next, vec![reply])).await?,
        CommitOutcome::Committed
    );
    assert_eq!(journals(fixture).await?, 0);
    assert_eq!(store.load_session(&key).await?, Some(next.clone()));

    // Erasing the session takes a journal left behind with it, so it cannot come back.
    let mut later = next.clone();
    later.last_seq = 3;
    fixture
        .mongo_store()
        .commit_interrupted(commit(&later, vec![outbound(&later, 3, "still there?")]), 0)
        .await?;
    assert_eq!(journals(fixture).await?, 1);
    store.erase_session(&acme, &state.id).await?;
    assert_eq!(journals(fixture).await?, 0);
    assert_eq!(recover_all(store.as_ref()).await?, 0);
    assert_eq!(store.load_session(&key).await?, None);
    Ok(())
}

/// A commit that returned an error after writing part of itself (the connection dropped): the
/// session's actor finishes it for that session alone, before it reloads the session, so the
/// retried event finds it done instead of writing it a second time.
async fn failed_commit_finished_alone(fixture: &MongoFixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut state = conversation(&acme, Channel::Web, "visitor-9");
    let key = state.key.clone();
    state.last_seq = 1;
    state.status = SessionStatus::Closed;
    let closing = outbound(&state, 1, "This conversation was closed.");
    let mut closed = commit(&state, vec![closing.clone()]);
    let closing_entry = outbox(&state, &closing, 100);
    closed.outbox = vec![closing_entry.clone()];
    fixture.mongo_store().commit_interrupted(closed, 1).await?;
    let mut other = conversation(&acme, Channel::Web, "visitor-10");
    other.last_seq = 1;
    let hello = inbound(&other, 1, "hello", Some("web-10"));
    fixture
        .mongo_store()
        .commit_interrupted(commit(&other, vec![hello]), 1)
        .await?;
    assert_eq!(journals(fixture).await?, 2);

    let nobody = |_: &SessionKey| None;
    assert_eq!(
        store.finish_interrupted_commit(&key, &nobody).await?,
        None,
        "not this node's session"
    );
    let this_node = |_: &SessionKey| Some(WriteAccess { fence: None });
    assert_eq!(
        store.finish_interrupted_commit(&key, &this_node).await?,
        Some(vec![closing_entry]),
        "the finished commit's unsent message, for the dispatcher"
    );
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(
        store.transcript(&acme, &state.id, 0, 10).await?,
        vec![closing]
    );
    assert_eq!(
        journals(fixture).await?,
        1,
        "the other session's journal is left"
    );
    assert_eq!(
        store.finish_interrupted_commit(&key, &this_node).await?,
        None,
        "nothing left to finish"
    );
    Ok(())
}
