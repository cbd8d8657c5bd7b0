//! The local knowledge brain: retrieves passages from the bot's knowledge bases and answers with
//! sentences lifted from them, in the bot's tone and word limit, citing their sources. When the
//! knowledge does not answer the question it says so, offers the support contacts and a person,
//! and asks for a human.

use super::ProfileBrain;
use async_trait::async_trait;
use botwot_engine::brain::{
    Brain, BrainAnswer, BrainError, BrainRequest, fallback_text, limit_words,
};
use botwot_engine::knowledge::{
    ExtractiveOptions, KnowledgeIndex, RetrievalOptions, compose_answer,
};
use std::sync::Arc;

pub struct KnowledgeBrain {
    index: Arc<dyn KnowledgeIndex>,
    retrieval: RetrievalOptions,
    composing: ExtractiveOptions,
}

impl KnowledgeBrain {
    pub fn new(
        index: Arc<dyn KnowledgeIndex>,
        retrieval: RetrievalOptions,
        composing: ExtractiveOptions,
    ) -> Self {
        Self {
            index,
            retrieval,
            composing,
        }
    }
}

#[async_trait]
impl Brain for KnowledgeBrain {
    async fn answer(&self, request: BrainRequest) -> Result<BrainAnswer, BrainError> {
        let kbs = request.bot.settings.knowledge_bases();
        if kbs.is_empty() {
            return ProfileBrain.answer(request).await;
        }
        let settings = &request.bot.settings;
        let found = self
            .index
            .search(
                &request.bot.tenant_id,
                &kbs,
                &request.question,
                &self.retrieval,
            )
            .await
            .map_err(|error| BrainError::Unavailable(error.to_string()))?;
        let composed = compose_answer(
            &request.question,
            &found,
            settings.bot_tone,
            settings.word_limit_per_message,
            &self.composing,
        );
        Ok(match composed {
            Some(composed) => BrainAnswer {
                text: composed.text,
                grounded: true,
                wants_human: false,
                sources: composed.sources,
            },
            None => BrainAnswer {
                text: limit_words(
                    &format!(
                        "{} I can also connect you with a person.",
                        fallback_text(&request.bot)
                    ),
                    settings.word_limit_per_message,
                ),
                grounded: false,
                wants_human: true,
                sources: Vec::new(),
            },
        })
    }

    fn uses_history(&self) -> bool {
        false
    }
}
