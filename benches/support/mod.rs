//! What the benchmarks share: a node on the embedded store with do-nothing channel and
//! observer, and percentile helpers.

#![allow(dead_code)]

use async_trait::async_trait;
use botwot_actors::{Node, NodeConfig, NodeDeps, SystemClock};
use botwot_adapters::brain::ProfileBrain;
use botwot_engine::bot::{BotProfile, BotSettings, InactivityTimeouts};
use botwot_engine::message::{Delivery, Message};
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{
    ChannelSender, DeliveryError, DeliveryReceipt, SessionObserver, Storage,
};
use botwot_engine::session::{SessionKey, SessionNotice, SessionState};
use botwot_engine::time::Clock;
use botwot_engine::{TenantId, Timestamp};
use std::sync::Arc;
use std::time::Duration;

pub struct AcceptingSender;

#[async_trait]
impl ChannelSender for AcceptingSender {
    async fn deliver(&self, _entry: &OutboxEntry) -> Result<DeliveryReceipt, DeliveryError> {
        Ok(Delivery::Sent.into())
    }
}

pub struct QuietObserver;

impl SessionObserver for QuietObserver {
    fn message_added(&self, _key: &SessionKey, _message: &Message) {}
    fn notice(&self, _session: &SessionState, _notice: &SessionNotice) {}
}

pub fn bench_bot(close_after_secs: u64) -> BotProfile {
    let mut settings = BotSettings::named("Bench");
    settings.fallback_message = "Thanks, a colleague will get back to you.".into();
    settings.session_policy.inactivity = InactivityTimeouts {
        warn_after_secs: 0,
        close_after_secs,
    };
    settings.session_policy.closing_message = Some("closed".into());
    BotProfile::create(TenantId::from("org_bench"), settings, Timestamp(0))
}

pub async fn start_node(
    store: Arc<dyn Storage>,
    clock: Arc<dyn Clock>,
    config: NodeConfig,
) -> Node {
    let deps = NodeDeps {
        storage: store,
        brain: Arc::new(ProfileBrain),
        sender: Arc::new(AcceptingSender),
        observer: Arc::new(QuietObserver),
        clock,
        fences: None,
    };
    Node::start(config, deps).await.expect("node starts")
}

pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// The value at percentile `p` (0-100) of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// A size from the environment, or the default.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A multi-threaded runtime; `WORKERS` sets its worker threads (default: one per core).
pub fn runtime() -> tokio::runtime::Runtime {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = std::env::var("WORKERS").ok().and_then(|v| v.parse().ok()) {
        builder.worker_threads(workers);
    }
    builder.enable_all().build().expect("runtime")
}

/// Opens the sessions of visitors `visitors` on `bot` (the contact joins, which arms and stores
/// the inactivity timers), a thousand at a time.
pub async fn open_sessions(
    sessions: &botwot_actors::Sessions,
    bot: &BotProfile,
    visitors: std::ops::Range<usize>,
) {
    use botwot_actors::{Envelope, Outcome};
    use botwot_engine::session::SessionEvent;
    let visitors: Vec<usize> = visitors.collect();
    for chunk in visitors.chunks(1_000) {
        let opens = chunk.iter().map(|i| {
            sessions.dispatch(Envelope {
                key: SessionKey::new(
                    bot.tenant_id.clone(),
                    botwot_engine::Channel::Web,
                    bot.id.as_str(),
                    format!("visitor-{i}"),
                ),
                bot_id: bot.id.clone(),
                event: SessionEvent::ContactJoined { greeting: None },
            })
        });
        for outcome in futures::future::join_all(opens).await {
            assert!(
                matches!(outcome, Ok(Outcome::Applied { .. })),
                "{outcome:?}"
            );
        }
    }
}
