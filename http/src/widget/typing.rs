//! A visitor's typing, passed on to the consoles of the conversation's organisation. Nothing is
//! stored; a visitor's flood of `typing` events reaches the consoles at most once per
//! [`REFRESH`](crate::realtime::typing_gate::REFRESH) and on every change.

use crate::console::protocol::{
    EVENT_TYPING, NAMESPACE as CONSOLE, TypingNotice, Typist, organisation_room,
};
use crate::errors::AppError;
use crate::realtime::RealtimeIo;
use crate::realtime::typing_gate::TypingGate;
use crate::widget::protocol::Typing;
use botwot_engine::{Channel, SessionId, TenantId};
use serde_json::Value;
use std::time::Instant;

/// The conversation a widget socket belongs to, and the gate of its typing signals.
pub struct VisitorTyping {
    pub io: RealtimeIo,
    pub tenant: TenantId,
    pub session_id: SessionId,
    pub gate: TypingGate,
}

impl VisitorTyping {
    /// Reads a `typing` event and says whether it goes on (see [`TypingGate`]). Called as the
    /// event arrives, so the gate sees a socket's events in their order.
    pub fn admit(&self, payload: Option<&Value>) -> Result<Option<bool>, AppError> {
        let Typing { typing } = Typing::parse(payload)?;
        let passes = self
            .gate
            .pass(self.session_id.as_str(), typing, Instant::now());
        Ok(passes.then_some(typing))
    }

    /// Tells the organisation's consoles.
    pub async fn tell_consoles(&self, typing: bool) {
        let Some(consoles) = self.io.of(CONSOLE) else {
            return;
        };
        let notice = TypingNotice {
            session_id: self.session_id.clone(),
            channel: Channel::Web,
            by: Typist::Contact,
            agent_id: None,
            typing,
        };
        if let Err(error) = consoles
            .to(organisation_room(&self.tenant))
            .emit(EVENT_TYPING, &notice)
            .await
        {
            tracing::debug!(session_id = %self.session_id, %error, "visitor typing not passed on");
        }
    }
}
