use super::*;
use crate::bot::{BotProfile, BotSettings, InactivityTimeouts};
use crate::channel::Channel;
use crate::ids::TenantId;
use crate::message::{Author, Direction, MessageBody};
use crate::time::Timestamp;
use crate::timer::TimerKind;

pub(super) const MINUTE: i64 = 60_000;

pub(super) fn rules(warn_secs: u64, close_secs: u64) -> SessionRules {
    let mut settings = BotSettings::named("Ava");
    settings.session_policy.inactivity = InactivityTimeouts {
        warn_after_secs: warn_secs,
        close_after_secs: close_secs,
    };
    settings.session_policy.closing_message = Some("Chat closed.".into());
    let bot = BotProfile::create(TenantId::from("t1"), settings, Timestamp(0));
    SessionRules::from_bot(&bot, Channel::Web)
}

pub(super) fn fresh() -> SessionState {
    let key = SessionKey::new(TenantId::from("t1"), Channel::Web, "bot_1", "visitor_1");
    SessionState::new(key, "bot_1".into(), rules(600, 900), Timestamp(0))
}

pub(super) fn run(state: &SessionState, event: SessionEvent, at: i64) -> Transition {
    apply(state, event, Timestamp(at)).expect("event accepted")
}

pub(super) fn inbound(text: &str, id: &str) -> SessionEvent {
    SessionEvent::Inbound {
        provider_message_id: Some(id.into()),
        body: MessageBody::text(text),
    }
}

/// Fires the timer `kind` at the time it is due.
fn fire(state: &SessionState, kind: TimerKind, due_at: Timestamp) -> Transition {
    run(state, SessionEvent::TimerFired { kind, due_at }, due_at.0)
}

pub(super) fn appended(transition: &Transition) -> Vec<&crate::message::Message> {
    transition
        .effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Append(message) => Some(message),
            _ => None,
        })
        .collect()
}

pub(super) fn timer_set(transition: &Transition, kind: TimerKind) -> Option<Timestamp> {
    transition.effects.iter().find_map(|effect| match effect {
        Effect::SetTimer { kind: k, due_at } if *k == kind => Some(*due_at),
        _ => None,
    })
}

#[test]
fn join_greets_once_and_arms_the_inactivity_timers() {
    let first = run(
        &fresh(),
        SessionEvent::ContactJoined {
            greeting: Some("Hello!".into()),
        },
        1_000,
    );
    let messages = appended(&first);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].body, MessageBody::text("Hello!"));
    assert_eq!(messages[0].author, Author::Bot);
    assert_eq!(messages[0].seq, 1);
    assert!(
        first
            .effects
            .contains(&Effect::Deliver(messages[0].clone()))
    );
    assert_eq!(
        timer_set(&first, TimerKind::InactivityWarning),
        Some(Timestamp(1_000 + 10 * MINUTE))
    );
    assert_eq!(
        timer_set(&first, TimerKind::AutoClose),
        Some(Timestamp(1_000 + 15 * MINUTE))
    );

    let again = run(
        &first.state,
        SessionEvent::ContactJoined {
            greeting: Some("Hello!".into()),
        },
        2_000,
    );
    assert!(
        appended(&again).is_empty(),
        "a reconnect must not greet twice"
    );
    assert!(
        again.effects.is_empty(),
        "timers already armed stay as they are"
    );
}

#[test]
fn inbound_is_appended_in_order_and_asks_the_brain() {
    let one = run(&fresh(), inbound("hi", "c1"), 10);
    let two = run(&one.state, inbound("price?", "c2"), 20);
    assert_eq!(appended(&one)[0].seq, 1);
    assert_eq!(appended(&two)[0].seq, 2);
    assert_eq!(appended(&two)[0].direction, Direction::Inbound);
    assert_eq!(appended(&two)[0].provider_message_id.as_deref(), Some("c2"));
    assert!(two.effects.contains(&Effect::AskBrain {
        in_reply_to: 2,
        question: "price?".into()
    }));
    assert_eq!(
        timer_set(&two, TimerKind::AutoClose),
        Some(Timestamp(20 + 15 * MINUTE))
    );
}

#[test]
fn an_answered_message_is_stored_and_its_reply_sent_without_asking_the_brain() {
    let tap =
        inbound("Confirm", "wamid.tap").answered_with("Your order #1001 is confirmed.".into());
    let answered = run(&fresh(), tap.clone(), 10);
    let messages = appended(&answered);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0].direction, Direction::Inbound);
    assert_eq!(
        messages[0].provider_message_id.as_deref(),
        Some("wamid.tap")
    );
    assert_eq!(messages[1].author, Author::Bot);
    assert_eq!(
        messages[1].body,
        MessageBody::text("Your order #1001 is confirmed.")
    );
    assert!(
        !answered
            .effects
            .iter()
            .any(|effect| matches!(effect, Effect::AskBrain { .. })),
        "the brain is not asked"
    );
    // With a person on the conversation, the message waits for them and no reply goes.
    let with_agent = run(&taken_by("agent_1"), tap, 20);
    assert_eq!(appended(&with_agent).len(), 1);
    // Any other event is left as it is.
    let joined = SessionEvent::ContactJoined { greeting: None };
    assert_eq!(joined.clone().answered_with("ignored".into()), joined);
}

#[test]
fn empty_text_is_rejected_without_change() {
    let result = apply(&fresh(), inbound("   ", "c1"), Timestamp(5));
    assert_eq!(result, Err(Rejection::EmptyMessage));
}

#[test]
fn warning_then_close_on_silence() {
    let asked = run(&fresh(), inbound("hi", "c1"), 0);
    let answer = SessionEvent::BotReplied {
        in_reply_to: 1,
        text: "Hello!".into(),
        wants_human: false,
    };
    let open = run(&asked.state, answer, 0);
    let warn_due = open.state.warn_due_at.expect("warning armed");
    let warned = fire(&open.state, TimerKind::InactivityWarning, warn_due);
    assert_eq!(warned.state.status, SessionStatus::Warned);
    assert_eq!(appended(&warned)[0].author, Author::System);
    assert!(warned.effects.contains(&Effect::CancelTimer {
        kind: TimerKind::InactivityWarning
    }));

    let close_due = warned.state.close_due_at.expect("close armed");
    let closed = run(
        &warned.state,
        SessionEvent::TimerFired {
            kind: TimerKind::AutoClose,
            due_at: close_due,
        },
        close_due.0 + 3,
    );
    assert_eq!(closed.state.status, SessionStatus::Closed);
    assert_eq!(closed.state.close_reason, Some(CloseReason::Inactivity));
    assert_eq!(closed.state.closed_at, Some(Timestamp(close_due.0 + 3)));
    assert_eq!(appended(&closed)[0].body, MessageBody::text("Chat closed."));
    assert!(closed.effects.contains(&Effect::CancelTimer {
        kind: TimerKind::AutoClose
    }));
    assert_eq!(closed.state.close_due_at, None);
}

#[test]
fn a_moved_timer_firing_late_does_nothing() {
    let first = run(&fresh(), inbound("hi", "c1"), 0);
    let stale_due = first.state.close_due_at.expect("armed");
    let second = run(&first.state, inbound("still here", "c2"), 5 * MINUTE);
    let fired = run(
        &second.state,
        SessionEvent::TimerFired {
            kind: TimerKind::AutoClose,
            due_at: stale_due,
        },
        stale_due.0,
    );
    assert_eq!(fired.state.status, SessionStatus::Open);
    assert!(fired.effects.is_empty());
}

#[test]
fn a_timer_fires_once() {
    let open = run(&fresh(), inbound("hi", "c1"), 0);
    let due = open.state.close_due_at.expect("armed");
    let closed = run(
        &open.state,
        SessionEvent::TimerFired {
            kind: TimerKind::AutoClose,
            due_at: due,
        },
        due.0,
    );
    let again = run(
        &closed.state,
        SessionEvent::TimerFired {
            kind: TimerKind::AutoClose,
            due_at: due,
        },
        due.0 + 1,
    );
    assert!(again.effects.is_empty());
    assert_eq!(again.state, closed.state);
}

#[test]
fn a_new_message_reopens_a_closed_session() {
    let open = run(&fresh(), inbound("hi", "c1"), 0);
    let closed = run(
        &open.state,
        SessionEvent::CloseRequested {
            reason: CloseReason::Api,
        },
        10,
    );
    let reopened = run(&closed.state, inbound("back again", "c2"), 20);
    assert_eq!(reopened.state.status, SessionStatus::Open);
    assert_eq!(reopened.state.reopened_count, 1);
    assert_eq!(
        reopened.state.id, open.state.id,
        "the same session continues"
    );
    assert_eq!(reopened.state.closed_at, None);
    assert!(
        reopened
            .effects
            .contains(&Effect::Notify(SessionNotice::StatusChanged {
                status: SessionStatus::Open
            }))
    );
    assert_eq!(
        timer_set(&reopened, TimerKind::AutoClose),
        Some(Timestamp(20 + 15 * MINUTE))
    );
}

#[test]
fn warned_session_is_open_again_after_a_message() {
    let open = run(&fresh(), inbound("hi", "c1"), 0);
    let due = open.state.warn_due_at.expect("armed");
    let warned = run(
        &open.state,
        SessionEvent::TimerFired {
            kind: TimerKind::InactivityWarning,
            due_at: due,
        },
        due.0,
    );
    let back = run(&warned.state, inbound("yes", "c2"), due.0 + 1);
    assert_eq!(back.state.status, SessionStatus::Open);
}

#[test]
fn close_is_idempotent() {
    let closed = run(
        &fresh(),
        SessionEvent::CloseRequested {
            reason: CloseReason::Api,
        },
        1,
    );
    let again = run(
        &closed.state,
        SessionEvent::CloseRequested {
            reason: CloseReason::Agent,
        },
        2,
    );
    assert!(again.effects.is_empty());
    assert_eq!(again.state.close_reason, Some(CloseReason::Api));
}

#[test]
fn erasing_closes_without_a_word_to_the_contact() {
    let open = run(&fresh(), inbound("my phone is 555", "m1"), MINUTE);
    let erased = run(&open.state, SessionEvent::EraseRequested, 2 * MINUTE);
    assert_eq!(erased.state.status, SessionStatus::Closed);
    assert_eq!(erased.state.close_reason, Some(CloseReason::Erased));
    assert!(appended(&erased).is_empty(), "{:?}", erased.effects);
    assert!(erased.state.pending_answers.is_empty());
    for kind in [TimerKind::InactivityWarning, TimerKind::AutoClose] {
        assert!(erased.effects.contains(&Effect::CancelTimer { kind }));
    }
}

#[test]
fn agent_takeover_silences_the_bot() {
    let open = run(&fresh(), inbound("hi", "c1"), 0);
    let taken = run(
        &open.state,
        SessionEvent::AgentTookOver {
            agent_id: "ana".into(),
        },
        1,
    );
    assert_eq!(
        taken.state.responder,
        Responder::Agent {
            agent_id: "ana".into()
        }
    );
    let late_bot = run(
        &taken.state,
        SessionEvent::BotReplied {
            in_reply_to: 1,
            text: "bot words".into(),
            wants_human: false,
        },
        2,
    );
    assert!(
        appended(&late_bot).is_empty(),
        "a bot reply after takeover is dropped"
    );
    let asked = run(&taken.state, inbound("human?", "c2"), 3);
    assert!(
        !asked
            .effects
            .iter()
            .any(|e| matches!(e, Effect::AskBrain { .. }))
    );
}

#[test]
fn second_agent_cannot_take_an_owned_conversation() {
    let taken = run(
        &fresh(),
        SessionEvent::AgentTookOver {
            agent_id: "ana".into(),
        },
        1,
    );
    let result = apply(
        &taken.state,
        SessionEvent::AgentTookOver {
            agent_id: "bo".into(),
        },
        Timestamp(2),
    );
    assert_eq!(
        result,
        Err(Rejection::OwnedByAnotherAgent {
            owner: "ana".into()
        })
    );
    let same = run(
        &taken.state,
        SessionEvent::AgentTookOver {
            agent_id: "ana".into(),
        },
        3,
    );
    assert!(same.effects.is_empty());
}

#[test]
fn only_the_owner_replies_and_hands_back() {
    let taken = run(
        &fresh(),
        SessionEvent::AgentTookOver {
            agent_id: "ana".into(),
        },
        1,
    );
    let intruder = SessionEvent::AgentReplied {
        agent_id: "bo".into(),
        body: MessageBody::text("hi"),
        client_message_id: None,
    };
    assert_eq!(
        apply(&taken.state, intruder, Timestamp(2)),
        Err(Rejection::NotTheOwner {
            agent_id: "bo".into()
        })
    );
    let reply = run(
        &taken.state,
        SessionEvent::AgentReplied {
            agent_id: "ana".into(),
            body: MessageBody::text("Hello, Ana here"),
            client_message_id: None,
        },
        3,
    );
    assert_eq!(
        appended(&reply)[0].author,
        Author::Agent {
            agent_id: "ana".into()
        }
    );
    let back = run(
        &reply.state,
        SessionEvent::HandedBack {
            agent_id: "ana".into(),
        },
        4,
    );
    assert_eq!(back.state.responder, Responder::Bot);
    let bot_again = run(
        &back.state,
        SessionEvent::BotReplied {
            in_reply_to: 1,
            text: "bot here".into(),
            wants_human: false,
        },
        5,
    );
    assert_eq!(appended(&bot_again).len(), 1);
}

#[test]
fn asking_for_an_agent_waits_and_keeps_the_bot_quiet() {
    let waiting = run(&fresh(), SessionEvent::AgentRequested { announce: true }, 7);
    assert_eq!(
        waiting.state.responder,
        Responder::WaitingForAgent {
            since: Timestamp(7)
        }
    );
    let late_bot = run(
        &waiting.state,
        SessionEvent::BotReplied {
            in_reply_to: 1,
            text: "x".into(),
            wants_human: false,
        },
        8,
    );
    assert!(late_bot.effects.is_empty());
}

#[test]
fn closing_hands_an_agent_conversation_back_to_the_bot() {
    let taken = run(
        &fresh(),
        SessionEvent::AgentTookOver {
            agent_id: "ana".into(),
        },
        1,
    );
    let closed = run(
        &taken.state,
        SessionEvent::CloseRequested {
            reason: CloseReason::Agent,
        },
        2,
    );
    assert_eq!(closed.state.responder, Responder::Bot);
    assert_eq!(
        apply(
            &closed.state,
            SessionEvent::AgentTookOver {
                agent_id: "ana".into()
            },
            Timestamp(3)
        ),
        Err(Rejection::SessionClosed)
    );
}

#[test]
fn no_warning_when_the_policy_has_none() {
    let mut state = fresh();
    state.rules = rules(0, 60);
    let open = run(&state, inbound("hi", "c1"), 0);
    assert_eq!(timer_set(&open, TimerKind::InactivityWarning), None);
    assert_eq!(
        timer_set(&open, TimerKind::AutoClose),
        Some(Timestamp(60_000))
    );
}

#[test]
fn state_round_trips_through_json() {
    let open = run(&fresh(), inbound("hi", "c1"), 0);
    let json = serde_json::to_string(&open.state).expect("serializes");
    let back: SessionState = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, open.state);
}

fn taken_by(agent: &str) -> SessionState {
    let open = run(&fresh(), inbound("hi", "c1"), 0);
    run(
        &open.state,
        SessionEvent::AgentTookOver {
            agent_id: agent.into(),
        },
        10,
    )
    .state
}

#[test]
fn the_owner_transfers_to_a_colleague_in_one_step() {
    let owned = taken_by("a1");
    let moved = run(
        &owned,
        SessionEvent::AgentTransferred {
            agent_id: "a1".into(),
            to_agent_id: "a2".into(),
        },
        20,
    );
    assert_eq!(
        moved.state.responder,
        Responder::Agent {
            agent_id: "a2".into()
        }
    );
    assert_eq!(moved.state.assigned_agent(), Some("a2"));
    assert_eq!(
        moved.effects,
        vec![Effect::Notify(SessionNotice::ResponderChanged {
            responder: Responder::Agent {
                agent_id: "a2".into()
            }
        })]
    );
    let old_owner_replies = apply(
        &moved.state,
        SessionEvent::AgentReplied {
            agent_id: "a1".into(),
            body: MessageBody::text("still me?"),
            client_message_id: None,
        },
        Timestamp(30),
    );
    assert_eq!(
        old_owner_replies,
        Err(Rejection::NotTheOwner {
            agent_id: "a1".into()
        })
    );
}

#[test]
fn only_the_owner_may_transfer() {
    let owned = taken_by("a1");
    let stolen = apply(
        &owned,
        SessionEvent::AgentTransferred {
            agent_id: "a3".into(),
            to_agent_id: "a3".into(),
        },
        Timestamp(20),
    );
    assert_eq!(
        stolen,
        Err(Rejection::NotTheOwner {
            agent_id: "a3".into()
        })
    );
    let from_the_bot = apply(
        &fresh(),
        SessionEvent::AgentTransferred {
            agent_id: "a1".into(),
            to_agent_id: "a2".into(),
        },
        Timestamp(20),
    );
    assert!(from_the_bot.is_err());
}

#[test]
fn a_note_is_kept_internal_and_never_delivered() {
    let owned = taken_by("a1");
    let noted = run(
        &owned,
        SessionEvent::NoteAdded {
            agent_id: "a2".into(),
            text: "customer is a VIP".into(),
        },
        20,
    );
    let notes = appended(&noted);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].direction, Direction::Internal);
    assert_eq!(notes[0].seq, owned.last_seq + 1);
    assert_eq!(notes[0].delivery, crate::message::Delivery::Kept);
    assert!(!notes[0].direction.is_visible_to_contact());
    assert!(
        !noted
            .effects
            .iter()
            .any(|effect| matches!(effect, Effect::Deliver(_))),
        "a note is never delivered"
    );
    assert_eq!(noted.state.responder, owned.responder, "owner unchanged");
    assert_eq!(noted.state.close_due_at, owned.close_due_at, "not activity");
}

#[test]
fn a_note_on_a_closed_session_does_not_reopen_it() {
    let closed = run(
        &fresh(),
        SessionEvent::CloseRequested {
            reason: CloseReason::Agent,
        },
        5,
    );
    let noted = run(
        &closed.state,
        SessionEvent::NoteAdded {
            agent_id: "a1".into(),
            text: "followed up by mail".into(),
        },
        10,
    );
    assert!(noted.state.is_closed());
    let empty = apply(
        &closed.state,
        SessionEvent::NoteAdded {
            agent_id: "a1".into(),
            text: "  ".into(),
        },
        Timestamp(11),
    );
    assert_eq!(empty, Err(Rejection::EmptyMessage));
}

#[test]
fn the_queue_follows_who_answers() {
    let open = run(&fresh(), inbound("hi", "c1"), 0).state;
    assert_eq!(open.queue(), SessionQueue::Bot);
    let waiting = run(&open, SessionEvent::AgentRequested { announce: true }, 1).state;
    assert_eq!(waiting.queue(), SessionQueue::Waiting);
    let owned = run(
        &waiting,
        SessionEvent::AgentTookOver {
            agent_id: "a1".into(),
        },
        2,
    )
    .state;
    assert_eq!(owned.queue(), SessionQueue::Agent);
    let closed = run(
        &owned,
        SessionEvent::CloseRequested {
            reason: CloseReason::Agent,
        },
        3,
    )
    .state;
    assert_eq!(closed.queue(), SessionQueue::Closed);
    assert_eq!(closed.assigned_agent(), None);
}

#[test]
fn a_comment_thread_gets_no_public_inactivity_notices() {
    let key = SessionKey::new(
        TenantId::from("t1"),
        Channel::Instagram,
        "17841400000000",
        crate::integration::comment_contact("17858893269000001"),
    );
    let thread = SessionState::new(key, "bot_1".into(), rules(600, 900), Timestamp(0));
    let asked = run(
        &thread,
        inbound("Do you ship abroad?", "17858893269000001"),
        0,
    );
    let answer = SessionEvent::BotReplied {
        in_reply_to: 1,
        text: "Yes, worldwide.".into(),
        wants_human: false,
    };
    let answered = run(&asked.state, answer, 0);
    assert!(
        answered
            .effects
            .iter()
            .any(|effect| matches!(effect, Effect::Deliver(_))),
        "the answer is posted under the comment"
    );
    let warn_due = answered.state.warn_due_at.expect("warning armed");
    let warned = fire(&answered.state, TimerKind::InactivityWarning, warn_due);
    let close_due = warned.state.close_due_at.expect("close armed");
    let closed = fire(&warned.state, TimerKind::AutoClose, close_due);
    assert_eq!(closed.state.status, SessionStatus::Closed);
    for step in [&warned, &closed] {
        let notices = appended(step);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].direction, Direction::Internal, "kept as a note");
        assert!(
            !step
                .effects
                .iter()
                .any(|effect| matches!(effect, Effect::Deliver(_))),
            "never posted in public"
        );
    }
}

#[test]
fn an_agent_reply_after_the_24_hour_window_is_refused_until_the_contact_writes() {
    const HOUR: i64 = 3_600_000;
    let reply = |text: &str| SessionEvent::AgentReplied {
        agent_id: "a1".into(),
        body: MessageBody::text(text),
        client_message_id: None,
    };
    let on = |channel: Channel, contact: &str| {
        let key = SessionKey::new(TenantId::from("t1"), channel, "106540352242922", contact);
        let state = SessionState::new(key, "bot_1".into(), rules(600, 900), Timestamp(0));
        let wrote = run(&state, inbound("hi", "wamid.1"), 0);
        let taken = SessionEvent::AgentTookOver {
            agent_id: "a1".into(),
        };
        run(&wrote.state, taken, 10).state
    };

    let whatsapp = on(Channel::WhatsApp, "16315551181");
    assert!(apply(&whatsapp, reply("still here"), Timestamp(24 * HOUR - 1)).is_ok());
    let late = apply(&whatsapp, reply("too late"), Timestamp(24 * HOUR));
    match late {
        Err(Rejection::MessagingWindowClosed { reason }) => {
            assert!(reason.contains("template"), "{reason}");
        }
        other => panic!("expected a closed window, got {other:?}"),
    }
    // The contact writing again opens it again.
    let wrote_again = run(&whatsapp, inbound("hello?", "wamid.2"), 30 * HOUR);
    assert!(
        apply(
            &wrote_again.state,
            reply("welcome back"),
            Timestamp(30 * HOUR + 1)
        )
        .is_ok()
    );

    // The widget has no window, nor has a comment's public thread.
    let web = on(Channel::Web, "visitor_1");
    assert!(apply(&web, reply("hello"), Timestamp(48 * HOUR)).is_ok());
    let thread = on(
        Channel::Instagram,
        &crate::integration::comment_contact("17858893269000001"),
    );
    assert!(apply(&thread, reply("thanks!"), Timestamp(48 * HOUR)).is_ok());
}

#[test]
fn a_rating_is_kept_replaced_and_checked_and_leaves_a_closed_conversation_closed() {
    let mut closed = fresh();
    closed.status = SessionStatus::Closed;
    let rated = run(
        &closed,
        SessionEvent::Rated {
            rating: Rating::new(4, Some("  ".into())).expect("a rating"),
        },
        10,
    );
    let kept = rated.state.satisfaction.clone().expect("kept");
    assert_eq!((kept.score, kept.comment), (4, None));
    assert_eq!(kept.rated_at, Timestamp(10));
    assert_eq!(rated.state.status, SessionStatus::Closed);
    let again = run(
        &rated.state,
        SessionEvent::Rated {
            rating: Rating::new(2, Some("slow".into())).expect("a rating"),
        },
        20,
    );
    let replaced = again.state.satisfaction.expect("replaced");
    assert_eq!(replaced.score, 2);
    assert_eq!(replaced.comment.as_deref(), Some("slow"));

    assert_eq!(Rating::new(0, None), Err(Rejection::InvalidRating));
    assert_eq!(Rating::new(6, None), Err(Rejection::InvalidRating));
    assert!(Rating::new(5, Some("x".repeat(MAX_COMMENT_CHARS + 1))).is_err());
    // An unchecked rating arriving from elsewhere is refused by the session too.
    let forged = SessionEvent::Rated {
        rating: Rating {
            score: 9,
            comment: None,
        },
    };
    assert_eq!(
        apply(&closed, forged, Timestamp(30)),
        Err(Rejection::InvalidRating)
    );
}
