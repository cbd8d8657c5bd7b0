//! Shard queues on a real RabbitMQ: confirmed publishing, ordered consumption with acks, single
//! active consumer with failover, dead-lettering at the delivery limit and replay.

use crate::support::{QueueCleanup, eventually, queue_config, queues, unique_prefix};
use botwot_cluster::{
    HandlerFailure, HandlerResult, InboundEnvelope, ShardDelivery, ShardId, ShardQueues, shard_of,
};
use botwot_engine::{Channel, SessionKey, TenantId};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn envelope(message_id: &str, contact: &str) -> InboundEnvelope {
    InboundEnvelope {
        message_id: message_id.to_owned(),
        key: SessionKey::new(
            TenantId::from("org_1"),
            Channel::WhatsApp,
            "phone_1",
            contact,
        ),
        kind: "message".into(),
        body: serde_json::json!({ "text": message_id }),
        received_at: 1_700_000_000_000,
        reply_to: None,
    }
}

/// A contact whose session lands on `shard` of `shard_count`.
fn contact_on(shard: u32, shard_count: u32) -> String {
    (0..)
        .map(|i| format!("contact-{i}"))
        .find(|c| {
            let key = envelope("x", c).key;
            shard_of(&key, shard_count) == ShardId(shard)
        })
        .unwrap_or_default()
}

type Seen = Arc<Mutex<Vec<ShardDelivery>>>;

fn recorder(seen: &Seen) -> impl Fn(ShardDelivery) -> std::future::Ready<HandlerResult> + use<> {
    let seen = Arc::clone(seen);
    move |delivery| {
        seen.lock().expect("recorder lock").push(delivery);
        std::future::ready(Ok(()))
    }
}

fn ids(seen: &Seen) -> Vec<String> {
    seen.lock()
        .expect("recorder lock")
        .iter()
        .map(|d| d.envelope.message_id.clone())
        .collect()
}

async fn topology(prefix: &str, shard_count: u32, max_deliveries: u32) -> ShardQueues {
    let node = queues(queue_config(prefix, shard_count, max_deliveries)).await;
    node.declare_topology().await.expect("topology declared");
    node
}

#[tokio::test]
async fn published_events_are_consumed_in_order_per_shard_and_acked() {
    let prefix = unique_prefix("queues");
    let _cleanup = QueueCleanup::new(&queue_config(&prefix, 2, 1));
    let node = topology(&prefix, 2, 5).await;
    let mut published: BTreeMap<ShardId, Vec<String>> = BTreeMap::new();
    for i in 0..30 {
        let event = envelope(&format!("m-{i:02}"), &format!("contact-{}", i % 7));
        let shard = node.publish(&event).await.unwrap();
        assert_eq!(shard, node.shard_of(&event));
        published.entry(shard).or_default().push(event.message_id);
    }
    assert_eq!(published.len(), 2, "both shards get events");
    assert_eq!(
        node.depth(ShardId(0)).await.unwrap().ready as usize,
        published[&ShardId(0)].len()
    );

    let seen: Seen = Arc::default();
    let consumers = [
        node.consume(ShardId(0), recorder(&seen)).await.unwrap(),
        node.consume(ShardId(1), recorder(&seen)).await.unwrap(),
    ];
    eventually("all 30 events handled", WAIT, || async {
        seen.lock().unwrap().len() == 30
    })
    .await;
    for (shard, expected) in &published {
        let got: Vec<String> = seen
            .lock()
            .unwrap()
            .iter()
            .filter(|d| d.shard == *shard)
            .map(|d| d.envelope.message_id.clone())
            .collect();
        assert_eq!(&got, expected, "order on shard {shard}");
    }
    assert!(seen.lock().unwrap().iter().all(|d| d.attempt == 1));
    assert_eq!(seen.lock().unwrap()[0].envelope.body["text"], "m-00");
    for consumer in consumers {
        consumer.stop().await.unwrap();
    }
    // Stopped consumers hand unacked messages back, so empty queues prove every ack arrived.
    for shard in [ShardId(0), ShardId(1)] {
        let depth = node.depth(shard).await.unwrap();
        assert_eq!((depth.ready, depth.consumers), (0, 0), "shard {shard}");
    }
    node.delete_topology().await.unwrap();
}

#[tokio::test]
async fn a_publish_to_a_missing_queue_is_not_confirmed() {
    let prefix = unique_prefix("queues");
    let _cleanup = QueueCleanup::new(&queue_config(&prefix, 2, 1));
    let node = queues(queue_config(&prefix, 1, 5)).await; // topology never declared
    let err = node.publish(&envelope("m-1", "c")).await.unwrap_err();
    assert_eq!(err.code(), "cluster.not_confirmed", "{err}");
}

#[tokio::test]
async fn only_one_consumer_is_active_and_the_other_takes_over_with_nothing_lost() {
    let prefix = unique_prefix("queues");
    let _cleanup = QueueCleanup::new(&queue_config(&prefix, 2, 1));
    let node_a = topology(&prefix, 1, 5).await;
    let node_b = queues(queue_config(&prefix, 1, 5)).await;

    // node-a handles m-0..m-2 and hangs on m-3 (a stuck or dying node): never acked.
    let seen_a: Seen = Arc::default();
    let seen_by_a = Arc::clone(&seen_a);
    let _consumer_a = node_a
        .consume(ShardId(0), move |delivery: ShardDelivery| {
            let hang = delivery.envelope.message_id == "m-3";
            seen_by_a.lock().unwrap().push(delivery);
            async move {
                if hang {
                    std::future::pending::<()>().await;
                }
                HandlerResult::Ok(())
            }
        })
        .await
        .unwrap();
    let seen_b: Seen = Arc::default();
    let _consumer_b = node_b.consume(ShardId(0), recorder(&seen_b)).await.unwrap();

    for i in 0..6 {
        node_a
            .publish(&envelope(&format!("m-{i}"), "c"))
            .await
            .unwrap();
    }
    eventually("node-a reaches m-3", WAIT, || async {
        seen_a.lock().unwrap().len() == 4
    })
    .await;
    assert_eq!(ids(&seen_a), ["m-0", "m-1", "m-2", "m-3"]);
    assert!(
        ids(&seen_b).is_empty(),
        "node-b must wait while node-a is active"
    );

    node_a.close().await.unwrap(); // node-a goes away with m-3 unacked
    eventually("node-b takes over", WAIT, || async {
        seen_b.lock().unwrap().len() == 3
    })
    .await;
    assert_eq!(ids(&seen_b), ["m-3", "m-4", "m-5"]);
    assert_eq!(seen_b.lock().unwrap()[0].attempt, 2, "m-3 is a redelivery");
    assert_eq!(ids(&seen_a).len(), 4);

    node_b.delete_topology().await.unwrap();
}

#[tokio::test]
async fn a_failing_event_is_dead_lettered_after_the_limit_and_replay_brings_it_back() {
    let prefix = unique_prefix("queues");
    let _cleanup = QueueCleanup::new(&queue_config(&prefix, 2, 1));
    let node = topology(&prefix, 1, 3).await;

    let attempts: Seen = Arc::default();
    let failing = {
        let attempts = Arc::clone(&attempts);
        node.consume(ShardId(0), move |delivery| {
            attempts.lock().unwrap().push(delivery);
            std::future::ready(HandlerResult::Err(HandlerFailure::Failed(
                "the event is malformed".into(),
            )))
        })
        .await
        .unwrap()
    };
    node.publish(&envelope("poison-1", &contact_on(0, 1)))
        .await
        .unwrap();
    eventually("the event reaches the dead-letter queue", WAIT, || async {
        node.dead_letter_depth().await.unwrap().ready == 1
    })
    .await;
    let tries: Vec<u32> = attempts.lock().unwrap().iter().map(|d| d.attempt).collect();
    assert_eq!(tries, [1, 2, 3], "delivered max_deliveries times");
    assert_eq!(node.depth(ShardId(0)).await.unwrap().ready, 0);
    failing.stop().await.unwrap();

    let letters = node.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].message_id, "poison-1");
    assert_eq!(letters[0].shard, Some(ShardId(0)));
    assert_eq!(letters[0].reason.as_deref(), Some("delivery_limit"));
    assert_eq!(
        letters[0].envelope.as_ref().map(|e| e.kind.as_str()),
        Some("message")
    );
    // Listing leaves it there.
    assert_eq!(node.dead_letters(10).await.unwrap().len(), 1);
    assert!(!node.replay_dead_letter("no-such-id", 10).await.unwrap());

    let seen: Seen = Arc::default();
    let _healthy = node.consume(ShardId(0), recorder(&seen)).await.unwrap();
    assert!(node.replay_dead_letter("poison-1", 10).await.unwrap());
    eventually("the replayed event is handled", WAIT, || async {
        seen.lock().unwrap().len() == 1
    })
    .await;
    assert_eq!(ids(&seen), ["poison-1"]);
    assert_eq!(
        seen.lock().unwrap()[0].attempt,
        1,
        "a replay starts a fresh count"
    );
    assert!(node.dead_letters(10).await.unwrap().is_empty());
    node.delete_topology().await.unwrap();
}

/// A handler that answers [`HandlerFailure::Unavailable`] to its first `refusals` calls, then
/// records what it handles.
fn unavailable_at_first(
    refusals: usize,
    tries: &Seen,
    handled: &Seen,
) -> impl Fn(ShardDelivery) -> std::future::Ready<HandlerResult> + use<> {
    let (tries, handled) = (Arc::clone(tries), Arc::clone(handled));
    move |delivery| {
        let mut tries = tries.lock().expect("tries lock");
        tries.push(delivery.clone());
        if tries.len() <= refusals {
            return std::future::ready(Err(HandlerFailure::Unavailable("storage is down".into())));
        }
        handled.lock().expect("handled lock").push(delivery);
        std::future::ready(Ok(()))
    }
}

#[tokio::test]
async fn an_event_is_kept_through_an_outage_without_spending_its_deliveries() {
    let prefix = unique_prefix("queues");
    let _cleanup = QueueCleanup::new(&queue_config(&prefix, 2, 1));
    let node = topology(&prefix, 1, 2).await;
    let contact = contact_on(0, 1);
    for id in ["o-1", "o-2"] {
        node.publish(&envelope(id, &contact)).await.unwrap();
    }
    let (tries, handled): (Seen, Seen) = Default::default();
    let consumer = node
        .consume(ShardId(0), unavailable_at_first(5, &tries, &handled))
        .await
        .unwrap();
    eventually("both events handled", WAIT, || async {
        handled.lock().unwrap().len() == 2
    })
    .await;
    assert_eq!(
        ids(&handled),
        ["o-1", "o-2"],
        "order kept through the outage"
    );
    let first: Vec<(String, u32)> = tries.lock().unwrap()[..6]
        .iter()
        .map(|d| (d.envelope.message_id.clone(), d.attempt))
        .collect();
    assert!(
        first
            .iter()
            .all(|(id, attempt)| id == "o-1" && *attempt == 1),
        "six tries of one delivery, though the queue allows two deliveries: {first:?}"
    );
    assert_eq!(node.dead_letter_depth().await.unwrap().ready, 0);
    consumer.stop().await.unwrap();
    assert_eq!(node.depth(ShardId(0)).await.unwrap().ready, 0, "both acked");
    node.delete_topology().await.unwrap();
}

#[tokio::test]
async fn a_consumer_stopped_during_an_outage_hands_the_event_it_kept_to_the_next() {
    let prefix = unique_prefix("queues");
    let _cleanup = QueueCleanup::new(&queue_config(&prefix, 2, 1));
    let node = topology(&prefix, 1, 3).await;
    let (tries, never): (Seen, Seen) = Default::default();
    let stuck = node
        .consume(ShardId(0), unavailable_at_first(usize::MAX, &tries, &never))
        .await
        .unwrap();
    node.publish(&envelope("k-1", &contact_on(0, 1)))
        .await
        .unwrap();
    eventually("the event is tried twice", WAIT, || async {
        tries.lock().unwrap().len() >= 2
    })
    .await;
    stuck.stop().await.unwrap();

    let seen: Seen = Arc::default();
    let _next = node.consume(ShardId(0), recorder(&seen)).await.unwrap();
    eventually("the next consumer handles it", WAIT, || async {
        seen.lock().unwrap().len() == 1
    })
    .await;
    assert_eq!(ids(&seen), ["k-1"]);
    assert_eq!(
        seen.lock().unwrap()[0].attempt,
        2,
        "one interrupted delivery"
    );
    assert!(never.lock().unwrap().is_empty());
    assert_eq!(node.dead_letter_depth().await.unwrap().ready, 0);
    node.delete_topology().await.unwrap();
}

#[tokio::test]
async fn dead_letters_can_be_replayed_in_bulk_or_discarded() {
    let prefix = unique_prefix("queues");
    let _cleanup = QueueCleanup::new(&queue_config(&prefix, 2, 1));
    let node = topology(&prefix, 2, 1).await;
    let failing: Vec<_> = futures::future::join_all((0..2).map(|shard| {
        node.consume(ShardId(shard), |_| {
            std::future::ready(HandlerResult::Err(HandlerFailure::Failed("no".into())))
        })
    }))
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect();
    for (i, shard) in [0, 1, 1].into_iter().enumerate() {
        node.publish(&envelope(&format!("d-{i}"), &contact_on(shard, 2)))
            .await
            .unwrap();
    }
    eventually("three dead letters", WAIT, || async {
        node.dead_letter_depth().await.unwrap().ready == 3
    })
    .await;
    for consumer in failing {
        consumer.stop().await.unwrap();
    }
    assert!(node.discard_dead_letter("d-1", 10).await.unwrap());
    assert_eq!(node.replay_all_dead_letters(10).await.unwrap(), 2);
    assert_eq!(node.dead_letter_depth().await.unwrap().ready, 0);
    eventually("replays are back on their shards", WAIT, || async {
        node.depth(ShardId(0)).await.unwrap().ready == 1
            && node.depth(ShardId(1)).await.unwrap().ready == 1
    })
    .await;
    node.delete_topology().await.unwrap();
}

#[tokio::test]
async fn an_envelope_that_does_not_parse_is_dead_lettered_at_once() {
    use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
    let prefix = unique_prefix("queues");
    let _cleanup = QueueCleanup::new(&queue_config(&prefix, 2, 1));
    let config = queue_config(&prefix, 1, 5);
    let node = topology(&prefix, 1, 5).await;
    let seen: Seen = Arc::default();
    let _consumer = node.consume(ShardId(0), recorder(&seen)).await.unwrap();

    // Another writer puts garbage on the shard queue.
    let connection = lapin::Connection::connect(&crate::support::amqp_url(), Default::default())
        .await
        .unwrap();
    let channel = connection.create_channel().await.unwrap();
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .unwrap();
    let confirm = channel
        .basic_publish(
            "".into(),
            config.queue_name(ShardId(0)).into(),
            BasicPublishOptions::default(),
            b"not json",
            lapin::BasicProperties::default().with_message_id("garbage-1".into()),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert!(confirm.is_ack());
    node.publish(&envelope("good-1", "c")).await.unwrap();

    eventually("the good event is handled", WAIT, || async {
        seen.lock().unwrap().len() == 1
    })
    .await;
    eventually("the garbage is dead-lettered", WAIT, || async {
        node.dead_letter_depth().await.unwrap().ready == 1
    })
    .await;
    let letters = node.dead_letters(10).await.unwrap();
    assert_eq!(letters[0].message_id, "garbage-1");
    assert_eq!(letters[0].reason.as_deref(), Some("rejected"));
    assert_eq!(letters[0].envelope, None);
    assert_eq!(letters[0].payload, "not json");
    assert_eq!(letters[0].shard, None, "no shard header, no envelope key");
    assert_eq!(ids(&seen), ["good-1"]);
    connection.close(200, "done".into()).await.unwrap();
}
