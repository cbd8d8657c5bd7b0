//! Waiting conversations offered to an agent who becomes available. A conversation that found
//! nobody when it started waiting would otherwise wait for its SLA timer to ask again; when an
//! agent comes to a console (or back online), or gives a conversation away (hands it back,
//! transfers it, closes it), each of the organisation's waiting conversations, oldest first, is
//! told so (`SessionEvent::AgentAvailable`). Its session actor asks the node's auto-assigner
//! again when the bot auto-assigns, and the assigner's round robin and capacity decide who gets
//! it; a conversation no longer waiting refuses the event and nothing is written either way.

use crate::sessions::Envelope;
use crate::state::AppState;
use botwot_engine::ports::{PageRequest, SessionFilter};
use botwot_engine::session::SessionQueue;
use botwot_engine::{SessionEvent, TenantId};

/// How many waiting conversations are offered again at once (the oldest of them).
const OFFERED_AT_ONCE: usize = 200;

/// [`offer_waiting`] in the background.
pub fn offer_waiting_soon(state: &AppState, tenant: &TenantId) {
    let (state, tenant) = (state.clone(), tenant.clone());
    tokio::spawn(async move { offer_waiting(&state, &tenant).await });
}

/// Offers the organisation's waiting conversations again, oldest first; failures are logged.
pub async fn offer_waiting(state: &AppState, tenant: &TenantId) {
    let waiting = SessionFilter {
        queue: Some(SessionQueue::Waiting),
        ..SessionFilter::default()
    };
    let page = PageRequest {
        limit: OFFERED_AT_ONCE,
        cursor: None,
    };
    let listed = match state.store.list_sessions(tenant, &waiting, &page).await {
        Ok(listed) => listed,
        Err(error) => {
            tracing::warn!(%tenant, %error, "waiting conversations not offered to a new agent");
            return;
        }
    };
    // Listed newest first; the longest waiting is offered first.
    for session in listed.items.into_iter().rev() {
        let envelope = Envelope {
            key: session.key.clone(),
            bot_id: session.bot_id.clone(),
            event: SessionEvent::AgentAvailable,
        };
        if let Err(error) = state.sessions.dispatch(envelope).await {
            tracing::debug!(session_id = %session.id, %error, "waiting conversation not offered");
        }
    }
}
