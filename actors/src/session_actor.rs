//! One actor per live session: applies events in order, commits each transition, then carries
//! out what the transition asked for.

use crate::answering::{Question, ask_brain};
use crate::assigner::Assigner;
use crate::bot_cache::BotCache;
use crate::commit::commit_for;
use crate::config::NodeConfig;
use crate::outbox::OutboxHandle;
use crate::registry::LocalRegistry;
use crate::session_quota::SessionQuota;
use crate::sessions::{Outcome, SessionError};
use crate::timer_records::TimerRecords;
use crate::timers::TimerService;
use botwot_cluster::HeldShards;
use botwot_engine::BotId;
use botwot_engine::brain::Brain;
use botwot_engine::ids::TimerId;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{
    CommitOutcome, Fence, SessionCommit, SessionObserver, Storage, StoreError, WriteAccess,
};
use botwot_engine::session::{
    Effect, SessionEvent, SessionKey, SessionRules, SessionState, Transition, apply,
};
use botwot_engine::time::Clock;
use botwot_engine::time::Timestamp;
use botwot_engine::timer::{DurableTimer, TimerKind};
use ractor::{Actor, ActorProcessingErr, ActorRef};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;
use tokio::sync::oneshot;
use tracing::{info, warn};

/// What a session actor is shared with every other one on the node.
pub(crate) struct SessionDeps {
    pub(crate) store: Arc<dyn Storage>,
    pub(crate) bots: BotCache,
    pub(crate) brain: Arc<dyn Brain>,
    pub(crate) observer: Arc<dyn SessionObserver>,
    pub(crate) timers: TimerService,
    pub(crate) outbox: OutboxHandle,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: NodeConfig,
    pub(crate) assigner: Assigner,
    /// In a cluster: the shards this node holds; a session runs here only while its shard is
    /// held, and its commits carry the shard's fence. `None` on a single node.
    pub(crate) fences: Option<HeldShards>,
    pub(crate) quota: SessionQuota,
}

impl SessionDeps {
    /// The fence for `key`'s commits: `Ok(None)` on a single node, `Err(Moved)` when this
    /// cluster node does not hold the key's shard.
    pub(crate) fn fence_for(&self, key: &SessionKey) -> Result<Option<Fence>, SessionError> {
        match &self.fences {
            None => Ok(None),
            Some(held) => held.fence_for(key).map(Some).ok_or(SessionError::Moved),
        }
    }

    /// [`Self::fence_for`] for work about to be done for `key` (routing a message, committing
    /// a transition): refused work is counted in `botwot_stale_work_refused_total{at="node"}`.
    pub(crate) fn fence_for_work(&self, key: &SessionKey) -> Result<Option<Fence>, SessionError> {
        self.fence_for(key)
            .inspect_err(|_| stale_work_refused("node", 1))
    }
}

/// Counts `count` pieces of work refused because their session's shard is no longer this
/// node's: `at` the node (not routed, not committed), the `store` (its fence refused the
/// commit), or `lost_lease` (timers disarmed when the shard's lease ended under the node).
pub(crate) fn stale_work_refused(at: &'static str, count: u64) {
    metrics::counter!("botwot_stale_work_refused_total", "at" => at).increment(count);
}

/// A message for a session actor. Variants are boxed: a mailbox allocates its slots in blocks
/// sized by the largest message, and small messages keep an idle actor small.
pub(crate) enum SessionMsg {
    /// An event from outside, answered once committed.
    Dispatch(Box<Dispatch>),
    TimerFired(Box<DurableTimer>),
    /// The brain's answer to an inbound message.
    BrainAnswered(Box<BrainAnswered>),
    /// This node took the session on: the brain calls of its pending questions were lost with
    /// the node that made them.
    AnswersLost,
}

pub(crate) struct Dispatch {
    pub(crate) bot_id: BotId,
    pub(crate) event: SessionEvent,
    pub(crate) reply: Option<oneshot::Sender<Result<Outcome, SessionError>>>,
}

pub(crate) struct BrainAnswered {
    /// Sequence number of the inbound message answered.
    pub(crate) in_reply_to: u64,
    pub(crate) text: String,
    pub(crate) wants_human: bool,
}

impl SessionMsg {
    /// Work that comes from outside the node (and may be refused under load).
    pub(crate) fn is_external(&self) -> bool {
        matches!(self, SessionMsg::Dispatch(_))
    }

    pub(crate) fn fail(self, error: SessionError) {
        if let SessionMsg::Dispatch(dispatch) = self
            && let Some(reply) = dispatch.reply
        {
            let _ = reply.send(Err(error));
        }
    }
}

pub(crate) struct SessionArgs {
    pub(crate) key: SessionKey,
    pub(crate) registry: Arc<LocalRegistry>,
    pub(crate) pending: Arc<AtomicUsize>,
}

pub(crate) struct SessionActor;

pub(crate) struct SessionActorState {
    key: SessionKey,
    session: Option<SessionState>,
    registry: Arc<LocalRegistry>,
    pending: Arc<AtomicUsize>,
    /// A commit failed and the session is not reloaded yet (storage was away): what `session`
    /// holds may be behind what is stored, so the next message reloads it first. Holds the
    /// failed commit's outbox entries, which the dispatcher gets if the commit turns out
    /// written after all (boxed: one word in every actor, for a rare moment of a few).
    unsettled: Option<Box<FailedCommit>>,
    /// The session's stored timer records, as far as this actor knows them.
    timer_records: TimerRecords,
}

/// What the actor keeps of a commit that failed until it learns whether it was stored.
struct FailedCommit {
    outbox: Vec<OutboxEntry>,
}

impl Actor for SessionActor {
    type Msg = SessionMsg;
    type State = SessionActorState;
    type Arguments = SessionArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        args: SessionArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        let session = args.registry.deps().store.load_session(&args.key).await?;
        Ok(SessionActorState {
            key: args.key,
            session,
            registry: args.registry,
            pending: args.pending,
            unsettled: None,
            timer_records: TimerRecords::default(),
        })
    }

    // The work of each message runs in a boxed future: the actor's task is allocated once with
    // room for the largest future it awaits inline, so inline work would make every idle actor
    // as big as the busiest moment of one.
    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: SessionMsg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            SessionMsg::Dispatch(dispatch) => {
                let Dispatch {
                    bot_id,
                    event,
                    reply,
                } = *dispatch;
                let outcome = Box::pin(state.dispatch(&bot_id, event)).await;
                if let Some(reply) = reply {
                    let _ = reply.send(outcome);
                }
            }
            SessionMsg::TimerFired(timer) => Box::pin(state.timer_fired(*timer)).await,
            SessionMsg::AnswersLost => Box::pin(state.answers_lost()).await,
            SessionMsg::BrainAnswered(answer) => {
                let BrainAnswered {
                    in_reply_to,
                    text,
                    wants_human,
                } = *answer;
                Box::pin(state.brain_answered(in_reply_to, text, wants_human)).await;
            }
        }
        state.registry.handled(&state.pending);
        Ok(())
    }
}

impl SessionActorState {
    fn deps(&self) -> &SessionDeps {
        self.registry.deps()
    }

    async fn dispatch(
        &mut self,
        bot_id: &BotId,
        event: SessionEvent,
    ) -> Result<Outcome, SessionError> {
        if !self.settled().await {
            return Err(SessionError::Storage(
                "storage is unavailable: the conversation could not be reloaded".into(),
            ));
        }
        if matches!(event, SessionEvent::EraseRequested) {
            return self.erase().await;
        }
        let now = self.deps().clock.now();
        let current = match &self.session {
            Some(session) => session.clone(),
            None => self.new_session(bot_id, now).await?,
        };
        match apply(&current, event, now) {
            Ok(transition) => self.carry_out(transition).await,
            Err(rejection) => Ok(Outcome::Rejected {
                session: current,
                rejection,
            }),
        }
    }

    /// Closes the session (silently, cancelling its timers and forgetting its questions),
    /// erases what is stored of it, and forgets it: should the contact write again, a new
    /// session starts rather than the erased one reopening from what this actor remembered.
    async fn erase(&mut self) -> Result<Outcome, SessionError> {
        let Some(current) = self.session.clone() else {
            return Ok(Outcome::Erased {
                session: None,
                messages_erased: 0,
            });
        };
        let now = self.deps().clock.now();
        let closed = match apply(&current, SessionEvent::EraseRequested, now) {
            Ok(transition) if !current.is_closed() => match self.carry_out(transition).await? {
                Outcome::Applied { session, .. } => session,
                _ => current,
            },
            _ => current,
        };
        let store = &self.deps().store;
        let messages_erased = store
            .erase_session(&self.key.tenant_id, &closed.id)
            .await
            .map_err(|error| SessionError::Storage(error.to_string()))?;
        self.session = None;
        self.timer_records = TimerRecords::default();
        info!(session_key = %self.key, messages_erased, "session erased");
        Ok(Outcome::Erased {
            session: Some(closed),
            messages_erased,
        })
    }

    async fn new_session(
        &self,
        bot_id: &BotId,
        now: botwot_engine::Timestamp,
    ) -> Result<SessionState, SessionError> {
        let bot = self
            .deps()
            .bots
            .get(&self.key.tenant_id, bot_id)
            .await
            .map_err(|error| SessionError::Storage(error.to_string()))?
            .filter(|bot| bot.is_live())
            .ok_or(SessionError::BotUnavailable)?;
        self.deps().quota.take_one(&self.key.tenant_id, now).await?;
        let rules = SessionRules::from_bot(&bot, self.key.channel);
        Ok(SessionState::new(
            self.key.clone(),
            bot.id.clone(),
            rules,
            now,
        ))
    }

    /// Commits a transition and, once it is durable, delivers, arms timers, asks the brain and
    /// notifies subscribers.
    async fn carry_out(&mut self, transition: Transition) -> Result<Outcome, SessionError> {
        let deps = self.registry.deps().clone();
        let now = deps.clock.now();
        let closed = transition.state.is_closed();
        let timers = self.timer_records.plan(&transition.effects, now, closed);
        let commit = commit_for(&transition, &timers, now, deps.fence_for_work(&self.key)?);
        let outbox = commit.outbox.clone();
        let messages = commit.messages.clone();
        // A transition that leaves the session as it is and writes nothing else (it only asks
        // for an agent, say) has nothing to commit.
        let stores_nothing =
            self.session.as_ref() == Some(&transition.state) && commit.writes_only_the_session();
        let committed = if stores_nothing {
            Ok(CommitOutcome::Committed)
        } else {
            deps.store.commit(commit).await
        };
        match committed {
            Ok(CommitOutcome::Committed) => {}
            Ok(CommitOutcome::DuplicateInbound { .. }) => {
                metrics::counter!("botwot_inbound_duplicates_total").increment(1);
                let session = self.session.clone().unwrap_or(transition.state);
                return Ok(Outcome::Duplicate { session });
            }
            Err(StoreError::Fenced(reason)) => {
                // A newer owner of the shard has written: what this actor holds is stale.
                warn!(session_key = %self.key, %reason, "session commit fenced off");
                stale_work_refused("store", 1);
                self.session = None;
                self.timer_records = TimerRecords::default();
                return Err(SessionError::Moved);
            }
            Err(error) => {
                warn!(session_key = %self.key, error = %error, "session commit failed");
                // A backend without transactions may have written part of the commit: what is
                // stored now is the truth to continue from.
                self.unsettled = Some(Box::new(FailedCommit { outbox }));
                self.resync().await;
                return Err(SessionError::Storage(error.to_string()));
            }
        }
        let session = transition.state;
        timers.schedule_on(&session, &deps.timers);
        self.timer_records = timers.into_records();
        for effect in transition.effects {
            match effect {
                Effect::Append(message) => deps.observer.message_added(&self.key, &message),
                Effect::AskBrain {
                    in_reply_to,
                    question,
                } => ask_brain(
                    self.registry.clone(),
                    Question {
                        key: self.key.clone(),
                        session_id: session.id.clone(),
                        bot_id: session.bot_id.clone(),
                        in_reply_to,
                        text: question,
                    },
                ),
                Effect::Notify(notice) => deps.observer.notice(&session, &notice),
                Effect::SeekAgent { capacity } => Assigner::seek(
                    &self.registry,
                    self.key.clone(),
                    session.bot_id.clone(),
                    capacity,
                ),
                Effect::SetTimer { .. }
                | Effect::CancelTimer { .. }
                | Effect::Deliver(_)
                | Effect::UpdateDelivery { .. } => {}
            }
        }
        deps.outbox.submit(outbox);
        metrics::counter!("botwot_messages_committed_total").increment(messages.len() as u64);
        self.session = Some(session.clone());
        Ok(Outcome::Applied { session, messages })
    }

    /// Reloads the session after a failed commit: first finishes what that commit wrote part of
    /// (on a backend that writes piece by piece), so a retry does not write it a second time,
    /// and hands the finished commit's unsent messages to the outbox; then moves the sequence
    /// past any message stored without the session record, so the next message never reuses a
    /// number, and arms the reloaded session's timers (a finished commit may have set them).
    /// While storage is away nothing reloads, and the next event finds the session unsettled
    /// and tries again.
    async fn resync(&mut self) {
        self.timer_records = TimerRecords::default();
        let deps = self.registry.deps();
        let store = &deps.store;
        let access = |key: &SessionKey| {
            let fence = deps.fence_for(key).ok()?;
            Some(WriteAccess { fence })
        };
        let journaled = match store.finish_interrupted_commit(&self.key, &access).await {
            Ok(journaled) => journaled.unwrap_or_default(),
            Err(error) => {
                warn!(session_key = %self.key, %error, "the failed commit could not be finished now");
                return;
            }
        };
        let Ok(stored) = store.load_session(&self.key).await else {
            return;
        };
        // The failed commit is stored after all (finished now, or written whole with its
        // acknowledgement lost): its messages were never handed to the dispatcher.
        let failed = self
            .unsettled
            .take()
            .map(|failed| failed.outbox)
            .unwrap_or_default();
        deps.outbox.submit(
            failed
                .into_iter()
                .filter(|entry| journaled.iter().any(|j| j.message.id == entry.message.id))
                .collect(),
        );
        // Not stored at all: the session's first commit failed whole.
        let Some(mut session) = stored else {
            self.session = None;
            return;
        };
        for kind in TimerKind::ALL {
            if let Some(due_at) = session.armed(kind) {
                let timer = DurableTimer::new(self.key.clone(), session.id.clone(), kind, due_at);
                deps.timers.arm(timer);
            }
        }
        if let Ok(last) = store
            .recent_messages(&self.key.tenant_id, &session.id, 1)
            .await
            && let Some(message) = last.last()
        {
            session.last_seq = session.last_seq.max(message.seq);
        }
        self.session = Some(session);
    }

    /// Whether the session is as stored: after a commit failed without a reload, reloads it
    /// first (see [`Self::resync`]).
    async fn settled(&mut self) -> bool {
        if self.unsettled.is_some() {
            self.resync().await;
        }
        self.unsettled.is_none()
    }

    async fn timer_fired(&mut self, timer: DurableTimer) {
        if !self.settled().await {
            self.retry_timer(timer);
            return;
        }
        let deps = self.registry.deps().clone();
        let Some(current) = self.session.clone() else {
            self.forget_timer(timer).await;
            return;
        };
        let kind = timer.kind;
        let event = SessionEvent::TimerFired {
            kind,
            due_at: timer.due_at,
        };
        let Ok(transition) = apply(&current, event, deps.clock.now()) else {
            return;
        };
        if transition.effects.is_empty() {
            // Stale: the record fired early (the session's timer is later: it is stored again
            // at that time) or is left over (the session has no timer of this kind any more).
            match current.armed(kind) {
                Some(due_at) => self.record_again(timer, due_at).await,
                None => self.forget_timer(timer).await,
            }
            return;
        }
        match self.carry_out(transition).await {
            Ok(_) => {}
            // The shard's next owner fires it.
            Err(SessionError::Moved) => {}
            Err(_) => self.retry_timer(timer),
        }
    }

    /// Asks the brain again, now, for the questions still waiting for an answer; when that
    /// cannot be stored, the answer watchdog asks later.
    async fn answers_lost(&mut self) {
        // Unsettled: the watchdog armed with the questions asks once storage is back.
        if !self.settled().await {
            return;
        }
        let Some(current) = self.session.clone() else {
            return;
        };
        let now = self.deps().clock.now();
        let Ok(transition) = apply(&current, SessionEvent::AnswersLost, now) else {
            return;
        };
        if transition.effects.is_empty() {
            return;
        }
        let asked = current.pending_answers.len();
        match self.carry_out(transition).await {
            Ok(_) => {
                info!(session_key = %self.key, asked, "asked the brain again for questions lost with their node")
            }
            Err(error) => {
                warn!(session_key = %self.key, error = %error, "pending questions not asked again yet")
            }
        }
    }

    /// Removes the record of a timer the session no longer has.
    async fn forget_timer(&mut self, timer: DurableTimer) {
        let id = timer.id.clone();
        if self.commit_timers(&timer, |_| (Vec::new(), vec![id])).await {
            self.timer_records.removed(timer.kind);
        }
    }

    /// A record fired before the session's timer of its kind, due at `due_at`: a record no
    /// later than that is stored (again, unless one is known to be), then the timer is
    /// scheduled at its time.
    async fn record_again(&mut self, fired: DurableTimer, due_at: Timestamp) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let now = self.deps().clock.now();
        let effect = Effect::SetTimer {
            kind: fired.kind,
            due_at,
        };
        let timers = self.timer_records.plan(&[effect], now, session.is_closed());
        if self
            .commit_timers(&fired, |shard| timers.writes(&session, shard))
            .await
        {
            timers.schedule_on(&session, &self.deps().timers);
            self.timer_records = timers.into_records();
        }
    }

    /// Commits timer records alone, those `writes` gives for the session's shard, for the
    /// `fired` timer; whether they are stored. When storage refuses them the timer fires again
    /// shortly; when the shard moved on, its new owner takes the timer.
    async fn commit_timers(
        &self,
        fired: &DurableTimer,
        writes: impl FnOnce(Option<u32>) -> (Vec<DurableTimer>, Vec<TimerId>),
    ) -> bool {
        let Ok(fence) = self.deps().fence_for_work(&self.key) else {
            return false;
        };
        let (timers_set, timers_cancelled) = writes(fence.map(|fence| fence.shard));
        if timers_set.is_empty() && timers_cancelled.is_empty() {
            return true;
        }
        let commit = SessionCommit {
            fence,
            timers_set,
            timers_cancelled,
            ..Default::default()
        };
        match self.deps().store.commit(commit).await {
            Ok(_) => true,
            Err(StoreError::Fenced(_)) => {
                stale_work_refused("store", 1);
                false
            }
            Err(_) => {
                self.retry_timer(fired.clone());
                false
            }
        }
    }

    /// Fires the timer again shortly: storage refused the commit, and a timer fires late
    /// rather than never.
    fn retry_timer(&self, timer: DurableTimer) {
        let deps = self.deps();
        let at = deps.clock.now().plus(Duration::from_secs(1));
        deps.timers.arm_at(timer, at);
    }

    async fn brain_answered(&mut self, in_reply_to: u64, text: String, wants_human: bool) {
        let Some(bot_id) = self.session.as_ref().map(|s| s.bot_id.clone()) else {
            return;
        };
        // The reply and, when the brain wants a human and the bot's policy agrees, the move to
        // the waiting queue are one transition.
        let reply = SessionEvent::BotReplied {
            in_reply_to,
            text,
            wants_human,
        };
        if let Err(error) = self.dispatch(&bot_id, reply).await {
            warn!(session_key = %self.key, error = %error, "bot reply was not stored");
        }
    }
}
