//! The resident writer thread's loop: while one group's record is being synced by the log, the
//! next group is checked (against the data under the syncing group's writes) and queued behind
//! it, so the writer's work and the disk's overlap instead of taking turns. A group is answered
//! only once its record is synced and applied, and groups are answered in the order they were
//! queued. After a failed append the log refuses everything (`botwot-inbound-log`), so every
//! later group fails too: a group checked against a failed group's writes is never answered
//! as written.

use super::writer::{Committer, Queueing};
use crate::backend::docs::group::{Counters, GroupOutcome, Request, answer, gather};
use crate::backend::docs::prepare::PreparedBatch;
use crate::error::StorageError;
use futures::executor::block_on;
use parking_lot::Mutex;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

const NAME: &str = "botwot-resident-writer";

/// A group queued to the log, waiting to be applied and answered.
struct Syncing {
    requests: Vec<Request>,
    queueing: Queueing,
    /// Writer time spent on it so far.
    busy: Duration,
    /// It was checked against the writes of a group that then failed: when it writes nothing
    /// itself (its outcomes rest on that group's writes alone), it fails too. When it does
    /// write, the log refuses its record anyway.
    after_failure: bool,
}

pub(super) fn run(
    committer: &Arc<Mutex<Committer>>,
    receiver: &Receiver<Request>,
    counters: &Counters,
) {
    let mut syncing: Option<Syncing> = None;
    loop {
        let first = match syncing {
            None => match receiver.recv() {
                Ok(first) => Some(first),
                Err(_) => break,
            },
            Some(_) => receiver.try_recv().ok(),
        };
        let Some(first) = first else {
            // Nothing new to check: finish the group being synced.
            if let Some(previous) = syncing.take() {
                finish(committer, previous, counters);
            }
            continue;
        };
        let requests = gather(first, receiver);
        let started = Instant::now();
        let queued = {
            let batches: Vec<&PreparedBatch> =
                requests.iter().map(|request| &request.batch).collect();
            let previous = syncing.as_ref().map(|previous| &previous.queueing.group);
            committer.lock().queue(&batches, previous)
        };
        let mut next = match queued {
            Ok(queueing) => Some(Syncing {
                requests,
                queueing,
                busy: started.elapsed(),
                after_failure: false,
            }),
            Err(error) => {
                counters.record(requests.len(), started.elapsed());
                answer(NAME, requests.into_iter(), Err(error));
                None
            }
        };
        if let Some(previous) = syncing.take()
            && !finish(committer, previous, counters)
            && let Some(next) = next.as_mut()
        {
            next.after_failure = true;
        }
        syncing = next;
    }
    if let Some(previous) = syncing.take() {
        finish(committer, previous, counters);
    }
}

/// Waits for a group's record to be synced, applies it and answers its requests; whether it
/// was written.
fn finish(committer: &Mutex<Committer>, syncing: Syncing, counters: &Counters) -> bool {
    let Syncing {
        requests,
        queueing: Queueing { mut group, queued },
        busy,
        after_failure,
    } = syncing;
    let outcomes = std::mem::take(&mut group.outcomes);
    let synced = queued.map(|(queued, logged)| (block_on(queued.synced()), logged));
    let started = Instant::now();
    let outcome: GroupOutcome = match synced {
        None if after_failure => Err(StorageError::GroupCommit(
            "checked against a group of writes that failed".to_owned(),
        )),
        None => Ok(outcomes),
        Some((Ok(sequence), logged)) => committer
            .lock()
            .settle(group, sequence, logged)
            .map(|()| outcomes),
        Some((Err(error), _)) => Err(StorageError::from(error)),
    };
    counters.record(requests.len(), busy + started.elapsed());
    let written = outcome.is_ok();
    answer(NAME, requests.into_iter(), outcome);
    written
}
