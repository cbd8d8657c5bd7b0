//! Sessions and their transcripts.

use super::journal::journal_id;
use super::schema::{
    AGENT, BOT, CHANNEL, COMMIT_JOURNALS, CONTACT, INSIGHTS, MESSAGES,
    MESSAGES_BY_OUTBOUND_PROVIDER_ID, MESSAGES_BY_SEQ, OUTBOX, QUEUE, SESSIONS, SESSIONS_BY_BOT,
    SESSIONS_BY_CHANNEL, SESSIONS_BY_CREATED, SESSIONS_BY_KEY, SESSIONS_BY_STATUS, STATUS, TIMERS,
};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, Order, WriteBatch};
use async_trait::async_trait;
use botwot_engine::channel::Channel;
use botwot_engine::ids::{MessageId, SessionId, TenantId};
use botwot_engine::insight::{InsightKind, SessionInsight};
use botwot_engine::message::Message;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{
    CommitOutcome, PageRequest, Paged, SessionAccess, SessionCommit, SessionFilter, SessionStore,
    StoreError,
};
use botwot_engine::timer::{DurableTimer, TimerKind};
use botwot_engine::{SessionKey, SessionState, Timestamp};
use std::collections::BTreeMap;
use std::ops::Bound;

#[async_trait]
impl<B: DocumentBackend> SessionStore for Store<B> {
    async fn load_session(&self, key: &SessionKey) -> Result<Option<SessionState>, StoreError> {
        let prefix = vec![
            records::tenant(&key.tenant_id),
            FieldValue::from(key.channel.as_str()),
            FieldValue::from(key.channel_account.as_str()),
            FieldValue::from(key.contact.as_str()),
        ];
        Ok(self.find_first(&SESSIONS, &SESSIONS_BY_KEY, prefix).await?)
    }

    async fn get_session(
        &self,
        tenant: &TenantId,
        id: &SessionId,
    ) -> Result<Option<SessionState>, StoreError> {
        Ok(self.get_record(&SESSIONS, tenant, id.as_str()).await?)
    }

    async fn commit(&self, commit: SessionCommit) -> Result<CommitOutcome, StoreError> {
        self.write_commit(commit).await
    }

    async fn count_sessions_since(
        &self,
        tenant: &TenantId,
        since: Timestamp,
        up_to: usize,
    ) -> Result<usize, StoreError> {
        let mut query = IndexQuery::new(
            &SESSIONS,
            &SESSIONS_BY_CREATED,
            vec![records::tenant(tenant)],
        );
        query.lower = Bound::Included(records::millis(since));
        query.limit = up_to;
        Ok(self.backend.query(query).await?.len())
    }

    async fn finish_interrupted_commits(
        &self,
        access: &dyn SessionAccess,
    ) -> Result<usize, StoreError> {
        Ok(self.finish_journals(access).await?)
    }

    async fn finish_interrupted_commit(
        &self,
        key: &SessionKey,
        access: &dyn SessionAccess,
    ) -> Result<Option<Vec<OutboxEntry>>, StoreError> {
        Ok(self.finish_journal_of(key, access).await?)
    }

    async fn shard_epochs(&self) -> Result<BTreeMap<u32, u64>, StoreError> {
        Ok(self.backend.shard_epochs().await?)
    }

    async fn list_sessions(
        &self,
        tenant: &TenantId,
        filter: &SessionFilter,
        page: &PageRequest,
    ) -> Result<Paged<SessionState>, StoreError> {
        Ok(self.page(session_listing(tenant, filter), page).await?)
    }

    async fn erase_session(&self, tenant: &TenantId, id: &SessionId) -> Result<usize, StoreError> {
        let Some(session) = self.get_session(tenant, id).await? else {
            return Err(StoreError::NotFound);
        };
        let prefix = vec![records::tenant(tenant), FieldValue::from(id.as_str())];
        let messages = self
            .backend
            .query(IndexQuery::new(&MESSAGES, &MESSAGES_BY_SEQ, prefix))
            .await?;
        let mut batch = WriteBatch::with_capacity(
            2 + TimerKind::ALL.len() + InsightKind::ALL.len() + 2 * messages.len(),
        );
        batch.delete(&SESSIONS, id.as_str());
        // A journal left behind must not write the session back.
        batch.delete(&COMMIT_JOURNALS, journal_id(&session.key));
        for kind in TimerKind::ALL {
            batch.delete(&TIMERS, DurableTimer::id_for(id, kind).as_str());
        }
        for kind in InsightKind::ALL {
            batch.delete(&INSIGHTS, SessionInsight::id_for(id, kind));
        }
        for message in &messages {
            batch.delete(&MESSAGES, message.id.as_str());
            // An outbox entry shares its message's id.
            batch.delete(&OUTBOX, message.id.as_str());
        }
        self.backend.write(batch).await?;
        Ok(messages.len())
    }

    async fn get_message(
        &self,
        tenant: &TenantId,
        id: &MessageId,
    ) -> Result<Option<Message>, StoreError> {
        let Some(stored) = self.backend().get(&MESSAGES, id.as_str()).await? else {
            return Ok(None);
        };
        let message: Message = B::decode(stored.body)?;
        Ok((message.tenant_id == *tenant).then_some(message))
    }

    async fn find_outbound_message(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
    ) -> Result<Option<Message>, StoreError> {
        let prefix = vec![
            records::tenant(tenant),
            FieldValue::from(channel.as_str()),
            FieldValue::from(provider_message_id),
        ];
        Ok(self
            .find_first(&MESSAGES, &MESSAGES_BY_OUTBOUND_PROVIDER_ID, prefix)
            .await?)
    }

    async fn transcript(
        &self,
        tenant: &TenantId,
        session: &SessionId,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError> {
        let mut query = transcript_query(tenant, session, limit);
        // No stored sequence number reaches i64::MAX (the MongoDB integer limit).
        query.lower = Bound::Excluded(FieldValue::U64(after_seq.min(i64::MAX as u64)));
        Ok(self.find(query).await?)
    }

    async fn recent_messages(
        &self,
        tenant: &TenantId,
        session: &SessionId,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError> {
        let mut query = transcript_query(tenant, session, limit);
        query.order = Order::Descending;
        let mut messages: Vec<Message> = self.find(query).await?;
        messages.reverse();
        Ok(messages)
    }
}

fn transcript_query(tenant: &TenantId, session: &SessionId, limit: usize) -> IndexQuery {
    let prefix = vec![records::tenant(tenant), FieldValue::from(session.as_str())];
    let mut query = IndexQuery::new(&MESSAGES, &MESSAGES_BY_SEQ, prefix);
    query.limit = limit;
    query
}

/// Reads the most selective index the filter allows (bot, then status, then channel) and checks
/// the other filters (queue and agent among them) on each entry; the creation time is always the index's range.
fn session_listing(tenant: &TenantId, filter: &SessionFilter) -> IndexQuery {
    let mut equalities = Vec::with_capacity(3);
    if let Some(bot) = &filter.bot_id {
        equalities.push((&SESSIONS_BY_BOT, BOT, FieldValue::from(bot.as_str())));
    }
    if let Some(status) = filter.status {
        equalities.push((
            &SESSIONS_BY_STATUS,
            STATUS,
            FieldValue::from(status.as_str()),
        ));
    }
    if let Some(channel) = filter.channel {
        equalities.push((
            &SESSIONS_BY_CHANNEL,
            CHANNEL,
            FieldValue::from(channel.as_str()),
        ));
    }
    let mut equalities = equalities.into_iter();
    let mut prefix = vec![records::tenant(tenant)];
    let index = match equalities.next() {
        Some((index, _, value)) => {
            prefix.push(value);
            index
        }
        None => &SESSIONS_BY_CREATED,
    };
    let mut query = IndexQuery::new(&SESSIONS, index, prefix);
    query.order = Order::Descending;
    query.filters = equalities.map(|(_, field, value)| (field, value)).collect();
    if let Some(contact) = &filter.contact {
        query
            .filters
            .push((CONTACT, FieldValue::from(contact.as_str())));
    }
    if let Some(queue) = filter.queue {
        query
            .filters
            .push((QUEUE, FieldValue::from(queue.as_str())));
    }
    if let Some(agent) = &filter.assigned_agent {
        query
            .filters
            .push((AGENT, FieldValue::from(agent.as_str())));
    }
    if let Some(from) = filter.created_from {
        query.lower = Bound::Included(records::millis(from));
    }
    if let Some(until) = filter.created_until {
        query.upper = Bound::Excluded(records::millis(until));
    }
    query
}
