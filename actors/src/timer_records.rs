//! What a session actor knows of its stored timer records, and which of a transition's timer
//! changes must be written at all (ADR 0025).
//!
//! Every message moves a session's inactivity timers later, and the answer watchdog is set
//! with each question and cancelled with its answer: written as they happen, these moves were
//! most of the storage work of a message. So a stored record may stand for a timer that is due
//! *later* than the record: the rule kept is that for every timer the session has armed there is
//! a stored record due no later than it. A timer moved later is not written while its record
//! is still ahead of the clock; a cancelled timer's record is kept while it is ahead of the
//! clock, and the node's timer service fires it at its time to sweep it away. A record that
//! fires early (after a restart, or on the node that took the shard on) finds the session's
//! timer later and is written again at that time, or finds it gone and is removed: late
//! rather than never still holds, and the session's state, not the record, says when a timer
//! is due, so none fires twice.

use botwot_engine::ids::TimerId;
use botwot_engine::session::{Effect, SessionState};
use botwot_engine::time::Timestamp;
use botwot_engine::timer::{DurableTimer, TimerKind};

use crate::timers::TimerService;

/// What the actor knows of the stored record of one timer kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Record {
    /// Not known (the actor just started, or storage had to be reloaded).
    #[default]
    Unknown,
    /// No record is stored.
    Absent,
    /// A record due at this time is stored.
    StoredAt(Timestamp),
}

/// The stored timer records of one session, as far as its actor knows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TimerRecords {
    records: [Record; TimerKind::ALL.len()],
}

/// How one timer kind ends up after a transition, in storage and in the node's schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Stored and scheduled at this time.
    Armed { due_at: Timestamp, write: bool },
    /// Cancelled; its record, due at `sweep_at`, is kept and swept when it fires.
    Swept { sweep_at: Timestamp },
    /// Cancelled; the record is removed when `write`, and the schedule forgets the timer.
    Cancelled { write: bool },
}

/// The timer side of one transition: what to write, and what to schedule once it is written.
#[derive(Debug)]
pub(crate) struct TimerPlan {
    outcomes: Vec<(TimerKind, Outcome)>,
    records: TimerRecords,
}

/// One change to the node's schedule, made once the commit is durable.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Schedule {
    Arm(DurableTimer),
    Cancel(TimerId),
}

fn slot(kind: TimerKind) -> usize {
    TimerKind::ALL
        .iter()
        .position(|candidate| *candidate == kind)
        .expect("every kind is listed in TimerKind::ALL")
}

impl TimerRecords {
    /// Plans the timer changes of `effects`, made at `now`. They are written in one commit, so
    /// only the last change of each kind counts. A session that is `closed` after them keeps no
    /// record of a cancelled timer: its records are removed at once, so that nothing stored
    /// outlives the conversation and a record removed with its data (erasure of a closed
    /// conversation) is known absent here.
    pub(crate) fn plan(&self, effects: &[Effect], now: Timestamp, closed: bool) -> TimerPlan {
        let mut last: Vec<(TimerKind, Option<Timestamp>)> = Vec::new();
        for effect in effects {
            let (kind, due_at) = match *effect {
                Effect::SetTimer { kind, due_at } => (kind, Some(due_at)),
                Effect::CancelTimer { kind } => (kind, None),
                _ => continue,
            };
            match last.iter_mut().find(|(planned, _)| *planned == kind) {
                Some(planned) => planned.1 = due_at,
                None => last.push((kind, due_at)),
            }
        }
        let mut records = self.clone();
        let outcomes = last
            .into_iter()
            .map(|(kind, due_at)| {
                let outcome = match due_at {
                    Some(due_at) => records.set(kind, due_at, now),
                    None => records.cancel(kind, now, closed),
                };
                (kind, outcome)
            })
            .collect();
        TimerPlan { outcomes, records }
    }

    fn set(&mut self, kind: TimerKind, due_at: Timestamp, now: Timestamp) -> Outcome {
        let record = &mut self.records[slot(kind)];
        let covered =
            matches!(*record, Record::StoredAt(stored) if now < stored && stored <= due_at);
        if !covered {
            *record = Record::StoredAt(due_at);
        }
        Outcome::Armed {
            due_at,
            write: !covered,
        }
    }

    fn cancel(&mut self, kind: TimerKind, now: Timestamp, closed: bool) -> Outcome {
        let record = &mut self.records[slot(kind)];
        match *record {
            Record::StoredAt(stored) if now < stored && !closed => {
                Outcome::Swept { sweep_at: stored }
            }
            Record::Absent => Outcome::Cancelled { write: false },
            Record::Unknown | Record::StoredAt(_) => {
                *record = Record::Absent;
                Outcome::Cancelled { write: true }
            }
        }
    }

    /// A stored record was removed, or found missing.
    pub(crate) fn removed(&mut self, kind: TimerKind) {
        self.records[slot(kind)] = Record::Absent;
    }
}

impl TimerPlan {
    /// The records to write for `session`, each carrying `shard`.
    pub(crate) fn writes(
        &self,
        session: &SessionState,
        shard: Option<u32>,
    ) -> (Vec<DurableTimer>, Vec<TimerId>) {
        let mut set = Vec::new();
        let mut cancelled = Vec::new();
        for (kind, outcome) in &self.outcomes {
            match *outcome {
                Outcome::Armed {
                    due_at,
                    write: true,
                } => set.push(DurableTimer {
                    shard,
                    ..DurableTimer::new(session.key.clone(), session.id.clone(), *kind, due_at)
                }),
                Outcome::Cancelled { write: true } => {
                    cancelled.push(DurableTimer::id_for(&session.id, *kind));
                }
                _ => {}
            }
        }
        (set, cancelled)
    }

    /// The changes to the node's schedule once the writes are durable.
    pub(crate) fn schedule(&self, session: &SessionState) -> Vec<Schedule> {
        let timer =
            |kind, due_at| DurableTimer::new(session.key.clone(), session.id.clone(), kind, due_at);
        self.outcomes
            .iter()
            .map(|(kind, outcome)| match *outcome {
                Outcome::Armed { due_at, .. } => Schedule::Arm(timer(*kind, due_at)),
                Outcome::Swept { sweep_at } => Schedule::Arm(timer(*kind, sweep_at)),
                Outcome::Cancelled { .. } => {
                    Schedule::Cancel(DurableTimer::id_for(&session.id, *kind))
                }
            })
            .collect()
    }

    /// Makes the changes to `timers` once the writes are durable.
    pub(crate) fn schedule_on(&self, session: &SessionState, timers: &TimerService) {
        for change in self.schedule(session) {
            match change {
                Schedule::Arm(timer) => timers.arm(timer),
                Schedule::Cancel(id) => timers.cancel(id),
            }
        }
    }

    /// What the actor knows of its records once the writes are durable.
    pub(crate) fn into_records(self) -> TimerRecords {
        self.records
    }
}

#[cfg(test)]
#[path = "timer_records_tests.rs"]
mod tests;
