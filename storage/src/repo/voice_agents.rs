//! Voice agents: found by id within a tenant, listed and counted per tenant in name order
//! (ignoring case; agents of the same name in id order).

use super::schema::{VOICE_AGENTS, VOICE_AGENTS_BY_NAME};
use super::{Store, records};
use crate::backend::{DocumentBackend, IndexQuery};
use async_trait::async_trait;
use botwot_engine::ids::{TenantId, VoiceAgentId};
use botwot_engine::ports::{PageRequest, Paged, StoreError, VoiceAgentStore};
use botwot_engine::voice_agent::VoiceAgent;

fn agents_of(tenant: &TenantId) -> IndexQuery {
    IndexQuery::new(
        &VOICE_AGENTS,
        &VOICE_AGENTS_BY_NAME,
        vec![records::tenant(tenant)],
    )
}

#[async_trait]
impl<B: DocumentBackend> VoiceAgentStore for Store<B> {
    async fn insert_voice_agent(&self, agent: &VoiceAgent) -> Result<(), StoreError> {
        self.insert_one(records::voice_agent::<B>(agent)?).await
    }

    async fn update_voice_agent(&self, agent: &VoiceAgent) -> Result<(), StoreError> {
        let doc = records::voice_agent::<B>(agent)?;
        self.replace_one(&agent.tenant_id, doc).await
    }

    async fn get_voice_agent(
        &self,
        tenant: &TenantId,
        id: &VoiceAgentId,
    ) -> Result<Option<VoiceAgent>, StoreError> {
        Ok(self.get_record(&VOICE_AGENTS, tenant, id.as_str()).await?)
    }

    async fn delete_voice_agent(
        &self,
        tenant: &TenantId,
        id: &VoiceAgentId,
    ) -> Result<(), StoreError> {
        self.delete_one(&VOICE_AGENTS, tenant, id.as_str()).await
    }

    async fn list_voice_agents(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<VoiceAgent>, StoreError> {
        Ok(self.page(agents_of(tenant), page).await?)
    }

    async fn count_voice_agents(
        &self,
        tenant: &TenantId,
        up_to: usize,
    ) -> Result<usize, StoreError> {
        let mut query = agents_of(tenant);
        query.limit = up_to;
        Ok(self.backend.query(query).await?.len())
    }
}
