//! A node: the actor system of one process, wired to its storage, brain, channels and clock.

use crate::assigner::Assigner;
use crate::bot_cache::BotCache;
use crate::config::NodeConfig;
use crate::outbox::{OutboxDispatcher, OutboxHandle};
use crate::registry::{LetThrough, LocalRegistry};
use crate::session_actor::{SessionDeps, SessionMsg};
use crate::session_quota::SessionQuota;
use crate::sessions::{SessionError, Sessions};
use crate::supervisor::SessionSupervisor;
use crate::timers::TimerService;
use botwot_cluster::{HeldShards, RegistryStats, Release, SessionRegistry, ShardId};
use botwot_engine::SessionKey;
use botwot_engine::brain::Brain;
use botwot_engine::handover::AgentDirectory;
use botwot_engine::ports::{ChannelSender, SessionObserver, Storage, StoreError, WriteAccess};
use botwot_engine::time::Clock;
use botwot_engine::timer::TimerKind;
use ractor::{Actor, ActorRef};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tracing::info;

/// How many pending outbox entries are loaded at start.
const OUTBOX_RELOAD_LIMIT: usize = 100_000;

/// What a node is built from.
pub struct NodeDeps {
    pub storage: Arc<dyn Storage>,
    pub brain: Arc<dyn Brain>,
    pub sender: Arc<dyn ChannelSender>,
    pub observer: Arc<dyn SessionObserver>,
    pub clock: Arc<dyn Clock>,
    /// In a cluster: the shards this node holds. The node then runs only their sessions and
    /// loads their timers and unsent messages when a shard is adopted, not at start.
    pub fences: Option<HeldShards>,
}

/// Counts for health, admin endpoints, tests and benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSnapshot {
    pub sessions: RegistryStats,
    pub timers_armed: usize,
    pub outbox_waiting: usize,
}

pub struct Node {
    registry: Arc<LocalRegistry>,
    supervisor: ActorRef<()>,
    timers: TimerService,
    outbox: OutboxHandle,
}

impl Node {
    /// Starts the actor system: reloads durable timers and pending outbound messages, then
    /// begins passivating idle sessions.
    pub async fn start(config: NodeConfig, deps: NodeDeps) -> Result<Self, StoreError> {
        let (timers, mut fired) = TimerService::start(deps.clock.clone());
        let outbox = OutboxDispatcher::start(
            deps.storage.clone(),
            deps.sender,
            deps.clock.clone(),
            &config,
            deps.fences.clone(),
        );
        let session_deps = Arc::new(SessionDeps {
            store: deps.storage.clone(),
            bots: BotCache::new(deps.storage.clone(), Duration::from_secs(2)),
            brain: deps.brain,
            observer: deps.observer,
            timers: timers.clone(),
            outbox: outbox.clone(),
            clock: deps.clock,
            config: config.clone(),
            assigner: Assigner::default(),
            fences: deps.fences.clone(),
            quota: SessionQuota::new(deps.storage.clone()),
        });
        let registry = LocalRegistry::new(session_deps);
        let (supervisor, _) = Actor::spawn(None, SessionSupervisor, registry.clone())
            .await
            .map_err(|error| {
                StoreError::Unavailable(format!("supervisor did not start: {error}"))
            })?;
        registry.set_supervisor(supervisor.get_cell());

        let node = Self {
            registry,
            supervisor,
            timers,
            outbox,
        };
        if deps.fences.is_none() {
            node.reload(Reload::Everything).await?;
        }

        let forward_registry = node.registry.clone();
        let forwarder = tokio::spawn(async move {
            while let Some(timer) = fired.recv().await {
                let key = timer.key.clone();
                let _ =
                    forward_registry.route_message(&key, SessionMsg::TimerFired(Box::new(timer)));
            }
        });
        let sweep_registry = node.registry.clone();
        let sweeper = tokio::spawn(async move {
            let mut tick = tokio::time::interval(config.passivation_sweep());
            loop {
                tick.tick().await;
                let passivated = sweep_registry.passivate_idle(config.passivate_after());
                if passivated > 0 {
                    metrics::counter!("botwot_sessions_passivated_total")
                        .increment(passivated as u64);
                }
            }
        });
        node.registry.watch("timer forwarder", forwarder);
        node.registry.watch("passivation sweeper", sweeper);
        Ok(node)
    }

    /// Finishes the commits a crash cut short, then arms the stored timers and queues the
    /// unsent messages, of the sessions `scope` covers.
    async fn reload(&self, scope: Reload) -> Result<(), StoreError> {
        let deps = self.registry.deps();
        let store = &deps.store;
        let access = |key: &SessionKey| {
            let fence = deps.fence_for(key).ok().filter(|_| scope.covers(key))?;
            Some(WriteAccess { fence })
        };
        let finished = store.finish_interrupted_commits(&access).await?;
        // Timers and unsent messages are read side by side: adoption waits for the database
        // once, not twice.
        let (stored_timers, stored_outbox) = match &scope {
            Reload::Everything => tokio::join!(
                store.all_timers(),
                store.pending_outbox(OUTBOX_RELOAD_LIMIT)
            ),
            Reload::Shards { numbers, .. } => tokio::join!(
                store.timers_of_shards(numbers),
                store.pending_outbox_of_shards(numbers, OUTBOX_RELOAD_LIMIT)
            ),
        };
        let (stored_timers, stored_outbox) = (stored_timers?, stored_outbox?);
        let (mut timer_count, mut answers_lost) = (0, 0);
        for timer in stored_timers
            .into_iter()
            .filter(|timer| scope.covers(&timer.key))
        {
            // A question waits for an answer: the call to the brain was lost with the node (or
            // process) that made it, so it is asked again now, not when the watchdog fires.
            if timer.kind == TimerKind::AnswerWatchdog {
                let _ = self
                    .registry
                    .route_message(&timer.key, SessionMsg::AnswersLost);
                answers_lost += 1;
            }
            self.timers.arm(timer);
            timer_count += 1;
        }
        let pending: Vec<_> = stored_outbox
            .into_iter()
            .filter(|entry| scope.covers(&entry.key))
            .collect();
        let pending_count = pending.len();
        self.outbox.submit(pending);
        info!(
            commits_finished = finished,
            timers = timer_count,
            answers_lost,
            outbox = pending_count,
            "session state reloaded"
        );
        Ok(())
    }

    /// In a cluster: the node now holds `shards`; arms their sessions' timers and queues their
    /// unsent messages, read by shard (what was written under the shards' fences).
    ///
    /// First no actor of those sessions may still run here: one left from when the node last
    /// held the shard (its commit outlasted the release's wait) or one an answer woke since.
    /// Recovery would otherwise finish that actor's commit from its journal while the actor
    /// writes it and sends its replies, and put them back as unsent. When they do not stop in
    /// time, the adoption fails and the shards are taken again later. Until recovery is done,
    /// messages for those sessions (a brain answer, the re-asks recovery itself sends) are held
    /// back, so no actor starts while it runs.
    pub async fn adopt_shards(&self, shards: &[ShardId]) -> Result<(), StoreError> {
        let Some(held) = self.registry.deps().fences.clone() else {
            return Ok(());
        };
        let adopted: HashSet<ShardId> = shards.iter().copied().collect();
        let of_adopted = {
            let held = held.clone();
            move |key: &SessionKey| adopted.contains(&held.shard_of(key))
        };
        let hold = self.registry.hold_back(Box::new(of_adopted.clone()));
        let adopted = self.recover_shards(shards, held, of_adopted).await;
        let outcome = match &adopted {
            Ok(()) => LetThrough::Route,
            Err(_) => LetThrough::Refuse(SessionError::Moved),
        };
        self.registry.let_through(hold, outcome);
        adopted
    }

    /// The part of [`Self::adopt_shards`] that runs while the shards' messages are held back.
    async fn recover_shards(
        &self,
        shards: &[ShardId],
        held: HeldShards,
        of_adopted: impl Fn(&SessionKey) -> bool,
    ) -> Result<(), StoreError> {
        if !self.registry.stop_sessions(of_adopted).await {
            return Err(StoreError::Unavailable(
                "sessions of these shards are still stopping on this node".to_owned(),
            ));
        }
        self.reload(Reload::Shards {
            numbers: shards.iter().map(|shard| shard.0).collect(),
            held,
        })
        .await
    }

    /// In a cluster: `shards` went to another node; stops their sessions' actors (waiting for
    /// them) and disarms their timers. Their unsent messages are dropped as the dispatcher
    /// reaches them. When their lease ended (rather than being handed over), the timers it
    /// disarms are counted as stale work refused.
    pub async fn release_shards(&self, shards: &[ShardId], why: Release) {
        let Some(held) = self.registry.deps().fences.clone() else {
            return;
        };
        let shards: HashSet<ShardId> = shards.iter().copied().collect();
        let leaving = {
            let (held, shards) = (held.clone(), shards.clone());
            move |key: &SessionKey| shards.contains(&held.shard_of(key))
        };
        self.registry.stop_sessions(&leaving).await;
        self.timers.forget_where(
            move |timer| shards.contains(&held.shard_of(&timer.key)),
            why == Release::LeaseEnded,
        );
    }

    /// In a cluster: the highest epoch the store has accepted for each shard (its fences).
    pub async fn accepted_epochs(&self) -> Result<BTreeMap<ShardId, u64>, StoreError> {
        let epochs = self.registry.deps().store.shard_epochs().await?;
        Ok(epochs
            .into_iter()
            .map(|(shard, epoch)| (ShardId(shard), epoch))
            .collect())
    }

    /// Live session actors (the cluster heartbeat's load figure).
    pub fn live_sessions(&self) -> usize {
        self.registry.stats().live
    }

    pub fn sessions(&self) -> Sessions {
        Sessions::new(self.registry.clone())
    }

    pub fn snapshot(&self) -> NodeSnapshot {
        NodeSnapshot {
            sessions: self.registry.stats(),
            timers_armed: self.timers.armed(),
            outbox_waiting: self.outbox.waiting(),
        }
    }

    /// Turns auto-assignment on: waiting conversations of bots whose handover policy asks for it
    /// go to the agents `directory` lists as available. Only the first directory set counts;
    /// returns whether this one did.
    pub fn set_agent_directory(&self, directory: Arc<dyn AgentDirectory>) -> bool {
        self.registry.deps().assigner.set_directory(directory)
    }

    /// Tells the timer service the clock jumped (manual clocks in tests).
    pub fn clock_moved(&self) {
        self.timers.clock_moved();
    }

    /// Passivates every idle session now, whatever its idle time (for tests and drains).
    pub fn passivate_idle_now(&self) -> usize {
        self.registry.passivate_idle(Duration::ZERO)
    }

    /// Stops taking work and stops every actor. Committed state is already durable.
    pub async fn shutdown(&self) {
        self.registry.stop_all();
        self.registry.abort_background();
        self.supervisor.stop(None);
    }
}

/// Whose stored timers and unsent messages a node picks up.
enum Reload {
    /// A single node: every session is its own.
    Everything,
    /// A cluster node: the sessions of the shards it adopted.
    Shards { numbers: Vec<u32>, held: HeldShards },
}

impl Reload {
    fn covers(&self, key: &SessionKey) -> bool {
        match self {
            Reload::Everything => true,
            Reload::Shards { numbers, held } => numbers.contains(&held.shard_of(key).0),
        }
    }
}
