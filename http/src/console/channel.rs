//! Session notices on their way to the consoles: every stored message, every status or owner
//! change and every step of a knowledge document's ingestion goes to the `/console` room of its
//! organisation, in the order they were reported, from one background task so the session
//! actors never wait on sockets.

use crate::console::protocol::{
    ConsoleMessage, ConsoleSession, EVENT_INGESTION, EVENT_MESSAGE, EVENT_SESSION, NAMESPACE,
    organisation_room,
};
use crate::knowledge::DocumentView;
use crate::realtime::RealtimeIo;
use botwot_engine::knowledge::{IngestionObserver, KnowledgeDocument};
use botwot_engine::ports::SessionObserver;
use botwot_engine::session::SessionNotice;
use botwot_engine::{Message, SessionKey, SessionState, TenantId};
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc;

/// What to tell an organisation's consoles.
enum Update {
    Message(TenantId, Box<ConsoleMessage>),
    Session(TenantId, Box<ConsoleSession>),
    Ingestion(TenantId, Box<DocumentView>),
}

/// Feeds the console namespace ([`SessionObserver`]). Cheap to clone.
#[derive(Clone)]
pub struct ConsoleChannel {
    io: RealtimeIo,
    /// Started on first use, inside the runtime that calls the observer.
    updates: Arc<OnceLock<mpsc::UnboundedSender<Update>>>,
}

impl ConsoleChannel {
    pub fn new(io: RealtimeIo) -> Self {
        Self {
            io,
            updates: Arc::default(),
        }
    }

    fn send(&self, update: Update) {
        let updates = self.updates.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime.spawn(forward(self.io.clone(), receiver));
                }
                Err(_) => tracing::warn!("console updates need a tokio runtime; none are sent"),
            }
            sender
        });
        if updates.send(update).is_err() {
            tracing::debug!("console forwarder stopped; update dropped");
        }
    }
}

/// Emits updates one at a time, so each console sees them in the order they happened.
async fn forward(io: RealtimeIo, mut updates: mpsc::UnboundedReceiver<Update>) {
    while let Some(update) = updates.recv().await {
        let Some(console) = io.of(NAMESPACE) else {
            continue;
        };
        let sent = match update {
            Update::Message(tenant, payload) => {
                console
                    .to(organisation_room(&tenant))
                    .emit(EVENT_MESSAGE, &*payload)
                    .await
            }
            Update::Session(tenant, payload) => {
                console
                    .to(organisation_room(&tenant))
                    .emit(EVENT_SESSION, &*payload)
                    .await
            }
            Update::Ingestion(tenant, payload) => {
                console
                    .to(organisation_room(&tenant))
                    .emit(EVENT_INGESTION, &*payload)
                    .await
            }
        };
        if let Err(error) = sent {
            tracing::debug!(%error, "console update not sent");
        }
    }
}

impl SessionObserver for ConsoleChannel {
    fn message_added(&self, key: &SessionKey, message: &Message) {
        let payload = ConsoleMessage {
            session_id: message.session_id.clone(),
            channel: key.channel,
            message: message.clone(),
        };
        self.send(Update::Message(key.tenant_id.clone(), Box::new(payload)));
    }

    fn notice(&self, session: &SessionState, notice: &SessionNotice) {
        let payload = ConsoleSession {
            session: session.clone(),
            change: notice.clone(),
        };
        self.send(Update::Session(
            session.key.tenant_id.clone(),
            Box::new(payload),
        ));
    }
}

impl IngestionObserver for ConsoleChannel {
    fn progressed(&self, document: &KnowledgeDocument) {
        let payload = Box::new(DocumentView::from(document));
        self.send(Update::Ingestion(document.tenant_id.clone(), payload));
    }
}
