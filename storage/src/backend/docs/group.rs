//! Group commit, shared by the embedded backends: one thread owns every write. It takes all the
//! batches waiting in its channel, hands them to the backend's commit function as one group
//! (which applies them and makes them durable with one sync), and then answers each caller with
//! the outcome of its own batch.

use super::prepare::PreparedBatch;
use crate::error::{Duplicate, Fenced, StorageError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tracing::{debug, error, warn};

/// At most this many batches go into one group, so a flood still gets answered steadily.
const MAX_GROUP: usize = 4096;

/// The outcome of each batch of a group, in order; `Err` when the group failed as a whole.
pub(crate) type GroupOutcome = Result<Vec<Result<(), Refusal>>, StorageError>;

/// Why one batch of a group was refused; nothing of it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A newer epoch of the batch's shard has written.
    Fenced(Fenced),
    /// A unique key of the batch is taken.
    Duplicate(Duplicate),
}

impl From<Refusal> for StorageError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Fenced(fenced) => StorageError::Fenced(fenced),
            Refusal::Duplicate(duplicate) => StorageError::Duplicate(duplicate),
        }
    }
}

pub(crate) struct Request {
    pub batch: PreparedBatch,
    pub reply: oneshot::Sender<Reply>,
}

/// The outcome of a batch, and the batch itself handed back so that the caller's thread, which
/// allocated it, also frees it (freeing it on the writer costs the writer time and contends on
/// the allocator).
pub(crate) type Reply = (Result<(), StorageError>, PreparedBatch);

/// How many groups committed how many batches, since the backend opened, and how long the
/// writer spent committing them (checks, writes and syncs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupCommitStats {
    pub groups: u64,
    pub batches: u64,
    pub busy: Duration,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    groups: AtomicU64,
    batches: AtomicU64,
    busy_nanos: AtomicU64,
}

impl Counters {
    /// Counts one group of `batches` batches that kept the writer busy for `busy`.
    pub fn record(&self, batches: usize, busy: Duration) {
        let busy = u64::try_from(busy.as_nanos()).unwrap_or(u64::MAX);
        self.busy_nanos.fetch_add(busy, Ordering::Relaxed);
        self.groups.fetch_add(1, Ordering::Relaxed);
        self.batches.fetch_add(batches as u64, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> GroupCommitStats {
        GroupCommitStats {
            groups: self.groups.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
            busy: Duration::from_nanos(self.busy_nanos.load(Ordering::Relaxed)),
        }
    }
}

/// The running writer thread; dropping the sender stops it.
pub(crate) struct Writer {
    sender: Option<Sender<Request>>,
    thread: Option<JoinHandle<()>>,
    counters: Arc<Counters>,
    name: &'static str,
}

impl Writer {
    /// Starts the thread `name`, which commits each group with `commit` and answers it.
    pub fn spawn(
        name: &'static str,
        mut commit: impl FnMut(&[&PreparedBatch]) -> GroupOutcome + Send + 'static,
    ) -> Result<Self, StorageError> {
        Self::spawn_loop(name, move |receiver, counters| {
            run(name, counters, &receiver, &mut commit)
        })
    }

    /// Starts the thread `name` running `work`, a loop of its own that takes the queued
    /// requests (it ends when the queue is closed and empty) and answers every one of them.
    pub fn spawn_loop(
        name: &'static str,
        work: impl FnOnce(Receiver<Request>, &Counters) + Send + 'static,
    ) -> Result<Self, StorageError> {
        let (sender, receiver) = channel();
        let counters = Arc::new(Counters::default());
        let thread_counters = counters.clone();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                work(receiver, &thread_counters);
                debug!(writer = name, "storage writer stopped");
            })
            .map_err(StorageError::WriterStart)?;
        Ok(Self {
            sender: Some(sender),
            thread: Some(thread),
            counters,
            name,
        })
    }

    /// Queues a prepared batch and waits for the durable outcome of its group.
    pub async fn submit(&self, batch: PreparedBatch) -> Result<(), StorageError> {
        let sender = self.sender.as_ref().ok_or(StorageError::WriterStopped)?;
        let (reply, answer) = oneshot::channel();
        sender
            .send(Request { batch, reply })
            .map_err(|_| StorageError::WriterStopped)?;
        let (outcome, batch) = answer.await.map_err(|_| StorageError::WriterStopped)?;
        drop(batch);
        outcome
    }

    pub fn stats(&self) -> GroupCommitStats {
        self.counters.snapshot()
    }
}

impl Drop for Writer {
    /// Stops the thread once it has answered every queued batch, and waits for it.
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            warn!(writer = self.name, "storage writer panicked");
        }
    }
}

fn run(
    name: &str,
    counters: &Counters,
    receiver: &Receiver<Request>,
    commit: &mut dyn FnMut(&[&PreparedBatch]) -> GroupOutcome,
) {
    while let Ok(first) = receiver.recv() {
        let group = gather(first, receiver);
        let batches: Vec<&PreparedBatch> = group.iter().map(|request| &request.batch).collect();
        let started = Instant::now();
        let outcome = commit(&batches);
        counters.record(group.len(), started.elapsed());
        answer(name, group.into_iter(), outcome);
    }
}

/// `first` and the requests queued behind it, up to a group's worth.
pub(crate) fn gather(first: Request, receiver: &Receiver<Request>) -> Vec<Request> {
    let mut group = vec![first];
    while group.len() < MAX_GROUP {
        match receiver.try_recv() {
            Ok(request) => group.push(request),
            Err(_) => break,
        }
    }
    group
}

/// Answers each request of a group with its outcome, or all of them with the group's failure.
pub(crate) fn answer(name: &str, requests: impl Iterator<Item = Request>, outcome: GroupOutcome) {
    match outcome {
        Ok(outcomes) => {
            for (request, result) in requests.zip(outcomes) {
                // A caller that stopped waiting does not need its answer.
                let reply = (result.map_err(StorageError::from), request.batch);
                let _ = request.reply.send(reply);
            }
        }
        Err(failure) => {
            error!(writer = name, error = %failure, "group commit failed");
            let reason = failure.to_string();
            for request in requests {
                let reply = (
                    Err(StorageError::GroupCommit(reason.clone())),
                    request.batch,
                );
                let _ = request.reply.send(reply);
            }
        }
    }
}
