//! A storage decorator for tests: delegates everything, except that it can tear one commit,
//! storing its messages without the session record and then failing, as a backend without
//! transactions can when it loses its connection half-way, can refuse the next session
//! loads and outbox results as storage that is away does, and can hold the reads of an
//! adoption (the timers of shards) until the test lets them through.

use async_trait::async_trait;
use botwot_engine::BotProfile;
use botwot_engine::Channel;
use botwot_engine::access::{
    ApiKey, Organisation, OtpChallenge, OtpPurpose, RefreshDigest, RefreshFamily, UserAccount,
};
use botwot_engine::access::{AuditEntry, AuditFilter, PlanTier};
use botwot_engine::billing::{BillingAccount, BillingPlan};
use botwot_engine::campaign::{Campaign, CampaignRecipient, CampaignStatus};
use botwot_engine::commerce::{ReminderStatus, ShopConnection, TrackedOrder};
use botwot_engine::ids::CampaignId;
use botwot_engine::ids::LeadId;
use botwot_engine::ids::PostId;
use botwot_engine::ids::{ApiKeyId, RefreshFamilyId, UserId};
use botwot_engine::ids::{BotId, MessageId, SessionId, TenantId, WidgetKey};
use botwot_engine::ids::{CallId, VoiceNumberId};
use botwot_engine::ids::{DocumentId, KnowledgeBaseId};
use botwot_engine::integration::ChannelIntegration;
use botwot_engine::knowledge::{KnowledgeBase, KnowledgeDocument};
use botwot_engine::leads::{Lead, LeadEvent, LeadSettings, LeadStage};
use botwot_engine::message::{Delivery, Message};
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::CallFilter;
use botwot_engine::ports::{
    AccountStore, AuditStore, BotStore, CommitOutcome, DeliveryReceipt, IntegrationStore,
    OutboxStore, PageRequest, Paged, SessionAccess, SessionCommit, SessionFilter, SessionStore,
    Storage, StoreError, TimerStore,
};
use botwot_engine::session::{SessionKey, SessionState};
use botwot_engine::social::{PostStatus, SocialPost};
use botwot_engine::time::Timestamp;
use botwot_engine::timer::DurableTimer;
use botwot_engine::voice::{VoiceCall, VoiceNumber};
use std::collections::BTreeMap;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub struct TornWrites {
    inner: Arc<dyn Storage>,
    tear_next: AtomicBool,
    refuse_loads: AtomicUsize,
    refuse_outbox_results: AtomicUsize,
    shard_reads: Arc<tokio::sync::Mutex<()>>,
    shard_reads_waiting: AtomicUsize,
}

impl TornWrites {
    pub fn new(inner: Arc<dyn Storage>) -> Self {
        Self {
            inner,
            tear_next: AtomicBool::new(false),
            refuse_loads: AtomicUsize::new(0),
            refuse_outbox_results: AtomicUsize::new(0),
            shard_reads: Arc::default(),
            shard_reads_waiting: AtomicUsize::new(0),
        }
    }

    /// Reads of shards' timers wait while the returned guard lives.
    pub async fn hold_shard_reads(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.shard_reads.clone().lock_owned().await
    }

    /// How many reads of shards' timers have started waiting on [`Self::hold_shard_reads`].
    pub fn shard_reads_waiting(&self) -> usize {
        self.shard_reads_waiting.load(Ordering::SeqCst)
    }

    pub fn tear_next_commit(&self) {
        self.tear_next.store(true, Ordering::SeqCst);
    }

    /// The next `count` session loads fail as unavailable.
    pub fn refuse_next_loads(&self, count: usize) {
        self.refuse_loads.store(count, Ordering::SeqCst);
    }

    /// The next `count` results of sends fail to store as unavailable.
    pub fn refuse_next_outbox_results(&self, count: usize) {
        self.refuse_outbox_results.store(count, Ordering::SeqCst);
    }
}

/// Takes one from `counter` when it is above zero: whether a refusal was due.
fn refusal_due(counter: &AtomicUsize) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

fn away() -> StoreError {
    StoreError::Unavailable("storage is away".into())
}

#[async_trait]
impl SessionStore for TornWrites {
    async fn commit(&self, commit: SessionCommit) -> Result<CommitOutcome, StoreError> {
        if !self.tear_next.swap(false, Ordering::SeqCst) {
            return self.inner.commit(commit).await;
        }
        let messages_only = SessionCommit {
            messages: commit.messages,
            ..SessionCommit::default()
        };
        self.inner.commit(messages_only).await?;
        Err(StoreError::Unavailable(
            "connection lost half-way through the commit".into(),
        ))
    }

    async fn load_session(&self, key: &SessionKey) -> Result<Option<SessionState>, StoreError> {
        if refusal_due(&self.refuse_loads) {
            return Err(away());
        }
        self.inner.load_session(key).await
    }

    async fn finish_interrupted_commits(
        &self,
        access: &dyn SessionAccess,
    ) -> Result<usize, StoreError> {
        self.inner.finish_interrupted_commits(access).await
    }

    async fn finish_interrupted_commit(
        &self,
        key: &SessionKey,
        access: &dyn SessionAccess,
    ) -> Result<Option<Vec<OutboxEntry>>, StoreError> {
        self.inner.finish_interrupted_commit(key, access).await
    }

    async fn shard_epochs(&self) -> Result<BTreeMap<u32, u64>, StoreError> {
        self.inner.shard_epochs().await
    }

    async fn get_session(
        &self,
        tenant: &TenantId,
        id: &SessionId,
    ) -> Result<Option<SessionState>, StoreError> {
        self.inner.get_session(tenant, id).await
    }

    async fn list_sessions(
        &self,
        tenant: &TenantId,
        filter: &SessionFilter,
        page: &PageRequest,
    ) -> Result<Paged<SessionState>, StoreError> {
        self.inner.list_sessions(tenant, filter, page).await
    }

    async fn get_message(
        &self,
        tenant: &TenantId,
        id: &MessageId,
    ) -> Result<Option<Message>, StoreError> {
        self.inner.get_message(tenant, id).await
    }

    async fn find_outbound_message(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
    ) -> Result<Option<Message>, StoreError> {
        self.inner
            .find_outbound_message(tenant, channel, provider_message_id)
            .await
    }

    async fn transcript(
        &self,
        tenant: &TenantId,
        session: &SessionId,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError> {
        self.inner
            .transcript(tenant, session, after_seq, limit)
            .await
    }

    async fn recent_messages(
        &self,
        tenant: &TenantId,
        session: &SessionId,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError> {
        self.inner.recent_messages(tenant, session, limit).await
    }
    async fn erase_session(&self, tenant: &TenantId, id: &SessionId) -> Result<usize, StoreError> {
        self.inner.erase_session(tenant, id).await
    }

    async fn count_sessions_since(
        &self,
        tenant: &TenantId,
        since: Timestamp,
        up_to: usize,
    ) -> Result<usize, StoreError> {
        self.inner.count_sessions_since(tenant, since, up_to).await
    }
}

#[async_trait]
impl BotStore for TornWrites {
    async fn insert_bot(&self, bot: &BotProfile) -> Result<(), StoreError> {
        self.inner.insert_bot(bot).await
    }

    async fn update_bot(&self, bot: &BotProfile) -> Result<(), StoreError> {
        self.inner.update_bot(bot).await
    }

    async fn get_bot(
        &self,
        tenant: &TenantId,
        id: &BotId,
    ) -> Result<Option<BotProfile>, StoreError> {
        self.inner.get_bot(tenant, id).await
    }

    async fn find_bot_by_widget_key(
        &self,
        key: &WidgetKey,
    ) -> Result<Option<BotProfile>, StoreError> {
        self.inner.find_bot_by_widget_key(key).await
    }

    async fn list_bots(
        &self,
        tenant: &TenantId,
        include_deleted: bool,
        page: &PageRequest,
    ) -> Result<Paged<BotProfile>, StoreError> {
        self.inner.list_bots(tenant, include_deleted, page).await
    }
}

#[async_trait]
impl TimerStore for TornWrites {
    async fn all_timers(&self) -> Result<Vec<DurableTimer>, StoreError> {
        self.inner.all_timers().await
    }

    async fn timers_of_shards(&self, shards: &[u32]) -> Result<Vec<DurableTimer>, StoreError> {
        self.shard_reads_waiting.fetch_add(1, Ordering::SeqCst);
        let _held = self.shard_reads.lock().await;
        self.inner.timers_of_shards(shards).await
    }
}

#[async_trait]
impl OutboxStore for TornWrites {
    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        self.inner.pending_outbox(limit).await
    }

    async fn pending_outbox_of_shards(
        &self,
        shards: &[u32],
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        self.inner.pending_outbox_of_shards(shards, limit).await
    }

    async fn outbox_delivered(
        &self,
        entry: &OutboxEntry,
        receipt: DeliveryReceipt,
    ) -> Result<(), StoreError> {
        if refusal_due(&self.refuse_outbox_results) {
            return Err(away());
        }
        self.inner.outbox_delivered(entry, receipt).await
    }

    async fn outbox_retry_later(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.inner.outbox_retry_later(entry).await
    }

    async fn park_early_delivery(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
        delivery: Delivery,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner
            .park_early_delivery(tenant, channel, provider_message_id, delivery, at)
            .await
    }

    async fn take_early_delivery(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
    ) -> Result<Option<Delivery>, StoreError> {
        self.inner
            .take_early_delivery(tenant, channel, provider_message_id)
            .await
    }
}

#[async_trait]
impl IntegrationStore for TornWrites {
    async fn insert_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError> {
        self.inner.insert_integration(integration).await
    }

    async fn update_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError> {
        self.inner.update_integration(integration).await
    }

    async fn find_integration(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<Option<ChannelIntegration>, StoreError> {
        self.inner.find_integration(channel, account_id).await
    }

    async fn list_integrations(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<ChannelIntegration>, StoreError> {
        self.inner.list_integrations(tenant, page).await
    }
}

#[async_trait]
impl AccountStore for TornWrites {
    async fn create_organisation(
        &self,
        organisation: &Organisation,
        owner: &UserAccount,
    ) -> Result<(), StoreError> {
        self.inner.create_organisation(organisation, owner).await
    }
    async fn get_organisation(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<Organisation>, StoreError> {
        self.inner.get_organisation(tenant).await
    }
    async fn update_organisation(&self, organisation: &Organisation) -> Result<(), StoreError> {
        self.inner.update_organisation(organisation).await
    }
    async fn insert_user(&self, user: &UserAccount) -> Result<(), StoreError> {
        self.inner.insert_user(user).await
    }
    async fn update_user(&self, user: &UserAccount) -> Result<(), StoreError> {
        self.inner.update_user(user).await
    }
    async fn get_user(
        &self,
        tenant: &TenantId,
        id: &UserId,
    ) -> Result<Option<UserAccount>, StoreError> {
        self.inner.get_user(tenant, id).await
    }
    async fn find_user_by_email(&self, email: &str) -> Result<Option<UserAccount>, StoreError> {
        self.inner.find_user_by_email(email).await
    }
    async fn list_users(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<UserAccount>, StoreError> {
        self.inner.list_users(tenant, page).await
    }
    async fn count_users(&self, tenant: &TenantId, up_to: usize) -> Result<usize, StoreError> {
        self.inner.count_users(tenant, up_to).await
    }
    async fn delete_user(&self, tenant: &TenantId, id: &UserId) -> Result<(), StoreError> {
        self.inner.delete_user(tenant, id).await
    }
    async fn get_otp(
        &self,
        purpose: OtpPurpose,
        email: &str,
    ) -> Result<Option<OtpChallenge>, StoreError> {
        self.inner.get_otp(purpose, email).await
    }
    async fn put_otp(
        &self,
        purpose: OtpPurpose,
        email: &str,
        challenge: &OtpChallenge,
    ) -> Result<(), StoreError> {
        self.inner.put_otp(purpose, email, challenge).await
    }
    async fn delete_otp(&self, purpose: OtpPurpose, email: &str) -> Result<(), StoreError> {
        self.inner.delete_otp(purpose, email).await
    }
    async fn get_refresh_family(
        &self,
        id: &RefreshFamilyId,
    ) -> Result<Option<RefreshFamily>, StoreError> {
        self.inner.get_refresh_family(id).await
    }
    async fn put_refresh_family(&self, family: &RefreshFamily) -> Result<(), StoreError> {
        self.inner.put_refresh_family(family).await
    }
    async fn rotate_refresh_family(
        &self,
        family: &RefreshFamily,
        spent: &RefreshDigest,
    ) -> Result<(), StoreError> {
        self.inner.rotate_refresh_family(family, spent).await
    }
    async fn revoke_sign_ins(
        &self,
        tenant: &TenantId,
        user: &UserId,
        now: botwot_engine::Timestamp,
    ) -> Result<usize, StoreError> {
        self.inner.revoke_sign_ins(tenant, user, now).await
    }
    async fn erase_organisation(&self, tenant: &TenantId) -> Result<usize, StoreError> {
        self.inner.erase_organisation(tenant).await
    }
    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        self.inner.insert_api_key(key).await
    }
    async fn get_api_key(&self, id: &ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        self.inner.get_api_key(id).await
    }
    async fn update_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        self.inner.update_api_key(key).await
    }
    async fn list_api_keys(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<ApiKey>, StoreError> {
        self.inner.list_api_keys(tenant, page).await
    }
}

#[async_trait]
impl AuditStore for TornWrites {
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.inner.record_audit(entry).await
    }
    async fn list_audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Paged<AuditEntry>, StoreError> {
        self.inner.list_audit(tenant, filter, page).await
    }
}

#[async_trait]
impl botwot_engine::ports::CannedResponseStore for TornWrites {
    async fn insert_canned_response(
        &self,
        canned: &botwot_engine::canned::CannedResponse,
    ) -> Result<(), StoreError> {
        self.inner.insert_canned_response(canned).await
    }
    async fn update_canned_response(
        &self,
        canned: &botwot_engine::canned::CannedResponse,
    ) -> Result<(), StoreError> {
        self.inner.update_canned_response(canned).await
    }
    async fn get_canned_response(
        &self,
        tenant: &TenantId,
        id: &botwot_engine::ids::CannedResponseId,
    ) -> Result<Option<botwot_engine::canned::CannedResponse>, StoreError> {
        self.inner.get_canned_response(tenant, id).await
    }
    async fn delete_canned_response(
        &self,
        tenant: &TenantId,
        id: &botwot_engine::ids::CannedResponseId,
    ) -> Result<(), StoreError> {
        self.inner.delete_canned_response(tenant, id).await
    }
    async fn list_canned_responses(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<botwot_engine::canned::CannedResponse>, StoreError> {
        self.inner.list_canned_responses(tenant, page).await
    }
}

#[async_trait]
impl botwot_engine::ports::KnowledgeStore for TornWrites {
    async fn insert_knowledge_base(&self, base: &KnowledgeBase) -> Result<(), StoreError> {
        self.inner.insert_knowledge_base(base).await
    }
    async fn update_knowledge_base(&self, base: &KnowledgeBase) -> Result<(), StoreError> {
        self.inner.update_knowledge_base(base).await
    }
    async fn get_knowledge_base(
        &self,
        tenant: &TenantId,
        id: &KnowledgeBaseId,
    ) -> Result<Option<KnowledgeBase>, StoreError> {
        self.inner.get_knowledge_base(tenant, id).await
    }
    async fn list_knowledge_bases(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<KnowledgeBase>, StoreError> {
        self.inner.list_knowledge_bases(tenant, page).await
    }
    async fn count_knowledge_bases(
        &self,
        tenant: &TenantId,
        up_to: usize,
    ) -> Result<usize, StoreError> {
        self.inner.count_knowledge_bases(tenant, up_to).await
    }
    async fn delete_knowledge_base(
        &self,
        tenant: &TenantId,
        id: &KnowledgeBaseId,
    ) -> Result<usize, StoreError> {
        self.inner.delete_knowledge_base(tenant, id).await
    }
    async fn insert_document(&self, document: &KnowledgeDocument) -> Result<(), StoreError> {
        self.inner.insert_document(document).await
    }
    async fn update_document(&self, document: &KnowledgeDocument) -> Result<(), StoreError> {
        self.inner.update_document(document).await
    }
    async fn get_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<KnowledgeDocument>, StoreError> {
        self.inner.get_document(tenant, id).await
    }
    async fn list_documents(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
        page: &PageRequest,
    ) -> Result<Paged<KnowledgeDocument>, StoreError> {
        self.inner.list_documents(tenant, kb, page).await
    }
    async fn count_documents(&self, tenant: &TenantId, up_to: usize) -> Result<usize, StoreError> {
        self.inner.count_documents(tenant, up_to).await
    }
    async fn delete_document(&self, tenant: &TenantId, id: &DocumentId) -> Result<(), StoreError> {
        self.inner.delete_document(tenant, id).await
    }
    async fn unfinished_documents(
        &self,
        limit: usize,
    ) -> Result<Vec<KnowledgeDocument>, StoreError> {
        self.inner.unfinished_documents(limit).await
    }
}

#[async_trait]
impl botwot_engine::ports::VoiceAgentStore for TornWrites {
    async fn insert_voice_agent(
        &self,
        agent: &botwot_engine::voice_agent::VoiceAgent,
    ) -> Result<(), StoreError> {
        self.inner.insert_voice_agent(agent).await
    }
    async fn update_voice_agent(
        &self,
        agent: &botwot_engine::voice_agent::VoiceAgent,
    ) -> Result<(), StoreError> {
        self.inner.update_voice_agent(agent).await
    }
    async fn get_voice_agent(
        &self,
        tenant: &TenantId,
        id: &botwot_engine::ids::VoiceAgentId,
    ) -> Result<Option<botwot_engine::voice_agent::VoiceAgent>, StoreError> {
        self.inner.get_voice_agent(tenant, id).await
    }
    async fn delete_voice_agent(
        &self,
        tenant: &TenantId,
        id: &botwot_engine::ids::VoiceAgentId,
    ) -> Result<(), StoreError> {
        self.inner.delete_voice_agent(tenant, id).await
    }
    async fn list_voice_agents(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<botwot_engine::voice_agent::VoiceAgent>, StoreError> {
        self.inner.list_voice_agents(tenant, page).await
    }
    async fn count_voice_agents(
        &self,
        tenant: &TenantId,
        up_to: usize,
    ) -> Result<usize, StoreError> {
        self.inner.count_voice_agents(tenant, up_to).await
    }
}

#[async_trait]
impl botwot_engine::ports::CampaignStore for TornWrites {
    async fn insert_campaign(&self, campaign: &Campaign) -> Result<(), StoreError> {
        self.inner.insert_campaign(campaign).await
    }
    async fn update_campaign(&self, campaign: &Campaign) -> Result<(), StoreError> {
        self.inner.update_campaign(campaign).await
    }
    async fn get_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<Option<Campaign>, StoreError> {
        self.inner.get_campaign(tenant, id).await
    }
    async fn list_campaigns(
        &self,
        tenant: &TenantId,
        status: Option<CampaignStatus>,
        page: &PageRequest,
    ) -> Result<Paged<Campaign>, StoreError> {
        self.inner.list_campaigns(tenant, status, page).await
    }
    async fn audience_phones(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
    ) -> Result<HashSet<String>, StoreError> {
        self.inner.audience_phones(tenant, campaign).await
    }
    async fn add_recipients(
        &self,
        campaign: &Campaign,
        recipients: &[CampaignRecipient],
    ) -> Result<(), StoreError> {
        self.inner.add_recipients(campaign, recipients).await
    }
    async fn list_recipients(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
        page: &PageRequest,
    ) -> Result<Paged<CampaignRecipient>, StoreError> {
        self.inner.list_recipients(tenant, campaign, page).await
    }
    async fn delete_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<usize, StoreError> {
        self.inner.delete_campaign(tenant, id).await
    }
    async fn contact_recipients(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<Vec<CampaignRecipient>, StoreError> {
        self.inner.contact_recipients(tenant, phone).await
    }
    async fn erase_campaign_contact(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<usize, StoreError> {
        self.inner.erase_campaign_contact(tenant, phone).await
    }
}

#[async_trait]
impl botwot_engine::ports::CampaignRunStore for TornWrites {
    async fn campaigns_in_status(
        &self,
        status: CampaignStatus,
        limit: usize,
    ) -> Result<Vec<Campaign>, StoreError> {
        self.inner.campaigns_in_status(status, limit).await
    }
    async fn get_recipient(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
        phone: &str,
    ) -> Result<Option<CampaignRecipient>, StoreError> {
        self.inner.get_recipient(tenant, campaign, phone).await
    }
    async fn due_recipients(
        &self,
        campaign: &Campaign,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<CampaignRecipient>, StoreError> {
        self.inner.due_recipients(campaign, until, limit).await
    }
    async fn next_recipient_due(
        &self,
        campaign: &Campaign,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.inner.next_recipient_due(campaign).await
    }
    async fn has_unfinished_recipients(&self, campaign: &Campaign) -> Result<bool, StoreError> {
        self.inner.has_unfinished_recipients(campaign).await
    }
    async fn save_recipient(
        &self,
        recipient: &CampaignRecipient,
        sent: Option<&botwot_engine::campaign::CampaignMessageRef>,
    ) -> Result<(), StoreError> {
        self.inner.save_recipient(recipient, sent).await
    }
    async fn find_campaign_message(
        &self,
        channel_account: &str,
        provider_id: &str,
    ) -> Result<Option<botwot_engine::campaign::CampaignMessageRef>, StoreError> {
        self.inner
            .find_campaign_message(channel_account, provider_id)
            .await
    }
}

#[async_trait]
impl botwot_engine::ports::BillingStore for TornWrites {
    async fn put_billing_plan(&self, plan: &BillingPlan) -> Result<(), StoreError> {
        self.inner.put_billing_plan(plan).await
    }
    async fn billing_plan(&self, tier: PlanTier) -> Result<Option<BillingPlan>, StoreError> {
        self.inner.billing_plan(tier).await
    }
    async fn billing_plans(&self) -> Result<Vec<BillingPlan>, StoreError> {
        self.inner.billing_plans().await
    }
    async fn billing_account(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<BillingAccount>, StoreError> {
        self.inner.billing_account(tenant).await
    }
    async fn save_billing_account(&self, account: &BillingAccount) -> Result<(), StoreError> {
        self.inner.save_billing_account(account).await
    }
    async fn billing_accounts_due(
        &self,
        by: Timestamp,
        limit: usize,
    ) -> Result<Vec<BillingAccount>, StoreError> {
        self.inner.billing_accounts_due(by, limit).await
    }
    async fn link_billing_reference(
        &self,
        provider_id: &str,
        tenant: &TenantId,
    ) -> Result<(), StoreError> {
        self.inner.link_billing_reference(provider_id, tenant).await
    }
    async fn billing_reference(&self, provider_id: &str) -> Result<Option<TenantId>, StoreError> {
        self.inner.billing_reference(provider_id).await
    }
    async fn record_billing_event(
        &self,
        event_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.inner.record_billing_event(event_id, at).await
    }
    async fn forget_billing_events(
        &self,
        before: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        self.inner.forget_billing_events(before, limit).await
    }
    async fn erase_billing(&self, tenant: &TenantId) -> Result<(), StoreError> {
        self.inner.erase_billing(tenant).await
    }
}

#[async_trait]
impl botwot_engine::ports::SocialPostStore for TornWrites {
    async fn insert_post(&self, post: &SocialPost) -> Result<(), StoreError> {
        self.inner.insert_post(post).await
    }
    async fn save_post(&self, post: &SocialPost) -> Result<(), StoreError> {
        self.inner.save_post(post).await
    }
    async fn get_post(
        &self,
        tenant: &TenantId,
        id: &PostId,
    ) -> Result<Option<SocialPost>, StoreError> {
        self.inner.get_post(tenant, id).await
    }
    async fn list_posts(
        &self,
        tenant: &TenantId,
        status: Option<PostStatus>,
        page: &PageRequest,
    ) -> Result<Paged<SocialPost>, StoreError> {
        self.inner.list_posts(tenant, status, page).await
    }
    async fn due_posts(&self, by: Timestamp, limit: usize) -> Result<Vec<SocialPost>, StoreError> {
        self.inner.due_posts(by, limit).await
    }
}

#[async_trait]
impl botwot_engine::ports::VoiceStore for TornWrites {
    async fn insert_voice_number(&self, number: &VoiceNumber) -> Result<(), StoreError> {
        self.inner.insert_voice_number(number).await
    }
    async fn save_voice_number(&self, number: &VoiceNumber) -> Result<(), StoreError> {
        self.inner.save_voice_number(number).await
    }
    async fn get_voice_number(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
    ) -> Result<Option<VoiceNumber>, StoreError> {
        self.inner.get_voice_number(tenant, id).await
    }
    async fn find_voice_number(
        &self,
        id: &VoiceNumberId,
    ) -> Result<Option<VoiceNumber>, StoreError> {
        self.inner.find_voice_number(id).await
    }
    async fn list_voice_numbers(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<VoiceNumber>, StoreError> {
        self.inner.list_voice_numbers(tenant, page).await
    }
    async fn delete_voice_number(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
    ) -> Result<bool, StoreError> {
        self.inner.delete_voice_number(tenant, id).await
    }
    async fn insert_call(&self, call: &VoiceCall) -> Result<(), StoreError> {
        self.inner.insert_call(call).await
    }
    async fn save_call(&self, call: &VoiceCall) -> Result<(), StoreError> {
        self.inner.save_call(call).await
    }
    async fn get_call(
        &self,
        tenant: &TenantId,
        id: &CallId,
    ) -> Result<Option<VoiceCall>, StoreError> {
        self.inner.get_call(tenant, id).await
    }
    async fn find_call(&self, id: &CallId) -> Result<Option<VoiceCall>, StoreError> {
        self.inner.find_call(id).await
    }
    async fn call_by_sid(
        &self,
        tenant: &TenantId,
        call_sid: &str,
    ) -> Result<Option<VoiceCall>, StoreError> {
        self.inner.call_by_sid(tenant, call_sid).await
    }
    async fn list_calls(
        &self,
        tenant: &TenantId,
        filter: &CallFilter,
        page: &PageRequest,
    ) -> Result<Paged<VoiceCall>, StoreError> {
        self.inner.list_calls(tenant, filter, page).await
    }
    async fn due_calls(&self, by: Timestamp, limit: usize) -> Result<Vec<VoiceCall>, StoreError> {
        self.inner.due_calls(by, limit).await
    }
}

#[async_trait]
impl botwot_engine::ports::InsightStore for TornWrites {
    async fn put_insight(
        &self,
        insight: &botwot_engine::insight::SessionInsight,
    ) -> Result<(), StoreError> {
        self.inner.put_insight(insight).await
    }
    async fn get_insight(
        &self,
        tenant: &TenantId,
        session: &botwot_engine::SessionId,
        kind: botwot_engine::insight::InsightKind,
    ) -> Result<Option<botwot_engine::insight::SessionInsight>, StoreError> {
        self.inner.get_insight(tenant, session, kind).await
    }
    async fn session_insights(
        &self,
        tenant: &TenantId,
        session: &botwot_engine::SessionId,
    ) -> Result<Vec<botwot_engine::insight::SessionInsight>, StoreError> {
        self.inner.session_insights(tenant, session).await
    }
}

#[async_trait]
impl botwot_engine::ports::ShopStore for TornWrites {
    async fn insert_shop(&self, shop: &ShopConnection) -> Result<(), StoreError> {
        self.inner.insert_shop(shop).await
    }
    async fn save_shop(&self, shop: &ShopConnection) -> Result<(), StoreError> {
        self.inner.save_shop(shop).await
    }
    async fn get_shop(
        &self,
        tenant: &TenantId,
        domain: &str,
    ) -> Result<Option<ShopConnection>, StoreError> {
        self.inner.get_shop(tenant, domain).await
    }
    async fn find_shop(&self, domain: &str) -> Result<Option<ShopConnection>, StoreError> {
        self.inner.find_shop(domain).await
    }
    async fn list_shops(&self, tenant: &TenantId) -> Result<Vec<ShopConnection>, StoreError> {
        self.inner.list_shops(tenant).await
    }
    async fn delete_shop(&self, tenant: &TenantId, domain: &str) -> Result<bool, StoreError> {
        self.inner.delete_shop(tenant, domain).await
    }
    async fn put_order(&self, order: &TrackedOrder) -> Result<(), StoreError> {
        self.inner.put_order(order).await
    }
    async fn get_order(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<TrackedOrder>, StoreError> {
        self.inner.get_order(tenant, id).await
    }
    async fn list_orders(
        &self,
        tenant: &TenantId,
        shop: Option<&str>,
        status: Option<ReminderStatus>,
        page: &PageRequest,
    ) -> Result<Paged<TrackedOrder>, StoreError> {
        self.inner.list_orders(tenant, shop, status, page).await
    }
    async fn contact_orders(
        &self,
        tenant: &TenantId,
        contact: &str,
    ) -> Result<Vec<TrackedOrder>, StoreError> {
        self.inner.contact_orders(tenant, contact).await
    }
    async fn erase_contact_orders(
        &self,
        tenant: &TenantId,
        contact: &str,
    ) -> Result<usize, StoreError> {
        self.inner.erase_contact_orders(tenant, contact).await
    }
    async fn due_orders(
        &self,
        by: Timestamp,
        limit: usize,
    ) -> Result<Vec<TrackedOrder>, StoreError> {
        self.inner.due_orders(by, limit).await
    }
}

#[async_trait]
impl botwot_engine::ports::WidgetUsageStore for TornWrites {
    async fn get_widget_usage(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<botwot_engine::analytics::WidgetUsage>, StoreError> {
        self.inner.get_widget_usage(tenant, id).await
    }
    async fn put_widget_usage(
        &self,
        usage: &botwot_engine::analytics::WidgetUsage,
    ) -> Result<(), StoreError> {
        self.inner.put_widget_usage(usage).await
    }
    async fn widget_usage(
        &self,
        tenant: &TenantId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<botwot_engine::analytics::WidgetUsage>, StoreError> {
        self.inner.widget_usage(tenant, from, to).await
    }
}

#[async_trait]
impl botwot_engine::ports::LeadStore for TornWrites {
    async fn insert_lead(&self, lead: &Lead) -> Result<(), StoreError> {
        self.inner.insert_lead(lead).await
    }
    async fn save_lead(&self, lead: &Lead) -> Result<(), StoreError> {
        self.inner.save_lead(lead).await
    }
    async fn get_lead(&self, tenant: &TenantId, id: &LeadId) -> Result<Option<Lead>, StoreError> {
        self.inner.get_lead(tenant, id).await
    }
    async fn find_lead_by_phone(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<Option<Lead>, StoreError> {
        self.inner.find_lead_by_phone(tenant, phone).await
    }
    async fn list_leads(
        &self,
        tenant: &TenantId,
        stage: Option<LeadStage>,
        page: &PageRequest,
    ) -> Result<Paged<Lead>, StoreError> {
        self.inner.list_leads(tenant, stage, page).await
    }
    async fn delete_lead(&self, tenant: &TenantId, id: &LeadId) -> Result<bool, StoreError> {
        self.inner.delete_lead(tenant, id).await
    }
    async fn due_leads(&self, by: Timestamp, limit: usize) -> Result<Vec<Lead>, StoreError> {
        self.inner.due_leads(by, limit).await
    }
    async fn append_lead_event(&self, event: &LeadEvent) -> Result<(), StoreError> {
        self.inner.append_lead_event(event).await
    }
    async fn lead_history(
        &self,
        tenant: &TenantId,
        lead: &LeadId,
        page: &PageRequest,
    ) -> Result<Paged<LeadEvent>, StoreError> {
        self.inner.lead_history(tenant, lead, page).await
    }
    async fn get_lead_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<LeadSettings>, StoreError> {
        self.inner.get_lead_settings(tenant).await
    }
    async fn put_lead_settings(&self, settings: &LeadSettings) -> Result<(), StoreError> {
        self.inner.put_lead_settings(settings).await
    }
}
