//! Chooses each bot's brain: the language-model brain of the bot's provider when the node has
//! that provider configured, else the local brain.

use async_trait::async_trait;
use botwot_engine::LlmProvider;
use botwot_engine::brain::{Brain, BrainAnswer, BrainError, BrainRequest, DraftWriter};
use std::collections::HashMap;
use std::sync::Arc;

pub struct BrainRouter {
    local: Arc<dyn Brain>,
    by_provider: HashMap<LlmProvider, Arc<dyn Brain>>,
}

impl BrainRouter {
    pub fn new(local: Arc<dyn Brain>) -> Self {
        Self {
            local,
            by_provider: HashMap::new(),
        }
    }

    /// Bots of `provider` are answered by `brain`.
    pub fn with_provider(mut self, provider: LlmProvider, brain: Arc<dyn Brain>) -> Self {
        self.by_provider.insert(provider, brain);
        self
    }

    fn brain_for(&self, request: &BrainRequest) -> &Arc<dyn Brain> {
        self.by_provider
            .get(&request.bot.settings.llm_provider)
            .unwrap_or(&self.local)
    }
}

#[async_trait]
impl Brain for BrainRouter {
    async fn answer(&self, request: BrainRequest) -> Result<BrainAnswer, BrainError> {
        self.brain_for(&request).answer(request).await
    }

    async fn answer_drafting(
        &self,
        request: BrainRequest,
        draft: DraftWriter<'_>,
    ) -> Result<BrainAnswer, BrainError> {
        self.brain_for(&request)
            .answer_drafting(request, draft)
            .await
    }

    /// History is read when any brain may use it; the local one ignores it.
    fn uses_history(&self) -> bool {
        self.local.uses_history() || self.by_provider.values().any(|b| b.uses_history())
    }
}
