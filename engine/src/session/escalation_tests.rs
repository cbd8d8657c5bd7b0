//! Escalation: keywords and low confidence send a conversation to the waiting queue, the
//! hand-off message is said once, the SLA timer is armed, cancelled and fired once, and
//! auto-assignment takes only a conversation that still waits.

use super::tests::{MINUTE, appended, fresh, inbound, run, timer_set};
use super::*;
use crate::message::Author;
use crate::time::Timestamp;
use crate::timer::TimerKind;

fn asks_brain(transition: &Transition) -> bool {
    transition
        .effects
        .iter()
        .any(|effect| matches!(effect, Effect::AskBrain { .. }))
}

fn cancels(transition: &Transition, kind: TimerKind) -> bool {
    transition.effects.contains(&Effect::CancelTimer { kind })
}

fn bot_texts(transition: &Transition) -> Vec<String> {
    appended(transition)
        .into_iter()
        .filter(|message| message.author == Author::Bot)
        .map(|message| message.body.plain_text().to_owned())
        .collect()
}

fn waiting_since(at: i64) -> Responder {
    Responder::WaitingForAgent {
        since: Timestamp(at),
    }
}

fn with_policy(edit: impl FnOnce(&mut crate::handover::HandoverPolicy)) -> SessionState {
    let mut state = fresh();
    edit(&mut state.rules.handover);
    state
}

fn escalated_by_keyword(at: i64) -> Transition {
    run(&fresh(), inbound("Can I talk to a HUMAN please?", "c1"), at)
}

#[test]
fn a_keyword_sends_the_conversation_to_the_queue_without_asking_the_brain() {
    let waiting = escalated_by_keyword(100);
    assert_eq!(waiting.state.responder, waiting_since(100));
    assert_eq!(waiting.state.queue(), SessionQueue::Waiting);
    assert!(!asks_brain(&waiting), "the brain is not asked");
    assert_eq!(
        bot_texts(&waiting),
        [crate::handover::DEFAULT_HANDOFF_MESSAGE]
    );
    let messages = appended(&waiting);
    assert_eq!(
        messages[0].author,
        Author::Contact,
        "the question comes first"
    );
    assert!(
        waiting
            .effects
            .contains(&Effect::Deliver(messages[1].clone()))
    );
}

#[test]
fn text_without_a_keyword_goes_to_the_brain() {
    let asked = run(&fresh(), inbound("what does the agency charge?", "c1"), 1);
    assert!(asks_brain(&asked));
    assert_eq!(asked.state.responder, Responder::Bot);
}

#[test]
fn the_hand_off_message_is_said_once_per_wait() {
    let state = with_policy(|policy| policy.handoff_message = "One moment.".into());
    let waiting = run(&state, inbound("agent", "c1"), 1);
    assert_eq!(bot_texts(&waiting), ["One moment."]);
    let again = run(&waiting.state, inbound("agent!!", "c2"), 2);
    assert!(bot_texts(&again).is_empty(), "still waiting: nothing more");
    assert!(!asks_brain(&again));
    let requested = run(
        &again.state,
        SessionEvent::AgentRequested { announce: true },
        3,
    );
    assert!(requested.effects.is_empty());
}

#[test]
fn low_confidence_waits_after_the_bot_answer_when_the_policy_says_so() {
    let asked = run(&fresh(), inbound("something odd", "c1"), 1);
    let unsure = SessionEvent::BotReplied {
        in_reply_to: 1,
        text: "I am not sure.".into(),
        wants_human: true,
    };
    let waiting = run(&asked.state, unsure.clone(), 2);
    assert_eq!(waiting.state.responder, waiting_since(2));
    assert_eq!(
        bot_texts(&waiting),
        ["I am not sure.", crate::handover::DEFAULT_HANDOFF_MESSAGE]
    );

    let mut relaxed = asked.state.clone();
    relaxed.rules.handover.on_low_confidence = false;
    let kept = run(&relaxed, unsure, 2);
    assert_eq!(kept.state.responder, Responder::Bot);
    assert_eq!(bot_texts(&kept), ["I am not sure."]);
}

#[test]
fn entering_the_queue_arms_the_sla_and_an_agent_taking_over_cancels_it() {
    let waiting = escalated_by_keyword(1_000);
    let due = Timestamp(1_000 + 5 * MINUTE);
    assert_eq!(timer_set(&waiting, TimerKind::AgentSla), Some(due));
    assert_eq!(waiting.state.armed(TimerKind::AgentSla), Some(due));

    let taken = run(
        &waiting.state,
        SessionEvent::AgentTookOver {
            agent_id: "ana".into(),
        },
        2_000,
    );
    assert!(cancels(&taken, TimerKind::AgentSla));
    assert_eq!(taken.state.sla_due_at, None);

    let late = run(
        &taken.state,
        SessionEvent::TimerFired {
            kind: TimerKind::AgentSla,
            due_at: due,
        },
        due.0 + 10 * MINUTE,
    );
    assert!(
        late.effects.is_empty(),
        "a fire after the take-over is ignored"
    );
    assert_eq!(late.state.escalated_at, None);
}

#[test]
fn closing_a_waiting_conversation_cancels_its_sla() {
    let waiting = escalated_by_keyword(1);
    let closed = run(
        &waiting.state,
        SessionEvent::CloseRequested {
            reason: CloseReason::Api,
        },
        2,
    );
    assert!(cancels(&closed, TimerKind::AgentSla));
    assert_eq!(closed.state.armed(TimerKind::AgentSla), None);
}

#[test]
fn no_sla_timer_when_the_policy_has_none() {
    let state = with_policy(|policy| policy.sla_minutes = 0);
    let waiting = run(&state, SessionEvent::AgentRequested { announce: true }, 1);
    assert_eq!(timer_set(&waiting, TimerKind::AgentSla), None);
    assert_eq!(waiting.state.responder, waiting_since(1));
}

#[test]
fn the_sla_escalates_a_conversation_still_waiting_and_fires_once() {
    let waiting = escalated_by_keyword(0);
    let due = Timestamp(5 * MINUTE);
    let fire = SessionEvent::TimerFired {
        kind: TimerKind::AgentSla,
        due_at: due,
    };
    // Fired late (the node was down): it still escalates.
    let fired = run(&waiting.state, fire.clone(), 9 * MINUTE);
    assert_eq!(fired.state.escalated_at, Some(Timestamp(9 * MINUTE)));
    assert_eq!(fired.state.queue(), SessionQueue::Waiting);
    assert!(cancels(&fired, TimerKind::AgentSla), "its record goes");
    assert!(
        fired
            .effects
            .contains(&Effect::Notify(SessionNotice::Escalated {
                escalated_at: Timestamp(9 * MINUTE)
            }))
    );
    assert!(appended(&fired).is_empty(), "the contact is not told");

    let twice = run(&fired.state, fire, 10 * MINUTE);
    assert!(twice.effects.is_empty());
    assert_eq!(twice.state.escalated_at, Some(Timestamp(9 * MINUTE)));
}

#[test]
fn a_new_wait_clears_the_old_escalation() {
    let waiting = escalated_by_keyword(0);
    let mut escalated = waiting.state.clone();
    escalated.escalated_at = Some(Timestamp(1));
    let taken = run(
        &escalated,
        SessionEvent::AgentTookOver {
            agent_id: "ana".into(),
        },
        2,
    );
    let back = run(
        &taken.state,
        SessionEvent::HandedBack {
            agent_id: "ana".into(),
        },
        3,
    );
    let again = run(
        &back.state,
        SessionEvent::AgentRequested { announce: true },
        4,
    );
    assert_eq!(again.state.escalated_at, None);
}

#[test]
fn auto_assignment_is_requested_on_entering_and_after_a_breach() {
    let state = with_policy(|policy| {
        policy.auto_assign = true;
        policy.agent_capacity = 3;
    });
    let waiting = run(&state, inbound("operator", "c1"), 0);
    assert!(waiting.effects.contains(&Effect::SeekAgent { capacity: 3 }));
    let fired = run(
        &waiting.state,
        SessionEvent::TimerFired {
            kind: TimerKind::AgentSla,
            due_at: Timestamp(5 * MINUTE),
        },
        5 * MINUTE,
    );
    assert!(fired.effects.contains(&Effect::SeekAgent { capacity: 3 }));
    assert!(
        !escalated_by_keyword(0)
            .effects
            .iter()
            .any(|effect| matches!(effect, Effect::SeekAgent { .. })),
        "off by default"
    );
}

#[test]
fn an_agent_becoming_available_asks_again_for_a_waiting_conversation_only() {
    let state = with_policy(|policy| {
        policy.auto_assign = true;
        policy.agent_capacity = 2;
    });
    let waiting = run(&state, inbound("operator", "c1"), 0);
    let asked = run(&waiting.state, SessionEvent::AgentAvailable, 7);
    assert_eq!(asked.effects, [Effect::SeekAgent { capacity: 2 }]);
    assert_eq!(asked.state, waiting.state, "nothing of the session changes");
    let without_auto_assignment = run(
        &escalated_by_keyword(0).state,
        SessionEvent::AgentAvailable,
        7,
    );
    assert!(without_auto_assignment.effects.is_empty());
    assert_eq!(
        apply(&fresh(), SessionEvent::AgentAvailable, Timestamp(7)),
        Err(Rejection::NotWaiting)
    );
}

#[test]
fn an_assignment_takes_only_a_conversation_that_still_waits() {
    let waiting = escalated_by_keyword(0);
    let assigned = run(
        &waiting.state,
        SessionEvent::AgentAssigned {
            agent_id: "bo".into(),
        },
        1,
    );
    assert_eq!(assigned.state.assigned_agent(), Some("bo"));
    assert!(cancels(&assigned, TimerKind::AgentSla));
    let second = apply(
        &assigned.state,
        SessionEvent::AgentAssigned {
            agent_id: "cy".into(),
        },
        Timestamp(2),
    );
    assert_eq!(second, Err(Rejection::NotWaiting));
    let on_bot = apply(
        &fresh(),
        SessionEvent::AgentAssigned {
            agent_id: "cy".into(),
        },
        Timestamp(2),
    );
    assert_eq!(on_bot, Err(Rejection::NotWaiting));
}

#[test]
fn a_session_stored_before_escalation_existed_loads_with_defaults() {
    let mut json = serde_json::to_value(fresh()).unwrap();
    let rules = json["rules"].as_object_mut().unwrap();
    rules.remove("handover");
    let state: SessionState = serde_json::from_value(json).unwrap();
    assert_eq!(
        state.rules.handover,
        crate::handover::HandoverPolicy::default()
    );
    assert_eq!(state.sla_due_at, None);
    assert_eq!(state.escalated_at, None);
}

#[test]
fn a_silent_request_waits_without_the_hand_off_message() {
    let waiting = run(
        &fresh(),
        SessionEvent::AgentRequested { announce: false },
        1,
    );
    assert_eq!(waiting.state.responder, waiting_since(1));
    assert!(appended(&waiting).is_empty());
    assert_eq!(
        timer_set(&waiting, TimerKind::AgentSla),
        Some(Timestamp(1 + 5 * MINUTE))
    );
}
