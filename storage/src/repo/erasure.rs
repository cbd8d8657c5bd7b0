//! Erasing a whole organisation (data rights): every record that belongs to the tenant, found
//! through the tenant-first indexes, deleted in batches; the organisation record goes last, so an
//! erasure cut short can simply be run again. Spent refresh-token markers hold only digests and
//! stay, so a stolen token of the erased organisation is still recognised as spent.

use super::schema::{
    API_KEYS, API_KEYS_BY_CREATED, AUDIT, AUDIT_BY_TIME, BOTS, BOTS_BY_CREATED, CAMPAIGN_MESSAGES,
    CAMPAIGN_MESSAGES_BY_CONTACT, CAMPAIGN_RECIPIENTS, CAMPAIGNS, CAMPAIGNS_BY_CREATED,
    CANNED_BY_SHORTCUT, CANNED_RESPONSES, COMMIT_JOURNALS, DOCUMENTS_BY_CREATED, EARLY_DELIVERIES,
    EARLY_DELIVERIES_BY_TENANT, INSIGHTS, INSIGHTS_BY_ANALYSED, INTEGRATIONS,
    INTEGRATIONS_BY_CREATED, JOURNALS_BY_TENANT, KNOWLEDGE_BASES, KNOWLEDGE_BASES_BY_CREATED,
    KNOWLEDGE_DOCUMENTS, LEAD_EVENTS, LEAD_EVENTS_BY_LEAD, LEAD_SETTINGS, LEAD_SETTINGS_BY_TENANT,
    LEADS, LEADS_BY_CREATED, MESSAGES, MESSAGES_BY_SEQ, ORGANISATIONS, OTP_CHALLENGES, OUTBOX,
    RECIPIENTS_BY_CAMPAIGN, REFRESH_FAMILIES, REFRESH_FAMILIES_BY_USER, SESSIONS,
    SESSIONS_BY_CREATED, SHOP_ORDERS, SHOP_ORDERS_BY_PLACED, SHOPS, SHOPS_BY_CREATED, SOCIAL_POSTS,
    SOCIAL_POSTS_BY_PUBLISH, TIMERS, USERS, USERS_BY_CREATED, VOICE_AGENTS, VOICE_AGENTS_BY_NAME,
    VOICE_CALLS, VOICE_CALLS_BY_REQUESTED, VOICE_NUMBERS, VOICE_NUMBERS_BY_CREATED, WIDGET_USAGE,
    WIDGET_USAGE_BY_DAY,
};
use super::{Store, records};
use crate::backend::{CollectionSpec, DocumentBackend, IndexQuery, IndexSpec, WriteBatch};
use crate::error::StorageError;
use botwot_engine::access::{OtpPurpose, UserAccount};
use botwot_engine::ids::{SessionId, TenantId};
use botwot_engine::timer::{DurableTimer, TimerKind};

/// Deletes per batch.
const BATCH: usize = 500;

impl<B: DocumentBackend> Store<B> {
    /// Erases everything of `tenant`; returns how many records went.
    pub(super) async fn erase_tenant(&self, tenant: &TenantId) -> Result<usize, StorageError> {
        let mut doomed: Vec<(&'static CollectionSpec, String)> = Vec::new();
        let tenant_only = |index: &'static IndexSpec, collection: &'static CollectionSpec| {
            IndexQuery::new(collection, index, vec![records::tenant(tenant)])
        };
        for message in self
            .backend
            .query(tenant_only(&MESSAGES_BY_SEQ, &MESSAGES))
            .await?
        {
            // An outbox entry shares its message's id.
            doomed.push((&OUTBOX, message.id.clone()));
            doomed.push((&MESSAGES, message.id));
        }
        for session in self
            .backend
            .query(tenant_only(&SESSIONS_BY_CREATED, &SESSIONS))
            .await?
        {
            let id = SessionId::new(session.id.as_str());
            for kind in TimerKind::ALL {
                doomed.push((&TIMERS, DurableTimer::id_for(&id, kind).to_string()));
            }
            doomed.push((&SESSIONS, session.id));
        }
        let users: Vec<UserAccount> = self.find(tenant_only(&USERS_BY_CREATED, &USERS)).await?;
        for user in &users {
            for purpose in [
                OtpPurpose::Signup,
                OtpPurpose::Invitation,
                OtpPurpose::PasswordReset,
            ] {
                doomed.push((
                    &OTP_CHALLENGES,
                    format!("{}:{}", purpose.as_str(), user.email),
                ));
            }
            doomed.push((&USERS, user.id.to_string()));
        }
        for (collection, index) in [
            (&BOTS, &BOTS_BY_CREATED),
            (&INTEGRATIONS, &INTEGRATIONS_BY_CREATED),
            (&REFRESH_FAMILIES, &REFRESH_FAMILIES_BY_USER),
            (&API_KEYS, &API_KEYS_BY_CREATED),
            (&CANNED_RESPONSES, &CANNED_BY_SHORTCUT),
            (&KNOWLEDGE_DOCUMENTS, &DOCUMENTS_BY_CREATED),
            (&KNOWLEDGE_BASES, &KNOWLEDGE_BASES_BY_CREATED),
            (&VOICE_AGENTS, &VOICE_AGENTS_BY_NAME),
            (&AUDIT, &AUDIT_BY_TIME),
            (&COMMIT_JOURNALS, &JOURNALS_BY_TENANT),
            (&EARLY_DELIVERIES, &EARLY_DELIVERIES_BY_TENANT),
            (&CAMPAIGN_RECIPIENTS, &RECIPIENTS_BY_CAMPAIGN),
            (&CAMPAIGN_MESSAGES, &CAMPAIGN_MESSAGES_BY_CONTACT),
            (&CAMPAIGNS, &CAMPAIGNS_BY_CREATED),
            (&SOCIAL_POSTS, &SOCIAL_POSTS_BY_PUBLISH),
            (&VOICE_CALLS, &VOICE_CALLS_BY_REQUESTED),
            (&VOICE_NUMBERS, &VOICE_NUMBERS_BY_CREATED),
            (&INSIGHTS, &INSIGHTS_BY_ANALYSED),
            (&SHOP_ORDERS, &SHOP_ORDERS_BY_PLACED),
            (&SHOPS, &SHOPS_BY_CREATED),
            (&WIDGET_USAGE, &WIDGET_USAGE_BY_DAY),
            (&LEAD_EVENTS, &LEAD_EVENTS_BY_LEAD),
            (&LEADS, &LEADS_BY_CREATED),
            (&LEAD_SETTINGS, &LEAD_SETTINGS_BY_TENANT),
        ] {
            for hit in self.backend.query(tenant_only(index, collection)).await? {
                doomed.push((collection, hit.id));
            }
        }
        doomed.extend(self.billing_records(tenant).await?);
        doomed.push((&ORGANISATIONS, tenant.to_string()));
        self.delete_all(&doomed).await?;
        Ok(doomed.len())
    }

    /// Deletes every `(collection, id)` of `doomed`, in batches, in order.
    pub(super) async fn delete_all(
        &self,
        doomed: &[(&'static CollectionSpec, String)],
    ) -> Result<(), StorageError> {
        for chunk in doomed.chunks(BATCH) {
            let mut batch = WriteBatch::with_capacity(chunk.len());
            for (collection, id) in chunk {
                batch.delete(collection, id.clone());
            }
            self.backend.write(batch).await?;
        }
        Ok(())
    }
}
