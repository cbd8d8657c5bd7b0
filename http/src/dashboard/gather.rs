//! Reads what a report needs from storage: the sessions created in its range (newest first, at
//! most [`MAX_REPORT_SESSIONS`]) and each one's whole transcript and kept intent and sentiment
//! analyses, reduced to [`ConversationFacts`].

use super::range::ReportScope;
use botwot_engine::SessionState;
use botwot_engine::analytics::ConversationFacts;
use botwot_engine::insight::InsightKind;
use botwot_engine::ports::{InsightStore, PageRequest, SessionFilter, SessionStore, StoreError};
use botwot_engine::{Message, TenantId};

/// The most sessions one report reads; a range with more is reported as `truncated`.
pub const MAX_REPORT_SESSIONS: usize = 50_000;
const SESSION_PAGE: usize = 500;
const TRANSCRIPT_PAGE: usize = 500;

/// The conversations of a report's scope.
#[derive(Debug)]
pub struct Gathered {
    pub conversations: Vec<ConversationFacts>,
    /// More sessions matched than [`MAX_REPORT_SESSIONS`]; the newest ones were read.
    pub truncated: bool,
}

/// The conversations of `tenant` in `scope`.
pub async fn gather<S: SessionStore + InsightStore + ?Sized>(
    store: &S,
    tenant: &TenantId,
    scope: ReportScope,
) -> Result<Gathered, StoreError> {
    let filter = SessionFilter {
        channel: scope.channel,
        created_from: Some(scope.range.from),
        created_until: Some(scope.range.to),
        ..SessionFilter::default()
    };
    let mut page = PageRequest {
        limit: SESSION_PAGE,
        cursor: None,
    };
    let mut conversations = Vec::new();
    loop {
        let listed = store.list_sessions(tenant, &filter, &page).await?;
        let room = MAX_REPORT_SESSIONS - conversations.len();
        let overflow = listed.items.len() > room;
        for session in listed.items.iter().take(room) {
            let messages = transcript(store, session).await?;
            let mut facts = ConversationFacts::from_transcript(session, &messages);
            for kind in [InsightKind::Intent, InsightKind::Sentiment] {
                if let Some(insight) = store.get_insight(tenant, &session.id, kind).await? {
                    facts.with_insight(&insight.result);
                }
            }
            conversations.push(facts);
        }
        match listed.next_cursor {
            Some(cursor) if conversations.len() < MAX_REPORT_SESSIONS => page.cursor = Some(cursor),
            next => {
                let truncated = overflow || next.is_some();
                return Ok(Gathered {
                    conversations,
                    truncated,
                });
            }
        }
    }
}

/// Every message of `session`, in order.
async fn transcript<S: SessionStore + ?Sized>(
    store: &S,
    session: &SessionState,
) -> Result<Vec<Message>, StoreError> {
    let mut messages: Vec<Message> = Vec::new();
    loop {
        let after = messages.last().map_or(0, |message| message.seq);
        let batch = store
            .transcript(&session.key.tenant_id, &session.id, after, TRANSCRIPT_PAGE)
            .await?;
        let full = batch.len() == TRANSCRIPT_PAGE;
        messages.extend(batch);
        if !full {
            return Ok(messages);
        }
    }
}
