//! Turning a transition's effects into the one storage commit that makes them durable.

use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::SessionCommit;
use botwot_engine::session::{Effect, Transition};
use botwot_engine::time::Timestamp;
use botwot_engine::timer::DurableTimer;

/// Everything `transition` must write, with the new session state.
pub fn commit_for(transition: &Transition, now: Timestamp) -> SessionCommit {
    let state = &transition.state;
    let mut commit = SessionCommit {
        session: Some(state.clone()),
        ..SessionCommit::default()
    };
    for effect in &transition.effects {
        match effect {
            Effect::Append(message) => commit.messages.push(message.clone()),
            Effect::Deliver(message) => {
                commit
                    .outbox
                    .push(OutboxEntry::new(state.key.clone(), message.clone(), now))
            }
            Effect::UpdateDelivery {
                message_id,
                delivery,
            } => commit
                .delivery_updates
                .push((message_id.clone(), delivery.clone())),
            Effect::SetTimer { kind, due_at } => commit.timers_set.push(DurableTimer::new(
                state.key.clone(),
                state.id.clone(),
                *kind,
                *due_at,
            )),
            Effect::CancelTimer { kind } => commit
                .timers_cancelled
                .push(DurableTimer::id_for(&state.id, *kind)),
            Effect::AskBrain { .. } | Effect::Notify(_) | Effect::SeekAgent { .. } => {}
        }
    }
    commit
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::bot::{BotProfile, BotSettings};
    use botwot_engine::session::{SessionEvent, SessionKey, SessionRules, SessionState, apply};
    use botwot_engine::timer::TimerKind;
    use botwot_engine::{Channel, MessageBody, TenantId};

    #[test]
    fn a_greeting_writes_the_message_its_outbox_entry_and_both_timers() {
        let bot = BotProfile::create(TenantId::from("t"), BotSettings::named("A"), Timestamp(0));
        let key = SessionKey::new(TenantId::from("t"), Channel::Web, "b", "v");
        let state = SessionState::new(
            key,
            bot.id.clone(),
            SessionRules::from_bot(&bot, Channel::Web),
            Timestamp(0),
        );
        let transition = apply(
            &state,
            SessionEvent::ContactJoined {
                greeting: Some("hi".into()),
            },
            Timestamp(5),
        )
        .expect("accepted");
        let commit = commit_for(&transition, Timestamp(5));
        assert_eq!(commit.messages.len(), 1);
        assert_eq!(commit.outbox.len(), 1);
        assert_eq!(commit.outbox[0].message, commit.messages[0]);
        assert_eq!(commit.messages[0].body, MessageBody::text("hi"));
        let kinds: Vec<TimerKind> = commit.timers_set.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [TimerKind::InactivityWarning, TimerKind::AutoClose]);
        assert_eq!(commit.session.as_ref(), Some(&transition.state));
    }
}
