//! Turning a transition's effects into the one storage commit that makes them durable.

use crate::timer_records::TimerPlan;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{Fence, SessionCommit};
use botwot_engine::session::{Effect, Transition};
use botwot_engine::time::Timestamp;

/// Everything `transition` must write, with the new session state, under `fence` (a cluster
/// node's right to write the session's shard; `None` on a single node): its messages, outbox
/// entries and delivery updates, and the timer records `timers` (planned from the same
/// transition) says must be written. The timers and outbox entries it writes carry the shard,
/// so the node that adopts the shard next finds them.
pub(crate) fn commit_for(
    transition: &Transition,
    timers: &TimerPlan,
    now: Timestamp,
    fence: Option<Fence>,
) -> SessionCommit {
    let state = &transition.state;
    let shard = fence.map(|fence| fence.shard);
    let (timers_set, timers_cancelled) = timers.writes(state, shard);
    let mut commit = SessionCommit {
        fence,
        session: Some(state.clone()),
        timers_set,
        timers_cancelled,
        ..SessionCommit::default()
    };
    for effect in &transition.effects {
        match effect {
            Effect::Append(message) => commit.messages.push(message.clone()),
            Effect::Deliver(message) => commit.outbox.push(OutboxEntry {
                shard,
                ..OutboxEntry::new(state.key.clone(), message.clone(), now)
            }),
            Effect::UpdateDelivery {
                message_id,
                delivery,
            } => commit
                .delivery_updates
                .push((message_id.clone(), delivery.clone())),
            Effect::SetTimer { .. }
            | Effect::CancelTimer { .. }
            | Effect::AskBrain { .. }
            | Effect::Notify(_)
            | Effect::SeekAgent { .. } => {}
        }
    }
    commit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timer_records::TimerRecords;
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
        let timers = TimerRecords::default().plan(&transition.effects, Timestamp(5), false);
        let commit = commit_for(&transition, &timers, Timestamp(5), None);
        assert_eq!(commit.messages.len(), 1);
        assert_eq!(commit.outbox.len(), 1);
        assert_eq!(commit.outbox[0].message, commit.messages[0]);
        assert_eq!(commit.messages[0].body, MessageBody::text("hi"));
        let kinds: Vec<TimerKind> = commit.timers_set.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [TimerKind::InactivityWarning, TimerKind::AutoClose]);
        assert_eq!(commit.session.as_ref(), Some(&transition.state));
        assert!(commit.fence.is_none());
        assert!(commit.timers_set.iter().all(|timer| timer.shard.is_none()));

        let fence = Fence { shard: 7, epoch: 3 };
        let fenced = commit_for(&transition, &timers, Timestamp(5), Some(fence));
        assert_eq!(fenced.fence, Some(fence));
        assert_eq!(
            fenced.outbox[0].shard,
            Some(7),
            "the outbox entry carries the shard"
        );
        assert!(fenced.timers_set.iter().all(|timer| timer.shard == Some(7)));
    }
}
