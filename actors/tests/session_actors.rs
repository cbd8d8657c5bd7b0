//! Session actors against the real embedded store. Time is a manual clock that moves only when a
//! test says so; storage I/O is real, so waits poll for a condition (bounded), never for a time.

use async_trait::async_trait;
use botwot_actors::{Envelope, Node, NodeConfig, NodeDeps, Outcome, SessionError, Sessions};
use botwot_adapters::brain::ProfileBrain;
use botwot_engine::bot::{BotProfile, BotSettings, InactivityTimeouts};
use botwot_engine::brain::{AnswerDraft, Brain};
use botwot_engine::message::{Author, Delivery, Message};
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{
    ChannelSender, DeliveryError, DeliveryReceipt, SessionObserver, Storage,
};
use botwot_engine::session::{
    Rejection, Responder, SessionEvent, SessionKey, SessionNotice, SessionState, SessionStatus,
};
use botwot_engine::time::{Clock, ManualClock};
use botwot_engine::timer::TimerKind;
use botwot_engine::{Channel, MessageBody, TenantId, Timestamp};
use parking_lot::Mutex;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use torn_writes::TornWrites;

#[path = "support/torn_writes.rs"]
mod torn_writes;

#[path = "session_actors/adoption.rs"]
mod adoption;
#[path = "session_actors/answers.rs"]
mod answers;
#[path = "session_actors/escalation.rs"]
mod escalation;
#[path = "session_actors/inbound_log.rs"]
mod inbound_log;
#[path = "session_actors/quota.rs"]
mod quota;

/// Records what the node delivered, in order; can refuse the next attempts (retryably).
#[derive(Default)]
struct RecordingSender {
    delivered: Mutex<Vec<Message>>,
    refuse_next: AtomicUsize,
    /// The `Retry-After` a refusal asks for.
    retry_after: Mutex<Option<Duration>>,
    /// Sends held back next, as a sender at its rate does (not attempts).
    defer_next: AtomicUsize,
}

#[async_trait]
impl ChannelSender for RecordingSender {
    async fn deliver(&self, entry: &OutboxEntry) -> Result<DeliveryReceipt, DeliveryError> {
        let refuse = self
            .refuse_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if refuse {
            return Err(DeliveryError::Retryable {
                reason: "provider busy".into(),
                retry_after: *self.retry_after.lock(),
            });
        }
        let defer = self
            .defer_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if defer {
            return Err(DeliveryError::Deferred {
                retry_after: Duration::from_millis(20),
            });
        }
        self.delivered.lock().push(entry.message.clone());
        Ok(DeliveryReceipt::sent(provider_id_of(&entry.message)))
    }
}

/// The id the recording channel gives a message it accepts.
fn provider_id_of(message: &Message) -> String {
    format!("wamid.{}", message.id)
}

impl RecordingSender {
    fn seqs(&self) -> Vec<u64> {
        self.delivered.lock().iter().map(|m| m.seq).collect()
    }
}

/// Keeps the drafts of answers the node showed; ignores the rest.
#[derive(Default)]
struct DraftObserver {
    drafts: Mutex<Vec<(SessionKey, AnswerDraft)>>,
}

impl SessionObserver for DraftObserver {
    fn message_added(&self, _key: &SessionKey, _message: &Message) {}
    fn notice(&self, _session: &SessionState, _notice: &SessionNotice) {}
    fn answer_drafted(&self, key: &SessionKey, draft: &AnswerDraft) {
        self.drafts.lock().push((key.clone(), draft.clone()));
    }
}

impl DraftObserver {
    fn texts(&self) -> Vec<String> {
        self.drafts
            .lock()
            .iter()
            .map(|(_, d)| d.text.clone())
            .collect()
    }
}

struct Harness {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    store: Arc<dyn Storage>,
    sender: Arc<RecordingSender>,
    observer: Arc<DraftObserver>,
    node: Node,
    bot: BotProfile,
}

impl Harness {
    async fn start(config: NodeConfig) -> Self {
        Self::start_with(config, |store| store).await
    }

    /// Starts on the embedded store as `wrap` decorates it.
    async fn start_with(
        config: NodeConfig,
        wrap: impl FnOnce(Arc<dyn Storage>) -> Arc<dyn Storage>,
    ) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = wrap(botwot_storage::open_embedded(dir.path()).expect("store"));
        let mut settings = BotSettings::named("Ava");
        settings.bot_greeting_message = "Hello, I am Ava.".into();
        settings.fallback_message = "I cannot answer that yet.".into();
        settings.session_policy.inactivity = InactivityTimeouts {
            warn_after_secs: 60,
            close_after_secs: 120,
        };
        settings.session_policy.closing_message = Some("This chat is closed.".into());
        let bot = BotProfile::create(TenantId::from("org_a"), settings, Timestamp(0));
        store.insert_bot(&bot).await.expect("bot stored");
        let sender = Arc::new(RecordingSender::default());
        let clock = Arc::new(ManualClock::starting_at(Timestamp(1_700_000_000_000)));
        let observer = Arc::new(DraftObserver::default());
        let node = start_node(&store, &sender, &observer, &clock, config).await;
        Self {
            _dir: dir,
            clock,
            store,
            sender,
            observer,
            node,
            bot,
        }
    }

    /// Moves the clock and lets the timer service see it.
    fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
        self.node.clock_moved();
    }

    /// Waits until `condition` holds, polling; fails the test after a generous bound.
    async fn until<F: std::future::Future<Output = bool>>(
        &self,
        what: &str,
        mut condition: impl FnMut() -> F,
    ) {
        for _ in 0..1_000 {
            if condition().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("gave up waiting until {what}");
    }

    async fn status_is(&self, visitor: &str, status: SessionStatus) -> bool {
        self.store
            .load_session(&self.key(visitor))
            .await
            .ok()
            .flatten()
            .map(|s| s.status)
            == Some(status)
    }

    fn key(&self, visitor: &str) -> SessionKey {
        SessionKey::new(
            self.bot.tenant_id.clone(),
            Channel::Web,
            self.bot.id.as_str(),
            visitor,
        )
    }

    fn sessions(&self) -> Sessions {
        self.node.sessions()
    }

    async fn send(&self, visitor: &str, event: SessionEvent) -> Result<Outcome, SessionError> {
        let envelope = Envelope {
            key: self.key(visitor),
            bot_id: self.bot.id.clone(),
            event,
        };
        self.sessions().dispatch(envelope).await
    }

    async fn transcript(&self, session: &SessionState) -> Vec<Message> {
        self.store
            .transcript(&session.key.tenant_id, &session.id, 0, 1_000)
            .await
            .expect("transcript")
    }

    /// Waits until the transcript has `count` messages.
    async fn transcript_of_len(&self, session: &SessionState, count: usize) -> Vec<Message> {
        self.until(&format!("the transcript has {count} messages"), || async {
            self.transcript(session).await.len() >= count
        })
        .await;
        self.transcript(session).await
    }

    /// Waits until no timer record is stored.
    async fn until_no_timer_is_left(&self) {
        self.until("no timer is left", || async {
            self.store
                .all_timers()
                .await
                .map(|t| t.is_empty())
                .unwrap_or(false)
        })
        .await;
    }

    async fn session(&self, visitor: &str) -> SessionState {
        self.store
            .load_session(&self.key(visitor))
            .await
            .expect("load")
            .expect("session exists")
    }
}

/// A harness whose node was stopped: its store, clock and sender stay for the next node.
struct Stopped {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    store: Arc<dyn Storage>,
    sender: Arc<RecordingSender>,
    observer: Arc<DraftObserver>,
    bot: BotProfile,
}

impl Harness {
    /// Shuts the node down (its in-flight work is lost, as when the process stops).
    async fn stop(self) -> Stopped {
        self.node.shutdown().await;
        Stopped {
            _dir: self._dir,
            clock: self.clock,
            store: self.store,
            sender: self.sender,
            observer: self.observer,
            bot: self.bot,
        }
    }
}

impl Stopped {
    /// A new node on the same store, clock and sender.
    async fn start(self) -> Harness {
        self.start_with_brain(Arc::new(ProfileBrain)).await
    }

    async fn start_with_brain(self, brain: Arc<dyn Brain>) -> Harness {
        self.start_with(brain, NodeConfig::default()).await
    }

    async fn start_with(self, brain: Arc<dyn Brain>, config: NodeConfig) -> Harness {
        let node = start_node_with_brain(
            &self.store,
            &self.sender,
            &self.observer,
            &self.clock,
            config,
            brain,
        )
        .await;
        Harness {
            _dir: self._dir,
            clock: self.clock,
            store: self.store,
            sender: self.sender,
            observer: self.observer,
            node,
            bot: self.bot,
        }
    }
}

async fn start_node(
    store: &Arc<dyn Storage>,
    sender: &Arc<RecordingSender>,
    observer: &Arc<DraftObserver>,
    clock: &Arc<ManualClock>,
    config: NodeConfig,
) -> Node {
    let brain = Arc::new(ProfileBrain);
    start_node_with_brain(store, sender, observer, clock, config, brain).await
}

async fn start_node_with_brain(
    store: &Arc<dyn Storage>,
    sender: &Arc<RecordingSender>,
    observer: &Arc<DraftObserver>,
    clock: &Arc<ManualClock>,
    config: NodeConfig,
    brain: Arc<dyn Brain>,
) -> Node {
    let deps = NodeDeps {
        storage: store.clone(),
        brain,
        sender: sender.clone(),
        observer: observer.clone(),
        clock: clock.clone(),
        fences: None,
    };
    Node::start(config, deps).await.expect("node starts")
}

fn inbound(text: &str, id: &str) -> SessionEvent {
    SessionEvent::Inbound {
        provider_message_id: Some(id.into()),
        body: MessageBody::text(text),
    }
}

fn applied(outcome: Result<Outcome, SessionError>) -> (SessionState, Vec<Message>) {
    match outcome {
        Ok(Outcome::Applied { session, messages }) => (session, messages),
        other => panic!("expected Applied, got {other:?}"),
    }
}

#[tokio::test]
async fn greeting_question_and_reply_are_stored_and_delivered_in_order() {
    let h = Harness::start(NodeConfig::default()).await;
    let (session, greeting) = applied(
        h.send(
            "v1",
            SessionEvent::ContactJoined {
                greeting: Some(h.bot.settings.bot_greeting_message.clone()),
            },
        )
        .await,
    );
    assert_eq!(greeting[0].body, MessageBody::text("Hello, I am Ava."));
    let (_, question) = applied(
        h.send("v1", inbound("Do you deliver on Sundays?", "c-1"))
            .await,
    );
    assert_eq!(question[0].seq, 2);

    let transcript = h.transcript_of_len(&session, 3).await;
    let texts: Vec<&str> = transcript.iter().map(|m| m.body.plain_text()).collect();
    assert_eq!(
        texts,
        [
            "Hello, I am Ava.",
            "Do you deliver on Sundays?",
            "I cannot answer that yet."
        ]
    );
    assert_eq!(transcript[2].author, Author::Bot);

    h.until("both messages are delivered", || async {
        h.sender.delivered.lock().len() >= 2
    })
    .await;
    let delivered = h.sender.seqs();
    assert_eq!(delivered, [1, 3], "greeting then reply, each once");
}

#[tokio::test]
async fn the_channel_id_of_a_delivered_reply_is_recorded_and_its_status_updates_it() {
    let h = Harness::start(NodeConfig::default()).await;
    let (session, _) = applied(h.send("v1", inbound("Open today?", "c-1")).await);
    let transcript = h.transcript_of_len(&session, 2).await;
    let reply = transcript[1].clone();
    let provider_id = provider_id_of(&reply);
    let tenant = &session.key.tenant_id;
    h.until("the reply is recorded with its channel id", || async {
        h.store
            .find_outbound_message(tenant, Channel::Web, &provider_id)
            .await
            .ok()
            .flatten()
            .is_some_and(|found| found.delivery == Delivery::Sent)
    })
    .await;

    for (report, expected) in [
        (Delivery::Read, Delivery::Read),
        (Delivery::Delivered, Delivery::Read),
    ] {
        let event = SessionEvent::DeliveryUpdated {
            message_id: reply.id.clone(),
            delivery: report,
        };
        h.send("v1", event).await.expect("applied");
        let found = h
            .store
            .find_outbound_message(tenant, Channel::Web, &provider_id)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(found.delivery, expected, "delivery never goes backwards");
    }
}

#[tokio::test]
async fn a_redelivered_inbound_message_is_stored_and_answered_once() {
    let h = Harness::start(NodeConfig::default()).await;
    let (session, _) = applied(h.send("v1", inbound("hi", "wamid.1")).await);
    let again = h.send("v1", inbound("hi", "wamid.1")).await;
    assert!(matches!(again, Ok(Outcome::Duplicate { .. })), "{again:?}");
    h.transcript_of_len(&session, 2).await;
    let third = h.send("v1", inbound("and again", "wamid.2")).await;
    assert!(matches!(third, Ok(Outcome::Applied { .. })), "{third:?}");
    let transcript = h.transcript_of_len(&session, 4).await;
    let questions = transcript
        .iter()
        .filter(|m| m.author == Author::Contact)
        .count();
    let answers = transcript
        .iter()
        .filter(|m| m.author == Author::Bot)
        .count();
    assert_eq!(
        (questions, answers),
        (2, 2),
        "each question stored and answered once: {transcript:?}"
    );
}

#[tokio::test]
async fn a_quiet_session_is_warned_then_closed_once() {
    let h = Harness::start(NodeConfig::default()).await;
    let (session, _) = applied(h.send("v1", inbound("hi", "c-1")).await);
    h.transcript_of_len(&session, 2).await;

    h.advance(61);
    h.until("the warning is sent", || {
        h.status_is("v1", SessionStatus::Warned)
    })
    .await;
    h.advance(60);
    h.until("the session closes", || {
        h.status_is("v1", SessionStatus::Closed)
    })
    .await;
    let transcript = h.transcript(&session).await;
    let texts: Vec<&str> = transcript.iter().map(|m| m.body.plain_text()).collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    assert!(texts[2].starts_with("Are you still there?"), "{texts:?}");
    assert_eq!(texts[3], "This chat is closed.");
    assert_eq!(h.node.snapshot().timers_armed, 0);
    assert!(
        h.store.all_timers().await.expect("timers").is_empty(),
        "fired timers leave no record"
    );

    h.advance(600);
    applied(h.send("v2", inbound("a later visitor", "c-9")).await); // the node is still working
    assert_eq!(h.transcript(&session).await.len(), 4, "nothing fires twice");
}

#[tokio::test]
async fn activity_moves_the_deadline() {
    let h = Harness::start(NodeConfig::default()).await;
    let (session, _) = applied(h.send("v1", inbound("hi", "c-1")).await);
    h.transcript_of_len(&session, 2).await;
    h.advance(50);
    applied(h.send("v1", inbound("still here", "c-2")).await);
    h.transcript_of_len(&session, 4).await;
    h.advance(50);
    // 100 s after the first message, 50 s after the last: a close armed by the first message
    // would be due at 120 s, so another message round trip shows nothing fired early.
    applied(h.send("v2", inbound("other visitor", "c-3")).await);
    assert_eq!(h.session("v1").await.status, SessionStatus::Open);
    h.advance(80);
    h.until("the session closes", || {
        h.status_is("v1", SessionStatus::Closed)
    })
    .await;
    assert_eq!(h.session("v1").await.id, session.id);
}

#[tokio::test]
async fn a_restarted_node_reloads_pending_timers_and_fires_them_once() {
    let h = Harness::start(NodeConfig::default()).await;
    let (session, _) = applied(h.send("v1", inbound("hi", "c-1")).await);
    h.transcript_of_len(&session, 2).await;
    let stopped = h.stop().await;
    assert_eq!(
        stored_timer_kinds(&stopped.store).await,
        [
            TimerKind::InactivityWarning,
            TimerKind::AutoClose,
            TimerKind::AnswerWatchdog
        ],
        "warning and close are stored, and the answered question's watchdog record is kept \
         until it is swept"
    );

    stopped.clock.advance(Duration::from_secs(500)); // the process is down past both deadlines
    let h = stopped.start().await;
    h.until("the overdue close fires", || {
        h.status_is("v1", SessionStatus::Closed)
    })
    .await;
    h.until_no_timer_is_left().await;
    h.advance(60);
    applied(h.send("v2", inbound("a later visitor", "c-9")).await);
    let key = session.key.clone();
    let transcript = h
        .store
        .transcript(&key.tenant_id, &session.id, 0, 100)
        .await
        .expect("transcript");
    let closing: Vec<&Message> = transcript
        .iter()
        .filter(|m| m.body.plain_text() == "This chat is closed.")
        .collect();
    assert_eq!(closing.len(), 1, "closed exactly once: {transcript:?}");
    let warnings = transcript
        .iter()
        .filter(|m| m.body.plain_text().starts_with("Are you still there?"))
        .count();
    assert_eq!(
        warnings, 1,
        "the overdue warning also fired once: {transcript:?}"
    );
}

/// The kinds of the stored timer records, in kind order.
async fn stored_timer_kinds(store: &Arc<dyn Storage>) -> Vec<TimerKind> {
    let mut kinds: Vec<TimerKind> = store
        .all_timers()
        .await
        .expect("timers")
        .iter()
        .map(|timer| timer.kind)
        .collect();
    kinds.sort();
    kinds
}

/// The stored record of the session's `kind` timer, if any.
async fn stored_due(
    store: &Arc<dyn Storage>,
    session: &SessionState,
    kind: TimerKind,
) -> Option<Timestamp> {
    let timers = store.all_timers().await.expect("timers");
    timers
        .iter()
        .find(|timer| timer.session_id == session.id && timer.kind == kind)
        .map(|timer| timer.due_at)
}

#[tokio::test]
async fn records_earlier_than_their_timers_fire_early_after_a_restart_and_wait_for_the_real_time() {
    let h = Harness::start(NodeConfig::default()).await;
    let (session, _) = applied(h.send("v1", inbound("hi", "c-1")).await);
    h.transcript_of_len(&session, 2).await;
    let first_close = stored_due(&h.store, &session, TimerKind::AutoClose)
        .await
        .expect("the close is stored");
    h.advance(50);
    let (moved, _) = applied(h.send("v1", inbound("still here", "c-2")).await);
    h.transcript_of_len(&session, 4).await;
    let warn_at = moved.warn_due_at.expect("warning armed");
    let close_at = moved.close_due_at.expect("close armed");
    assert!(close_at > first_close, "activity moved the deadline");
    assert_eq!(
        stored_due(&h.store, &session, TimerKind::AutoClose).await,
        Some(first_close),
        "moving a timer later, before its record is due, writes nothing"
    );

    let stopped = h.stop().await;
    let h = stopped.start().await;
    h.advance(15); // 65 s after the first message: its warning record (60 s) fires early
    h.until(
        "the early warning record is stored again at the warning's time",
        || async {
            stored_due(&h.store, &session, TimerKind::InactivityWarning).await == Some(warn_at)
        },
    )
    .await;
    assert_eq!(
        h.session("v1").await.status,
        SessionStatus::Open,
        "not warned early"
    );

    h.advance(60); // 125 s: past the first close record, before the real close (170 s)
    h.until(
        "the early close record is stored again at the close's time",
        || async { stored_due(&h.store, &session, TimerKind::AutoClose).await == Some(close_at) },
    )
    .await;
    h.until("the warning is sent at its time", || {
        h.status_is("v1", SessionStatus::Warned)
    })
    .await;
    h.advance(50);
    h.until("the session closes", || {
        h.status_is("v1", SessionStatus::Closed)
    })
    .await;
    h.until_no_timer_is_left().await;
    let transcript = h.transcript(&session).await;
    let count = |prefix: &str| {
        transcript
            .iter()
            .filter(|m| m.body.plain_text().starts_with(prefix))
            .count()
    };
    assert_eq!(
        (count("Are you still there?"), count("This chat is closed.")),
        (1, 1),
        "warned once and closed once: {transcript:?}"
    );
}

#[tokio::test]
async fn messages_arriving_during_passivation_are_kept_in_order() {
    let h = Harness::start(NodeConfig::default()).await;
    let mut sent = 0;
    for round in 0..30 {
        if round > 0 {
            h.until("the actor has nothing pending", || async {
                h.node.snapshot().sessions.in_flight == 0
            })
            .await;
            assert_eq!(
                h.node.passivate_idle_now(),
                1,
                "round {round}: the idle actor is passivated"
            );
        }
        // The first send is routed before this task yields, so it reaches the registry while the
        // actor is still stopping: it must be held for the next incarnation, not lost.
        for _ in 0..5 {
            let outcome = h
                .send(
                    "v1",
                    inbound(&format!("message {sent}"), &format!("c-{sent}")),
                )
                .await;
            assert!(
                matches!(outcome, Ok(Outcome::Applied { .. })),
                "{outcome:?}"
            );
            sent += 1;
        }
    }
    let session = h.session("v1").await;
    let transcript = h.transcript_of_len(&session, 2 * sent).await;
    let inbound: Vec<String> = transcript
        .iter()
        .filter(|m| m.author == Author::Contact)
        .map(|m| m.body.plain_text().to_owned())
        .collect();
    let expected: Vec<String> = (0..sent).map(|i| format!("message {i}")).collect();
    assert_eq!(inbound, expected);
    let seqs: Vec<u64> = transcript.iter().map(|m| m.seq).collect();
    assert_eq!(
        seqs,
        (1..=2 * sent as u64).collect::<Vec<u64>>(),
        "no gaps, no repeats"
    );
}

#[tokio::test]
async fn idle_actors_are_passivated_and_come_back_with_their_state() {
    let config = NodeConfig {
        passivate_after_secs: 1,
        passivation_sweep_ms: 50,
        ..NodeConfig::default()
    };
    let h = Harness::start(config).await;
    applied(
        h.send(
            "v1",
            SessionEvent::AgentTookOver {
                agent_id: "ana".into(),
            },
        )
        .await,
    );
    assert_eq!(h.node.snapshot().sessions.live, 1);
    h.until("the idle actor is passivated", || async {
        h.node.snapshot().sessions.live == 0
    })
    .await;
    let outcome = h
        .send(
            "v1",
            SessionEvent::AgentTookOver {
                agent_id: "bo".into(),
            },
        )
        .await;
    assert!(
        matches!(
            outcome,
            Ok(Outcome::Rejected {
                rejection: Rejection::OwnedByAnotherAgent { .. },
                ..
            })
        ),
        "the new incarnation remembers ana owns it: {outcome:?}"
    );
}

#[tokio::test]
async fn of_many_agents_claiming_at_once_exactly_one_wins() {
    let h = Arc::new(Harness::start(NodeConfig::default()).await);
    let (session, _) = applied(h.send("v1", inbound("I need a human", "c-1")).await);
    h.transcript_of_len(&session, 2).await;
    let claims = (0..20).map(|i| {
        let h = h.clone();
        tokio::spawn(async move {
            h.send(
                "v1",
                SessionEvent::AgentTookOver {
                    agent_id: format!("agent-{i}"),
                },
            )
            .await
        })
    });
    let outcomes = futures::future::join_all(claims).await;
    let winners: Vec<String> = outcomes
        .into_iter()
        .filter_map(|outcome| match outcome.expect("task") {
            Ok(Outcome::Applied { session, .. }) => match session.responder {
                Responder::Agent { agent_id } => Some(agent_id),
                other => panic!("unexpected responder {other:?}"),
            },
            Ok(Outcome::Rejected {
                rejection: Rejection::OwnedByAnotherAgent { .. },
                ..
            }) => None,
            other => panic!("unexpected outcome {other:?}"),
        })
        .collect();
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(
        h.session("v1").await.responder,
        Responder::Agent {
            agent_id: winners[0].clone()
        }
    );
}

#[tokio::test]
async fn unknown_bots_and_overload_are_clear_errors() {
    let h = Harness::start(NodeConfig {
        max_in_flight: 0,
        ..NodeConfig::default()
    })
    .await;
    let overloaded = h.send("v1", inbound("hi", "c-1")).await;
    assert_eq!(
        overloaded,
        Err(SessionError::Overloaded {
            retry_after_secs: 1
        })
    );

    let h = Harness::start(NodeConfig::default()).await;
    let envelope = Envelope {
        key: h.key("v2"),
        bot_id: "bot_missing".into(),
        event: inbound("hi", "c-1"),
    };
    assert_eq!(
        h.sessions().dispatch(envelope).await,
        Err(SessionError::BotUnavailable)
    );
}

#[tokio::test]
async fn a_stopped_background_task_is_reported() {
    let h = Harness::start(NodeConfig::default()).await;
    let sessions = h.sessions();
    assert!(sessions.stopped_tasks().is_empty());
    let Harness { node, .. } = h;
    node.shutdown().await;
    tokio::task::yield_now().await;
    let stopped = sessions.stopped_tasks();
    assert!(
        stopped.contains(&"timer forwarder") && stopped.contains(&"passivation sweeper"),
        "{stopped:?}"
    );
}

#[tokio::test]
async fn a_retried_reply_keeps_its_place_before_later_ones() {
    let config = NodeConfig {
        outbox_retry_base_ms: 300,
        ..NodeConfig::default()
    };
    let h = Harness::start(config).await;
    h.sender.refuse_next.store(1, Ordering::SeqCst);
    // The greeting (seq 1) fails once and waits for its retry; the answer to the question
    // (seq 3) must wait behind it.
    greet_then_ask_in_order(&h).await;
}

/// The contact joins (greeted, seq 1) and asks (seq 2, answered as seq 3); both outbound
/// messages reach the channel in that order, whatever held the first back.
async fn greet_then_ask_in_order(h: &Harness) -> SessionState {
    let greeting = Some(h.bot.settings.bot_greeting_message.clone());
    let (session, _) = applied(h.send("v1", SessionEvent::ContactJoined { greeting }).await);
    applied(h.send("v1", inbound("hello?", "c-1")).await);
    h.transcript_of_len(&session, 3).await;
    h.until("both are delivered", || async {
        h.sender.seqs().len() >= 2
    })
    .await;
    assert_eq!(h.sender.seqs(), [1, 3]);
    session
}

#[tokio::test]
async fn a_retry_waits_as_long_as_the_channel_asked_when_that_is_longer_than_the_backoff() {
    let config = NodeConfig {
        outbox_retry_base_ms: 300,
        ..NodeConfig::default()
    };
    let h = Harness::start(config).await;
    h.sender.refuse_next.store(1, Ordering::SeqCst);
    *h.sender.retry_after.lock() = Some(Duration::from_secs(3_600));
    let greeting = Some(h.bot.settings.bot_greeting_message.clone());
    applied(h.send("v1", SessionEvent::ContactJoined { greeting }).await);
    let asked = h.clock.now().plus(Duration::from_secs(3_600));
    h.until("the retry is stored for when the channel asked", || async {
        let pending = h.store.pending_outbox(10).await.unwrap_or_default();
        pending
            .first()
            .is_some_and(|entry| entry.attempts == 1 && entry.next_attempt_at == asked)
    })
    .await;
    assert!(h.sender.seqs().is_empty(), "not sent again before then");
}

#[tokio::test]
async fn after_a_torn_commit_the_session_continues_without_reusing_a_number() {
    let (h, torn) = with_torn_writes().await;
    let (session, _) = applied(h.send("v1", inbound("first", "c-1")).await);
    h.transcript_of_len(&session, 2).await;

    torn.tear_next_commit();
    let failed = h.send("v1", inbound("second", "c-2")).await;
    assert!(
        matches!(failed, Err(SessionError::Storage(_))),
        "{failed:?}"
    );

    third_continues_without_reusing_a_number(&h, &session).await;
}

/// "third" from `v1` is applied after the torn "second", and no sequence number is used twice.
async fn third_continues_without_reusing_a_number(h: &Harness, session: &SessionState) {
    applied(h.send("v1", inbound("third", "c-3")).await);
    let transcript = h.transcript_of_len(session, 5).await;
    let seqs: Vec<u64> = transcript.iter().map(|m| m.seq).collect();
    let mut unique = seqs.clone();
    unique.dedup();
    assert_eq!(
        seqs, unique,
        "no sequence number is used twice: {transcript:?}"
    );
    assert!(
        transcript.iter().any(|m| m.body.plain_text() == "third"),
        "{transcript:?}"
    );
}

/// A node on the embedded store wrapped in [`TornWrites`], and the wrapper.
async fn with_torn_writes() -> (Harness, Arc<TornWrites>) {
    let torn = Arc::new(std::sync::OnceLock::<Arc<TornWrites>>::new());
    let keep = torn.clone();
    let h = Harness::start_with(NodeConfig::default(), move |store| {
        let wrapper = Arc::new(TornWrites::new(store));
        let _ = keep.set(wrapper.clone());
        wrapper
    })
    .await;
    let torn = torn.get().expect("wrapped").clone();
    (h, torn)
}

#[tokio::test]
async fn while_a_failed_commit_cannot_be_reloaded_the_next_event_is_refused_not_misapplied() {
    let (h, torn) = with_torn_writes().await;
    let (session, _) = applied(h.send("v1", inbound("first", "c-1")).await);
    h.transcript_of_len(&session, 2).await;

    // The commit fails half-way and storage stays away for its reload and the next event's.
    torn.tear_next_commit();
    torn.refuse_next_loads(2);
    let failed = h.send("v1", inbound("second", "c-2")).await;
    assert!(
        matches!(failed, Err(SessionError::Storage(_))),
        "{failed:?}"
    );
    let refused = h.send("v1", inbound("third", "c-3")).await;
    assert!(
        matches!(refused, Err(SessionError::Storage(_))),
        "not applied to a session that may be behind what is stored: {refused:?}"
    );

    // Storage is back: the redelivery reloads first and continues after the stored message.
    third_continues_without_reusing_a_number(&h, &session).await;
}

#[tokio::test]
async fn a_send_whose_result_storage_refused_is_recorded_later_and_not_sent_again() {
    let (h, torn) = with_torn_writes().await;
    torn.refuse_next_outbox_results(2);
    let (session, _) = applied(h.send("v1", inbound("Where is my order?", "c-1")).await);
    // The reply's result is refused twice: kept, and stored on the second try after that.
    h.until("the reply is recorded as sent", || async {
        let transcript = h.transcript(&session).await;
        let outbound: Vec<&Message> = transcript
            .iter()
            .filter(|m| m.direction == botwot_engine::message::Direction::Outbound)
            .collect();
        outbound.len() == 1
            && outbound
                .iter()
                .all(|m| m.provider_message_id.as_deref() == Some(provider_id_of(m).as_str()))
    })
    .await;
    let mut sent = h.sender.seqs();
    let all = sent.len();
    sent.dedup();
    assert_eq!(
        sent.len(),
        all,
        "no message sent twice: {:?}",
        h.sender.seqs()
    );
}

#[tokio::test]
async fn sends_held_back_by_the_senders_rate_are_not_attempts_and_keep_their_order() {
    // One attempt allowed: a deferral counted as one would fail the greeting for good.
    let config = NodeConfig {
        outbox_max_attempts: 1,
        ..NodeConfig::default()
    };
    let h = Harness::start(config).await;
    h.sender.defer_next.store(5, Ordering::SeqCst);
    let session = greet_then_ask_in_order(&h).await;
    let transcript = h.transcript_of_len(&session, 3).await;
    assert!(
        transcript.iter().all(|message| !matches!(
            message.delivery,
            botwot_engine::message::Delivery::Failed { .. }
        )),
        "{transcript:?}"
    );
}
