//! The console namespace: admits a signed-in agent (access token, Live Chat or Conversations
//! module), joins them to their organisation's room and nothing else, and keeps the
//! organisation told of their presence and their typing. An agent who comes online is offered
//! the organisation's waiting conversations. A socket lives no longer than its access token:
//! when the token expires the agent is told `token_expired` and disconnected, to reconnect
//! with a fresh one.

use crate::auth::Principal;
use crate::auth::principal::principal_of;
use crate::console::board::PresenceBoard;
use crate::console::offers::offer_waiting_soon;
use crate::console::protocol::{
    EVENT_ERROR, EVENT_PRESENCE, EVENT_ROSTER, EVENT_TYPING, NAMESPACE, Presence, PresenceNotice,
    Roster, organisation_room,
};
use crate::console::typing::AgentTypist;
use crate::errors::{AppError, ErrorCode};
use crate::realtime::typing_gate::TypingGate;
use crate::realtime::{RealtimeIo, RealtimeSocket as SocketRef};
use crate::state::AppState;
use botwot_engine::TenantId;
use botwot_engine::access::Module;
use serde_json::Value;
use socketioxide::extract::TryData;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Who is on the other end of an admitted console socket.
#[derive(Clone, Debug)]
struct Agent {
    tenant: TenantId,
    agent_id: String,
    room: String,
    /// How long the access token stays valid; `None` for API keys, which do not expire.
    token_lifetime: Option<Duration>,
}

/// Opens the console namespace on `io`; `board` records who is at a console. Cross-node, the
/// namespace is open once its channels are subscribed.
pub async fn open_namespace(io: &RealtimeIo, state: AppState, board: PresenceBoard) {
    use socketioxide::handler::ConnectHandler;
    let relay = Relay {
        io: io.clone(),
        state: state.clone(),
    };
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
    let on_connect = move |socket: SocketRef| connected(socket, board.clone(), relay.clone());
    if let Err(error) = io.ns(NAMESPACE, on_connect.with(admit_with)).await {
        tracing::error!(%error, "console namespace not opened");
    }
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
    let token_lifetime = match principal.api_key {
        Some(_) => None,
        None => {
            let now = state.now();
            let claims = state.auth.tokens.verify(token, now).map_err(|_| {
                AppError::new(ErrorCode::InvalidToken, "the access token is not valid")
            })?;
            let left_ms = claims.exp.saturating_mul(1_000) - now.millis();
            Some(Duration::from_millis(u64::try_from(left_ms).unwrap_or(0)))
        }
    };
    socket.extensions.insert(Agent {
        tenant: principal.tenant().clone(),
        agent_id: principal.user.id.to_string(),
        room: organisation_room(principal.tenant()),
        token_lifetime,
    });
    Ok(())
}

/// What a socket's agent events are passed on with.
#[derive(Clone)]
struct Relay {
    io: RealtimeIo,
    state: AppState,
}

/// Wires an admitted socket: its organisation's room, the roster, presence in and out, and the
/// agent's typing. The handlers are registered before this returns its future, so nothing sent
/// right after connecting is missed.
fn connected(socket: SocketRef, board: PresenceBoard, relay: Relay) -> impl Future<Output = ()> {
    let agent = socket.extensions.get::<Agent>();
    let state = relay.state.clone();
    let welcome = agent.map(|agent| {
        listen_for_typing(&socket, &agent, relay);
        wire(&socket, &board, agent, state.clone())
    });
    async move {
        match welcome {
            Some((agent, first, left)) => {
                let status = if first {
                    Some(board.arrived(&agent.tenant, &agent.agent_id).await)
                } else {
                    None
                };
                let agents = Roster {
                    agents: board.agents(&agent.tenant).await,
                };
                let _ = socket.emit(EVENT_ROSTER, &agents);
                if let Some(status) = status {
                    announce(&socket, &agent, status).await;
                    offer_if_online(&state, &agent, status);
                }
                if let Some(lifetime) = agent.token_lifetime {
                    tokio::spawn(end_with_the_token(socket.clone(), lifetime, left));
                }
                tracing::debug!(agent_id = %agent.agent_id, "console connected");
            }
            None => {
                let _ = socket.disconnect();
            }
        }
    }
}

/// Joins the room and registers the handlers; returns the agent, whether this is their first
/// socket on this node, and what is notified when the socket leaves.
fn wire(
    socket: &SocketRef,
    board: &PresenceBoard,
    agent: Agent,
    state: AppState,
) -> (Agent, bool, Arc<Notify>) {
    let left = Arc::new(Notify::new());
    socket.join(agent.room.clone());
    let (on_presence, presence_board) = (agent.clone(), board.clone());
    socket.on(
        EVENT_PRESENCE,
        move |socket: SocketRef, TryData(payload): TryData<Value>| {
            let (agent, board, state) =
                (on_presence.clone(), presence_board.clone(), state.clone());
            async move {
                match Presence::parse(payload.ok().as_ref()) {
                    Ok(status) => {
                        board.chose(&agent.tenant, &agent.agent_id, status).await;
                        announce(&socket, &agent, status).await;
                        offer_if_online(&state, &agent, status);
                    }
                    Err(refused) => {
                        let _ = socket.emit(EVENT_ERROR, &AppError::from(refused).payload());
                    }
                }
            }
        },
    );
    let (on_leave, leave_board, leaving) = (agent.clone(), board.clone(), left.clone());
    socket.on_disconnect(move |socket: SocketRef| {
        let (agent, board) = (on_leave.clone(), leave_board.clone());
        leaving.notify_one();
        async move {
            if board.local().left(&agent.tenant, &agent.agent_id) {
                let status = board.departed(&agent.tenant, &agent.agent_id).await;
                announce(&socket, &agent, status).await;
            }
        }
    });
    let first = board
        .local()
        .joined(&agent.tenant, &agent.agent_id)
        .is_some();
    (agent, first, left)
}

/// Passes the agent's `typing` events on (`typing.rs`).
fn listen_for_typing(socket: &SocketRef, agent: &Agent, relay: Relay) {
    let typist = Arc::new(AgentTypist {
        io: relay.io,
        state: relay.state,
        tenant: agent.tenant.clone(),
        agent_id: agent.agent_id.clone(),
        room: agent.room.clone(),
        gate: TypingGate::default(),
    });
    socket.on(
        EVENT_TYPING,
        move |socket: SocketRef, TryData(payload): TryData<Value>| {
            let typist = typist.clone();
            async move {
                if let Err(error) = typist.relay(&socket, payload.ok().as_ref()).await {
                    let _ = socket.emit(EVENT_ERROR, &error.payload());
                }
            }
        },
    );
}

/// An agent who became available is offered the waiting conversations (`offers.rs`).
fn offer_if_online(state: &AppState, agent: &Agent, status: Presence) {
    if status != Presence::Online {
        return;
    }
    offer_waiting_soon(state, &agent.tenant);
}

/// Disconnects the socket when its access token expires, unless it `left` before.
async fn end_with_the_token(socket: SocketRef, lifetime: Duration, left: Arc<Notify>) {
    tokio::select! {
        () = tokio::time::sleep(lifetime) => {}
        () = left.notified() => return,
    }
    if !socket.connected() {
        return;
    }
    let expired = AppError::new(
        ErrorCode::TokenExpired,
        "the access token expired; reconnect with a fresh one",
    );
    let _ = socket.emit(EVENT_ERROR, &expired.payload());
    let _ = socket.disconnect();
}

/// Tells the agent's organisation (the agent's own sockets included) their presence.
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
