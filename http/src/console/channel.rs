//! Session notices on their way to the consoles: every stored message, every status or owner
//! change, every draft of an answer being written, every step of a knowledge document's
//! ingestion and every integration that stopped working goes to the `/console` room of its
//! organisation, in the order they were reported, from one background task so the session
//! actors never wait on sockets.

use crate::console::protocol::{
    ConsoleDraft, ConsoleMessage, ConsoleSession, EVENT_DRAFT, EVENT_INGESTION, EVENT_INTEGRATION,
    EVENT_MESSAGE, EVENT_SESSION, NAMESPACE, organisation_room,
};
use crate::knowledge::DocumentView;
use crate::realtime::RealtimeIo;
use botwot_engine::brain::AnswerDraft;
use botwot_engine::integration::{ChannelIntegration, IntegrationAlerts};
use botwot_engine::knowledge::{IngestionObserver, KnowledgeDocument};
use botwot_engine::ports::SessionObserver;
use botwot_engine::session::SessionNotice;
use botwot_engine::{Message, SessionKey, SessionState, TenantId};
use serde::Serialize;
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc;

/// What to tell an organisation's consoles: an event and its payload.
struct Update {
    tenant: TenantId,
    event: &'static str,
    payload: Value,
}

impl Update {
    fn new(tenant: &TenantId, event: &'static str, payload: &impl Serialize) -> Option<Self> {
        match serde_json::to_value(payload) {
            Ok(payload) => Some(Self {
                tenant: tenant.clone(),
                event,
                payload,
            }),
            Err(error) => {
                tracing::warn!(%error, event, "console update not encodable");
                None
            }
        }
    }
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

    fn send(&self, update: Option<Update>) {
        let Some(update) = update else {
            return;
        };
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
    while let Some(Update {
        tenant,
        event,
        payload,
    }) = updates.recv().await
    {
        let Some(console) = io.of(NAMESPACE) else {
            continue;
        };
        let sent = console
            .to(organisation_room(&tenant))
            .emit(event, &payload)
            .await;
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
        self.send(Update::new(&key.tenant_id, EVENT_MESSAGE, &payload));
    }

    fn notice(&self, session: &SessionState, notice: &SessionNotice) {
        let payload = ConsoleSession {
            session: session.clone(),
            change: notice.clone(),
        };
        self.send(Update::new(&session.key.tenant_id, EVENT_SESSION, &payload));
    }

    fn answer_drafted(&self, key: &SessionKey, draft: &AnswerDraft) {
        let payload = ConsoleDraft {
            session_id: draft.session_id.clone(),
            channel: key.channel,
            draft: draft.clone(),
        };
        self.send(Update::new(&key.tenant_id, EVENT_DRAFT, &payload));
    }
}

impl IngestionObserver for ConsoleChannel {
    fn progressed(&self, document: &KnowledgeDocument) {
        let payload = DocumentView::from(document);
        self.send(Update::new(&document.tenant_id, EVENT_INGESTION, &payload));
    }
}

impl IntegrationAlerts for ConsoleChannel {
    /// Counted in `botwot_integration_unhealthy_total` and told to the organisation's consoles.
    fn integration_unhealthy(&self, integration: &ChannelIntegration) {
        let channel = integration.settings.channel;
        metrics::counter!("botwot_integration_unhealthy_total", "channel" => channel.to_string())
            .increment(1);
        let payload = integration.clone().without_secrets();
        self.send(Update::new(
            &integration.tenant_id,
            EVENT_INTEGRATION,
            &payload,
        ));
    }
}
