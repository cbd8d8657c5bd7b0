//! The escalation rules of a transition: entering the waiting queue (hand-off message, SLA timer,
//! auto-assignment request), an auto-assignment arriving, an agent becoming available, and the
//! SLA running out.

use super::apply::Step;
use super::effect::{Effect, Rejection, SessionNotice};
use super::state::Responder;
use crate::message::{Author, MessageBody};
use crate::timer::TimerKind;

impl Step {
    /// The bot steps aside: the conversation joins the waiting queue, the contact is told once
    /// when `announce` (in this same transition, so before any agent can write), the SLA starts
    /// and, with auto-assignment, the node looks for an agent.
    pub(super) fn start_waiting(&mut self, announce: bool) {
        let handover = self.state.rules.handover.clone();
        self.state.escalated_at = None;
        self.set_responder(Responder::WaitingForAgent { since: self.now });
        if announce {
            self.send(
                Author::Bot,
                MessageBody::text(handover.handoff_text()),
                None,
            );
        }
        if let Some(sla) = handover.sla() {
            let due_at = self.now.plus(sla);
            self.state.sla_due_at = Some(due_at);
            self.effects.push(Effect::SetTimer {
                kind: TimerKind::AgentSla,
                due_at,
            });
        }
        self.seek_agent();
    }

    pub(super) fn seek_agent(&mut self) {
        let handover = &self.state.rules.handover;
        if handover.auto_assign {
            self.effects.push(Effect::SeekAgent {
                capacity: handover.agent_capacity,
            });
        }
    }

    pub(super) fn agent_assigned(&mut self, agent_id: String) -> Result<(), Rejection> {
        if self.state.is_closed() {
            return Err(Rejection::SessionClosed);
        }
        if !self.state.is_waiting() {
            return Err(Rejection::NotWaiting);
        }
        self.agent_took_over(agent_id)
    }

    /// An agent became available: a conversation still waiting asks for one again (when the
    /// bot auto-assigns; otherwise nothing changes).
    pub(super) fn agent_available(&mut self) -> Result<(), Rejection> {
        if self.state.is_closed() {
            return Err(Rejection::SessionClosed);
        }
        if !self.state.is_waiting() {
            return Err(Rejection::NotWaiting);
        }
        self.seek_agent();
        Ok(())
    }

    /// Nobody took the waiting conversation in time: it is marked escalated for the console
    /// and, with auto-assignment, offered to the agents again.
    pub(super) fn sla_breached(&mut self) {
        self.state.sla_due_at = None;
        self.effects.push(Effect::CancelTimer {
            kind: TimerKind::AgentSla,
        });
        if !self.state.is_waiting() {
            return;
        }
        self.state.escalated_at = Some(self.now);
        self.effects.push(Effect::Notify(SessionNotice::Escalated {
            escalated_at: self.now,
        }));
        self.seek_agent();
    }
}
