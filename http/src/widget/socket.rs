//! The widget namespace: admits a visitor (widget key, origin, session), sends them their
//! session and history, and turns their messages into session events, one at a time and in the
//! order they were sent. Their typing goes to the consoles (`typing.rs`); their rating of the
//! conversation to its session (`routes/ratings.rs`).

use crate::errors::{AppError, ErrorCode};
use crate::metrics;
use crate::realtime::typing_gate::TypingGate;
use crate::realtime::{NodeAdapter, RealtimeIo, RealtimeSocket as SocketRef};
use crate::routes::ratings::{RatingInput, rate};
use crate::sessions::{Envelope, Outcome, session_after};
use crate::state::AppState;
use crate::widget::protocol::{
    BotCard, EVENT_ERROR, EVENT_HISTORY, EVENT_RATING, EVENT_SESSION, EVENT_TRACK, EVENT_TYPING,
    History, MAX_OPENS_PER_SOCKET, MessageAck, NAMESPACE, SessionInfo, VisitorMessage, WidgetAuth,
    room,
};
use crate::widget::typing::VisitorTyping;
use axum::http::header::ORIGIN;
use botwot_engine::analytics::WidgetEvent;
use botwot_engine::ids::WidgetKey;
use botwot_engine::session::Rejection;
use botwot_engine::{
    BotId, Channel, Direction, Message, MessageBody, SessionEvent, SessionId, SessionKey,
};
use serde_json::Value;
use socketioxide::extract::{Event, TryData};
use std::future::{Future, ready};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Acknowledges a visitor's message.
type AckSender = socketioxide::extract::AckSender<NodeAdapter>;

/// How many messages of the session a connecting visitor is sent.
const HISTORY_LIMIT: usize = 100;
/// Messages one socket may have waiting; past that the visitor is told to slow down.
const INBOX_CAPACITY: usize = 16;
/// How far back a redelivered message is looked for to acknowledge it again.
const DUPLICATE_LOOKBACK: usize = 200;

/// Who is on the other end of an admitted socket.
#[derive(Clone, Debug)]
struct Visitor {
    key: SessionKey,
    bot_id: BotId,
    bot: BotCard,
    session_id: SessionId,
    visitor_id: String,
}

/// Opens the widget namespace on `io`. Cross-node, the namespace is open once its channels are
/// subscribed.
pub async fn open_namespace(io: &RealtimeIo, state: AppState) {
    use socketioxide::handler::ConnectHandler;
    let admit_state = state.clone();
    let admit_with = move |socket: SocketRef, TryData(auth): TryData<Value>| {
        let state = admit_state.clone();
        async move {
            let admitted = admit(&socket, auth.ok().as_ref(), &state).await;
            if let Err(error) = &admitted {
                ::metrics::counter!(metrics::SOCKET_REFUSED, "code" => error.code.as_str())
                    .increment(1);
                tracing::info!(code = error.code.as_str(), reason = %error.message, "widget connection refused");
            }
            admitted
        }
    };
    let typing_io = io.clone();
    let on_connect = move |socket: SocketRef| connected(socket, state.clone(), typing_io.clone());
    if let Err(error) = io.ns(NAMESPACE, on_connect.with(admit_with)).await {
        tracing::error!(%error, "widget namespace not opened");
    }
}

/// Checks the widget key and origin and joins the visitor to their session.
async fn admit(socket: &SocketRef, auth: Option<&Value>, state: &AppState) -> Result<(), AppError> {
    let auth = WidgetAuth::parse(auth)?;
    let bot = state
        .store
        .find_bot_by_widget_key(&WidgetKey::new(auth.widget_key))
        .await?
        .filter(|bot| bot.deleted_at.is_none())
        .ok_or_else(|| AppError::new(ErrorCode::UnknownWidgetKey, "no bot has this widget key"))?;
    if !bot.is_live() {
        return Err(AppError::new(
            ErrorCode::BotUnavailable,
            "this bot is not active",
        ));
    }
    let origin = socket
        .req_parts()
        .headers
        .get(ORIGIN)
        .and_then(|origin| origin.to_str().ok());
    if !bot.allows_origin(origin) {
        return Err(AppError::new(
            ErrorCode::OriginNotAllowed,
            format!(
                "origin {} may not open this bot's widget",
                origin.unwrap_or("(none)")
            ),
        ));
    }
    let visitor_id = auth
        .visitor_id
        .unwrap_or_else(|| format!("v_{}", uuid::Uuid::new_v4().simple()));
    let key = SessionKey::new(
        bot.tenant_id.clone(),
        Channel::Web,
        bot.id.as_str(),
        &visitor_id,
    );
    let greeting = Some(bot.settings.bot_greeting_message.clone());
    let outcome = state
        .sessions
        .dispatch(Envelope {
            key: key.clone(),
            bot_id: bot.id.clone(),
            event: SessionEvent::ContactJoined { greeting },
        })
        .await?;
    let session_id = session_after(&outcome)
        .ok_or(Rejection::SessionClosed)?
        .id
        .clone();
    socket.extensions.insert(Visitor {
        key,
        bot_id: bot.id.clone(),
        bot: BotCard::from(&bot),
        session_id,
        visitor_id,
    });
    Ok(())
}

/// Wires an admitted socket. The handlers are registered before this returns its future, so
/// no message sent right after connecting is missed.
fn connected(socket: SocketRef, state: AppState, io: RealtimeIo) -> impl Future<Output = ()> {
    let visitor = socket.extensions.get::<Visitor>();
    if let Some(visitor) = &visitor {
        ::metrics::counter!(metrics::SOCKET_CONNECTIONS).increment(1);
        ::metrics::gauge!(metrics::SOCKETS_OPEN).increment(1);
        socket.join(room(&visitor.session_id));
        let inbox = Inbox::start(state.clone(), visitor.clone());
        socket.on(
            "message",
            move |socket: SocketRef, TryData(payload): TryData<Value>, ack: AckSender| {
                inbox.accept(&socket, payload.ok(), ack);
                ready(())
            },
        );
        let typing = Arc::new(VisitorTyping {
            io,
            tenant: visitor.key.tenant_id.clone(),
            session_id: visitor.session_id.clone(),
            gate: TypingGate::default(),
        });
        socket.on(
            EVENT_TYPING,
            move |socket: SocketRef, TryData(payload): TryData<Value>| {
                let relay = typing.clone();
                let admitted = typing.admit(payload.ok().as_ref());
                async move {
                    match admitted {
                        Ok(Some(typing)) => relay.tell_consoles(typing).await,
                        Ok(None) => {}
                        Err(error) => report(&socket, &error),
                    }
                }
            },
        );
        let (rating_state, rater) = (state.clone(), visitor.clone());
        socket.on(
            EVENT_RATING,
            move |socket: SocketRef, TryData(payload): TryData<Value>, ack: AckSender| {
                let (state, visitor) = (rating_state.clone(), rater.clone());
                async move {
                    let rated = match RatingInput::parse(payload.ok().as_ref())
                        .and_then(RatingInput::checked)
                    {
                        Ok(rating) => rate(&state, visitor.key, visitor.bot_id, rating)
                            .await
                            .map(drop),
                        Err(error) => Err(error),
                    };
                    let answer = match rated {
                        Ok(()) => serde_json::json!({"ok": true}),
                        Err(error) => {
                            report(&socket, &error);
                            serde_json::to_value(MessageAck::failed(&error)).unwrap_or_default()
                        }
                    };
                    let _ = ack.send(&answer);
                }
            },
        );
        let (usage, tracked) = (state.clone(), visitor.clone());
        let reported = Arc::new(std::sync::Mutex::new((false, 0u32)));
        socket.on(
            EVENT_TRACK,
            move |socket: SocketRef, TryData(payload): TryData<Value>| {
                let event = payload
                    .ok()
                    .as_ref()
                    .and_then(|payload| payload.get("event"))
                    .and_then(Value::as_str)
                    .and_then(WidgetEvent::parse);
                let Some(event) = event else {
                    let error = AppError::new(
                        ErrorCode::InvalidPayload,
                        "track takes {\"event\": \"loaded\" | \"opened\"}",
                    );
                    report(&socket, &error);
                    return ready(());
                };
                let counts = {
                    let mut seen = reported
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    match event {
                        WidgetEvent::Loaded => !std::mem::replace(&mut seen.0, true),
                        WidgetEvent::Opened => {
                            seen.1 += 1;
                            seen.1 <= MAX_OPENS_PER_SOCKET
                        }
                    }
                };
                if counts {
                    let (tenant, bot) = (&tracked.key.tenant_id, &tracked.bot_id);
                    usage.widget_usage.count(tenant, bot, event, usage.now());
                }
                ready(())
            },
        );
        socket.on_fallback(|socket: SocketRef, Event(event): Event| {
            let error = AppError::new(
                ErrorCode::InvalidPayload,
                format!("unknown event {event:?}"),
            );
            report(&socket, &error);
            ready(())
        });
        socket.on_disconnect(|| {
            ::metrics::gauge!(metrics::SOCKETS_OPEN).decrement(1);
            ready(())
        });
        tracing::debug!(session_id = %visitor.session_id, "visitor connected");
    }
    async move {
        match visitor {
            Some(visitor) => welcome(&socket, &state, &visitor).await,
            None => {
                let _ = socket.disconnect();
            }
        }
    }
}

/// Sends the visitor their session and its latest messages.
async fn welcome(socket: &SocketRef, state: &AppState, visitor: &Visitor) {
    let session = state
        .store
        .get_session(&visitor.key.tenant_id, &visitor.session_id)
        .await;
    let history = state
        .store
        .recent_messages(&visitor.key.tenant_id, &visitor.session_id, HISTORY_LIMIT)
        .await;
    match (session, history) {
        (Ok(Some(session)), Ok(messages)) => {
            // The team's private notes never reach the visitor.
            let messages = messages
                .into_iter()
                .filter(|message| message.direction.is_visible_to_contact())
                .collect();
            let info = SessionInfo {
                session_id: session.id.clone(),
                visitor_id: visitor.visitor_id.clone(),
                status: session.status,
                responder: session.responder,
                bot: visitor.bot.clone(),
            };
            let history = History {
                session_id: session.id,
                messages,
            };
            let _ = socket.emit(EVENT_SESSION, &info);
            let _ = socket.emit(EVENT_HISTORY, &history);
        }
        (Err(error), _) | (_, Err(error)) => report(socket, &error.into()),
        (Ok(None), _) => report(socket, &AppError::not_found("session")),
    }
}

/// Tells the visitor what went wrong; the connection stays open.
fn report(socket: &SocketRef, error: &AppError) {
    ::metrics::counter!(metrics::SOCKET_ERRORS, "code" => error.code.as_str()).increment(1);
    let _ = socket.emit(EVENT_ERROR, &error.payload());
}

/// One job for the socket's worker: a checked message and where to acknowledge it.
struct Job {
    socket: SocketRef,
    message: VisitorMessage,
    ack: AckSender,
}

/// The queue in front of one socket's worker, which dispatches messages one by one so they
/// reach the session in the order the visitor sent them.
#[derive(Clone)]
struct Inbox {
    jobs: mpsc::Sender<Job>,
    max_message_chars: usize,
}

impl Inbox {
    fn start(state: AppState, visitor: Visitor) -> Self {
        let (jobs, mut queue) = mpsc::channel::<Job>(INBOX_CAPACITY);
        let max_message_chars = state.config.max_message_chars;
        tokio::spawn(async move {
            while let Some(job) = queue.recv().await {
                let ack = match take_message(&state, &visitor, job.message).await {
                    Ok(ack) => ack,
                    Err(error) => {
                        report(&job.socket, &error);
                        MessageAck::failed(&error)
                    }
                };
                let _ = job.ack.send(&ack);
            }
        });
        Self {
            jobs,
            max_message_chars,
        }
    }

    /// Checks a `message` event and queues it; bad or excess input is answered at once.
    fn accept(&self, socket: &SocketRef, payload: Option<Value>, ack: AckSender) {
        let checked = payload
            .as_ref()
            .ok_or_else(|| AppError::new(ErrorCode::InvalidPayload, "a message needs a payload"))
            .and_then(|payload| {
                VisitorMessage::parse(payload, self.max_message_chars).map_err(AppError::from)
            });
        let refused = match checked {
            Ok(message) => {
                let job = Job {
                    socket: socket.clone(),
                    message,
                    ack,
                };
                match self.jobs.try_send(job) {
                    Ok(()) => return,
                    Err(rejected) => {
                        let job = rejected.into_inner();
                        let error = AppError {
                            retry_after_secs: Some(1),
                            ..AppError::new(ErrorCode::Overloaded, "messages are arriving too fast")
                        };
                        (job.ack, error)
                    }
                }
            }
            Err(error) => (ack, error),
        };
        let (ack, error) = refused;
        report(socket, &error);
        let _ = ack.send(&MessageAck::failed(&error));
    }
}

/// Dispatches one visitor message and finds the stored message to acknowledge.
async fn take_message(
    state: &AppState,
    visitor: &Visitor,
    message: VisitorMessage,
) -> Result<MessageAck, AppError> {
    let client_message_id = message
        .client_message_id
        .unwrap_or_else(|| format!("c_{}", uuid::Uuid::new_v4().simple()));
    // Client ids are only unique per visitor, and the store dedupes per tenant and channel.
    let provider_message_id = format!("{}/{client_message_id}", visitor.key.contact);
    let outcome = state
        .sessions
        .dispatch(Envelope {
            key: visitor.key.clone(),
            bot_id: visitor.bot_id.clone(),
            event: SessionEvent::Inbound {
                provider_message_id: Some(provider_message_id.clone()),
                body: MessageBody::text(message.text),
            },
        })
        .await?;
    match outcome {
        Outcome::Applied { messages, .. } => {
            let stored = messages
                .into_iter()
                .find(|m| is_the_inbound(m, &provider_message_id));
            Ok(MessageAck::stored(stored, false))
        }
        Outcome::Duplicate { session } => {
            let recent = state
                .store
                .recent_messages(&session.key.tenant_id, &session.id, DUPLICATE_LOOKBACK)
                .await?;
            let stored = recent
                .into_iter()
                .find(|m| is_the_inbound(m, &provider_message_id));
            Ok(MessageAck::stored(stored, true))
        }
        Outcome::Rejected { rejection, .. } => Err(rejection.into()),
        // Only an erasure erases; an inbound message never does.
        Outcome::Erased { .. } => Err(Rejection::SessionClosed.into()),
    }
}

fn is_the_inbound(message: &Message, provider_message_id: &str) -> bool {
    message.direction == Direction::Inbound
        && message.provider_message_id.as_deref() == Some(provider_message_id)
}
