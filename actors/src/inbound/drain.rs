//! The drain: applies the inbound log's records to the session actors, in log order per session
//! and many sessions at once ([`Lanes`]), and checkpoints the log below the lowest record not yet
//! applied, about once a second and when it stops. It is fed the records that a restart found
//! unapplied first, then each record as soon as its group is synced. Stopping abandons the
//! events in flight: they are still above the checkpoint, so the next start applies them again
//! (a replayed message that was committed already is recognised by its provider id).

use super::backlog::Backlog;
use super::delivery::{Verdict, deliver};
use super::lanes::{Lanes, Logged};
use super::set_aside;
use crate::sessions::{Envelope, Sessions};
use botwot_inbound_log::{InboundLog, Record};
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tracing::{error, warn};

const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

pub(super) struct Drain {
    pub sessions: Sessions,
    pub log: InboundLog,
    pub backlog: Arc<Backlog>,
    pub set_aside: PathBuf,
    pub lanes: Lanes,
}

type Finished = (Logged, Verdict);

impl Drain {
    /// Runs until `stop` fires (or the log's feed ends).
    pub async fn run(
        mut self,
        replayed: Vec<Record>,
        mut feed: mpsc::UnboundedReceiver<Record>,
        mut stop: oneshot::Receiver<()>,
    ) {
        let mut running = JoinSet::new();
        for record in replayed {
            self.arrive(record, &mut running).await;
        }
        let mut checkpointed = None;
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // Biased: under a steady load events finish and arrive all the time, so the
            // checkpoint's tick comes before them or it would wait for a lull.
            tokio::select! {
                biased;
                _ = &mut stop => break,
                _ = tick.tick() => self.checkpoint(&mut checkpointed).await,
                Some(finished) = running.join_next(), if !running.is_empty() => match finished {
                    Ok(finished) => self.finish(finished, &mut running).await,
                    Err(failure) => error!(%failure, "a logged event's task ended early; it is applied again at the next start"),
                },
                record = feed.recv() => match record {
                    Some(record) => self.arrive(record, &mut running).await,
                    None => break,
                },
            }
        }
        running.abort_all();
        self.checkpoint(&mut checkpointed).await;
    }

    async fn arrive(&mut self, record: Record, running: &mut JoinSet<Finished>) {
        match serde_json::from_slice::<Envelope>(&record.payload) {
            Ok(envelope) => {
                let logged = Logged {
                    sequence: record.sequence,
                    envelope,
                };
                if let Some(start) = self.lanes.arrive(logged) {
                    self.start(start, running);
                }
            }
            Err(undecodable) => {
                let reason = format!("not an event this version reads: {undecodable}");
                let payload = serde_json::Value::String(
                    String::from_utf8_lossy(&record.payload).into_owned(),
                );
                self.put_aside(record.sequence, reason, payload).await;
                self.backlog.release();
            }
        }
    }

    fn start(&self, logged: Logged, running: &mut JoinSet<Finished>) {
        let sessions = self.sessions.clone();
        running.spawn(async move {
            // A panic would leave the session's lane taken until a restart: set the event aside.
            let verdict = AssertUnwindSafe(deliver(&sessions, logged.sequence, &logged.envelope))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| Verdict::SetAside("applying it panicked".to_owned()));
            (logged, verdict)
        });
    }

    async fn finish(&mut self, (logged, verdict): Finished, running: &mut JoinSet<Finished>) {
        let outcome = match verdict {
            Verdict::Applied => "applied",
            Verdict::SetAside(reason) => {
                warn!(sequence = logged.sequence, %reason, "a logged event was set aside");
                let envelope = serde_json::to_value(&logged.envelope)
                    .unwrap_or_else(|error| serde_json::Value::String(error.to_string()));
                self.put_aside(logged.sequence, reason, envelope).await;
                "set_aside"
            }
        };
        ::metrics::counter!("botwot_inbound_log_events_total", "outcome" => outcome).increment(1);
        self.backlog.release();
        for start in self.lanes.finish(&logged.envelope.key, logged.sequence) {
            self.start(start, running);
        }
    }

    async fn put_aside(&self, sequence: u64, reason: String, event: serde_json::Value) {
        let file = self.set_aside.clone();
        let written = tokio::task::spawn_blocking(move || {
            set_aside::record(&file, sequence, &reason, &event)
        })
        .await;
        if !matches!(written, Ok(Ok(()))) {
            error!(
                sequence,
                "a set-aside event could not be written down; see the log above"
            );
        }
    }

    /// Records that everything below the lowest unfinished event is applied.
    async fn checkpoint(&self, checkpointed: &mut Option<u64>) {
        let Some(below) = self.lanes.finished_below() else {
            return;
        };
        if *checkpointed == Some(below) {
            return;
        }
        let log = self.log.clone();
        match tokio::task::spawn_blocking(move || log.checkpoint(below)).await {
            Ok(Ok(())) => *checkpointed = Some(below),
            Ok(Err(failure)) => {
                error!(%failure, "the inbound log's checkpoint could not be written")
            }
            Err(failure) => error!(%failure, "the inbound log's checkpoint task failed"),
        }
    }
}
