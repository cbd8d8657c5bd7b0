//! The writer thread: it owns the segment being written and commits appends in groups, one
//! `write` and one `fdatasync` per group.

use std::fs::File;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError};

use tokio::sync::{mpsc, oneshot};

use crate::error::LogError;
use crate::segments::{self, context};
use crate::{Record, Shared, lock, record};

/// The most records one group holds.
pub(crate) const MAX_GROUP_RECORDS: usize = 1024;
/// The most encoded bytes one group holds (a single larger record is a group of its own).
pub(crate) const MAX_GROUP_BYTES: usize = 8 << 20;

/// One append waiting for its group to be synced.
pub(crate) struct Request {
    pub(crate) payload: Vec<u8>,
    pub(crate) reply: oneshot::Sender<Result<u64, LogError>>,
}

/// The segment being written.
pub(crate) struct Current {
    first: u64,
    file: File,
    len: u64,
}

impl Current {
    /// Opens the existing segment starting at `first`, `len` bytes long, to append to it.
    pub(crate) fn open(shared: &Shared, first: u64, len: u64) -> io::Result<Self> {
        let file = segments::open_for_append(&shared.dir, first)?;
        Ok(Self { first, file, len })
    }
}

/// The writer thread's state.
pub(crate) struct Writer {
    shared: Arc<Shared>,
    current: Option<Current>,
    next_sequence: u64,
    /// Where each synced record goes, if anywhere; dropped once its receiver is.
    feed: Option<mpsc::UnboundedSender<Record>>,
    /// The bytes of the group being written, kept from group to group: a buffer of its own
    /// for each group had the allocator map and zero fresh pages for every one.
    buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn new(
        shared: Arc<Shared>,
        current: Option<Current>,
        next_sequence: u64,
        feed: Option<mpsc::UnboundedSender<Record>>,
    ) -> Self {
        Self {
            shared,
            current,
            next_sequence,
            feed,
            buf: Vec::new(),
        }
    }

    /// Commits groups until every sender is gone and the queue is empty.
    pub(crate) fn run(mut self, requests: Receiver<Request>) {
        let mut carried = None;
        loop {
            let first = match carried.take() {
                Some(request) => request,
                None => match requests.recv() {
                    Ok(request) => request,
                    Err(_) => break,
                },
            };
            let mut bytes = record::encoded_len(first.payload.len());
            let mut group = vec![first];
            while group.len() < MAX_GROUP_RECORDS {
                match requests.try_recv() {
                    Ok(request) => {
                        let len = record::encoded_len(request.payload.len());
                        if bytes + len > MAX_GROUP_BYTES {
                            carried = Some(request);
                            break;
                        }
                        bytes += len;
                        group.push(request);
                    }
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            self.commit(group, bytes);
        }
    }

    /// Writes and syncs one group, then answers each of its appends.
    fn commit(&mut self, group: Vec<Request>, bytes: usize) {
        if let Some(reason) = self.shared.failed.get() {
            for request in group {
                let _ = request.reply.send(Err(LogError::Failed(reason.clone())));
            }
            return;
        }
        let first = self.next_sequence;
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.reserve(bytes);
        let mut replies = Vec::with_capacity(group.len());
        for (sequence, request) in (first..).zip(group) {
            record::encode(&mut buf, sequence, &request.payload);
            replies.push((sequence, request));
        }
        let written = self.write(first, &buf);
        self.buf = buf;
        match written {
            Ok(()) => {
                self.next_sequence = first + replies.len() as u64;
                self.shared
                    .next_sequence
                    .store(self.next_sequence, Ordering::Release);
                self.shared.groups.fetch_add(1, Ordering::Relaxed);
                for (sequence, request) in replies {
                    // Fed before the append returns, so the feed is in sequence order.
                    if let Some(feed) = &self.feed {
                        let record = Record {
                            sequence,
                            payload: request.payload,
                        };
                        if feed.send(record).is_err() {
                            self.feed = None;
                        }
                    }
                    let _ = request.reply.send(Ok(sequence));
                }
            }
            Err(error) => {
                // After a failed write or fdatasync the file's state is unknown: stop for good.
                let reason = error.to_string();
                tracing::error!(%reason, records = replies.len(), "inbound log: append failed; the log is stopped");
                let _ = self.shared.failed.set(reason.clone());
                self.current = None;
                for (_, request) in replies {
                    let _ = request.reply.send(Err(LogError::Io(io::Error::new(
                        error.kind(),
                        reason.clone(),
                    ))));
                }
            }
        }
    }

    /// Appends `buf` (records from `first` on) to the current segment, starting a new one first
    /// when it would pass the segment size, and syncs it.
    fn write(&mut self, first: u64, buf: &[u8]) -> io::Result<()> {
        let len = buf.len() as u64;
        let full = self.current.as_ref().is_some_and(|current| {
            current.len > 0 && current.len + len > self.shared.options.segment_bytes
        });
        if full || self.current.is_none() {
            let file = segments::create(&self.shared.dir, first)?;
            // Only now is the previous segment closed, and deletable by a checkpoint.
            lock(&self.shared.segments).push(first);
            self.current = Some(Current {
                first,
                file,
                len: 0,
            });
        }
        let Some(current) = self.current.as_mut() else {
            return Err(io::Error::other("no segment to write to"));
        };
        let path = segments::path(&self.shared.dir, current.first);
        current
            .file
            .write_all(buf)
            .map_err(|e| context(e, "writing", &path))?;
        current
            .file
            .sync_data()
            .map_err(|e| context(e, "syncing", &path))?;
        current.len += len;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn queued(
        count: usize,
        payload_len: usize,
    ) -> (
        Receiver<Request>,
        Vec<oneshot::Receiver<Result<u64, LogError>>>,
    ) {
        let (sender, requests) = mpsc::channel();
        let replies = (0..count)
            .map(|_| {
                let (reply, answer) = oneshot::channel();
                sender
                    .send(Request {
                        payload: vec![7; payload_len],
                        reply,
                    })
                    .expect("queue");
                answer
            })
            .collect();
        (requests, replies)
    }

    fn run(shared: &Arc<Shared>, requests: Receiver<Request>) {
        Writer::new(Arc::clone(shared), None, 1, None).run(requests);
    }

    fn sequences(replies: Vec<oneshot::Receiver<Result<u64, LogError>>>) -> Vec<u64> {
        replies
            .into_iter()
            .map(|mut answer| answer.try_recv().expect("answered").expect("appended"))
            .collect()
    }

    #[test]
    fn queued_appends_share_one_group() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = Shared::new(dir.path(), crate::LogOptions::default(), Vec::new(), 1, 1);
        let (requests, replies) = queued(200, 10);
        run(&shared, requests);
        assert_eq!(sequences(replies), (1..=200).collect::<Vec<_>>());
        assert_eq!(shared.groups.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn groups_are_capped_by_count_and_by_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = Shared::new(dir.path(), crate::LogOptions::default(), Vec::new(), 1, 1);
        let (requests, replies) = queued(MAX_GROUP_RECORDS + 10, 0);
        run(&shared, requests);
        assert_eq!(sequences(replies).len(), MAX_GROUP_RECORDS + 10);
        assert_eq!(shared.groups.load(Ordering::Relaxed), 2);

        let dir = tempfile::tempdir().expect("temp dir");
        let shared = Shared::new(dir.path(), crate::LogOptions::default(), Vec::new(), 1, 1);
        // Three records of 3 MiB: two fit in 8 MiB, the third starts the next group.
        let (requests, replies) = queued(3, 3 << 20);
        run(&shared, requests);
        assert_eq!(sequences(replies), vec![1, 2, 3]);
        assert_eq!(shared.groups.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn a_failed_write_stops_the_log() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = segments::path(dir.path(), 1);
        File::create(&path).expect("segment file");
        let shared = Shared::new(dir.path(), crate::LogOptions::default(), vec![1], 1, 1);
        // Opened read-only, so the write fails.
        let file = File::open(&path).expect("open read-only");
        let current = Current {
            first: 1,
            file,
            len: 0,
        };
        let (requests, replies) = queued(3, 10);
        Writer::new(Arc::clone(&shared), Some(current), 1, None).run(requests);
        for mut answer in replies {
            let error = answer
                .try_recv()
                .expect("answered")
                .expect_err("write failed");
            assert!(
                matches!(&error, LogError::Io(e) if e.to_string().contains("writing")),
                "{error}"
            );
        }
        assert!(shared.failed.get().is_some());
        assert_eq!(shared.groups.load(Ordering::Relaxed), 0);

        let (requests, replies) = queued(1, 10);
        Writer::new(Arc::clone(&shared), None, 1, None).run(requests);
        for mut answer in replies {
            let error = answer
                .try_recv()
                .expect("answered")
                .expect_err("log stopped");
            assert!(matches!(error, LogError::Failed(_)), "{error}");
        }
        assert_eq!(std::fs::metadata(&path).expect("segment").len(), 0);
    }
}
