//! [`LlmAnalyst`]: the conversation analyses of the engine's `insight` module, answered by the
//! language model of the provider the session's bot uses (the same resilient models the brain
//! answers with), in JSON mode at temperature 0 so the same transcript reads the same way; and
//! the marketing side's writing (`writing`), in JSON mode with some liberty.

use super::chat::{ChatMessage, ChatModel, ChatRequest};
use async_trait::async_trait;
use botwot_engine::LlmProvider;
use botwot_engine::insight::{Analyst, AnalystError, InsightPrompt, InsightResult};
use botwot_engine::writing::{Writer, WriterError, WritingTask, Written};
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

/// Why a model gave no answer.
enum Unanswered {
    NotConfigured,
    Unavailable(String),
}

impl LlmAnalyst {
    /// `provider`'s model's JSON answer to `system` and `user`, at `temperature`.
    async fn ask(
        &self,
        provider: LlmProvider,
        system: &str,
        user: &str,
        temperature: f32,
    ) -> Result<String, Unanswered> {
        let model = self
            .models
            .get(&provider)
            .ok_or(Unanswered::NotConfigured)?;
        let request = ChatRequest {
            messages: vec![ChatMessage::system(system), ChatMessage::user(user)],
            max_tokens: MAX_ANSWER_TOKENS,
            temperature,
            json_object: true,
            tools: Vec::new(),
        };
        let completion = model
            .complete(&request)
            .await
            .map_err(|error| Unanswered::Unavailable(error.to_string()))?;
        Ok(completion.text)
    }
}

#[async_trait]
impl Analyst for LlmAnalyst {
    async fn analyse(
        &self,
        provider: LlmProvider,
        prompt: &InsightPrompt,
    ) -> Result<InsightResult, AnalystError> {
        let answer = self
            .ask(provider, &prompt.system, &prompt.transcript, 0.0)
            .await
            .map_err(|unanswered| match unanswered {
                Unanswered::NotConfigured => AnalystError::NotConfigured(provider),
                Unanswered::Unavailable(reason) => AnalystError::Unavailable(reason),
            })?;
        Ok(InsightResult::from_model(prompt.kind, &answer)?)
    }
}

/// Writing takes some liberty with words, unlike an analysis.
const WRITING_TEMPERATURE: f32 = 0.7;

#[async_trait]
impl Writer for LlmAnalyst {
    async fn write(
        &self,
        provider: LlmProvider,
        task: &WritingTask,
    ) -> Result<Written, WriterError> {
        let answer = self
            .ask(provider, &task.system(), task.user(), WRITING_TEMPERATURE)
            .await
            .map_err(|unanswered| match unanswered {
                Unanswered::NotConfigured => WriterError::NotConfigured(provider),
                Unanswered::Unavailable(reason) => WriterError::Unavailable(reason),
            })?;
        task.read(&answer)
    }
}
