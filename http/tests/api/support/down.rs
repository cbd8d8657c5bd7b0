//! A store whose backend cannot be reached: every call fails as `Unavailable`.

use async_trait::async_trait;
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
use botwot_engine::ids::{CallId, VoiceNumberId};
use botwot_engine::ids::{DocumentId, KnowledgeBaseId};
use botwot_engine::ids::{MessageId, WidgetKey};
use botwot_engine::integration::ChannelIntegration;
use botwot_engine::knowledge::{KnowledgeBase, KnowledgeDocument};
use botwot_engine::leads::{Lead, LeadEvent, LeadSettings, LeadStage};
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::CallFilter;
use botwot_engine::ports::{
    AccountStore, AuditStore, BotStore, CommitOutcome, DeliveryReceipt, IntegrationStore,
    OutboxStore, PageRequest, Paged, SessionCommit, SessionFilter, SessionStore, StoreError,
    TimerStore,
};
use botwot_engine::social::{PostStatus, SocialPost};
use botwot_engine::timer::DurableTimer;
use botwot_engine::voice::{VoiceCall, VoiceNumber};
use botwot_engine::{
    BotId, BotProfile, Message, SessionId, SessionKey, SessionState, TenantId, Timestamp,
};
use std::collections::BTreeMap;
use std::collections::HashSet;

pub struct DownStore;

fn down<T>() -> Result<T, StoreError> {
    Err(StoreError::Unavailable("connection refused".into()))
}

#[async_trait]
impl BotStore for DownStore {
    async fn insert_bot(&self, _: &BotProfile) -> Result<(), StoreError> {
        down()
    }
    async fn update_bot(&self, _: &BotProfile) -> Result<(), StoreError> {
        down()
    }
    async fn get_bot(&self, _: &TenantId, _: &BotId) -> Result<Option<BotProfile>, StoreError> {
        down()
    }
    async fn find_bot_by_widget_key(
        &self,
        _: &WidgetKey,
    ) -> Result<Option<BotProfile>, StoreError> {
        down()
    }
    async fn list_bots(
        &self,
        _: &TenantId,
        _: bool,
        _: &PageRequest,
    ) -> Result<Paged<BotProfile>, StoreError> {
        down()
    }
}

#[async_trait]
impl SessionStore for DownStore {
    async fn load_session(&self, _: &SessionKey) -> Result<Option<SessionState>, StoreError> {
        down()
    }
    async fn get_session(
        &self,
        _: &TenantId,
        _: &SessionId,
    ) -> Result<Option<SessionState>, StoreError> {
        down()
    }
    async fn commit(&self, _: SessionCommit) -> Result<CommitOutcome, StoreError> {
        down()
    }
    async fn shard_epochs(&self) -> Result<BTreeMap<u32, u64>, StoreError> {
        down()
    }
    async fn list_sessions(
        &self,
        _: &TenantId,
        _: &SessionFilter,
        _: &PageRequest,
    ) -> Result<Paged<SessionState>, StoreError> {
        down()
    }
    async fn get_message(
        &self,
        _: &TenantId,
        _: &MessageId,
    ) -> Result<Option<Message>, StoreError> {
        down()
    }
    async fn find_outbound_message(
        &self,
        _: &TenantId,
        _: Channel,
        _: &str,
    ) -> Result<Option<Message>, StoreError> {
        down()
    }
    async fn transcript(
        &self,
        _: &TenantId,
        _: &SessionId,
        _: u64,
        _: usize,
    ) -> Result<Vec<Message>, StoreError> {
        down()
    }
    async fn recent_messages(
        &self,
        _: &TenantId,
        _: &SessionId,
        _: usize,
    ) -> Result<Vec<Message>, StoreError> {
        down()
    }
    async fn erase_session(&self, _: &TenantId, _: &SessionId) -> Result<usize, StoreError> {
        down()
    }

    async fn count_sessions_since(
        &self,
        _: &TenantId,
        _: Timestamp,
        _: usize,
    ) -> Result<usize, StoreError> {
        down()
    }
}

#[async_trait]
impl TimerStore for DownStore {
    async fn all_timers(&self) -> Result<Vec<DurableTimer>, StoreError> {
        down()
    }
    async fn timers_of_shards(&self, _: &[u32]) -> Result<Vec<DurableTimer>, StoreError> {
        down()
    }
}

#[async_trait]
impl OutboxStore for DownStore {
    async fn pending_outbox(&self, _: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        down()
    }
    async fn pending_outbox_of_shards(
        &self,
        _: &[u32],
        _: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        down()
    }
    async fn outbox_delivered(
        &self,
        _: &OutboxEntry,
        _: DeliveryReceipt,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn outbox_retry_later(&self, _: &OutboxEntry) -> Result<(), StoreError> {
        down()
    }
    async fn park_early_delivery(
        &self,
        _: &TenantId,
        _: Channel,
        _: &str,
        _: Delivery,
        _: Timestamp,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn take_early_delivery(
        &self,
        _: &TenantId,
        _: Channel,
        _: &str,
    ) -> Result<Option<Delivery>, StoreError> {
        down()
    }
}

#[async_trait]
impl IntegrationStore for DownStore {
    async fn insert_integration(&self, _: &ChannelIntegration) -> Result<(), StoreError> {
        down()
    }
    async fn update_integration(&self, _: &ChannelIntegration) -> Result<(), StoreError> {
        down()
    }
    async fn find_integration(
        &self,
        _: Channel,
        _: &str,
    ) -> Result<Option<ChannelIntegration>, StoreError> {
        down()
    }
    async fn list_integrations(
        &self,
        _: &TenantId,
        _: &PageRequest,
    ) -> Result<Paged<ChannelIntegration>, StoreError> {
        down()
    }
}

#[async_trait]
impl AccountStore for DownStore {
    async fn create_organisation(
        &self,
        _: &Organisation,
        _: &UserAccount,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn get_organisation(&self, _: &TenantId) -> Result<Option<Organisation>, StoreError> {
        down()
    }
    async fn update_organisation(&self, _: &Organisation) -> Result<(), StoreError> {
        down()
    }
    async fn insert_user(&self, _: &UserAccount) -> Result<(), StoreError> {
        down()
    }
    async fn update_user(&self, _: &UserAccount) -> Result<(), StoreError> {
        down()
    }
    async fn get_user(&self, _: &TenantId, _: &UserId) -> Result<Option<UserAccount>, StoreError> {
        down()
    }
    async fn find_user_by_email(&self, _: &str) -> Result<Option<UserAccount>, StoreError> {
        down()
    }
    async fn list_users(
        &self,
        _: &TenantId,
        _: &PageRequest,
    ) -> Result<Paged<UserAccount>, StoreError> {
        down()
    }
    async fn count_users(&self, _: &TenantId, _: usize) -> Result<usize, StoreError> {
        down()
    }
    async fn delete_user(&self, _: &TenantId, _: &UserId) -> Result<(), StoreError> {
        down()
    }
    async fn get_otp(&self, _: OtpPurpose, _: &str) -> Result<Option<OtpChallenge>, StoreError> {
        down()
    }
    async fn put_otp(&self, _: OtpPurpose, _: &str, _: &OtpChallenge) -> Result<(), StoreError> {
        down()
    }
    async fn delete_otp(&self, _: OtpPurpose, _: &str) -> Result<(), StoreError> {
        down()
    }
    async fn get_refresh_family(
        &self,
        _: &RefreshFamilyId,
    ) -> Result<Option<RefreshFamily>, StoreError> {
        down()
    }
    async fn put_refresh_family(&self, _: &RefreshFamily) -> Result<(), StoreError> {
        down()
    }
    async fn rotate_refresh_family(
        &self,
        _: &RefreshFamily,
        _: &RefreshDigest,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn revoke_sign_ins(
        &self,
        _: &TenantId,
        _: &UserId,
        _: botwot_engine::Timestamp,
    ) -> Result<usize, StoreError> {
        down()
    }
    async fn erase_organisation(&self, _: &TenantId) -> Result<usize, StoreError> {
        down()
    }
    async fn insert_api_key(&self, _: &ApiKey) -> Result<(), StoreError> {
        down()
    }
    async fn get_api_key(&self, _: &ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        down()
    }
    async fn update_api_key(&self, _: &ApiKey) -> Result<(), StoreError> {
        down()
    }
    async fn list_api_keys(
        &self,
        _: &TenantId,
        _: &PageRequest,
    ) -> Result<Paged<ApiKey>, StoreError> {
        down()
    }
}

#[async_trait]
impl AuditStore for DownStore {
    async fn record_audit(&self, _: &AuditEntry) -> Result<(), StoreError> {
        down()
    }
    async fn list_audit(
        &self,
        _: &TenantId,
        _: &AuditFilter,
        _: &PageRequest,
    ) -> Result<Paged<AuditEntry>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::CannedResponseStore for DownStore {
    async fn insert_canned_response(
        &self,
        _: &botwot_engine::canned::CannedResponse,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn update_canned_response(
        &self,
        _: &botwot_engine::canned::CannedResponse,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn get_canned_response(
        &self,
        _: &TenantId,
        _: &botwot_engine::ids::CannedResponseId,
    ) -> Result<Option<botwot_engine::canned::CannedResponse>, StoreError> {
        down()
    }
    async fn delete_canned_response(
        &self,
        _: &TenantId,
        _: &botwot_engine::ids::CannedResponseId,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn list_canned_responses(
        &self,
        _: &TenantId,
        _: &PageRequest,
    ) -> Result<Paged<botwot_engine::canned::CannedResponse>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::KnowledgeStore for DownStore {
    async fn insert_knowledge_base(&self, _: &KnowledgeBase) -> Result<(), StoreError> {
        down()
    }
    async fn update_knowledge_base(&self, _: &KnowledgeBase) -> Result<(), StoreError> {
        down()
    }
    async fn get_knowledge_base(
        &self,
        _: &TenantId,
        _: &KnowledgeBaseId,
    ) -> Result<Option<KnowledgeBase>, StoreError> {
        down()
    }
    async fn list_knowledge_bases(
        &self,
        _: &TenantId,
        _: &PageRequest,
    ) -> Result<Paged<KnowledgeBase>, StoreError> {
        down()
    }
    async fn count_knowledge_bases(&self, _: &TenantId, _: usize) -> Result<usize, StoreError> {
        down()
    }
    async fn delete_knowledge_base(
        &self,
        _: &TenantId,
        _: &KnowledgeBaseId,
    ) -> Result<usize, StoreError> {
        down()
    }
    async fn insert_document(&self, _: &KnowledgeDocument) -> Result<(), StoreError> {
        down()
    }
    async fn update_document(&self, _: &KnowledgeDocument) -> Result<(), StoreError> {
        down()
    }
    async fn get_document(
        &self,
        _: &TenantId,
        _: &DocumentId,
    ) -> Result<Option<KnowledgeDocument>, StoreError> {
        down()
    }
    async fn list_documents(
        &self,
        _: &TenantId,
        _: &KnowledgeBaseId,
        _: &PageRequest,
    ) -> Result<Paged<KnowledgeDocument>, StoreError> {
        down()
    }
    async fn count_documents(&self, _: &TenantId, _: usize) -> Result<usize, StoreError> {
        down()
    }
    async fn delete_document(&self, _: &TenantId, _: &DocumentId) -> Result<(), StoreError> {
        down()
    }
    async fn unfinished_documents(&self, _: usize) -> Result<Vec<KnowledgeDocument>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::VoiceAgentStore for DownStore {
    async fn insert_voice_agent(
        &self,
        _: &botwot_engine::voice_agent::VoiceAgent,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn update_voice_agent(
        &self,
        _: &botwot_engine::voice_agent::VoiceAgent,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn get_voice_agent(
        &self,
        _: &TenantId,
        _: &botwot_engine::ids::VoiceAgentId,
    ) -> Result<Option<botwot_engine::voice_agent::VoiceAgent>, StoreError> {
        down()
    }
    async fn delete_voice_agent(
        &self,
        _: &TenantId,
        _: &botwot_engine::ids::VoiceAgentId,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn list_voice_agents(
        &self,
        _: &TenantId,
        _: &PageRequest,
    ) -> Result<Paged<botwot_engine::voice_agent::VoiceAgent>, StoreError> {
        down()
    }
    async fn count_voice_agents(&self, _: &TenantId, _: usize) -> Result<usize, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::CampaignStore for DownStore {
    async fn insert_campaign(&self, _: &Campaign) -> Result<(), StoreError> {
        down()
    }
    async fn update_campaign(&self, _: &Campaign) -> Result<(), StoreError> {
        down()
    }
    async fn get_campaign(
        &self,
        _: &TenantId,
        _: &CampaignId,
    ) -> Result<Option<Campaign>, StoreError> {
        down()
    }
    async fn list_campaigns(
        &self,
        _: &TenantId,
        _: Option<CampaignStatus>,
        _: &PageRequest,
    ) -> Result<Paged<Campaign>, StoreError> {
        down()
    }
    async fn audience_phones(
        &self,
        _: &TenantId,
        _: &CampaignId,
    ) -> Result<HashSet<String>, StoreError> {
        down()
    }
    async fn add_recipients(
        &self,
        _: &Campaign,
        _: &[CampaignRecipient],
    ) -> Result<(), StoreError> {
        down()
    }
    async fn list_recipients(
        &self,
        _: &TenantId,
        _: &CampaignId,
        _: &PageRequest,
    ) -> Result<Paged<CampaignRecipient>, StoreError> {
        down()
    }
    async fn delete_campaign(&self, _: &TenantId, _: &CampaignId) -> Result<usize, StoreError> {
        down()
    }
    async fn contact_recipients(
        &self,
        _: &TenantId,
        _: &str,
    ) -> Result<Vec<CampaignRecipient>, StoreError> {
        down()
    }
    async fn erase_campaign_contact(&self, _: &TenantId, _: &str) -> Result<usize, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::CampaignRunStore for DownStore {
    async fn campaigns_in_status(
        &self,
        _: CampaignStatus,
        _: usize,
    ) -> Result<Vec<Campaign>, StoreError> {
        down()
    }
    async fn get_recipient(
        &self,
        _: &TenantId,
        _: &CampaignId,
        _: &str,
    ) -> Result<Option<CampaignRecipient>, StoreError> {
        down()
    }
    async fn due_recipients(
        &self,
        _: &Campaign,
        _: botwot_engine::Timestamp,
        _: usize,
    ) -> Result<Vec<CampaignRecipient>, StoreError> {
        down()
    }
    async fn next_recipient_due(
        &self,
        _: &Campaign,
    ) -> Result<Option<botwot_engine::Timestamp>, StoreError> {
        down()
    }
    async fn has_unfinished_recipients(&self, _: &Campaign) -> Result<bool, StoreError> {
        down()
    }
    async fn save_recipient(
        &self,
        _: &CampaignRecipient,
        _: Option<&botwot_engine::campaign::CampaignMessageRef>,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn find_campaign_message(
        &self,
        _: &str,
        _: &str,
    ) -> Result<Option<botwot_engine::campaign::CampaignMessageRef>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::BillingStore for DownStore {
    async fn put_billing_plan(&self, _: &BillingPlan) -> Result<(), StoreError> {
        down()
    }
    async fn billing_plan(&self, _: PlanTier) -> Result<Option<BillingPlan>, StoreError> {
        down()
    }
    async fn billing_plans(&self) -> Result<Vec<BillingPlan>, StoreError> {
        down()
    }
    async fn billing_account(&self, _: &TenantId) -> Result<Option<BillingAccount>, StoreError> {
        down()
    }
    async fn save_billing_account(&self, _: &BillingAccount) -> Result<(), StoreError> {
        down()
    }
    async fn billing_accounts_due(
        &self,
        _: Timestamp,
        _: usize,
    ) -> Result<Vec<BillingAccount>, StoreError> {
        down()
    }
    async fn link_billing_reference(&self, _: &str, _: &TenantId) -> Result<(), StoreError> {
        down()
    }
    async fn billing_reference(&self, _: &str) -> Result<Option<TenantId>, StoreError> {
        down()
    }
    async fn record_billing_event(&self, _: &str, _: Timestamp) -> Result<bool, StoreError> {
        down()
    }
    async fn forget_billing_events(&self, _: Timestamp, _: usize) -> Result<usize, StoreError> {
        down()
    }
    async fn erase_billing(&self, _: &TenantId) -> Result<(), StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::SocialPostStore for DownStore {
    async fn insert_post(&self, _: &SocialPost) -> Result<(), StoreError> {
        down()
    }
    async fn save_post(&self, _: &SocialPost) -> Result<(), StoreError> {
        down()
    }
    async fn get_post(&self, _: &TenantId, _: &PostId) -> Result<Option<SocialPost>, StoreError> {
        down()
    }
    async fn list_posts(
        &self,
        _: &TenantId,
        _: Option<PostStatus>,
        _: &PageRequest,
    ) -> Result<Paged<SocialPost>, StoreError> {
        down()
    }
    async fn due_posts(&self, _: Timestamp, _: usize) -> Result<Vec<SocialPost>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::VoiceStore for DownStore {
    async fn insert_voice_number(&self, _: &VoiceNumber) -> Result<(), StoreError> {
        down()
    }
    async fn save_voice_number(&self, _: &VoiceNumber) -> Result<(), StoreError> {
        down()
    }
    async fn get_voice_number(
        &self,
        _: &TenantId,
        _: &VoiceNumberId,
    ) -> Result<Option<VoiceNumber>, StoreError> {
        down()
    }
    async fn find_voice_number(
        &self,
        _: &VoiceNumberId,
    ) -> Result<Option<VoiceNumber>, StoreError> {
        down()
    }
    async fn list_voice_numbers(
        &self,
        _: &TenantId,
        _: &PageRequest,
    ) -> Result<Paged<VoiceNumber>, StoreError> {
        down()
    }
    async fn delete_voice_number(
        &self,
        _: &TenantId,
        _: &VoiceNumberId,
    ) -> Result<bool, StoreError> {
        down()
    }
    async fn insert_call(&self, _: &VoiceCall) -> Result<(), StoreError> {
        down()
    }
    async fn save_call(&self, _: &VoiceCall) -> Result<(), StoreError> {
        down()
    }
    async fn get_call(&self, _: &TenantId, _: &CallId) -> Result<Option<VoiceCall>, StoreError> {
        down()
    }
    async fn find_call(&self, _: &CallId) -> Result<Option<VoiceCall>, StoreError> {
        down()
    }
    async fn call_by_sid(&self, _: &TenantId, _: &str) -> Result<Option<VoiceCall>, StoreError> {
        down()
    }
    async fn list_calls(
        &self,
        _: &TenantId,
        _: &CallFilter,
        _: &PageRequest,
    ) -> Result<Paged<VoiceCall>, StoreError> {
        down()
    }
    async fn due_calls(&self, _: Timestamp, _: usize) -> Result<Vec<VoiceCall>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::InsightStore for DownStore {
    async fn put_insight(
        &self,
        _: &botwot_engine::insight::SessionInsight,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn get_insight(
        &self,
        _: &TenantId,
        _: &botwot_engine::SessionId,
        _: botwot_engine::insight::InsightKind,
    ) -> Result<Option<botwot_engine::insight::SessionInsight>, StoreError> {
        down()
    }
    async fn session_insights(
        &self,
        _: &TenantId,
        _: &botwot_engine::SessionId,
    ) -> Result<Vec<botwot_engine::insight::SessionInsight>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::ShopStore for DownStore {
    async fn insert_shop(&self, _: &ShopConnection) -> Result<(), StoreError> {
        down()
    }
    async fn save_shop(&self, _: &ShopConnection) -> Result<(), StoreError> {
        down()
    }
    async fn get_shop(&self, _: &TenantId, _: &str) -> Result<Option<ShopConnection>, StoreError> {
        down()
    }
    async fn find_shop(&self, _: &str) -> Result<Option<ShopConnection>, StoreError> {
        down()
    }
    async fn list_shops(&self, _: &TenantId) -> Result<Vec<ShopConnection>, StoreError> {
        down()
    }
    async fn delete_shop(&self, _: &TenantId, _: &str) -> Result<bool, StoreError> {
        down()
    }
    async fn put_order(&self, _: &TrackedOrder) -> Result<(), StoreError> {
        down()
    }
    async fn get_order(&self, _: &TenantId, _: &str) -> Result<Option<TrackedOrder>, StoreError> {
        down()
    }
    async fn list_orders(
        &self,
        _: &TenantId,
        _: Option<&str>,
        _: Option<ReminderStatus>,
        _: &PageRequest,
    ) -> Result<Paged<TrackedOrder>, StoreError> {
        down()
    }
    async fn contact_orders(&self, _: &TenantId, _: &str) -> Result<Vec<TrackedOrder>, StoreError> {
        down()
    }
    async fn erase_contact_orders(&self, _: &TenantId, _: &str) -> Result<usize, StoreError> {
        down()
    }
    async fn due_orders(&self, _: Timestamp, _: usize) -> Result<Vec<TrackedOrder>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::WidgetUsageStore for DownStore {
    async fn get_widget_usage(
        &self,
        _: &TenantId,
        _: &str,
    ) -> Result<Option<botwot_engine::analytics::WidgetUsage>, StoreError> {
        down()
    }
    async fn put_widget_usage(
        &self,
        _: &botwot_engine::analytics::WidgetUsage,
    ) -> Result<(), StoreError> {
        down()
    }
    async fn widget_usage(
        &self,
        _: &TenantId,
        _: Timestamp,
        _: Timestamp,
    ) -> Result<Vec<botwot_engine::analytics::WidgetUsage>, StoreError> {
        down()
    }
}

#[async_trait]
impl botwot_engine::ports::LeadStore for DownStore {
    async fn insert_lead(&self, _: &Lead) -> Result<(), StoreError> {
        down()
    }
    async fn save_lead(&self, _: &Lead) -> Result<(), StoreError> {
        down()
    }
    async fn get_lead(&self, _: &TenantId, _: &LeadId) -> Result<Option<Lead>, StoreError> {
        down()
    }
    async fn find_lead_by_phone(&self, _: &TenantId, _: &str) -> Result<Option<Lead>, StoreError> {
        down()
    }
    async fn list_leads(
        &self,
        _: &TenantId,
        _: Option<LeadStage>,
        _: &PageRequest,
    ) -> Result<Paged<Lead>, StoreError> {
        down()
    }
    async fn delete_lead(&self, _: &TenantId, _: &LeadId) -> Result<bool, StoreError> {
        down()
    }
    async fn due_leads(&self, _: Timestamp, _: usize) -> Result<Vec<Lead>, StoreError> {
        down()
    }
    async fn append_lead_event(&self, _: &LeadEvent) -> Result<(), StoreError> {
        down()
    }
    async fn lead_history(
        &self,
        _: &TenantId,
        _: &LeadId,
        _: &PageRequest,
    ) -> Result<Paged<LeadEvent>, StoreError> {
        down()
    }
    async fn get_lead_settings(&self, _: &TenantId) -> Result<Option<LeadSettings>, StoreError> {
        down()
    }
    async fn put_lead_settings(&self, _: &LeadSettings) -> Result<(), StoreError> {
        down()
    }
}
