//! The console namespace: admits a signed-in agent (access token, Live Chat or Conversations
//! module), joins them to their organisation's room and nothing else, and relays their
//! presence to the organisation.

use crate::auth::Principal;
use crate::auth::principal::principal_of;
use crate::console::protocol::{
    EVENT_ERROR, EVENT_PRESENCE, NAMESPACE, Presence, PresenceNotice, organisation_room,
};
use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use botwot_engine::access::Module;
use serde_json::Value;
use socketioxide::SocketIo;
use socketioxide::extract::{SocketRef, TryData};
use std::future::ready;

/// Who is on the other end of an admitted console socket.
#[derive(Clone, Debug)]
struct Agent {
    agent_id: String,
    room: String,
}

/// Opens the console namespace on `io`.
pub fn open_namespace(io: &SocketIo, state: AppState) {
    use socketioxide::handler::ConnectHandler;
    let admit_with = move |socket: SocketRef, TryData(auth): TryData<Value>| {
        let state = state.clone();
        async move {
            let admitted = admit(&socket, auth.ok().as_ref(), &state).await;
            if let Err(error) = &admitted {
                tracing::info!(code = error.code.as_str(), reason = %error.message, "console connection refused");
            }
            admitted
        }
    };
    io.ns(NAMESPACE, connected.with(admit_with));
}

/// Checks the access token and the caller's modules.
async fn admit(socket: &SocketRef, auth: Option<&Value>, state: &AppState) -> Result<(), AppError> {
    let token = auth
        .and_then(|auth| auth.get("token"))
        .and_then(Value::as_str)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::Unauthorized,
                "connect with auth {token: <access token>}",
            )
        })?;
    let principal: Principal = principal_of(state, token).await?;
    if !principal.allows(Module::LIVE_CHAT) && !principal.allows(Module::CONVERSATIONS) {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "the console needs Live Chat (module 11) or Conversations (module 4)",
        ));
    }
    socket.extensions.insert(Agent {
        agent_id: principal.user.id.to_string(),
        room: organisation_room(principal.tenant()),
    });
    Ok(())
}

/// Wires an admitted socket: its organisation's room, presence in and out.
fn connected(socket: SocketRef) -> impl Future<Output = ()> {
    let Some(agent) = socket.extensions.get::<Agent>() else {
        let _ = socket.disconnect();
        return ready(());
    };
    socket.join(agent.room.clone());
    let on_presence = agent.clone();
    socket.on(
        EVENT_PRESENCE,
        move |socket: SocketRef, TryData(payload): TryData<Value>| {
            let agent = on_presence.clone();
            async move {
                match Presence::parse(payload.ok().as_ref()) {
                    Ok(status) => announce(&socket, &agent, status).await,
                    Err(error) => {
                        let _ = socket.emit(EVENT_ERROR, &error.payload());
                    }
                }
            }
        },
    );
    let on_leave = agent.clone();
    socket.on_disconnect(move |socket: SocketRef| {
        let agent = on_leave.clone();
        async move { announce(&socket, &agent, Presence::Offline).await }
    });
    tracing::debug!(agent_id = %agent.agent_id, "console connected");
    ready(())
}

/// Tells the agent's organisation (the agent's own other sockets included) their presence.
async fn announce(socket: &SocketRef, agent: &Agent, status: Presence) {
    let notice = PresenceNotice {
        agent_id: agent.agent_id.clone(),
        status,
    };
    if let Err(error) = socket
        .within(agent.room.clone())
        .emit(EVENT_PRESENCE, &notice)
        .await
    {
        tracing::debug!(agent_id = %agent.agent_id, %error, "presence not sent");
    }
}
