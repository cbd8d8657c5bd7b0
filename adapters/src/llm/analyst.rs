//! [`LlmAnalyst`]: the conversation analyses of the engine's `insight` module, answered by the
//! language model of the provider the session's bot uses (the same resilient models the brain
//! answers with), in JSON mode at temperature 0 so the same transcript reads the same way.

use super::chat::{ChatMessage, ChatModel, ChatRequest};
use async_trait::async_trait;
use botwot_engine::LlmProvider;
use botwot_engine::insight::{Analyst, AnalystError, InsightPrompt, InsightResult};
use std::collections::HashMap;
use std::sync::Arc;

/// Tokens an analysis may answer with: the longest (sales intelligence with its lists) needs
/// a few hundred.
const MAX_ANSWER_TOKENS: u32 = 600;

/// Analyses conversations with each configured provider's model.
#[derive(Clone, Default)]
pub struct LlmAnalyst {
    models: HashMap<LlmProvider, Arc<dyn ChatModel>>,
}

impl LlmAnalyst {
    /// Answers for the bots of `provider` with `model`.
    pub fn with_model(mut self, provider: LlmProvider, model: Arc<dyn ChatModel>) -> Self {
        self.models.insert(provider, model);
        self
    }
}

#[async_trait]
impl Analyst for LlmAnalyst {
    async fn analyse(
        &self,
        provider: LlmProvider,
        prompt: &InsightPrompt,
    ) -> Result<InsightResult, AnalystError> {
        let model = self
            .models
            .get(&provider)
            .ok_or(AnalystError::NotConfigured(provider))?;
        let request = ChatRequest {
            messages: vec![
                ChatMessage::system(prompt.system.as_str()),
                ChatMessage::user(prompt.transcript.as_str()),
            ],
            max_tokens: MAX_ANSWER_TOKENS,
            temperature: 0.0,
            json_object: true,
        };
        let completion = model
            .complete(&request)
            .await
            .map_err(|error| AnalystError::Unavailable(error.to_string()))?;
        Ok(InsightResult::from_model(prompt.kind, &completion.text)?)
    }
}
