use super::effect::{Effect, Rejection, SessionNotice};
use super::event::SessionEvent;
use super::state::{CloseReason, Responder, SessionState, SessionStatus};
use crate::handover::mentions_any;
use crate::ids::MessageId;
use crate::integration::commented;
use crate::message::{Author, Delivery, Direction, Message, MessageBody};
use crate::messaging_window::{messaging_window, window_applies};
use crate::time::Timestamp;
use crate::timer::TimerKind;

/// The next state and what must happen for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    pub state: SessionState,
    pub effects: Vec<Effect>,
}

/// Applies one event to a session. Pure: the same inputs always give the same transition.
pub fn apply(
    state: &SessionState,
    event: SessionEvent,
    now: Timestamp,
) -> Result<Transition, Rejection> {
    let mut step = Step {
        state: state.clone(),
        effects: Vec::new(),
        now,
    };
    match event {
        SessionEvent::ContactJoined { greeting } => step.contact_joined(greeting),
        SessionEvent::Inbound {
            provider_message_id,
            body,
        } => step.inbound(provider_message_id, body)?,
        SessionEvent::InboundAnswered {
            provider_message_id,
            body,
            reply,
        } => step.inbound_answered(provider_message_id, body, reply)?,
        SessionEvent::BotReplied {
            in_reply_to,
            text,
            wants_human,
        } => step.bot_replied(in_reply_to, text, wants_human),
        SessionEvent::AgentRequested { announce } => step.agent_requested(announce),
        SessionEvent::AgentTookOver { agent_id } => step.agent_took_over(agent_id)?,
        SessionEvent::AgentAssigned { agent_id } => step.agent_assigned(agent_id)?,
        SessionEvent::AgentAvailable => step.agent_available()?,
        SessionEvent::AgentReplied {
            agent_id,
            body,
            client_message_id,
        } => step.agent_replied(agent_id, body, client_message_id)?,
        SessionEvent::HandedBack { agent_id } => step.handed_back(agent_id)?,
        SessionEvent::AgentTransferred {
            agent_id,
            to_agent_id,
        } => step.agent_transferred(agent_id, to_agent_id)?,
        SessionEvent::NoteAdded { agent_id, text } => step.note_added(agent_id, text)?,
        SessionEvent::TimerFired { kind, due_at } => step.timer_fired(kind, due_at),
        SessionEvent::CloseRequested { reason } => step.close(reason),
        SessionEvent::EraseRequested => step.close_silently(CloseReason::Erased),
        SessionEvent::AnswersLost => step.answers_lost(),
        SessionEvent::Rated { rating } => step.rated(rating)?,
        SessionEvent::DeliveryUpdated {
            message_id,
            delivery,
        } => step.effects.push(Effect::UpdateDelivery {
            message_id,
            delivery,
        }),
    }
    // Asking the node for an agent changes nothing of the session.
    if step
        .effects
        .iter()
        .any(|effect| !matches!(effect, Effect::SeekAgent { .. }))
    {
        step.state.updated_at = now;
    }
    Ok(Transition {
        state: step.state,
        effects: step.effects,
    })
}

/// One transition in the making; its methods are the rules, one per event.
pub(super) struct Step {
    pub(super) state: SessionState,
    pub(super) effects: Vec<Effect>,
    pub(super) now: Timestamp,
}

impl Step {
    fn contact_joined(&mut self, greeting: Option<String>) {
        if self.state.is_closed() {
            return;
        }
        if let Some(text) = greeting.filter(|text| !text.trim().is_empty() && !self.state.greeted) {
            self.state.greeted = true;
            self.send(Author::Bot, MessageBody::text(text), None);
        }
        if self.state.close_due_at.is_none() {
            self.restart_inactivity_timers();
        }
    }

    fn inbound(
        &mut self,
        provider_message_id: Option<String>,
        body: MessageBody,
    ) -> Result<(), Rejection> {
        let (seq, question) = self.contact_wrote(provider_message_id, body)?;
        if self.state.responder != Responder::Bot {
            return Ok(());
        }
        // Asking for a person by name goes straight to the queue: the brain is not asked.
        if mentions_any(&question, &self.state.rules.handover.keywords) {
            self.start_waiting(true);
        } else {
            self.ask_brain(seq, question);
        }
        Ok(())
    }

    fn inbound_answered(
        &mut self,
        provider_message_id: Option<String>,
        body: MessageBody,
        reply: String,
    ) -> Result<(), Rejection> {
        self.contact_wrote(provider_message_id, body)?;
        if self.state.responder == Responder::Bot && !reply.trim().is_empty() {
            self.send(Author::Bot, MessageBody::text(reply), None);
        }
        Ok(())
    }

    /// Stores what the contact wrote (reopening or waking the conversation); its sequence
    /// number and its words.
    fn contact_wrote(
        &mut self,
        provider_message_id: Option<String>,
        body: MessageBody,
    ) -> Result<(u64, String), Rejection> {
        if matches!(&body, MessageBody::Text { text } if text.trim().is_empty()) {
            return Err(Rejection::EmptyMessage);
        }
        if self.state.is_closed() {
            self.reopen();
        } else if self.state.status == SessionStatus::Warned {
            self.set_status(SessionStatus::Open);
        }
        self.state.last_inbound_at = Some(self.now);
        let question = body.plain_text().to_owned();
        let message = self.message(
            Direction::Inbound,
            Author::Contact,
            body,
            provider_message_id,
        );
        let seq = message.seq;
        self.effects.push(Effect::Append(message));
        self.restart_inactivity_timers();
        Ok((seq, question))
    }

    fn bot_replied(&mut self, in_reply_to: u64, text: String, wants_human: bool) {
        // A reply that comes back after an agent took over, or after the session closed, is
        // dropped: the bot never talks over a human.
        if self.state.responder != Responder::Bot || self.state.is_closed() {
            return;
        }
        self.answer_arrived(in_reply_to);
        if !text.trim().is_empty() {
            self.send(Author::Bot, MessageBody::text(text), None);
        }
        if wants_human && self.state.rules.handover.on_low_confidence {
            self.start_waiting(true);
        }
    }

    fn agent_requested(&mut self, announce: bool) {
        if self.state.responder == Responder::Bot && !self.state.is_closed() {
            self.start_waiting(announce);
        }
    }

    pub(super) fn agent_took_over(&mut self, agent_id: String) -> Result<(), Rejection> {
        if self.state.is_closed() {
            return Err(Rejection::SessionClosed);
        }
        match &self.state.responder {
            Responder::Agent { agent_id: owner } if *owner == agent_id => Ok(()),
            Responder::Agent { agent_id: owner } => Err(Rejection::OwnedByAnotherAgent {
                owner: owner.clone(),
            }),
            Responder::Bot | Responder::WaitingForAgent { .. } => {
                self.set_responder(Responder::Agent { agent_id });
                Ok(())
            }
        }
    }

    fn agent_replied(
        &mut self,
        agent_id: String,
        body: MessageBody,
        client_message_id: Option<String>,
    ) -> Result<(), Rejection> {
        self.require_owner(&agent_id)?;
        if matches!(&body, MessageBody::Text { text } if text.trim().is_empty()) {
            return Err(Rejection::EmptyMessage);
        }
        if !matches!(body, MessageBody::Template { .. }) {
            self.require_open_window()?;
        }
        if self.state.status == SessionStatus::Warned {
            self.set_status(SessionStatus::Open);
        }
        self.send(Author::Agent { agent_id }, body, client_message_id);
        self.restart_inactivity_timers();
        Ok(())
    }

    fn handed_back(&mut self, agent_id: String) -> Result<(), Rejection> {
        self.require_owner(&agent_id)?;
        self.set_responder(Responder::Bot);
        Ok(())
    }

    /// The owner gives the conversation to a colleague in one step: there is never a moment
    /// with no owner or two.
    fn agent_transferred(
        &mut self,
        agent_id: String,
        to_agent_id: String,
    ) -> Result<(), Rejection> {
        self.require_owner(&agent_id)?;
        if to_agent_id.trim().is_empty() {
            return Err(Rejection::NotTheOwner {
                agent_id: to_agent_id,
            });
        }
        if to_agent_id != agent_id {
            self.set_responder(Responder::Agent {
                agent_id: to_agent_id,
            });
        }
        Ok(())
    }

    /// A private note: stored in the transcript for the team, never delivered to the contact.
    /// Any agent may add one, owner or not, even to a closed conversation; it neither reopens
    /// the conversation nor counts as activity.
    fn note_added(&mut self, agent_id: String, text: String) -> Result<(), Rejection> {
        if text.trim().is_empty() {
            return Err(Rejection::EmptyMessage);
        }
        let note = self.message(
            Direction::Internal,
            Author::Agent { agent_id },
            MessageBody::text(text),
            None,
        );
        self.effects.push(Effect::Append(note));
        Ok(())
    }

    fn timer_fired(&mut self, kind: TimerKind, due_at: Timestamp) {
        // A timer that was moved or cancelled since it was armed is stale and does nothing; the
        // record it came from has already been replaced or removed.
        if self.state.armed(kind) != Some(due_at) {
            return;
        }
        match kind {
            // The contact is waiting for the bot, not quiet: warning or closing now would
            // answer their question with "closed after a period of inactivity". Counted again
            // from now; the answer watchdog bounds how long an answer stays owed.
            TimerKind::InactivityWarning | TimerKind::AutoClose if self.owes_an_answer() => {
                self.arm_inactivity_timers();
            }
            TimerKind::InactivityWarning => {
                self.state.warn_due_at = None;
                self.effects.push(Effect::CancelTimer { kind });
                if self.state.status == SessionStatus::Open {
                    let text = self.state.rules.warning_message.clone();
                    self.notify_contact(text);
                    self.set_status(SessionStatus::Warned);
                }
            }
            TimerKind::AutoClose => self.close(CloseReason::Inactivity),
            TimerKind::AgentSla => self.sla_breached(),
            TimerKind::AnswerWatchdog => self.answers_overdue(),
        }
    }
    fn close(&mut self, reason: CloseReason) {
        if self.state.is_closed() {
            return;
        }
        if let Some(text) = self.state.rules.closing_message.clone() {
            self.notify_contact(text);
        }
        self.close_silently(reason);
    }

    /// Closes the session without the bot's closing message.
    fn close_silently(&mut self, reason: CloseReason) {
        if self.state.is_closed() {
            return;
        }
        self.cancel_inactivity_timers();
        self.forget_pending_answers();
        self.state.closed_at = Some(self.now);
        self.state.close_reason = Some(reason);
        self.set_status(SessionStatus::Closed);
        if self.state.responder != Responder::Bot {
            self.set_responder(Responder::Bot);
        }
    }

    fn reopen(&mut self) {
        self.state.reopened_count += 1;
        self.state.closed_at = None;
        self.state.close_reason = None;
        self.set_status(SessionStatus::Open);
    }

    fn require_owner(&self, agent_id: &str) -> Result<(), Rejection> {
        if self.state.is_closed() {
            return Err(Rejection::SessionClosed);
        }
        match &self.state.responder {
            Responder::Agent { agent_id: owner } if owner == agent_id => Ok(()),
            _ => Err(Rejection::NotTheOwner {
                agent_id: agent_id.to_owned(),
            }),
        }
    }

    fn restart_inactivity_timers(&mut self) {
        self.state.last_activity_at = self.now;
        self.arm_inactivity_timers();
    }

    /// Arms the inactivity warning (when the rules have one) and the auto-close, counted from
    /// now.
    fn arm_inactivity_timers(&mut self) {
        let timeouts = self.state.rules.timeouts;
        match timeouts.warn_after() {
            Some(after) => {
                let due_at = self.now.plus(after);
                self.state.warn_due_at = Some(due_at);
                self.effects.push(Effect::SetTimer {
                    kind: TimerKind::InactivityWarning,
                    due_at,
                });
            }
            None if self.state.warn_due_at.take().is_some() => {
                self.effects.push(Effect::CancelTimer {
                    kind: TimerKind::InactivityWarning,
                });
            }
            None => {}
        }
        let due_at = self.now.plus(timeouts.close_after());
        self.state.close_due_at = Some(due_at);
        self.effects.push(Effect::SetTimer {
            kind: TimerKind::AutoClose,
            due_at,
        });
    }

    fn cancel_inactivity_timers(&mut self) {
        for kind in [TimerKind::InactivityWarning, TimerKind::AutoClose] {
            self.effects.push(Effect::CancelTimer { kind });
        }
        self.state.warn_due_at = None;
        self.state.close_due_at = None;
    }

    /// Refuses a free-form message once the channel's 24-hour customer service window closed
    /// (Meta's channels, not a comment's public thread, which has no window).
    fn require_open_window(&self) -> Result<(), Rejection> {
        let key = &self.state.key;
        if !window_applies(key.channel) || commented(&key.contact).is_some() {
            return Ok(());
        }
        let Some(last_inbound) = self.state.last_inbound_at else {
            return Ok(());
        };
        match messaging_window(Some(last_inbound), self.now).refusal_reason() {
            Some(reason) => Err(Rejection::MessagingWindowClosed { reason }),
            None => Ok(()),
        }
    }

    /// Tells the contact about the conversation itself (inactivity, closing). A comment's
    /// conversation is answered in public under the comment, where such notices have no place:
    /// there they are kept as internal notes instead.
    fn notify_contact(&mut self, text: String) {
        if commented(&self.state.key.contact).is_some() {
            let note = self.message(
                Direction::Internal,
                Author::System,
                MessageBody::text(text),
                None,
            );
            self.effects.push(Effect::Append(note));
        } else {
            self.send(Author::System, MessageBody::text(text), None);
        }
    }

    pub(super) fn send(
        &mut self,
        author: Author,
        body: MessageBody,
        provider_message_id: Option<String>,
    ) {
        let message = self.message(Direction::Outbound, author, body, provider_message_id);
        self.effects.push(Effect::Append(message.clone()));
        self.effects.push(Effect::Deliver(message));
    }

    fn message(
        &mut self,
        direction: Direction,
        author: Author,
        body: MessageBody,
        provider_message_id: Option<String>,
    ) -> Message {
        self.state.last_seq += 1;
        Message {
            id: MessageId::generate(),
            tenant_id: self.state.key.tenant_id.clone(),
            session_id: self.state.id.clone(),
            seq: self.state.last_seq,
            direction,
            author,
            body,
            provider_message_id,
            created_at: self.now,
            delivery: match direction {
                Direction::Inbound => Delivery::Received,
                Direction::Outbound => Delivery::Pending,
                Direction::Internal => Delivery::Kept,
            },
        }
    }

    fn set_status(&mut self, status: SessionStatus) {
        self.state.status = status;
        self.effects
            .push(Effect::Notify(SessionNotice::StatusChanged { status }));
    }

    /// Changes who answers; leaving the waiting queue ends its SLA.
    pub(super) fn set_responder(&mut self, responder: Responder) {
        if responder != Responder::Bot {
            self.forget_pending_answers();
        }
        let waits = matches!(responder, Responder::WaitingForAgent { .. });
        if !waits && self.state.sla_due_at.take().is_some() {
            self.effects.push(Effect::CancelTimer {
                kind: TimerKind::AgentSla,
            });
        }
        self.state.responder = responder.clone();
        self.effects
            .push(Effect::Notify(SessionNotice::ResponderChanged {
                responder,
            }));
    }
}
