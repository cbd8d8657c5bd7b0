use super::*;
use botwot_engine::bot::{BotProfile, BotSettings};
use botwot_engine::session::{SessionKey, SessionRules};
use botwot_engine::{Channel, TenantId};

const WARN: TimerKind = TimerKind::InactivityWarning;
const CLOSE: TimerKind = TimerKind::AutoClose;

fn session() -> SessionState {
    let bot = BotProfile::create(TenantId::from("t"), BotSettings::named("A"), Timestamp(0));
    let key = SessionKey::new(TenantId::from("t"), Channel::Web, "b", "v");
    SessionState::new(
        key,
        bot.id.clone(),
        SessionRules::from_bot(&bot, Channel::Web),
        Timestamp(0),
    )
}

fn set(kind: TimerKind, due_at: i64) -> Effect {
    Effect::SetTimer {
        kind,
        due_at: Timestamp(due_at),
    }
}

fn cancel(kind: TimerKind) -> Effect {
    Effect::CancelTimer { kind }
}

/// What a plan writes: the records set (kind and due time) and the ids removed.
type Writes = (Vec<(TimerKind, Timestamp)>, Vec<TimerId>);

/// Plans `effects` at `now` and takes the plan as written; what it wrote and scheduled.
fn step(records: &mut TimerRecords, effects: &[Effect], now: i64) -> (Writes, Vec<Schedule>) {
    step_closing(records, effects, now, false)
}

/// [`step`] for a transition that leaves the session `closed` (or not).
fn step_closing(
    records: &mut TimerRecords,
    effects: &[Effect],
    now: i64,
    closed: bool,
) -> (Writes, Vec<Schedule>) {
    let session = session();
    let plan = records.plan(effects, Timestamp(now), closed);
    let (set, cancelled) = plan.writes(&session, None);
    let set = set.iter().map(|timer| (timer.kind, timer.due_at)).collect();
    let schedule = plan.schedule(&session);
    *records = plan.into_records();
    ((set, cancelled), schedule)
}

fn armed_at(schedule: &[Schedule]) -> Vec<(TimerKind, Timestamp)> {
    schedule
        .iter()
        .filter_map(|change| match change {
            Schedule::Arm(timer) => Some((timer.kind, timer.due_at)),
            Schedule::Cancel(_) => None,
        })
        .collect()
}

#[test]
fn a_timer_moved_later_is_written_only_once_its_record_is_due() {
    let mut records = TimerRecords::default();
    let (writes, schedule) = step(&mut records, &[set(CLOSE, 100)], 0);
    assert_eq!(
        writes.0,
        [(CLOSE, Timestamp(100))],
        "an unknown record is written"
    );
    assert_eq!(armed_at(&schedule), [(CLOSE, Timestamp(100))]);

    let (writes, schedule) = step(&mut records, &[set(CLOSE, 150)], 50);
    assert!(writes.0.is_empty(), "the record at 100 still stands for it");
    assert_eq!(
        armed_at(&schedule),
        [(CLOSE, Timestamp(150))],
        "scheduled at its own time"
    );

    let (writes, _) = step(&mut records, &[set(CLOSE, 200)], 100);
    assert_eq!(
        writes.0,
        [(CLOSE, Timestamp(200))],
        "a record no longer ahead of the clock is written again"
    );
}

#[test]
fn a_timer_moved_earlier_than_its_record_is_written() {
    let mut records = TimerRecords::default();
    step(&mut records, &[set(CLOSE, 100)], 0);
    let (writes, _) = step(&mut records, &[set(CLOSE, 80)], 10);
    assert_eq!(writes.0, [(CLOSE, Timestamp(80))]);
}

#[test]
fn a_cancelled_timer_keeps_a_record_ahead_of_the_clock_and_sweeps_it_then() {
    let mut records = TimerRecords::default();
    step(&mut records, &[set(WARN, 100)], 0);
    let (writes, schedule) = step(&mut records, &[cancel(WARN)], 10);
    assert!(
        writes.0.is_empty() && writes.1.is_empty(),
        "nothing written"
    );
    assert_eq!(
        armed_at(&schedule),
        [(WARN, Timestamp(100))],
        "the kept record is scheduled so that it is swept"
    );
    let (writes, schedule) = step(&mut records, &[set(WARN, 120)], 20);
    assert!(
        writes.0.is_empty(),
        "the kept record stands for the timer set again"
    );
    assert_eq!(armed_at(&schedule), [(WARN, Timestamp(120))]);
}

#[test]
fn closing_the_session_removes_its_records_at_once() {
    let mut records = TimerRecords::default();
    step(&mut records, &[set(WARN, 100), set(CLOSE, 200)], 0);
    let (writes, schedule) = step_closing(&mut records, &[cancel(WARN), cancel(CLOSE)], 10, true);
    assert_eq!(writes.1.len(), 2, "both records removed: {writes:?}");
    assert!(
        schedule
            .iter()
            .all(|change| matches!(change, Schedule::Cancel(_)))
    );
    let (writes, _) = step(&mut records, &[set(CLOSE, 300)], 20);
    assert_eq!(
        writes.0,
        [(CLOSE, Timestamp(300))],
        "reopened: the record is written anew"
    );
}

#[test]
fn a_cancelled_timer_whose_record_is_due_or_unknown_is_removed_once() {
    let mut records = TimerRecords::default();
    let (writes, schedule) = step(&mut records, &[cancel(WARN)], 10);
    assert_eq!(writes.1.len(), 1, "an unknown record is removed");
    assert!(matches!(schedule[..], [Schedule::Cancel(_)]));
    let (writes, schedule) = step(&mut records, &[cancel(WARN)], 20);
    assert!(
        writes.1.is_empty(),
        "a record known absent is not removed again"
    );
    assert!(matches!(schedule[..], [Schedule::Cancel(_)]));

    step(&mut records, &[set(WARN, 30)], 20);
    let (writes, _) = step(&mut records, &[cancel(WARN)], 30);
    assert_eq!(writes.1.len(), 1, "a record that is due is removed");

    let mut records = TimerRecords::default();
    step(&mut records, &[set(WARN, 30)], 0);
    records.removed(WARN);
    let (writes, _) = step(&mut records, &[cancel(WARN)], 10);
    assert!(writes.1.is_empty(), "a record swept away is known absent");
}

#[test]
fn only_the_last_change_of_a_kind_in_a_transition_counts() {
    let mut records = TimerRecords::default();
    let (writes, schedule) = step(&mut records, &[set(CLOSE, 100), cancel(CLOSE)], 0);
    assert!(writes.0.is_empty(), "{writes:?}");
    assert_eq!(writes.1.len(), 1, "the unknown record is removed");
    assert!(matches!(schedule[..], [Schedule::Cancel(_)]));

    let (writes, schedule) = step(
        &mut records,
        &[cancel(CLOSE), set(CLOSE, 100), set(WARN, 50)],
        0,
    );
    assert_eq!(writes.0, [(CLOSE, Timestamp(100)), (WARN, Timestamp(50))]);
    assert!(writes.1.is_empty());
    assert_eq!(
        armed_at(&schedule),
        [(CLOSE, Timestamp(100)), (WARN, Timestamp(50))]
    );
}

#[test]
fn written_records_carry_the_shard() {
    let records = TimerRecords::default();
    let plan = records.plan(&[set(CLOSE, 100)], Timestamp(0), false);
    let (set, _) = plan.writes(&session(), Some(7));
    assert_eq!(set[0].shard, Some(7));
}
