//! The local registry: which session actor owns which key on this node.
//!
//! Every message for a session passes through [`LocalRegistry::route`]. An entry is either a
//! running actor (with a count of messages handed to it and not yet handled) or a key in
//! transition (its actor starting or passivating) holding messages for the next incarnation.
//! Passivation only picks actors with nothing pending, and routing and passivation both happen
//! under the registry lock, so no message is ever sent to an actor that is stopping. While a
//! cluster node adopts shards, messages for their sessions are held back until the adoption's
//! recovery is done (see `held_back`).

use crate::held_back::{Covers, HeldBack};
use crate::session_actor::SessionDeps;
use crate::session_actor::{SessionActor, SessionArgs, SessionMsg, stale_work_refused};
use crate::sessions::SessionError;
use botwot_cluster::{RegistryStats, RouteError, SessionRegistry};
use botwot_engine::SessionKey;
use parking_lot::Mutex;
use ractor::{Actor, ActorCell, ActorId, ActorRef};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::warn;

/// How long releasing a shard waits for its actors to stop.
const STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

enum Entry {
    Running {
        actor: ActorRef<SessionMsg>,
        pending: Arc<AtomicUsize>,
        last_used: Instant,
    },
    Starting {
        held: Vec<SessionMsg>,
    },
    Passivating {
        actor: ActorId,
        held: Vec<SessionMsg>,
    },
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<SessionKey, Entry>,
    key_of: HashMap<ActorId, SessionKey>,
    stopped: bool,
    /// Adoptions under way, each keeping the messages of its sessions.
    held_back: Vec<HeldBack>,
    next_hold: u64,
}

/// What becomes of the messages an adoption held back once it ends.
pub(crate) enum LetThrough {
    /// The adoption succeeded: route them, in the order they came.
    Route,
    /// The adoption failed and the shards go back: refuse them.
    Refuse(SessionError),
}

pub(crate) struct LocalRegistry {
    entries: Mutex<Entries>,
    /// The node's own tasks beside the timer service and the outbox dispatcher.
    background: Mutex<Vec<(&'static str, JoinHandle<()>)>>,
    in_flight: AtomicUsize,
    max_in_flight: usize,
    deps: Arc<SessionDeps>,
    supervisor: OnceLock<ActorCell>,
}

impl LocalRegistry {
    pub(crate) fn new(deps: Arc<SessionDeps>) -> Arc<Self> {
        Arc::new(Self {
            entries: Mutex::new(Entries::default()),
            background: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: deps.config.max_in_flight,
            deps,
            supervisor: OnceLock::new(),
        })
    }

    pub(crate) fn deps(&self) -> &Arc<SessionDeps> {
        &self.deps
    }

    pub(crate) fn set_supervisor(&self, supervisor: ActorCell) {
        let _ = self.supervisor.set(supervisor);
    }

    /// Keeps a background task of the node, to report it if it stops.
    pub(crate) fn watch(&self, name: &'static str, task: JoinHandle<()>) {
        self.background.lock().push((name, task));
    }

    /// The node's background tasks that are no longer running; they stop only by panicking, so
    /// any of them here means the node cannot keep its promises (timers, deliveries).
    pub(crate) fn stopped_tasks(&self) -> Vec<&'static str> {
        let mut stopped: Vec<&'static str> = self
            .background
            .lock()
            .iter()
            .filter(|(_, task)| task.is_finished())
            .map(|(name, _)| *name)
            .collect();
        if !self.deps.timers.is_running() {
            stopped.push("timer service");
        }
        if !self.deps.outbox.is_running() {
            stopped.push("outbox dispatcher");
        }
        stopped
    }

    /// Stops the watched background tasks.
    pub(crate) fn abort_background(&self) {
        for (_, task) in self.background.lock().iter() {
            task.abort();
        }
    }

    /// Routes a message; when the node is past its in-flight bound only internal messages
    /// (timers, brain answers) are still taken.
    pub(crate) fn route_message(
        self: &Arc<Self>,
        key: &SessionKey,
        message: SessionMsg,
    ) -> Result<(), RouteError> {
        if let Err(error) = self.deps.fence_for_work(key) {
            // Not this node's session (its shard moved): the sender learns it, internal
            // messages (timers, brain answers) are left to the shard's owner.
            message.fail(error);
            return Ok(());
        }
        let in_flight = self.in_flight.load(Ordering::Relaxed);
        if in_flight >= self.max_in_flight && message.is_external() {
            return Err(RouteError::Overloaded { in_flight });
        }
        let mut entries = self.entries.lock();
        if entries.stopped {
            return Err(RouteError::Stopped);
        }
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        if let Some(hold) = entries.held_back.iter_mut().find(|hold| hold.covers(key)) {
            hold.keep(key, message);
            return Ok(());
        }
        self.deliver(&mut entries, key, message);
        Ok(())
    }

    /// Hands a routed (and counted) message to its session's actor, starting one if needed.
    fn deliver(self: &Arc<Self>, entries: &mut Entries, key: &SessionKey, message: SessionMsg) {
        match entries.by_key.get_mut(key) {
            Some(Entry::Running {
                actor,
                pending,
                last_used,
            }) => {
                pending.fetch_add(1, Ordering::AcqRel);
                *last_used = Instant::now();
                if let Err(error) = actor.send_message(message) {
                    // The actor died between its last message and this one; its exit event
                    // will find the key already restarting.
                    pending.fetch_sub(1, Ordering::AcqRel);
                    let held = self.returned(error).into_iter().collect();
                    entries.by_key.insert(key.clone(), Entry::Starting { held });
                    self.start(key.clone());
                }
            }
            Some(Entry::Starting { held } | Entry::Passivating { held, .. }) => held.push(message),
            None => {
                entries.by_key.insert(
                    key.clone(),
                    Entry::Starting {
                        held: vec![message],
                    },
                );
                self.start(key.clone());
            }
        }
    }

    /// Holds back every message for the sessions `covers` picks, from now until
    /// [`Self::let_through`] with the returned id.
    pub(crate) fn hold_back(&self, covers: Covers) -> u64 {
        let mut entries = self.entries.lock();
        let id = entries.next_hold;
        entries.next_hold += 1;
        entries.held_back.push(HeldBack::new(id, covers));
        id
    }

    /// Ends the hold `id`: its messages are routed in the order they came, or refused.
    pub(crate) fn let_through(self: &Arc<Self>, id: u64, outcome: LetThrough) {
        let mut entries = self.entries.lock();
        let Some(at) = entries.held_back.iter().position(|hold| hold.id() == id) else {
            return;
        };
        let messages = entries.held_back.remove(at).into_messages();
        for (key, message) in messages {
            match &outcome {
                LetThrough::Route if !entries.stopped => self.deliver(&mut entries, &key, message),
                LetThrough::Route => {
                    self.in_flight.fetch_sub(1, Ordering::Relaxed);
                    message.fail(SessionError::Stopped);
                }
                LetThrough::Refuse(error) => {
                    self.in_flight.fetch_sub(1, Ordering::Relaxed);
                    stale_work_refused("node", 1);
                    message.fail(error.clone());
                }
            }
        }
    }

    /// One routed message was handled (or dropped by its actor).
    pub(crate) fn handled(&self, pending: &AtomicUsize) {
        pending.fetch_sub(1, Ordering::AcqRel);
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    fn start(self: &Arc<Self>, key: SessionKey) {
        let registry = self.clone();
        tokio::spawn(async move {
            let pending = Arc::new(AtomicUsize::new(0));
            let args = SessionArgs {
                key: key.clone(),
                registry: registry.clone(),
                pending: pending.clone(),
            };
            let Some(supervisor) = registry.supervisor.get().cloned() else {
                registry.start_failed(&key, SessionError::Stopped);
                return;
            };
            match Actor::spawn_linked(None, SessionActor, args, supervisor).await {
                Ok((actor, _)) => registry.started(&key, actor, pending),
                Err(error) => {
                    warn!(session_key = %key, error = %error, "session actor failed to start");
                    registry.start_failed(&key, SessionError::Storage(error.to_string()));
                }
            }
        });
    }

    fn started(&self, key: &SessionKey, actor: ActorRef<SessionMsg>, pending: Arc<AtomicUsize>) {
        let mut entries = self.entries.lock();
        let held = match entries.by_key.remove(key) {
            Some(Entry::Starting { held }) => held,
            _ => Vec::new(),
        };
        entries.key_of.insert(actor.get_id(), key.clone());
        for message in held {
            pending.fetch_add(1, Ordering::AcqRel);
            if let Err(error) = actor.send_message(message) {
                pending.fetch_sub(1, Ordering::AcqRel);
                if let Some(message) = self.returned(error) {
                    self.in_flight.fetch_sub(1, Ordering::Relaxed);
                    message.fail(SessionError::ActorFailed);
                }
            }
        }
        entries.by_key.insert(
            key.clone(),
            Entry::Running {
                actor,
                pending,
                last_used: Instant::now(),
            },
        );
    }

    fn start_failed(&self, key: &SessionKey, error: SessionError) {
        let held = match self.entries.lock().by_key.remove(key) {
            Some(Entry::Starting { held }) => held,
            _ => Vec::new(),
        };
        for message in held {
            self.in_flight.fetch_sub(1, Ordering::Relaxed);
            message.fail(error.clone());
        }
    }

    /// Stops every running actor that has been idle for `idle_for` with nothing pending.
    pub(crate) fn passivate_idle(&self, idle_for: std::time::Duration) -> usize {
        let mut entries = self.entries.lock();
        let mut passivated = 0;
        for entry in entries.by_key.values_mut() {
            let Entry::Running {
                actor,
                pending,
                last_used,
            } = entry
            else {
                continue;
            };
            if pending.load(Ordering::Acquire) != 0 || last_used.elapsed() < idle_for {
                continue;
            }
            actor.stop(Some("passivated".to_owned()));
            *entry = Entry::Passivating {
                actor: actor.get_id(),
                held: Vec::new(),
            };
            passivated += 1;
        }
        passivated
    }

    /// An actor stopped (passivated) or failed: start the next incarnation if messages wait.
    pub(crate) fn actor_exited(self: &Arc<Self>, id: ActorId) {
        let mut entries = self.entries.lock();
        let Some(key) = entries.key_of.remove(&id) else {
            return;
        };
        match entries.by_key.remove(&key) {
            Some(Entry::Passivating { actor, held }) if actor == id && !held.is_empty() => {
                entries.by_key.insert(key.clone(), Entry::Starting { held });
                self.start(key);
            }
            Some(Entry::Passivating { actor, .. }) if actor == id => {}
            Some(Entry::Running { actor, pending, .. }) if actor.get_id() == id => {
                // A failed actor: what was in its mailbox is gone (the callers see the failure
                // and their providers redeliver); the next message starts a fresh incarnation.
                let lost = pending.swap(0, Ordering::AcqRel);
                self.in_flight.fetch_sub(lost, Ordering::Relaxed);
            }
            Some(other) => {
                entries.by_key.insert(key, other);
            }
            None => {}
        }
    }

    /// The message a failed send gave back; when the send lost it, it no longer counts as in
    /// flight (its caller sees the failure through its dropped reply channel).
    fn returned(&self, error: ractor::MessagingErr<SessionMsg>) -> Option<SessionMsg> {
        match error {
            ractor::MessagingErr::SendErr(message) => Some(message),
            _ => {
                self.in_flight.fetch_sub(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Stops the actors of the sessions `leaving` picks (their shard is handed to another node)
    /// and waits until they are gone, so no commit of theirs is still on its way when the shard's
    /// lease is released. Messages held for them fail with [`SessionError::Moved`]. Returns
    /// whether they are gone; after [`STOP_WAIT`] it gives up waiting (a commit can outlast it
    /// on a slow database) and says which.
    pub(crate) async fn stop_sessions(&self, leaving: impl Fn(&SessionKey) -> bool) -> bool {
        let deadline = Instant::now() + STOP_WAIT;
        loop {
            let remaining = self.stop_entries(&leaving);
            if remaining == 0 {
                return true;
            }
            if Instant::now() >= deadline {
                warn!(sessions = remaining, "session actors still stopping");
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// One pass of [`Self::stop_sessions`]: stops the running actors `leaving` picks, fails the
    /// messages held for them, and returns how many of their entries remain.
    fn stop_entries(&self, leaving: &impl Fn(&SessionKey) -> bool) -> usize {
        let mut entries = self.entries.lock();
        let mut remaining = 0;
        for (key, entry) in entries.by_key.iter_mut() {
            if !leaving(key) {
                continue;
            }
            remaining += 1;
            match entry {
                Entry::Running { actor, .. } => {
                    // Drained, not stopped: what is in its mailbox is handled first (and refused,
                    // the shard's fence being gone), so every caller hears back.
                    if actor.drain().is_err() {
                        actor.stop(Some("shard released".to_owned()));
                    }
                    *entry = Entry::Passivating {
                        actor: actor.get_id(),
                        held: Vec::new(),
                    };
                }
                Entry::Starting { held } | Entry::Passivating { held, .. } => {
                    for message in held.drain(..) {
                        self.in_flight.fetch_sub(1, Ordering::Relaxed);
                        stale_work_refused("node", 1);
                        message.fail(SessionError::Moved);
                    }
                }
            }
        }
        remaining
    }

    /// Refuses new messages and stops every actor.
    pub(crate) fn stop_all(&self) {
        let mut entries = self.entries.lock();
        entries.stopped = true;
        for entry in entries.by_key.values() {
            if let Entry::Running { actor, .. } = entry {
                actor.stop(Some("node stopping".to_owned()));
            }
        }
    }
}

impl SessionRegistry<SessionMsg> for Arc<LocalRegistry> {
    fn route(&self, key: &SessionKey, message: SessionMsg) -> Result<(), RouteError> {
        self.route_message(key, message)
    }

    fn stats(&self) -> RegistryStats {
        let entries = self.entries.lock();
        let live = entries
            .by_key
            .values()
            .filter(|entry| matches!(entry, Entry::Running { .. }))
            .count();
        RegistryStats {
            live,
            transitioning: entries.by_key.len() - live,
            in_flight: self.in_flight.load(Ordering::Relaxed),
        }
    }
}
