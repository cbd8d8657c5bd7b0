//! Which logged event runs next: one lane per session, at most one event of a lane in flight
//! (so a session sees its events in log order), at most `limit` lanes running at once, and the
//! lanes that wait for a slot taken in turn (a busy session goes to the back after each event,
//! so it cannot starve the others). Also tracks the lowest sequence not yet finished, which is
//! what the log may be checkpointed below. Pure bookkeeping: the drain loop does the running.

use crate::sessions::Envelope;
use botwot_engine::session::SessionKey;
use std::collections::{BTreeSet, HashMap, VecDeque};

/// A logged event waiting to be applied.
#[derive(Clone, Debug)]
pub(super) struct Logged {
    pub sequence: u64,
    pub envelope: Envelope,
}

/// The events of one session not finished yet; the first is in flight when `running`.
#[derive(Default)]
struct Lane {
    queue: VecDeque<Logged>,
    running: bool,
}

pub(super) struct Lanes {
    lanes: HashMap<SessionKey, Lane>,
    /// Lanes with events and no slot yet, in the order they became ready.
    ready: VecDeque<SessionKey>,
    running: usize,
    limit: usize,
    /// Sequences arrived and not finished.
    unfinished: BTreeSet<u64>,
    /// One past the highest sequence arrived.
    arrived_below: Option<u64>,
}

impl Lanes {
    /// At most `limit` (at least one) sessions with an event in flight.
    pub fn new(limit: usize) -> Self {
        Self {
            lanes: HashMap::new(),
            ready: VecDeque::new(),
            running: 0,
            limit: limit.max(1),
            unfinished: BTreeSet::new(),
            arrived_below: None,
        }
    }

    /// Takes an event in log order; returns it back when it can start now.
    pub fn arrive(&mut self, logged: Logged) -> Option<Logged> {
        self.unfinished.insert(logged.sequence);
        self.arrived_below = Some(logged.sequence + 1);
        let key = logged.envelope.key.clone();
        let lane = self.lanes.entry(key.clone()).or_default();
        lane.queue.push_back(logged);
        if lane.running || lane.queue.len() > 1 {
            return None;
        }
        if self.running < self.limit {
            self.start(&key)
        } else {
            self.ready.push_back(key);
            None
        }
    }

    /// The event in flight on `key`'s lane is finished (applied, refused or given up); returns
    /// the events that start in the slot it freed.
    pub fn finish(&mut self, key: &SessionKey, sequence: u64) -> Vec<Logged> {
        self.unfinished.remove(&sequence);
        if let Some(lane) = self.lanes.get_mut(key)
            && lane.running
        {
            lane.running = false;
            self.running -= 1;
            if lane.queue.is_empty() {
                self.lanes.remove(key);
            } else {
                self.ready.push_back(key.clone());
            }
        }
        let mut started = Vec::new();
        while self.running < self.limit {
            let Some(next) = self.ready.pop_front() else {
                break;
            };
            started.extend(self.start(&next));
        }
        started
    }

    /// Every sequence below this is finished (None before anything arrived).
    pub fn finished_below(&self) -> Option<u64> {
        self.unfinished.first().copied().or(self.arrived_below)
    }

    fn start(&mut self, key: &SessionKey) -> Option<Logged> {
        let lane = self.lanes.get_mut(key)?;
        let first = lane.queue.pop_front()?;
        lane.running = true;
        self.running += 1;
        Some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::{Lanes, Logged};
    use crate::sessions::Envelope;
    use botwot_engine::session::{SessionEvent, SessionKey};
    use botwot_engine::{BotId, Channel, TenantId};

    fn logged(sequence: u64, contact: &str) -> Logged {
        Logged {
            sequence,
            envelope: Envelope {
                key: SessionKey::new(TenantId::new("t_1"), Channel::WhatsApp, "phone_1", contact),
                bot_id: BotId::new("b_1"),
                event: SessionEvent::AgentRequested { announce: false },
            },
        }
    }

    fn sequences(started: &[Logged]) -> Vec<u64> {
        started.iter().map(|logged| logged.sequence).collect()
    }

    #[test]
    fn a_session_runs_one_event_at_a_time_in_log_order() {
        let mut lanes = Lanes::new(8);
        assert!(lanes.arrive(logged(1, "a")).is_some());
        assert!(lanes.arrive(logged(2, "a")).is_none());
        assert!(lanes.arrive(logged(3, "a")).is_none());
        let key = logged(1, "a").envelope.key;
        assert_eq!(sequences(&lanes.finish(&key, 1)), vec![2]);
        assert_eq!(sequences(&lanes.finish(&key, 2)), vec![3]);
        assert!(lanes.finish(&key, 3).is_empty());
        assert_eq!(lanes.finished_below(), Some(4));
    }

    #[test]
    fn different_sessions_run_side_by_side_up_to_the_limit() {
        let mut lanes = Lanes::new(2);
        assert!(lanes.arrive(logged(1, "a")).is_some());
        assert!(lanes.arrive(logged(2, "b")).is_some());
        assert!(lanes.arrive(logged(3, "c")).is_none(), "no third slot");
        assert!(lanes.arrive(logged(4, "d")).is_none());
        let a = logged(1, "a").envelope.key;
        assert_eq!(sequences(&lanes.finish(&a, 1)), vec![3], "c waited first");
    }

    #[test]
    fn a_busy_session_goes_to_the_back_after_each_event() {
        let mut lanes = Lanes::new(1);
        let a = logged(1, "a").envelope.key;
        let b = logged(3, "b").envelope.key;
        assert!(lanes.arrive(logged(1, "a")).is_some());
        assert!(lanes.arrive(logged(2, "a")).is_none());
        assert!(lanes.arrive(logged(3, "b")).is_none());
        assert_eq!(
            sequences(&lanes.finish(&a, 1)),
            vec![3],
            "b before a's second"
        );
        assert_eq!(sequences(&lanes.finish(&b, 3)), vec![2]);
    }

    #[test]
    fn the_checkpoint_stops_at_the_lowest_unfinished_event() {
        let mut lanes = Lanes::new(8);
        assert_eq!(lanes.finished_below(), None);
        lanes.arrive(logged(5, "a"));
        lanes.arrive(logged(6, "b"));
        lanes.arrive(logged(7, "c"));
        assert_eq!(lanes.finished_below(), Some(5));
        lanes.finish(&logged(6, "b").envelope.key, 6);
        assert_eq!(lanes.finished_below(), Some(5), "6 is done but 5 is not");
        lanes.finish(&logged(5, "a").envelope.key, 5);
        assert_eq!(lanes.finished_below(), Some(7));
        lanes.finish(&logged(7, "c").envelope.key, 7);
        assert_eq!(
            lanes.finished_below(),
            Some(8),
            "all done: below the next to come"
        );
    }
}
