//! The web channel as the node sees it: outbound messages and session notices go to the
//! Socket.IO room of their session, where every open tab of the visitor listens. As the node's
//! one session observer it also feeds the agents' consoles ([`ConsoleChannel`]) and shows the
//! visitor the bot's answers while a language model writes them.

use crate::console::ConsoleChannel;
use crate::metrics;
use crate::realtime::RealtimeIo;
use crate::widget::protocol::{
    EVENT_DRAFT, EVENT_MESSAGE, EVENT_STATUS, NAMESPACE, StatusNotice, room,
};
use async_trait::async_trait;
use botwot_engine::brain::AnswerDraft;
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{ChannelSender, DeliveryError, DeliveryReceipt, SessionObserver};
use botwot_engine::session::SessionNotice;
use botwot_engine::{Channel, Message, SessionId, SessionKey, SessionState};

/// Delivers web-channel messages to connected visitors ([`ChannelSender`]) and tells them about
/// status changes ([`SessionObserver`]). A visitor who is not connected reads the message from
/// the history sent when they come back, so delivery succeeds without anyone listening.
#[derive(Clone)]
pub struct WebChannel {
    io: RealtimeIo,
    console: ConsoleChannel,
}

impl WebChannel {
    pub fn new(io: RealtimeIo) -> Self {
        let console = ConsoleChannel::new(io.clone());
        Self { io, console }
    }

    /// Disconnects every widget socket. Call it when shutdown starts: open sockets would
    /// otherwise keep a graceful HTTP shutdown waiting. Widgets reconnect to another node.
    pub async fn close(&self) {
        self.io.close().await;
    }
}

#[async_trait]
impl ChannelSender for WebChannel {
    async fn deliver(&self, entry: &OutboxEntry) -> Result<DeliveryReceipt, DeliveryError> {
        if entry.key.channel != Channel::Web {
            return Err(DeliveryError::Permanent(format!(
                "the web channel cannot deliver to {}",
                entry.key.channel
            )));
        }
        let widget = self
            .io
            .of(NAMESPACE)
            .ok_or_else(|| DeliveryError::retryable("the widget namespace is not open yet"))?;
        widget
            .to(room(&entry.message.session_id))
            .emit(EVENT_MESSAGE, &entry.message)
            .await
            .map_err(|error| DeliveryError::retryable(error.to_string()))?;
        Ok(Delivery::Sent.into())
    }
}

impl SessionObserver for WebChannel {
    fn message_added(&self, key: &SessionKey, message: &Message) {
        let direction = message.direction.as_str();
        ::metrics::counter!(metrics::MESSAGES, "channel" => key.channel.as_str(), "direction" => direction)
            .increment(1);
        self.console.message_added(key, message);
    }

    fn notice(&self, session: &SessionState, notice: &SessionNotice) {
        self.console.notice(session, notice);
        if session.key.channel == Channel::Web {
            self.emit_to_visitor(
                &session.id,
                EVENT_STATUS,
                StatusNotice::new(session, notice),
            );
        }
    }

    fn answer_drafted(&self, key: &SessionKey, draft: &AnswerDraft) {
        self.console.answer_drafted(key, draft);
        if key.channel == Channel::Web {
            self.emit_to_visitor(&draft.session_id, EVENT_DRAFT, draft.clone());
        }
    }
}

impl WebChannel {
    /// Emits `event` to the session's widget sockets on a task of its own: observers must not
    /// block. A visitor who is not connected misses it; both events sent this way are
    /// superseded by what the history shows when they come back.
    fn emit_to_visitor<T>(&self, session_id: &SessionId, event: &'static str, payload: T)
    where
        T: serde::Serialize + Send + 'static,
    {
        let (Some(widget), Ok(runtime)) =
            (self.io.of(NAMESPACE), tokio::runtime::Handle::try_current())
        else {
            return;
        };
        let room = room(session_id);
        runtime.spawn(async move {
            if let Err(error) = widget.to(room.clone()).emit(event, &payload).await {
                tracing::debug!(%room, event, %error, "widget event not sent");
            }
        });
    }
}
