//! The single node's inbound log (ADR 0019): a webhook's session events are appended to a log in
//! the data directory and the webhook is answered once that append is synced, not once the
//! session has committed; a drain applies the log to the session actors behind it. Bursts are
//! absorbed at the pace of a group `fdatasync` instead of the session commits', while the
//! promise stays the same: an acknowledged event survives a crash (the log is replayed from its
//! checkpoint at start) and is applied once (a replayed message already committed is recognised
//! by its provider id). Past a configured backlog new webhooks get 503 `overloaded` and Meta
//! delivers them again later. Events whose outcome the caller needs (the widget, the console)
//! do not go through the log: [`LoggedSessions::dispatch`] applies them directly.

mod backlog;
mod config;
mod delivery;
mod drain;
mod lanes;
mod set_aside;

pub use config::InboundLogConfig;

use crate::sessions::{Envelope, Outcome, SessionError, Sessions};
use backlog::Backlog;
use botwot_inbound_log::{InboundLog, LogError, LogOptions};
use drain::Drain;
use lanes::Lanes;
use parking_lot::Mutex;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tracing::{info, warn};

const MIB: u64 = 1024 * 1024;

/// [`Sessions`] with webhook events acknowledged after the inbound log's append.
pub struct LoggedSessions {
    sessions: Sessions,
    log: InboundLog,
    backlog: Arc<Backlog>,
    /// Set once an append failed: the log takes nothing more until the node restarts.
    failed: AtomicBool,
    drain: Mutex<Option<(oneshot::Sender<()>, JoinHandle<()>)>>,
}

impl LoggedSessions {
    /// Opens (or creates) the log in `dir`, replays what it holds above its checkpoint and
    /// starts the drain.
    pub async fn start(
        sessions: Sessions,
        dir: &Path,
        config: &InboundLogConfig,
    ) -> Result<Self, LogError> {
        let options = LogOptions {
            segment_bytes: config.segment_mib.max(1) * MIB,
            ..LogOptions::default()
        };
        let dir = dir.to_path_buf();
        let opening = dir.clone();
        let (log, replayed, feed) =
            tokio::task::spawn_blocking(move || InboundLog::open_with_feed(&opening, options))
                .await
                .map_err(|failure| LogError::Failed(failure.to_string()))??;
        if replayed.cut_bytes > 0 {
            warn!(
                cut_bytes = replayed.cut_bytes,
                "the inbound log ended in a record torn by a crash; it was cut off (it was never acknowledged)"
            );
        }
        let waiting = replayed.records.len();
        if waiting > 0 {
            info!(
                events = waiting,
                "applying the events the inbound log took before the restart and had not applied"
            );
        }
        info!(dir = %dir.display(), "inbound log opened");
        let backlog = Arc::new(Backlog::new(config.max_backlog, waiting));
        let drain = Drain {
            sessions: sessions.clone(),
            log: log.clone(),
            backlog: backlog.clone(),
            set_aside: set_aside::path_in(&dir),
            lanes: Lanes::new(config.sessions_in_flight),
        };
        let (stop, stopped) = oneshot::channel();
        let running = tokio::spawn(drain.run(replayed.records, feed, stopped));
        Ok(Self {
            sessions,
            log,
            backlog,
            failed: AtomicBool::new(false),
            drain: Mutex::new(Some((stop, running))),
        })
    }

    /// Applies one event directly and returns its outcome once committed (not logged).
    pub async fn dispatch(&self, envelope: Envelope) -> Result<Outcome, SessionError> {
        self.sessions.dispatch(envelope).await
    }

    /// Appends one event to the log; returns once it is synced (it is applied afterwards).
    pub async fn accept(&self, envelope: Envelope) -> Result<(), SessionError> {
        if !self.backlog.reserve() {
            ::metrics::counter!("botwot_inbound_log_refused_total").increment(1);
            return Err(SessionError::Overloaded {
                retry_after_secs: 1,
            });
        }
        let appended = match serde_json::to_vec(&envelope) {
            Ok(payload) => self.log.append(payload).await.map(|_| ()),
            Err(unencodable) => Err(LogError::Failed(unencodable.to_string())),
        };
        appended.map_err(|failure| {
            // The drain never sees an event that was not appended.
            self.backlog.release();
            if matches!(failure, LogError::Failed(_) | LogError::Io(_)) {
                self.failed.store(true, Ordering::Release);
            }
            SessionError::Storage(format!("the inbound log: {failure}"))
        })
    }

    /// Events appended and not applied yet.
    pub fn backlog(&self) -> usize {
        self.backlog.len()
    }

    /// The node's stopped background tasks, the log and its drain included.
    pub fn stopped_tasks(&self) -> Vec<&'static str> {
        let mut stopped = self.sessions.stopped_tasks();
        if self.failed.load(Ordering::Acquire) {
            stopped.push("inbound log");
        }
        let drain_ended = self
            .drain
            .lock()
            .as_ref()
            .is_none_or(|(_, running)| running.is_finished());
        if drain_ended {
            stopped.push("inbound log drain");
        }
        stopped
    }

    /// Stops the drain and checkpoints the log; events not applied yet wait in it for the next
    /// start. Call before the node itself shuts down.
    pub async fn shutdown(&self) {
        let Some((stop, running)) = self.drain.lock().take() else {
            return;
        };
        let _ = stop.send(());
        let _ = running.await;
    }
}
