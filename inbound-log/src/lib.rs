//! The inbound log of a single node: webhook events appended to files in the data directory so
//! the webhook can be acknowledged before the session actors apply them (ADR 0019). A node
//! [`InboundLog::open`]s the log at start and gets back every record not yet applied, appends
//! each event with [`InboundLog::append`] and answers the webhook once that returns (the record
//! is then on disk), and a drainer applies the records in order (the replayed ones, then those
//! [`InboundLog::open_with_feed`] hands it as they are synced) and now and then calls
//! [`InboundLog::checkpoint`] with the lowest sequence not yet applied, which lets the log
//! delete the segment files below it.
//!
//! The resident store (`botwot-storage`, ADR 0024) uses the same log for its write groups,
//! queueing each with [`InboundLog::enqueue`] so it can check the next group meanwhile.
//!
//! Payloads are opaque bytes. Records are numbered from 1, consecutively, and a number is never
//! given twice. One writer thread commits appends in groups: the records queued while the
//! previous group was syncing are written together and share one `fdatasync`. A record torn by
//! a crash at the end of the last segment is cut off when the log is opened; damage anywhere
//! else makes opening fail rather than lose records silently.

mod checkpoint;
mod error;
mod record;
mod replay;
mod segments;
mod writer;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, mpsc};
use std::thread::{self, JoinHandle};

use tokio::sync::{mpsc as feed, oneshot};

pub use error::LogError;

/// How the log sizes its files and records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogOptions {
    /// A new segment file is started before a group of records that would take the current
    /// one past this many bytes (a group is never split, so one group may exceed it).
    pub segment_bytes: u64,
    /// The largest payload accepted. Replay refuses longer records too, so do not lower it
    /// while the log holds records above the new value.
    pub max_record_bytes: u32,
}

impl Default for LogOptions {
    /// 64 MiB segments, 4 MiB records.
    fn default() -> Self {
        Self {
            segment_bytes: 64 << 20,
            max_record_bytes: 4 << 20,
        }
    }
}

/// A record queued by [`InboundLog::enqueue`], not known to be synced yet.
#[derive(Debug)]
pub struct Queued {
    answer: oneshot::Receiver<Result<u64, LogError>>,
}

impl Queued {
    /// The record's sequence, once the group it was written in is fdatasync'ed.
    pub async fn synced(self) -> Result<u64, LogError> {
        self.answer.await.map_err(|_| writer_ended())?
    }
}

fn writer_ended() -> LogError {
    LogError::Failed("the writer thread has ended".to_owned())
}

/// One record read back at open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its sequence number.
    pub sequence: u64,
    /// The bytes appended.
    pub payload: Vec<u8>,
}

/// What [`InboundLog::open`] read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    /// Every intact record at or above the checkpoint, in sequence order.
    pub records: Vec<Record>,
    /// Bytes cut off the end of the last segment (a record torn by a crash); 0 normally.
    pub cut_bytes: u64,
}

/// An open inbound log. Cheap to clone (an `Arc` inside); its writer thread ends when the last
/// clone is dropped, and that drop waits for the group being written, if any.
#[derive(Clone)]
pub struct InboundLog {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    /// `None` only while dropping, so the thread sees the channel close.
    requests: Option<mpsc::Sender<writer::Request>>,
    thread: Option<JoinHandle<()>>,
}

/// State shared by the handles and the writer thread.
struct Shared {
    dir: PathBuf,
    options: LogOptions,
    /// First sequences of the segment files, ascending; the last is the one being written.
    segments: Mutex<Vec<u64>>,
    /// The sequence the next append gets; stored by the writer after each synced group.
    next_sequence: AtomicU64,
    /// Why the log stopped, once a write or sync failed.
    failed: OnceLock<String>,
    /// Groups written and synced since open.
    groups: AtomicU64,
    /// The recorded checkpoint, locked while one is written.
    checkpoint: Mutex<u64>,
}

impl Shared {
    fn new(
        dir: &Path,
        options: LogOptions,
        segments: Vec<u64>,
        next_sequence: u64,
        checkpoint: u64,
    ) -> Arc<Self> {
        Arc::new(Self {
            dir: dir.to_path_buf(),
            options,
            segments: Mutex::new(segments),
            next_sequence: AtomicU64::new(next_sequence),
            failed: OnceLock::new(),
            groups: AtomicU64::new(0),
            checkpoint: Mutex::new(checkpoint),
        })
    }
}

/// Locks a mutex whose data stays consistent even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl InboundLog {
    /// Creates `dir` when missing, replays it, cuts a torn tail, and starts the writer thread.
    ///
    /// Segments wholly below the recorded checkpoint are deleted. Fails with
    /// [`LogError::Corrupt`] on damage that is not a torn tail of the last segment, or on an
    /// unreadable checkpoint file.
    pub fn open(dir: &Path, options: LogOptions) -> Result<(InboundLog, Replayed), LogError> {
        Self::start(dir, options, None)
    }

    /// [`open`](Self::open), plus a feed of every record appended from now on, each sent once
    /// its group is synced (before its `append` returns), in sequence order. The feed ends when
    /// the writer thread does; dropping the receiver just stops the feeding.
    pub fn open_with_feed(
        dir: &Path,
        options: LogOptions,
    ) -> Result<(InboundLog, Replayed, feed::UnboundedReceiver<Record>), LogError> {
        let (sender, receiver) = feed::unbounded_channel();
        let (log, replayed) = Self::start(dir, options, Some(sender))?;
        Ok((log, replayed, receiver))
    }

    fn start(
        dir: &Path,
        options: LogOptions,
        feed: Option<feed::UnboundedSender<Record>>,
    ) -> Result<(InboundLog, Replayed), LogError> {
        fs::create_dir_all(dir).map_err(|e| segments::context(e, "creating", dir))?;
        let checkpoint = checkpoint::read(dir)?;
        let mut firsts = segments::list(dir)?;
        segments::delete_below(dir, &mut firsts, checkpoint)?;
        let replay = replay::replay(dir, &firsts, checkpoint, options.max_record_bytes)?;
        let last = firsts.last().copied();
        let shared = Shared::new(dir, options, firsts, replay.next_sequence, checkpoint);
        let current = match last {
            Some(first) => Some(writer::Current::open(&shared, first, replay.last_len)?),
            None => None,
        };
        let writer = writer::Writer::new(Arc::clone(&shared), current, replay.next_sequence, feed);
        let (requests, queue) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("botwot-inbound-log".to_owned())
            .spawn(move || writer.run(queue))
            .map_err(|e| segments::context(e, "starting the writer thread for", dir))?;
        let log = InboundLog {
            inner: Arc::new(Inner {
                shared,
                requests: Some(requests),
                thread: Some(thread),
            }),
        };
        let replayed = Replayed {
            records: replay.records,
            cut_bytes: replay.cut_bytes,
        };
        Ok((log, replayed))
    }

    /// Appends one record; returns its sequence once the group it was written in is
    /// fdatasync'ed.
    ///
    /// A payload over [`LogOptions::max_record_bytes`] is refused with [`LogError::TooLarge`].
    /// Dropping the future after it was first polled may still leave the record written.
    pub async fn append(&self, payload: Vec<u8>) -> Result<u64, LogError> {
        self.enqueue(payload)?.synced().await
    }

    /// Queues one record for the writer thread now, without waiting: records are written in
    /// the order they were queued, and the returned [`Queued`] tells when this one is synced.
    /// Refused like [`append`](Self::append).
    pub fn enqueue(&self, payload: Vec<u8>) -> Result<Queued, LogError> {
        let shared = &self.inner.shared;
        let limit = shared.options.max_record_bytes;
        if payload.len() > limit as usize {
            return Err(LogError::TooLarge {
                size: payload.len(),
                limit,
            });
        }
        if let Some(reason) = shared.failed.get() {
            return Err(LogError::Failed(reason.clone()));
        }
        let (reply, answer) = oneshot::channel();
        self.inner
            .requests
            .as_ref()
            .ok_or_else(writer_ended)?
            .send(writer::Request { payload, reply })
            .map_err(|_| writer_ended())?;
        Ok(Queued { answer })
    }

    /// Every record below `below` is applied: persists that (atomically) and deletes the
    /// segment files holding only such records. A value not above the recorded one is a no-op;
    /// one above [`next_sequence`](Self::next_sequence) is refused with
    /// [`LogError::CheckpointAhead`]. Blocking file I/O (small); callers run it off the async
    /// workers, e.g. in `spawn_blocking`.
    pub fn checkpoint(&self, below: u64) -> Result<(), LogError> {
        let shared = &self.inner.shared;
        let mut recorded = lock(&shared.checkpoint);
        if below <= *recorded {
            return Ok(());
        }
        let next = self.next_sequence();
        if below > next {
            return Err(LogError::CheckpointAhead { below, next });
        }
        checkpoint::write(&shared.dir, below)?;
        *recorded = below;
        segments::delete_below(&shared.dir, &mut lock(&shared.segments), below)?;
        Ok(())
    }

    /// The sequence the next append will get.
    pub fn next_sequence(&self) -> u64 {
        self.inner.shared.next_sequence.load(Ordering::Acquire)
    }

    /// How many segment files exist now (for tests and metrics).
    pub fn segment_count(&self) -> usize {
        lock(&self.inner.shared.segments).len()
    }

    /// How many groups were written and synced since open (for tests and metrics): appends
    /// per group is this against the records appended.
    pub fn groups_written(&self) -> u64 {
        self.inner.shared.groups.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for InboundLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboundLog")
            .field("dir", &self.inner.shared.dir)
            .field("next_sequence", &self.next_sequence())
            .field("failed", &self.inner.shared.failed.get())
            .finish_non_exhaustive()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel ends the writer thread once it has answered what is queued.
        drop(self.requests.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("inbound log: the writer thread panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dropping_the_last_clone_ends_the_writer_thread() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (log, _) = InboundLog::open(dir.path(), LogOptions::default()).expect("open");
        let clone = log.clone();
        drop(log);
        assert_eq!(
            clone
                .append(b"still running".to_vec())
                .await
                .expect("append"),
            1
        );
        let shared = Arc::downgrade(&clone.inner.shared);
        drop(clone);
        // The writer thread held the other reference to the shared state: it has ended.
        assert!(
            shared.upgrade().is_none(),
            "the writer thread is still running"
        );
    }

    #[test]
    fn handles_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<InboundLog>();
    }
}
