//! The node's one timer service: every armed timer of every session in one ordered map, served by
//! one task. Durable timers are also in storage; the service is their in-memory schedule,
//! reloaded at start. A fired timer is handed on through a channel and forgotten here; the
//! session's commit removes its stored record, so a crash before that commit fires it again
//! (late rather than never) and a commit after it cannot fire it twice.

use crate::session_actor::stale_work_refused;
use botwot_engine::ids::TimerId;
use botwot_engine::time::{Clock, Timestamp};
use botwot_engine::timer::DurableTimer;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

enum Command {
    /// Arm (or move) a timer to fire at the given time.
    Arm(DurableTimer, Timestamp),
    Cancel(TimerId),
    /// Drop every armed timer the predicate picks (their sessions moved to another node); when
    /// `stale`, the node lost those sessions' shard and the timers it drops are counted as
    /// stale work refused.
    Forget {
        leaving: Box<dyn Fn(&DurableTimer) -> bool + Send>,
        stale: bool,
    },
    /// The clock jumped (a manual clock in tests): look at the schedule again.
    Wake,
}

/// Handle to the timer task; cheap to clone.
#[derive(Clone)]
pub struct TimerService {
    commands: mpsc::UnboundedSender<Command>,
    armed: Arc<AtomicUsize>,
    task: Arc<JoinHandle<()>>,
}

impl TimerService {
    /// Starts the timer task. Fired timers arrive on the returned receiver, in due order.
    pub fn start(clock: Arc<dyn Clock>) -> (Self, mpsc::UnboundedReceiver<DurableTimer>) {
        let (commands, receiver) = mpsc::unbounded_channel();
        let (fired_tx, fired_rx) = mpsc::unbounded_channel();
        let armed = Arc::new(AtomicUsize::new(0));
        let schedule = Schedule {
            clock,
            by_due: BTreeMap::new(),
            due_of: HashMap::new(),
            armed: armed.clone(),
        };
        let task = Arc::new(tokio::spawn(schedule.run(receiver, fired_tx)));
        (
            Self {
                commands,
                armed,
                task,
            },
            fired_rx,
        )
    }

    /// Arms `timer` at its due time, replacing an armed timer with the same id.
    pub fn arm(&self, timer: DurableTimer) {
        let due_at = timer.due_at;
        self.arm_at(timer, due_at);
    }

    /// Arms `timer` to fire at `at` (a retry after a failed attempt); the timer keeps its due time.
    pub fn arm_at(&self, timer: DurableTimer, at: Timestamp) {
        let _ = self.commands.send(Command::Arm(timer, at));
    }

    pub fn cancel(&self, id: TimerId) {
        let _ = self.commands.send(Command::Cancel(id));
    }

    /// Disarms every timer `leaving` picks, without touching storage: another node arms them.
    /// `stale` says the node lost their shard (its lease ended) rather than handed it over: the
    /// timers it disarms are then counted in `botwot_stale_work_refused_total{at="lost_lease"}`.
    pub fn forget_where(
        &self,
        leaving: impl Fn(&DurableTimer) -> bool + Send + 'static,
        stale: bool,
    ) {
        let _ = self.commands.send(Command::Forget {
            leaving: Box::new(leaving),
            stale,
        });
    }

    /// Makes the service look at its schedule again at once; for clocks that jump, such as a
    /// manual clock in tests (the wall clock needs no help).
    pub fn clock_moved(&self) {
        let _ = self.commands.send(Command::Wake);
    }

    /// Whether the timer task still runs (it stops only by panicking while the node lives).
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }

    /// Timers armed now.
    pub fn armed(&self) -> usize {
        self.armed.load(Ordering::Relaxed)
    }
}

struct Schedule {
    clock: Arc<dyn Clock>,
    by_due: BTreeMap<(Timestamp, TimerId), DurableTimer>,
    due_of: HashMap<TimerId, Timestamp>,
    armed: Arc<AtomicUsize>,
}

impl Schedule {
    async fn run(
        mut self,
        mut commands: mpsc::UnboundedReceiver<Command>,
        fired: mpsc::UnboundedSender<DurableTimer>,
    ) {
        loop {
            let wait = self.next_wait();
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => {
                        self.apply(command);
                        self.fire_due(&fired);
                    }
                    None => return,
                },
                () = sleep_or_forever(wait) => self.fire_due(&fired),
            }
        }
    }

    fn next_wait(&self) -> Option<Duration> {
        let (&(at, _), _) = self.by_due.first_key_value()?;
        Some(at.since(self.clock.now()))
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::Arm(timer, at) => {
                self.remove(&timer.id);
                self.due_of.insert(timer.id.clone(), at);
                self.by_due.insert((at, timer.id.clone()), timer);
            }
            Command::Cancel(id) => self.remove(&id),
            Command::Forget { leaving, stale } => {
                let before = self.by_due.len();
                self.by_due.retain(|_, timer| !leaving(timer));
                if stale {
                    stale_work_refused("lost_lease", (before - self.by_due.len()) as u64);
                }
                let by_due = &self.by_due;
                self.due_of
                    .retain(|id, at| by_due.contains_key(&(*at, id.clone())));
            }
            Command::Wake => {}
        }
        self.armed.store(self.due_of.len(), Ordering::Relaxed);
    }

    fn remove(&mut self, id: &TimerId) {
        if let Some(at) = self.due_of.remove(id) {
            self.by_due.remove(&(at, id.clone()));
        }
    }

    fn fire_due(&mut self, fired: &mpsc::UnboundedSender<DurableTimer>) {
        let now = self.clock.now();
        while let Some(entry) = self.by_due.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let timer = entry.remove();
            self.due_of.remove(&timer.id);
            metrics::histogram!("botwot_timer_lateness_seconds")
                .record(now.since(timer.due_at).as_secs_f64());
            if fired.send(timer).is_err() {
                return;
            }
        }
        self.armed.store(self.due_of.len(), Ordering::Relaxed);
    }
}

async fn sleep_or_forever(wait: Option<Duration>) {
    match wait {
        Some(wait) => tokio::time::sleep(wait).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::TokioClock;
    use botwot_engine::session::SessionKey;
    use botwot_engine::timer::TimerKind;
    use botwot_engine::{Channel, SessionId, TenantId};

    fn timer(session: &str, due: i64) -> DurableTimer {
        let key = SessionKey::new(TenantId::from("t"), Channel::Web, "b", session);
        DurableTimer::new(
            key,
            SessionId::from(session),
            TimerKind::AutoClose,
            Timestamp(due),
        )
    }

    fn start() -> (TimerService, mpsc::UnboundedReceiver<DurableTimer>) {
        TimerService::start(Arc::new(TokioClock::starting_at(Timestamp(0))))
    }

    #[tokio::test(start_paused = true)]
    async fn fires_in_due_order_and_only_when_due() {
        let (timers, mut fired) = start();
        timers.arm(timer("b", 2_000));
        timers.arm(timer("a", 1_000));
        timers.arm(timer("c", 3_000));
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_eq!(
            fired.recv().await.map(|t| t.session_id),
            Some(SessionId::from("a"))
        );
        assert!(fired.try_recv().is_err(), "b is not due yet");
        let rest: Vec<SessionId> = vec![
            fired.recv().await.expect("b").session_id,
            fired.recv().await.expect("c").session_id,
        ];
        assert_eq!(rest, [SessionId::from("b"), SessionId::from("c")]);
        assert_eq!(timers.armed(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn re_arming_moves_a_timer_instead_of_adding_one() {
        let (timers, mut fired) = start();
        timers.arm(timer("a", 1_000));
        timers.arm(timer("a", 5_000));
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(timers.armed(), 1);
        let first = fired.recv().await.expect("fires");
        assert_eq!(first.due_at, Timestamp(5_000));
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(fired.try_recv().is_err(), "fired once");
    }

    #[tokio::test(start_paused = true)]
    async fn forgotten_timers_never_fire_and_others_still_do() {
        let (service, mut fired) = start();
        service.arm(timer("leaving", 10));
        service.arm(timer("staying", 20));
        service.forget_where(|timer| timer.session_id.as_str() == "leaving", false);
        let first = fired.recv().await.expect("fires");
        assert_eq!(first.session_id.as_str(), "staying");
        assert_eq!(service.armed(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn cancelled_timers_never_fire() {
        let (timers, mut fired) = start();
        let doomed = timer("a", 1_000);
        timers.arm(doomed.clone());
        timers.arm(timer("b", 2_000));
        timers.cancel(doomed.id);
        assert_eq!(
            fired.recv().await.expect("b fires").session_id,
            SessionId::from("b")
        );
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(fired.try_recv().is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn overdue_timers_fire_at_once() {
        let clock = Arc::new(TokioClock::starting_at(Timestamp(10_000)));
        let (timers, mut fired) = TimerService::start(clock);
        timers.arm(timer("late", 1_000));
        let late = fired.recv().await.expect("fires");
        assert_eq!(late.due_at, Timestamp(1_000), "keeps its due time");
    }
}
