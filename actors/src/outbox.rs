//! The outbox dispatcher: hands committed outbound messages to their channel, retries failures
//! with exponential backoff, and records the result. Entries are stored with the transition that
//! produced them, so after a crash the ones still pending are loaded and sent again; the message
//! id travels with each send as its idempotency key. A result that storage does not take (it is
//! away) is kept and stored once it answers again, never sent a second time for that. While a message waits for a retry, later
//! messages of its session wait behind it, so a contact never sees replies out of order.
//! An entry the dispatcher already has (queued, waiting for a retry or for its result to be
//! stored) is not taken a second time: a node that gives a shard up and takes it back reloads
//! the shard's pending entries while its own copies of some are still on their way.

use crate::config::NodeConfig;
use botwot_cluster::HeldShards;
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{ChannelSender, DeliveryError, DeliveryReceipt, Storage, StoreError};
use botwot_engine::time::Clock;
use botwot_engine::{MessageId, SessionId};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::warn;

/// How many entries one pass takes from the queue.
const BATCH: usize = 256;
/// Sends whose results are stored together (at most this many are re-sent after a crash).
const RECORD_EVERY: usize = 16;

#[derive(Clone)]
pub(crate) struct OutboxHandle {
    queue: mpsc::UnboundedSender<OutboxEntry>,
    waiting: Arc<AtomicUsize>,
    /// The messages whose entries the dispatcher has, from their submission until their result
    /// is stored (or they are dropped as another node's).
    taken: Arc<Mutex<HashSet<MessageId>>>,
    task: Arc<OnceLock<JoinHandle<()>>>,
}

impl OutboxHandle {
    /// Queues committed or reloaded entries; one the dispatcher already has is left out.
    pub(crate) fn submit(&self, entries: Vec<OutboxEntry>) {
        let fresh: Vec<_> = {
            let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
            entries
                .into_iter()
                .filter(|entry| taken.insert(entry.message.id.clone()))
                .collect()
        };
        self.queue_again(fresh);
    }

    /// Queues entries the dispatcher already has (a retry, a send the rate put off).
    fn queue_again(&self, entries: Vec<OutboxEntry>) {
        for entry in entries {
            self.waiting.fetch_add(1, Ordering::Relaxed);
            if let Err(unsent) = self.queue.send(entry) {
                self.waiting.fetch_sub(1, Ordering::Relaxed);
                self.done_with(&unsent.0);
            }
        }
    }

    /// The entry's result is stored, or it was dropped: a later submission of it is taken.
    fn done_with(&self, entry: &OutboxEntry) {
        self.taken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&entry.message.id);
    }

    /// Whether the dispatcher task still runs (it stops only by panicking while the node lives).
    pub(crate) fn is_running(&self) -> bool {
        self.task.get().is_some_and(|task| !task.is_finished())
    }

    /// Entries queued or being sent now.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

pub(crate) struct OutboxDispatcher {
    store: Arc<dyn Storage>,
    sender: Arc<dyn ChannelSender>,
    clock: Arc<dyn Clock>,
    retry_base: Duration,
    max_attempts: u32,
    /// In a cluster: entries of sessions whose shard this node does not hold are dropped here
    /// (they stay pending in storage and the shard's owner sends them).
    fences: Option<HeldShards>,
}

impl OutboxDispatcher {
    pub(crate) fn start(
        store: Arc<dyn Storage>,
        sender: Arc<dyn ChannelSender>,
        clock: Arc<dyn Clock>,
        config: &NodeConfig,
        fences: Option<HeldShards>,
    ) -> OutboxHandle {
        let (queue, receiver) = mpsc::unbounded_channel();
        let handle = OutboxHandle {
            queue,
            waiting: Arc::new(AtomicUsize::new(0)),
            taken: Arc::default(),
            task: Arc::new(OnceLock::new()),
        };
        let dispatcher = Self {
            store,
            sender,
            clock,
            retry_base: Duration::from_millis(config.outbox_retry_base_ms.max(1)),
            max_attempts: config.outbox_max_attempts.max(1),
            fences,
        };
        let task = tokio::spawn(dispatcher.run(receiver, handle.clone()));
        let _ = handle.task.set(task);
        handle
    }

    async fn run(self, mut receiver: mpsc::UnboundedReceiver<OutboxEntry>, handle: OutboxHandle) {
        let mut batch = Vec::with_capacity(BATCH);
        let mut held = HeldBehindRetries::default();
        while receiver.recv_many(&mut batch, BATCH).await > 0 {
            let mut records = Vec::with_capacity(batch.len());
            let mut ready: VecDeque<OutboxEntry> = batch.drain(..).collect();
            while let Some(entry) = ready.pop_front() {
                if !self.owns(&entry) {
                    let behind = held.settled(&entry);
                    handle
                        .waiting
                        .fetch_sub(1 + behind.len(), Ordering::Relaxed);
                    for dropped in behind.iter().chain([&entry]) {
                        handle.done_with(dropped);
                    }
                    continue;
                }
                let Some(entry) = held.admit(entry) else {
                    continue;
                };
                // Sent one after another, in commit order, so a session's replies keep their order.
                let result = self.sender.deliver(&entry).await;
                let retry = self.should_retry(&entry, &result);
                if retry {
                    held.retrying(&entry);
                } else {
                    // Whatever waited behind this one goes next, before anything newer.
                    for released in held.settled(&entry).into_iter().rev() {
                        ready.push_front(released);
                    }
                }
                records.push(self.record(entry, result, retry, &handle));
                // Results are stored a few at a time: together they share a commit, and a crash
                // re-sends at most this many messages whose results were not stored yet.
                if records.len() >= RECORD_EVERY {
                    futures::future::join_all(records.drain(..)).await;
                }
            }
            futures::future::join_all(records).await;
        }
    }

    fn owns(&self, entry: &OutboxEntry) -> bool {
        self.fences
            .as_ref()
            .is_none_or(|held| held.fence_for(&entry.key).is_some())
    }

    fn should_retry(
        &self,
        entry: &OutboxEntry,
        result: &Result<DeliveryReceipt, DeliveryError>,
    ) -> bool {
        match result {
            Err(DeliveryError::Deferred { .. }) => true,
            Err(DeliveryError::Retryable { .. }) => entry.attempts + 1 < self.max_attempts,
            _ => false,
        }
    }

    async fn record(
        &self,
        mut entry: OutboxEntry,
        result: Result<DeliveryReceipt, DeliveryError>,
        retry: bool,
        handle: &OutboxHandle,
    ) {
        handle.waiting.fetch_sub(1, Ordering::Relaxed);
        let outcome = match result {
            Ok(receipt) => SendOutcome::Delivered(receipt),
            // Not an attempt: sent again once the sender's rate allows, the stored entry left as
            // it is (a restart meanwhile sends it from there).
            Err(DeliveryError::Deferred { retry_after }) => {
                let handle = handle.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(retry_after).await;
                    handle.queue_again(vec![entry]);
                });
                return;
            }
            Err(DeliveryError::Retryable {
                reason,
                retry_after,
            }) if retry => {
                entry.attempts += 1;
                let delay = retry_delay(self.retry_base, entry.attempts, retry_after);
                entry.next_attempt_at = self.clock.now().plus(delay);
                entry.last_error = Some(reason);
                let handle = handle.clone();
                let again = entry.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    handle.queue_again(vec![again]);
                });
                SendOutcome::RetryLater
            }
            Err(DeliveryError::Retryable { reason, .. } | DeliveryError::Permanent(reason)) => {
                warn!(message_id = %entry.message.id, reason = %reason, "outbound message failed");
                metrics::counter!("botwot_outbound_failed_total").increment(1);
                SendOutcome::Delivered(Delivery::Failed { reason }.into())
            }
        };
        let stored = outcome.store(self.store.as_ref(), &entry).await;
        if stored.is_ok() && matches!(outcome, SendOutcome::Delivered(_)) {
            handle.done_with(&entry);
        }
        let Err(error) = stored else {
            return;
        };
        match outcome {
            // Sending again would repeat the message: the result is kept and stored once
            // storage answers again. Only a crash before that sends it again (at least once).
            SendOutcome::Delivered(receipt) => {
                warn!(message_id = %entry.message.id, %error, "outbox result not stored yet; trying again");
                metrics::counter!("botwot_outbox_results_unstored_total").increment(1);
                tokio::spawn(store_until_stored(
                    self.store.clone(),
                    entry,
                    receipt,
                    handle.clone(),
                ));
            }
            // The retry is under way in memory; the stored entry keeps its older attempt count,
            // which matters only after a restart (a late write could bring back an entry the
            // retry has delivered meanwhile).
            SendOutcome::RetryLater => {
                warn!(message_id = %entry.message.id, %error, "outbox retry not stored");
            }
        }
    }
}

/// What became of a send, to store on its outbox entry and message.
enum SendOutcome {
    /// Sent, or failed for good: the entry leaves the outbox with this delivery state.
    Delivered(DeliveryReceipt),
    /// Failed for now: the entry stays, with its attempt counted and its next attempt's time.
    RetryLater,
}

/// The first wait before storing a result again; it doubles up to [`STORE_RETRY_MAX`].
const STORE_RETRY_FIRST: Duration = Duration::from_millis(250);
const STORE_RETRY_MAX: Duration = Duration::from_secs(10);

impl SendOutcome {
    async fn store(&self, store: &dyn Storage, entry: &OutboxEntry) -> Result<(), StoreError> {
        match self {
            SendOutcome::Delivered(receipt) => store.outbox_delivered(entry, receipt.clone()).await,
            SendOutcome::RetryLater => store.outbox_retry_later(entry).await,
        }
    }
}

/// Stores a send's result, trying again with a growing pause until storage takes it.
async fn store_until_stored(
    store: Arc<dyn Storage>,
    entry: OutboxEntry,
    receipt: DeliveryReceipt,
    handle: OutboxHandle,
) {
    let mut pause = STORE_RETRY_FIRST;
    loop {
        tokio::time::sleep(pause).await;
        if store
            .outbox_delivered(&entry, receipt.clone())
            .await
            .is_ok()
        {
            handle.done_with(&entry);
            return;
        }
        pause = (pause * 2).min(STORE_RETRY_MAX);
    }
}

/// How long to wait before attempt `attempts + 1`: the exponential backoff from `base` (doubling
/// after every attempt), or longer when the channel asked for it with `retry_after`.
fn retry_delay(base: Duration, attempts: u32, retry_after: Option<Duration>) -> Duration {
    let backoff = base.saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1)));
    retry_after.map_or(backoff, |asked| backoff.max(asked))
}

/// Keeps a session's messages in order while one of them waits for a retry: later messages of
/// that session are held until it is delivered or given up on.
#[derive(Default)]
struct HeldBehindRetries {
    sessions: HashMap<SessionId, Held>,
}

struct Held {
    retrying: MessageId,
    queue: VecDeque<OutboxEntry>,
}

impl HeldBehindRetries {
    /// The entry, when it may be sent now; `None` when it was held behind a retry.
    fn admit(&mut self, entry: OutboxEntry) -> Option<OutboxEntry> {
        match self.sessions.get_mut(&entry.message.session_id) {
            Some(held) if held.retrying != entry.message.id => {
                held.queue.push_back(entry);
                None
            }
            _ => Some(entry),
        }
    }

    fn retrying(&mut self, entry: &OutboxEntry) {
        let held = self
            .sessions
            .entry(entry.message.session_id.clone())
            .or_insert_with(|| Held {
                retrying: entry.message.id.clone(),
                queue: VecDeque::new(),
            });
        held.retrying = entry.message.id.clone();
    }

    /// The entry is done with (delivered or failed for good): what waited behind it, in order.
    fn settled(&mut self, entry: &OutboxEntry) -> VecDeque<OutboxEntry> {
        let session = &entry.message.session_id;
        match self.sessions.get(session) {
            Some(held) if held.retrying == entry.message.id => self
                .sessions
                .remove(session)
                .map(|held| held.queue)
                .unwrap_or_default(),
            _ => VecDeque::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::retry_delay;
    use std::time::Duration;

    const BASE: Duration = Duration::from_millis(100);

    #[test]
    fn backoff_doubles_after_every_attempt() {
        assert_eq!(retry_delay(BASE, 1, None), Duration::from_millis(100));
        assert_eq!(retry_delay(BASE, 2, None), Duration::from_millis(200));
        assert_eq!(retry_delay(BASE, 4, None), Duration::from_millis(800));
    }

    #[test]
    fn a_longer_retry_after_wins() {
        let asked = Duration::from_secs(30);
        assert_eq!(retry_delay(BASE, 1, Some(asked)), asked);
        assert_eq!(retry_delay(BASE, 3, Some(asked)), asked);
    }

    #[test]
    fn a_shorter_retry_after_does_not_shorten_the_backoff() {
        let asked = Duration::from_millis(50);
        assert_eq!(
            retry_delay(BASE, 3, Some(asked)),
            Duration::from_millis(400)
        );
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        assert!(retry_delay(BASE, u32::MAX, None) >= BASE);
    }
}

#[cfg(test)]
#[path = "outbox_taken_once_tests.rs"]
mod taken_once_tests;
