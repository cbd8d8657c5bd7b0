//! What an organisation configures: bots, channel integrations, canned responses, voice agents
//! and knowledge bases.

use super::{PageRequest, Paged, StoreError};
use crate::bot::BotProfile;
use crate::canned::CannedResponse;
use crate::channel::Channel;
use crate::ids::{
    BotId, CannedResponseId, DocumentId, KnowledgeBaseId, TenantId, VoiceAgentId, WidgetKey,
};
use crate::integration::ChannelIntegration;
use crate::knowledge::{KnowledgeBase, KnowledgeDocument};
use crate::voice_agent::VoiceAgent;
use async_trait::async_trait;

#[async_trait]
pub trait BotStore: Send + Sync + 'static {
    async fn insert_bot(&self, bot: &BotProfile) -> Result<(), StoreError>;
    /// Replaces a stored bot; `NotFound` when it does not exist in that tenant.
    async fn update_bot(&self, bot: &BotProfile) -> Result<(), StoreError>;
    async fn get_bot(
        &self,
        tenant: &TenantId,
        id: &BotId,
    ) -> Result<Option<BotProfile>, StoreError>;
    async fn find_bot_by_widget_key(
        &self,
        key: &WidgetKey,
    ) -> Result<Option<BotProfile>, StoreError>;
    /// Bots of a tenant, newest first; soft-deleted ones only when asked for.
    async fn list_bots(
        &self,
        tenant: &TenantId,
        include_deleted: bool,
        page: &PageRequest,
    ) -> Result<Paged<BotProfile>, StoreError>;
}

#[async_trait]
pub trait IntegrationStore: Send + Sync + 'static {
    /// Stores a new integration; `Conflict` when its channel account is already connected.
    async fn insert_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError>;
    /// Replaces a stored integration (same id); `NotFound` when there is none.
    async fn update_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError>;
    /// The integration of a provider account, whichever tenant it belongs to (webhooks name the
    /// account, not the tenant).
    async fn find_integration(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<Option<ChannelIntegration>, StoreError>;
    /// A tenant's integrations, newest first.
    async fn list_integrations(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<ChannelIntegration>, StoreError>;
}

/// An organisation's canned responses; a shortcut is unique per organisation.
#[async_trait]
pub trait CannedResponseStore: Send + Sync + 'static {
    /// Stores a new one; `Conflict` when its shortcut is taken in the organisation.
    async fn insert_canned_response(&self, canned: &CannedResponse) -> Result<(), StoreError>;
    /// Replaces a stored one; `NotFound` when it does not exist in that tenant, `Conflict` when
    /// the new shortcut is taken by another.
    async fn update_canned_response(&self, canned: &CannedResponse) -> Result<(), StoreError>;
    async fn get_canned_response(
        &self,
        tenant: &TenantId,
        id: &CannedResponseId,
    ) -> Result<Option<CannedResponse>, StoreError>;
    /// `NotFound` when it does not exist in that tenant.
    async fn delete_canned_response(
        &self,
        tenant: &TenantId,
        id: &CannedResponseId,
    ) -> Result<(), StoreError>;
    /// A tenant's canned responses in shortcut order.
    async fn list_canned_responses(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<CannedResponse>, StoreError>;
}

/// An organisation's voice agents.
#[async_trait]
pub trait VoiceAgentStore: Send + Sync + 'static {
    async fn insert_voice_agent(&self, agent: &VoiceAgent) -> Result<(), StoreError>;
    /// Replaces a stored one; `NotFound` when it does not exist in that tenant.
    async fn update_voice_agent(&self, agent: &VoiceAgent) -> Result<(), StoreError>;
    async fn get_voice_agent(
        &self,
        tenant: &TenantId,
        id: &VoiceAgentId,
    ) -> Result<Option<VoiceAgent>, StoreError>;
    /// `NotFound` when it does not exist in that tenant.
    async fn delete_voice_agent(
        &self,
        tenant: &TenantId,
        id: &VoiceAgentId,
    ) -> Result<(), StoreError>;
    /// A tenant's voice agents in name order (ignoring case).
    async fn list_voice_agents(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<VoiceAgent>, StoreError>;
    /// How many voice agents the tenant has, counting no further than `up_to`.
    async fn count_voice_agents(
        &self,
        tenant: &TenantId,
        up_to: usize,
    ) -> Result<usize, StoreError>;
}

/// Knowledge bases and the records of their documents (the bytes and indexes are blobs).
#[async_trait]
pub trait KnowledgeStore: Send + Sync + 'static {
    async fn insert_knowledge_base(&self, base: &KnowledgeBase) -> Result<(), StoreError>;
    /// Replaces a stored base; `NotFound` when it is gone.
    async fn update_knowledge_base(&self, base: &KnowledgeBase) -> Result<(), StoreError>;
    async fn get_knowledge_base(
        &self,
        tenant: &TenantId,
        id: &KnowledgeBaseId,
    ) -> Result<Option<KnowledgeBase>, StoreError>;
    /// The tenant's bases, newest first.
    async fn list_knowledge_bases(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<KnowledgeBase>, StoreError>;
    /// How many bases the tenant has, counting no further than `up_to`.
    async fn count_knowledge_bases(
        &self,
        tenant: &TenantId,
        up_to: usize,
    ) -> Result<usize, StoreError>;
    /// Removes a base and the records of all its documents in one write; returns how many
    /// document records went. `NotFound` when the base is not the tenant's.
    async fn delete_knowledge_base(
        &self,
        tenant: &TenantId,
        id: &KnowledgeBaseId,
    ) -> Result<usize, StoreError>;
    async fn insert_document(&self, document: &KnowledgeDocument) -> Result<(), StoreError>;
    /// Replaces a stored document record; `NotFound` when it was deleted meanwhile.
    async fn update_document(&self, document: &KnowledgeDocument) -> Result<(), StoreError>;
    async fn get_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<KnowledgeDocument>, StoreError>;
    /// The documents of one base, newest first.
    async fn list_documents(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
        page: &PageRequest,
    ) -> Result<Paged<KnowledgeDocument>, StoreError>;
    /// How many documents the tenant has across its bases, counting no further than `up_to`.
    async fn count_documents(&self, tenant: &TenantId, up_to: usize) -> Result<usize, StoreError>;
    /// `NotFound` when the document is not the tenant's.
    async fn delete_document(&self, tenant: &TenantId, id: &DocumentId) -> Result<(), StoreError>;
    /// Documents of every tenant whose ingestion has not reached a final stage, oldest first,
    /// at most `limit`: what a node resumes when it starts.
    async fn unfinished_documents(
        &self,
        limit: usize,
    ) -> Result<Vec<KnowledgeDocument>, StoreError>;
}
