//! An agent's typing in a conversation they own, passed on to the contact where the channel
//! has an indicator (the widget's session room; WhatsApp, Messenger and Instagram through the
//! Graph API) and to the colleagues at the organisation's consoles. Nothing is stored. The
//! conversation must be the agent's to start typing in: typing is part of answering, which
//! only the owner does; a stop is passed on from anyone of the organisation.
//! The Graph API is called in the background; a refusal (say, outside Meta's 24-hour window)
//! only costs the indicator and is logged.

use crate::console::protocol::{AgentTyping, EVENT_TYPING, TypingNotice, Typist};
use crate::contact_messages::latest_from_contact;
use crate::errors::{AppError, ErrorCode};
use crate::realtime::typing_gate::TypingGate;
use crate::realtime::{RealtimeIo, RealtimeSocket as SocketRef};
use crate::state::AppState;
use crate::widget::protocol::{NAMESPACE as WIDGET, Typing, room};
use botwot_adapters::meta::graph::contact_signals::TypingTarget;
use botwot_engine::integration::commented;
use botwot_engine::session::Responder;
use botwot_engine::{Channel, SessionState, TenantId};
use serde_json::Value;
use std::time::Instant;

/// The agent behind one console socket, and the gate of their typing signals.
pub struct AgentTypist {
    pub io: RealtimeIo,
    pub state: AppState,
    pub tenant: TenantId,
    pub agent_id: String,
    pub room: String,
    pub gate: TypingGate,
}

impl AgentTypist {
    /// Passes a `typing` event on; a malformed one, or one about a conversation that is not
    /// the agent's, is the caller's to report.
    pub async fn relay(&self, socket: &SocketRef, payload: Option<&Value>) -> Result<(), AppError> {
        let AgentTyping { session_id, typing } = AgentTyping::parse(payload)?;
        let session = self
            .state
            .store
            .get_session(&self.tenant, &session_id)
            .await?
            .ok_or_else(|| AppError::not_found(format_args!("session {session_id}")))?;
        // A stop is passed on from anyone of the organisation: an agent who handed the
        // conversation over while typing still clears their indicator.
        let owner = matches!(&session.responder, Responder::Agent { agent_id } if *agent_id == self.agent_id);
        if typing && !owner {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                format!("session {session_id} is not yours: take it over before typing in it"),
            ));
        }
        if !self.gate.pass(session_id.as_str(), typing, Instant::now()) {
            return Ok(());
        }
        let notice = TypingNotice {
            session_id,
            channel: session.key.channel,
            by: Typist::Agent,
            agent_id: Some(self.agent_id.clone()),
            typing,
        };
        if let Err(error) = socket
            .to(self.room.clone())
            .emit(EVENT_TYPING, &notice)
            .await
        {
            tracing::debug!(%error, "agent typing not told to colleagues");
        }
        self.show_contact(session, typing).await;
        Ok(())
    }

    async fn show_contact(&self, session: SessionState, typing: bool) {
        match session.key.channel {
            Channel::Web => {
                let Some(widget) = self.io.of(WIDGET) else {
                    return;
                };
                if let Err(error) = widget
                    .to(room(&session.id))
                    .emit(EVENT_TYPING, &Typing { typing })
                    .await
                {
                    tracing::debug!(session_id = %session.id, %error, "agent typing not shown");
                }
            }
            Channel::WhatsApp | Channel::Messenger | Channel::Instagram => {
                let state = self.state.clone();
                tokio::spawn(async move { show_on_meta(&state, &session, typing).await });
            }
            Channel::Voice => {}
        }
    }
}

/// Shows the indicator through the Graph API, when the node has one and the conversation can
/// show it (a comment thread cannot; a WhatsApp contact who wrote nothing has no message to
/// show it on).
async fn show_on_meta(state: &AppState, session: &SessionState, typing: bool) {
    let Some(signals) = state.contact_signals.as_ref() else {
        return;
    };
    let key = &session.key;
    if commented(&key.contact).is_some() {
        return;
    }
    let wamid;
    let target = match key.channel {
        // WhatsApp shows the indicator on the contact's latest message, and cannot stop it.
        Channel::WhatsApp => {
            if !typing {
                return;
            }
            wamid = match latest_from_contact(state.store.as_ref(), session).await {
                Ok(Some((_, wamid))) => wamid,
                Ok(None) => return,
                Err(error) => {
                    tracing::debug!(session_id = %session.id, %error, "typing: no latest message");
                    return;
                }
            };
            TypingTarget::WhatsApp {
                phone_number_id: &key.channel_account,
                latest_wamid: &wamid,
            }
        }
        channel => TypingTarget::Messaging {
            channel,
            account: &key.channel_account,
            recipient_id: &key.contact,
        },
    };
    if let Err(error) = signals.typing(target, typing).await {
        tracing::info!(session_id = %session.id, channel = %key.channel, %error, "Meta did not show the typing indicator");
    }
}
