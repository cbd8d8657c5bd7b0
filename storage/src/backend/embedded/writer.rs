//! Group commit: one thread owns every write. It takes all the batches waiting in its channel,
//! applies them in one redb transaction, commits it durably (one fsync for the whole group) and
//! then answers each caller with the outcome of its own batch.

use super::apply::apply_batch;
use super::prepare::PreparedOp;
use super::tables::Layout;
use crate::error::{Duplicate, StorageError};
use redb::{Database, Durability};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use tokio::sync::oneshot;
use tracing::{debug, error};

/// At most this many batches go into one transaction, so a flood still gets answered steadily.
const MAX_GROUP: usize = 4096;

pub(super) struct Request {
    pub batch: Vec<PreparedOp>,
    pub reply: oneshot::Sender<Result<(), StorageError>>,
}

/// How many transactions committed how many batches, since the backend opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupCommitStats {
    pub groups: u64,
    pub batches: u64,
}

#[derive(Debug, Default)]
pub(super) struct Counters {
    groups: AtomicU64,
    batches: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self) -> GroupCommitStats {
        GroupCommitStats {
            groups: self.groups.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
        }
    }
}

/// The running writer thread; dropping the sender stops it.
pub(super) struct Writer {
    pub sender: Sender<Request>,
    pub thread: JoinHandle<()>,
}

pub(super) fn spawn(
    db: Arc<Database>,
    layout: Arc<Layout>,
    counters: Arc<Counters>,
) -> Result<Writer, StorageError> {
    let (sender, receiver) = channel();
    let thread = std::thread::Builder::new()
        .name("botwot-embedded-writer".to_owned())
        .spawn(move || run(&db, &layout, &counters, &receiver))
        .map_err(StorageError::WriterStart)?;
    Ok(Writer { sender, thread })
}

fn run(db: &Database, layout: &Layout, counters: &Counters, receiver: &Receiver<Request>) {
    let mut group = Vec::new();
    while let Ok(first) = receiver.recv() {
        group.push(first);
        while group.len() < MAX_GROUP {
            match receiver.try_recv() {
                Ok(request) => group.push(request),
                Err(_) => break,
            }
        }
        let batches: Vec<&[PreparedOp]> = group.iter().map(|request| &request.batch[..]).collect();
        let outcome = commit_group(db, layout, &batches);
        counters.groups.fetch_add(1, Ordering::Relaxed);
        counters
            .batches
            .fetch_add(group.len() as u64, Ordering::Relaxed);
        answer(group.drain(..), outcome);
    }
    debug!("embedded writer stopped");
}

/// Applies every batch in one durable transaction; one outcome per batch, in order.
pub(super) fn commit_group(
    db: &Database,
    layout: &Layout,
    batches: &[&[PreparedOp]],
) -> Result<Vec<Result<(), Duplicate>>, StorageError> {
    let mut txn = db.begin_write()?;
    txn.set_durability(Durability::Immediate);
    let outcomes = {
        let mut tables = layout.open_all(&txn)?;
        batches
            .iter()
            .map(|batch| apply_batch(&mut tables, batch))
            .collect::<Result<Vec<_>, _>>()?
    };
    txn.commit()?;
    Ok(outcomes)
}

fn answer(
    requests: impl Iterator<Item = Request>,
    outcome: Result<Vec<Result<(), Duplicate>>, StorageError>,
) {
    match outcome {
        Ok(outcomes) => {
            for (request, result) in requests.zip(outcomes) {
                // A caller that stopped waiting does not need its answer.
                let _ = request.reply.send(result.map_err(StorageError::Duplicate));
            }
        }
        Err(failure) => {
            error!(error = %failure, "embedded group commit failed");
            let reason = failure.to_string();
            for request in requests {
                let _ = request
                    .reply
                    .send(Err(StorageError::GroupCommit(reason.clone())));
            }
        }
    }
}
