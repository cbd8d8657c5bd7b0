//! Any order of events: every sequence of a small set of events up to five long, and thousands
//! of seeded pseudo-random journeys, are fed to recipients of several workflows (valid or not).
//! None may panic, and after every event the actions must make sense to a driver that carries
//! them out: timers and retries are only cancelled when running, never two steps armed at once,
//! messages numbered without gaps, nothing done once finished, and the limits kept.

use super::*;
use crate::time::Timestamp;
use StepTrigger::{Delivered, Failed, Read, Sent};

const HOUR: i64 = 60 * 60 * 1_000;
const OPENING: &str = "opening";

fn step(on: StepTrigger, wait_ms: u64, terminal: bool) -> WorkflowStep {
    WorkflowStep {
        name: format!("on {}", on.as_str()),
        on,
        wait_ms,
        template_id: format!("after_{}", on.as_str()),
        terminal,
    }
}

/// Workflows to drive: a step on every status, the abandoned cart, one follow-up only, and
/// two that validation refuses (no follow-ups, no steps) but that must not break `apply`.
fn workflows() -> Vec<CampaignWorkflow> {
    vec![
        CampaignWorkflow {
            max_follow_ups: 4,
            steps: StepTrigger::ALL
                .into_iter()
                .map(|on| step(on, 10, false))
                .collect(),
        },
        CampaignWorkflow {
            max_follow_ups: 3,
            steps: vec![step(Delivered, 24 * 10, false), step(Read, 10, true)],
        },
        CampaignWorkflow {
            max_follow_ups: 1,
            steps: vec![step(Sent, 0, false), step(Failed, 5, false)],
        },
        CampaignWorkflow {
            max_follow_ups: 0,
            steps: vec![step(Read, 0, false)],
        },
        CampaignWorkflow {
            max_follow_ups: 2,
            steps: Vec::new(),
        },
    ]
}

/// What a driver that carries out every action knows: the timers and the retry it has
/// running, the messages it sent, whether the recipient finished. Each apply is checked
/// against it.
#[derive(Clone, Default)]
struct Driver {
    armed: Option<(usize, Timestamp)>,
    retry: Option<Timestamp>,
    sends: u32,
    finished: bool,
}

impl Driver {
    /// Feeds `event` and checks the actions and the progress after it.
    fn feed(
        &mut self,
        progress: &mut RecipientProgress,
        workflow: &CampaignWorkflow,
        event: RecipientEvent,
    ) {
        let outcome_before = progress.outcome;
        let messages_before = progress.messages;
        // A timer or retry reported at or after its time is the driver's own firing: it is
        // gone from the driver whatever the recipient makes of it.
        let armed_timer_fired = matches!(event, RecipientEvent::TimerFired { step, at }
            if self.armed.is_some_and(|(armed, due)| armed == step && at >= due));
        if armed_timer_fired {
            self.armed = None;
        }
        let retry_fired = matches!(event, RecipientEvent::RetryDue { at }
            if self.retry.is_some_and(|due| at >= due));
        if retry_fired {
            self.retry = None;
        }
        let context = format!("{event:?} on {progress:?}");
        let actions = progress.apply(workflow, OPENING, event);
        if self.finished {
            assert!(
                actions.is_empty(),
                "finished, yet {actions:?} after {context}"
            );
            assert_eq!(progress.outcome, outcome_before, "{context}");
        }
        for (index, action) in actions.iter().enumerate() {
            self.carry_out(action, index + 1 == actions.len(), &context);
        }
        self.check(progress, workflow, &context);
        let counts = progress.messages;
        for (before, after) in [
            (messages_before.sent, counts.sent),
            (messages_before.delivered, counts.delivered),
            (messages_before.read, counts.read),
            (messages_before.failed, counts.failed),
        ] {
            assert!(after >= before, "counts only grow: {context}");
        }
    }

    fn carry_out(&mut self, action: &RecipientAction, is_last: bool, context: &str) {
        assert!(!self.finished, "{action:?} after finishing: {context}");
        match action {
            RecipientAction::Send { message, .. } => {
                self.sends += 1;
                assert_eq!(
                    *message, self.sends,
                    "messages numbered in order: {context}"
                );
                assert!(self.armed.is_none(), "a send with a step armed: {context}");
                assert!(
                    self.retry.is_none(),
                    "a send with a retry pending: {context}"
                );
            }
            RecipientAction::ArmTimer { step, due } => {
                assert!(self.armed.is_none(), "two steps armed: {context}");
                self.armed = Some((*step, *due));
            }
            RecipientAction::CancelTimer { step } => {
                assert_eq!(
                    self.armed.map(|(armed, _)| armed),
                    Some(*step),
                    "cancelled a timer not running: {context}"
                );
                self.armed = None;
            }
            RecipientAction::ScheduleRetry { due } => {
                assert!(self.retry.is_none(), "two retries: {context}");
                assert!(self.armed.is_none(), "a retry with a step armed: {context}");
                self.retry = Some(*due);
            }
            RecipientAction::CancelRetry => {
                assert!(self.retry.is_some(), "cancelled no retry: {context}");
                self.retry = None;
            }
            RecipientAction::Finish(_) => {
                assert!(is_last, "finish is the last action: {context}");
                assert!(
                    self.armed.is_none(),
                    "finished with a step armed: {context}"
                );
                assert!(self.retry.is_none(), "finished with a retry: {context}");
                self.finished = true;
            }
        }
    }

    fn check(&self, progress: &RecipientProgress, workflow: &CampaignWorkflow, context: &str) {
        assert_eq!(progress.is_finished(), self.finished, "{context}");
        assert_eq!(
            progress.armed.map(|armed| (armed.step, armed.due)),
            self.armed,
            "{context}"
        );
        assert_eq!(progress.retry_due, self.retry, "{context}");
        assert_eq!(progress.last_message, self.sends, "{context}");
        assert!(
            progress.follow_ups <= workflow.max_follow_ups,
            "too many follow-ups: {context}"
        );
        assert!(
            progress.refusals <= SEND_RETRY_LIMIT + 1,
            "too many tries: {context}"
        );
        assert!(
            progress.armed.is_none() || progress.retry_due.is_none(),
            "{context}"
        );
        let counts = progress.messages;
        assert!(
            counts.read <= counts.delivered && counts.delivered <= counts.sent,
            "{context}"
        );
        assert!(
            counts.sent <= self.sends && counts.failed <= self.sends,
            "more messages counted than sent: {context}"
        );
    }
}

/// A small set of events, each at a fixed time late enough for the timers they fire.
fn small_alphabet() -> Vec<RecipientEvent> {
    let at = |millis: i64| Timestamp(millis);
    vec![
        RecipientEvent::Start { at: at(0) },
        RecipientEvent::Status {
            message: 1,
            status: Sent,
            at: at(1),
        },
        RecipientEvent::Status {
            message: 1,
            status: Delivered,
            at: at(2),
        },
        RecipientEvent::Status {
            message: 1,
            status: Read,
            at: at(3),
        },
        RecipientEvent::Status {
            message: 2,
            status: Failed,
            at: at(4),
        },
        RecipientEvent::TimerFired {
            step: 0,
            at: at(HOUR),
        },
        RecipientEvent::TimerFired {
            step: 1,
            at: at(HOUR),
        },
        RecipientEvent::TimerFired {
            step: 3,
            at: at(HOUR),
        },
        RecipientEvent::SendFailed {
            message: 1,
            at: at(5),
            reason: "refused".into(),
        },
        RecipientEvent::SendFailed {
            message: 2,
            at: at(6),
            reason: "refused".into(),
        },
        RecipientEvent::RetryDue { at: at(13 * HOUR) },
        RecipientEvent::OptedOut { at: at(7) },
    ]
}

/// Feeds every sequence of `alphabet` up to `depth` events long, depth first, and returns how
/// many sequences it fed.
fn feed_every_sequence(
    driver: &Driver,
    progress: &RecipientProgress,
    workflow: &CampaignWorkflow,
    alphabet: &[RecipientEvent],
    depth: usize,
) -> usize {
    if depth == 0 {
        return 1;
    }
    let mut sequences = 0;
    for event in alphabet {
        let (mut driver, mut progress) = (driver.clone(), progress.clone());
        driver.feed(&mut progress, workflow, event.clone());
        sequences += feed_every_sequence(&driver, &progress, workflow, alphabet, depth - 1);
    }
    sequences
}

#[test]
fn every_order_of_a_small_set_of_events_keeps_the_rules() {
    let alphabet = small_alphabet();
    for workflow in workflows() {
        let fed = feed_every_sequence(
            &Driver::default(),
            &RecipientProgress::new(),
            &workflow,
            &alphabet,
            5,
        );
        assert_eq!(fed, alphabet.len().pow(5));
    }
}

/// A small xorshift generator, so a failing journey can be replayed from its seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let index = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items[index]
    }
}

/// An event a real driver might report next: mostly about the latest message, the armed step
/// or the scheduled retry at their time, sometimes stale, early, repeated or made up.
fn plausible_event(
    random: &mut Random,
    progress: &RecipientProgress,
    clock: &mut i64,
) -> RecipientEvent {
    *clock += i64::try_from(random.below(30 * HOUR as u64)).unwrap_or(0);
    if random.chance(10) {
        *clock -= HOUR;
    }
    let at = Timestamp(*clock);
    let about_latest = random.chance(80);
    let message = if about_latest {
        progress.last_message
    } else {
        u32::try_from(random.below(u64::from(progress.last_message) + 2)).unwrap_or(0)
    };
    // A channel that keeps refusing: the scheduled retry comes before anything else.
    if let Some(due) = progress.retry_due.filter(|_| random.chance(30)) {
        return RecipientEvent::RetryDue { at: due.max(at) };
    }
    match random.below(100) {
        0..=4 => RecipientEvent::Start { at },
        5..=49 => RecipientEvent::Status {
            message,
            status: random.pick(&StepTrigger::ALL),
            at,
        },
        50..=69 => match progress.armed {
            Some(armed) if about_latest => RecipientEvent::TimerFired {
                step: armed.step,
                at: armed.due.max(at),
            },
            _ => RecipientEvent::TimerFired {
                step: usize::try_from(random.below(5)).unwrap_or(0),
                at,
            },
        },
        70..=84 => RecipientEvent::SendFailed {
            message,
            at,
            reason: "refused".into(),
        },
        85..=96 => match progress.retry_due {
            Some(due) if about_latest => RecipientEvent::RetryDue { at: due.max(at) },
            _ => RecipientEvent::RetryDue { at },
        },
        _ => RecipientEvent::OptedOut { at },
    }
}

#[test]
fn thousands_of_pseudo_random_journeys_keep_the_rules() {
    let mut reached = std::collections::HashSet::new();
    for workflow in workflows() {
        for seed in 1..=600_u64 {
            let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let mut driver = Driver::default();
            let mut progress = RecipientProgress::new();
            let mut clock = 0;
            driver.feed(
                &mut progress,
                &workflow,
                RecipientEvent::Start { at: Timestamp(0) },
            );
            for _ in 0..60 {
                let event = plausible_event(&mut random, &progress, &mut clock);
                driver.feed(&mut progress, &workflow, event);
            }
            reached.insert(format!("{:?}", progress.outcome));
            if workflow.max_follow_ups > 0 && progress.follow_ups == workflow.max_follow_ups {
                reached.insert("every follow-up".into());
            }
            if progress.refusals > SEND_RETRY_LIMIT {
                reached.insert("every retry refused".into());
            }
        }
    }
    // The journeys must get far, or the rules above were checked on little.
    for place in [
        "Some(Completed)",
        "Some(Failed)",
        "Some(OptedOut)",
        "None",
        "every follow-up",
        "every retry refused",
    ] {
        assert!(reached.contains(place), "no journey reached {place}");
    }
}
