//! The single node's inbound log (ADR 0019): webhook events acknowledged once appended, applied
//! behind it in order, kept across a stop while storage is away, applied once after a replay,
//! and refused with `Overloaded` past the configured backlog.

use super::{Harness, inbound, with_torn_writes};
use botwot_actors::{Envelope, InboundLogConfig, LoggedSessions, NodeConfig, SessionError};
use botwot_engine::message::Message;
use botwot_inbound_log::{InboundLog, LogOptions};
use std::path::{Path, PathBuf};

impl Harness {
    fn envelope(&self, visitor: &str, text: &str, id: &str) -> Envelope {
        Envelope {
            key: self.key(visitor),
            bot_id: self.bot.id.clone(),
            event: inbound(text, id),
        }
    }

    async fn logged(&self, dir: &Path, config: &InboundLogConfig) -> LoggedSessions {
        LoggedSessions::start(self.sessions(), dir, config)
            .await
            .expect("inbound log opened")
    }

    /// The visitor's inbound texts as stored, in transcript order (empty before the session).
    async fn inbound_texts(&self, visitor: &str) -> Vec<String> {
        let Ok(Some(session)) = self.store.load_session(&self.key(visitor)).await else {
            return Vec::new();
        };
        inbound_only(&self.transcript(&session).await)
    }

    async fn until_inbound(&self, visitor: &str, expected: &[&str]) {
        self.until(&format!("{visitor} has {expected:?}"), || async {
            self.inbound_texts(visitor).await.len() >= expected.len()
        })
        .await;
        assert_eq!(self.inbound_texts(visitor).await, expected);
    }
}

fn inbound_only(transcript: &[Message]) -> Vec<String> {
    transcript
        .iter()
        .filter(|message| message.direction == botwot_engine::message::Direction::Inbound)
        .map(|message| message.body.plain_text().to_owned())
        .collect()
}

fn log_dir(h: &Harness) -> PathBuf {
    h._dir.path().join("inbound-log")
}

#[tokio::test]
async fn acknowledged_events_are_applied_in_order_per_session() {
    let h = Harness::start(NodeConfig::default()).await;
    let config = InboundLogConfig {
        sessions_in_flight: 2,
        ..InboundLogConfig::default()
    };
    let logged = h.logged(&log_dir(&h), &config).await;
    let texts = ["one", "two", "three", "four", "five"];
    for (n, text) in texts.iter().enumerate() {
        for visitor in ["a", "b", "c"] {
            let id = format!("wamid.{visitor}{n}");
            logged
                .accept(h.envelope(visitor, text, &id))
                .await
                .expect("appended");
        }
    }
    for visitor in ["a", "b", "c"] {
        h.until_inbound(visitor, &texts).await;
    }
    h.until("the backlog is empty", || async { logged.backlog() == 0 })
        .await;
    assert!(logged.stopped_tasks().is_empty());
    logged.shutdown().await;
    assert!(logged.stopped_tasks().contains(&"inbound log drain"));
}

#[tokio::test]
async fn events_kept_while_storage_is_away_are_applied_after_a_restart() {
    let (h, torn) = with_torn_writes().await;
    let dir = log_dir(&h);
    torn.refuse_next_loads(usize::MAX);
    let logged = h.logged(&dir, &InboundLogConfig::default()).await;
    for (n, text) in ["first", "second"].iter().enumerate() {
        let id = format!("wamid.kept{n}");
        logged
            .accept(h.envelope("a", text, &id))
            .await
            .expect("appended");
    }
    assert_eq!(logged.backlog(), 2, "nothing can be applied yet");
    logged.shutdown().await;
    drop(logged);

    torn.refuse_next_loads(0);
    let logged = h.logged(&dir, &InboundLogConfig::default()).await;
    h.until_inbound("a", &["first", "second"]).await;
    h.until("the backlog is empty", || async { logged.backlog() == 0 })
        .await;
    logged.shutdown().await;
    drop(logged);

    // Checkpointed at the stop: a third start finds nothing to apply.
    let logged = h.logged(&dir, &InboundLogConfig::default()).await;
    assert_eq!(logged.backlog(), 0);
    logged.shutdown().await;
    assert_eq!(h.inbound_texts("a").await, ["first", "second"]);
}

#[tokio::test]
async fn a_replayed_event_committed_before_the_crash_is_applied_once() {
    let h = Harness::start(NodeConfig::default()).await;
    let dir = log_dir(&h);
    let logged = h.logged(&dir, &InboundLogConfig::default()).await;
    logged
        .accept(h.envelope("a", "hello", "wamid.once"))
        .await
        .expect("appended");
    h.until_inbound("a", &["hello"]).await;
    logged.shutdown().await;
    drop(logged);

    // A crash between the commit and the checkpoint: the record is still in the log.
    let (log, _) = InboundLog::open(&dir, LogOptions::default()).expect("log");
    let again = serde_json::to_vec(&h.envelope("a", "hello", "wamid.once")).expect("json");
    log.append(again).await.expect("appended");
    drop(log);

    let logged = h.logged(&dir, &InboundLogConfig::default()).await;
    h.until("the replay is applied", || async { logged.backlog() == 0 })
        .await;
    logged.shutdown().await;
    assert_eq!(h.inbound_texts("a").await, ["hello"], "applied once");
}

#[tokio::test]
async fn past_the_backlog_webhooks_are_refused_until_it_drains() {
    let (h, torn) = with_torn_writes().await;
    torn.refuse_next_loads(usize::MAX);
    let config = InboundLogConfig {
        max_backlog: 2,
        ..InboundLogConfig::default()
    };
    let logged = h.logged(&log_dir(&h), &config).await;
    for n in 0..2 {
        let envelope = h.envelope("a", &format!("m{n}"), &format!("wamid.m{n}"));
        logged.accept(envelope).await.expect("appended");
    }
    let refused = logged
        .accept(h.envelope("a", "m2", "wamid.m2"))
        .await
        .expect_err("past the backlog");
    assert!(
        matches!(refused, SessionError::Overloaded { .. }),
        "{refused:?}"
    );

    torn.refuse_next_loads(0);
    h.until_inbound("a", &["m0", "m1"]).await;
    h.until("the backlog is empty", || async { logged.backlog() == 0 })
        .await;
    logged
        .accept(h.envelope("a", "m2", "wamid.m2"))
        .await
        .expect("taken again once drained");
    h.until_inbound("a", &["m0", "m1", "m2"]).await;
    logged.shutdown().await;
}
