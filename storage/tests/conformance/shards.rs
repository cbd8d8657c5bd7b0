//! What a cluster node adopting shards reads: the timers and unsent messages written under
//! those shards' fences, found by shard (each shard's earliest first), not the other shards'
//! and not a single node's (which carry no shard).

use crate::fixtures::Fixture;
use crate::records::{commit, conversation, outbound, outbox, tenant, timer};
use botwot_engine::channel::Channel;
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{DeliveryReceipt, Fence, SessionCommit};
use botwot_engine::session::SessionState;
use botwot_engine::time::Timestamp;
use botwot_engine::timer::{DurableTimer, TimerKind};

/// A commit of `session` under `shard`'s fence (or none) setting a timer due at `due_ms` and
/// queueing a reply to be sent at `due_ms`.
fn scheduling(session: &SessionState, shard: Option<u32>, due_ms: i64) -> SessionCommit {
    let reply = outbound(session, 1, "hello");
    let mut scheduled = commit(session, vec![reply.clone()]);
    scheduled.fence = shard.map(|shard| Fence { shard, epoch: 1 });
    scheduled.timers_set = vec![DurableTimer {
        shard,
        ..timer(session, TimerKind::AutoClose, due_ms)
    }];
    scheduled.outbox = vec![OutboxEntry {
        shard,
        ..outbox(session, &reply, due_ms)
    }];
    scheduled
}

fn contacts(timers: &[DurableTimer]) -> Vec<&str> {
    timers.iter().map(|t| t.key.contact.as_str()).collect()
}

fn outbox_contacts(entries: &[OutboxEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.key.contact.as_str()).collect()
}

pub async fn timers_and_outbox_are_found_by_shard(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let late_in_3 = conversation(&acme, Channel::WhatsApp, "late-in-3");
    let early_in_3 = conversation(&acme, Channel::WhatsApp, "early-in-3");
    let in_5 = conversation(&tenant("globex"), Channel::Web, "in-5");
    let single_node = conversation(&acme, Channel::Web, "single-node");
    store.commit(scheduling(&late_in_3, Some(3), 900)).await?;
    store.commit(scheduling(&early_in_3, Some(3), 100)).await?;
    store.commit(scheduling(&in_5, Some(5), 500)).await?;
    store.commit(scheduling(&single_node, None, 50)).await?;

    let of_3 = store.timers_of_shards(&[3]).await?;
    assert_eq!(contacts(&of_3), ["early-in-3", "late-in-3"]);
    assert!(of_3.iter().all(|timer| timer.shard == Some(3)));
    let of_3_and_5 = store.timers_of_shards(&[5, 3]).await?;
    assert_eq!(contacts(&of_3_and_5), ["in-5", "early-in-3", "late-in-3"]);
    assert!(store.timers_of_shards(&[4]).await?.is_empty());
    assert_eq!(
        store.all_timers().await?.len(),
        4,
        "every timer is still read at start"
    );

    let pending = store.pending_outbox_of_shards(&[3], 10).await?;
    assert_eq!(outbox_contacts(&pending), ["early-in-3", "late-in-3"]);
    let first_of_each = store.pending_outbox_of_shards(&[3, 5], 1).await?;
    assert_eq!(outbox_contacts(&first_of_each), ["early-in-3", "in-5"]);

    // A failed send keeps its shard when it is rescheduled; a delivered one is gone.
    let mut retried = pending[1].clone();
    retried.attempts = 1;
    retried.next_attempt_at = Timestamp(50);
    store.outbox_retry_later(&retried).await?;
    let receipt = DeliveryReceipt::from(Delivery::Sent);
    store.outbox_delivered(&pending[0], receipt).await?;
    let pending = store.pending_outbox_of_shards(&[3], 10).await?;
    assert_eq!(pending, [retried]);

    // A cancelled timer is gone from its shard too.
    let cancel = SessionCommit {
        fence: Some(Fence { shard: 3, epoch: 1 }),
        timers_cancelled: vec![DurableTimer::id_for(&early_in_3.id, TimerKind::AutoClose)],
        ..SessionCommit::default()
    };
    store.commit(cancel).await?;
    assert_eq!(
        contacts(&store.timers_of_shards(&[3]).await?),
        ["late-in-3"]
    );
    Ok(())
}
