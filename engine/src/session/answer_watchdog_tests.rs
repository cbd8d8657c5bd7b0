//! The answer watchdog: a question is remembered with a durable timer until its answer is
//! stored; the timer asks again when the answer never came, a few times at most, and nothing is
//! asked again once the bot no longer answers.

use super::answer_watchdog::{ANSWER_WATCHDOG, MAX_ASKS};
use super::tests::{appended, fresh, inbound, run, timer_set};
use super::*;
use crate::message::Author;
use crate::time::Timestamp;
use crate::timer::TimerKind;

fn asked(transition: &Transition) -> Vec<(u64, String)> {
    transition
        .effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::AskBrain {
                in_reply_to,
                question,
            } => Some((*in_reply_to, question.clone())),
            _ => None,
        })
        .collect()
}

fn watchdog_fired(state: &SessionState, at: i64) -> Transition {
    let due_at = state.armed(TimerKind::AnswerWatchdog).expect("armed");
    run(
        state,
        SessionEvent::TimerFired {
            kind: TimerKind::AnswerWatchdog,
            due_at,
        },
        at,
    )
}

fn reply(in_reply_to: u64) -> SessionEvent {
    SessionEvent::BotReplied {
        in_reply_to,
        text: "Refunds take five days.".into(),
        wants_human: false,
    }
}

fn watchdog_ms() -> i64 {
    i64::try_from(ANSWER_WATCHDOG.as_millis()).expect("fits")
}

#[test]
fn a_question_arms_the_watchdog_and_its_answer_cancels_it() {
    let asked_once = run(&fresh(), inbound("How long do refunds take?", "m1"), 1_000);
    let question = asked(&asked_once);
    assert_eq!(question, [(1, "How long do refunds take?".to_owned())]);
    assert_eq!(
        timer_set(&asked_once, TimerKind::AnswerWatchdog),
        Some(Timestamp(1_000 + watchdog_ms()))
    );
    let answered = run(&asked_once.state, reply(1), 2_000);
    assert!(answered.state.pending_answers.is_empty());
    assert_eq!(answered.state.answer_due_at, None);
    assert!(answered.effects.contains(&Effect::CancelTimer {
        kind: TimerKind::AnswerWatchdog
    }));
}

#[test]
fn an_unanswered_question_is_asked_again_a_few_times_then_given_up() {
    let mut state = run(&fresh(), inbound("Do you ship to Oslo?", "m1"), 0).state;
    for attempt in 2..=MAX_ASKS {
        let fired = watchdog_fired(&state, 100_000 * i64::from(attempt));
        assert_eq!(
            asked(&fired),
            [(1, "Do you ship to Oslo?".to_owned())],
            "ask {attempt}"
        );
        state = fired.state;
    }
    let given_up = watchdog_fired(&state, 1_000_000);
    assert!(asked(&given_up).is_empty());
    assert!(given_up.state.pending_answers.is_empty());
    assert_eq!(given_up.state.answer_due_at, None);
}

#[test]
fn each_question_waits_for_its_own_answer_and_only_overdue_ones_are_asked_again() {
    let first = run(&fresh(), inbound("First?", "m1"), 0);
    let second = run(&first.state, inbound("Second?", "m2"), 30_000);
    assert_eq!(second.state.pending_answers.len(), 2);
    // The second answer does not settle the first question (its call died with the node).
    let later_answered = run(&second.state, reply(2), 31_000);
    let pending: Vec<u64> = later_answered
        .state
        .pending_answers
        .iter()
        .map(|p| p.in_reply_to)
        .collect();
    assert_eq!(pending, [1]);
    let fired = watchdog_fired(&later_answered.state, watchdog_ms());
    assert_eq!(asked(&fired), [(1, "First?".to_owned())]);

    // With both still pending, only the question asked a full period ago is asked again.
    let both = watchdog_fired(&second.state, watchdog_ms());
    assert_eq!(asked(&both), [(1, "First?".to_owned())]);
    assert_eq!(
        both.state.answer_due_at,
        Some(Timestamp(30_000 + watchdog_ms())),
        "the watchdog comes back for the second question"
    );
}

#[test]
fn nothing_is_asked_again_once_a_person_answers_or_the_session_closed() {
    let question = run(&fresh(), inbound("Refund?", "m1"), 0).state;
    let taken = run(
        &question,
        SessionEvent::AgentTookOver {
            agent_id: "usr_ann".into(),
        },
        10,
    );
    assert!(taken.state.pending_answers.is_empty());
    assert!(taken.effects.contains(&Effect::CancelTimer {
        kind: TimerKind::AnswerWatchdog
    }));
    // A watchdog that fires anyway (its cancellation raced the firing) is stale.
    let stale = run(
        &taken.state,
        SessionEvent::TimerFired {
            kind: TimerKind::AnswerWatchdog,
            due_at: Timestamp(watchdog_ms()),
        },
        watchdog_ms(),
    );
    assert!(asked(&stale).is_empty());
    assert!(appended(&stale).iter().all(|m| m.author != Author::Bot));
}

#[test]
fn a_node_that_takes_the_session_on_asks_every_pending_question_again_at_once() {
    let first = run(&fresh(), inbound("First?", "m1"), 0);
    let second = run(&first.state, inbound("Second?", "m2"), 1_000);
    let resumed = run(&second.state, SessionEvent::AnswersLost, 2_000);
    assert_eq!(
        asked(&resumed),
        [(1, "First?".to_owned()), (2, "Second?".to_owned())]
    );
    assert!(
        resumed
            .state
            .pending_answers
            .iter()
            .all(|pending| pending.attempts == 1 && pending.asked_at == Timestamp(2_000)),
        "a lost ask is made again, not counted"
    );
    // However often the node is restarted, the question is asked again.
    let mut again = resumed.state.clone();
    for restart in 0..5 {
        let asked_again = run(&again, SessionEvent::AnswersLost, 3_000 + restart);
        assert_eq!(asked(&asked_again).len(), 2, "restart {restart}");
        again = asked_again.state;
    }
    assert_eq!(
        resumed.state.answer_due_at,
        Some(Timestamp(2_000 + watchdog_ms()))
    );

    // Nothing pending, nothing asked and nothing written.
    let answered = run(&second.state, reply(1), 3_000);
    let answered = run(&answered.state, reply(2), 3_000);
    let quiet = run(&answered.state, SessionEvent::AnswersLost, 4_000);
    assert!(quiet.effects.is_empty());
    assert_eq!(quiet.state, answered.state);
}

#[test]
fn a_session_that_owes_an_answer_is_neither_warned_nor_closed_until_it_is_answered() {
    let asked = run(&fresh(), inbound("Do you ship to Oslo?", "m1"), 0).state;
    let close_due = asked.armed(TimerKind::AutoClose).expect("auto-close armed");
    let warn_due = asked.armed(TimerKind::InactivityWarning);
    if let Some(warn_due) = warn_due {
        let warned = run(
            &asked,
            SessionEvent::TimerFired {
                kind: TimerKind::InactivityWarning,
                due_at: warn_due,
            },
            warn_due.0,
        );
        assert!(
            appended(&warned).is_empty(),
            "no warning while an answer is owed"
        );
    }
    let fired = run(
        &asked,
        SessionEvent::TimerFired {
            kind: TimerKind::AutoClose,
            due_at: close_due,
        },
        close_due.0,
    );
    assert!(
        !fired.state.is_closed(),
        "not closed while an answer is owed"
    );
    assert!(appended(&fired).is_empty());
    let postponed = fired
        .state
        .armed(TimerKind::AutoClose)
        .expect("armed again");
    assert!(postponed > close_due);
    assert_eq!(fired.state.last_activity_at, asked.last_activity_at);

    // Answered, and quiet again: now it closes.
    let answered = run(&fired.state, reply(1), close_due.0 + 1);
    let closed = run(
        &answered.state,
        SessionEvent::TimerFired {
            kind: TimerKind::AutoClose,
            due_at: postponed,
        },
        postponed.0,
    );
    assert!(closed.state.is_closed());
}
