//! [`LlmBrain`]: the engine's [`Brain`] answered by a language model grounded in the bot's
//! knowledge bases. It retrieves passages for the question, asks the model with the prompt of
//! [`super::prompt`] and cites the passages' sources. With no knowledge to stand on, or when the
//! index or the model fails in any way, it hands the request to a fallback brain instead, so a
//! contact always gets an answer. Asked for drafts, it streams the model's reply and passes the
//! text so far on as it grows (a reply that breaks off half way is replaced by the fallback's).
//!
//! A bot given tool kits (PRD §3.3), answered by a model that calls tools, is asked with the
//! kits' tools even without passages: each call the model makes is run through the
//! [`Toolbox`] for the conversation's contact and its result given back, up to
//! [`MAX_TOOL_ROUNDS`] rounds, after which the model must answer in words.

use super::chat::{ChatMessage, ChatModel, ChatRequest};
use super::error::LlmError;
use super::prompt::build_prompt;
use async_trait::async_trait;
use botwot_engine::brain::{
    Brain, BrainAnswer, BrainError, BrainRequest, DraftWriter, limit_words,
};
use botwot_engine::knowledge::extractive::sources;
use botwot_engine::knowledge::{KnowledgeIndex, Passage, Retrieval, RetrievalOptions};
use botwot_engine::tools::{ToolContext, Toolbox};
use std::sync::Arc;

/// Rounds of tool calls one answer may take before the model must answer in words.
pub const MAX_TOOL_ROUNDS: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LlmBrainOptions {
    /// Passages retrieved and shown to the model.
    pub top_k: usize,
    /// The retrieval confidence (cosine similarity of the nearest chunk) below which the brain
    /// does not trust the passages. Tune it to the embedder.
    pub min_confidence: f32,
    /// The most earlier messages of the session given to the model.
    pub history_messages: usize,
    pub max_tokens: u32,
    pub temperature: f32,
}

impl Default for LlmBrainOptions {
    fn default() -> Self {
        Self {
            top_k: 5,
            min_confidence: 0.3,
            history_messages: 10,
            max_tokens: 512,
            temperature: 0.2,
        }
    }
}

pub struct LlmBrain {
    knowledge: Arc<dyn KnowledgeIndex>,
    model: Arc<dyn ChatModel>,
    fallback: Arc<dyn Brain>,
    options: LlmBrainOptions,
    tools: Option<Arc<dyn Toolbox>>,
}

impl LlmBrain {
    /// `model` should be resilient (see [`super::ResilientChat`]): this brain calls it once.
    pub fn new(
        knowledge: Arc<dyn KnowledgeIndex>,
        model: Arc<dyn ChatModel>,
        fallback: Arc<dyn Brain>,
        options: LlmBrainOptions,
    ) -> Self {
        Self {
            knowledge,
            model,
            fallback,
            options,
            tools: None,
        }
    }

    /// Runs the tools of bots given tool kits through `toolbox`.
    pub fn with_tools(mut self, toolbox: Arc<dyn Toolbox>) -> Self {
        self.tools = Some(toolbox);
        self
    }

    /// The toolbox for this request: when the bot has tool kits and the model calls tools.
    fn toolbox_for(&self, request: &BrainRequest) -> Option<&Arc<dyn Toolbox>> {
        self.tools
            .as_ref()
            .filter(|_| !request.bot.settings.tools.is_empty() && self.model.calls_tools())
    }

    /// Asks the model with tools, running the calls it makes, until it answers in words; the
    /// answer and whether any tool was called.
    async fn converse_with_tools(
        &self,
        toolbox: &Arc<dyn Toolbox>,
        request: &BrainRequest,
        mut chat: ChatRequest,
        word_limit: u32,
        draft: Option<DraftWriter<'_>>,
    ) -> Result<(String, bool), LlmError> {
        let context = ToolContext {
            bot: request.bot.clone(),
            channel: request.channel,
            contact: request.contact.clone(),
        };
        let mut called = false;
        for round in 0..=MAX_TOOL_ROUNDS {
            if round == MAX_TOOL_ROUNDS {
                chat.tools.clear();
            }
            let completion = self.model.complete(&chat).await?;
            if completion.tool_calls.is_empty() {
                if let Some(draft) = draft {
                    let text = limit_words(&completion.text, word_limit);
                    if !text.is_empty() {
                        draft(&text);
                    }
                }
                return Ok((completion.text, called));
            }
            if chat.tools.is_empty() {
                break;
            }
            called = true;
            chat.messages.push(ChatMessage::tool_calls(
                completion.text,
                completion.tool_calls.clone(),
            ));
            for call in &completion.tool_calls {
                let result = toolbox.call(&context, call).await;
                tracing::info!(bot = %request.bot.id, tool = %call.name, "the bot called a tool");
                chat.messages
                    .push(ChatMessage::tool_result(call.id.as_str(), result));
            }
        }
        Err(LlmError::Malformed(
            "the model kept calling tools after they were withdrawn".into(),
        ))
    }

    /// The passages worth answering from, or none.
    async fn passages(&self, request: &BrainRequest) -> Vec<Passage> {
        let kbs = request.bot.settings.knowledge_bases();
        if kbs.is_empty() {
            return Vec::new();
        }
        let options = RetrievalOptions {
            top_k: self.options.top_k,
            ..RetrievalOptions::default()
        };
        match self
            .knowledge
            .search(&request.bot.tenant_id, &kbs, &request.question, &options)
            .await
        {
            Ok(retrieval) if self.trusts(&retrieval) => retrieval.passages,
            Ok(_) => Vec::new(),
            Err(error) => {
                tracing::warn!(bot = %request.bot.id, %error, "knowledge search failed; falling back");
                Vec::new()
            }
        }
    }

    /// Confident enough by vector similarity, or (when no vector search ran) by keywords.
    fn trusts(&self, retrieval: &Retrieval) -> bool {
        retrieval.confidence >= self.options.min_confidence
            || (retrieval.confidence == 0.0 && retrieval.keyword_match)
    }

    /// The model's reply to `chat`, streamed to `draft` when there is one.
    async fn ask_model(
        &self,
        chat: &ChatRequest,
        word_limit: u32,
        draft: Option<DraftWriter<'_>>,
    ) -> Result<String, LlmError> {
        let Some(draft) = draft else {
            return Ok(self.model.complete(chat).await?.text);
        };
        let mut so_far = String::new();
        let mut shown = String::new();
        let mut on_delta = |piece: &str| {
            so_far.push_str(piece);
            let text = limit_words(&so_far, word_limit);
            if !text.is_empty() && text != shown {
                draft(&text);
                shown = text;
            }
        };
        Ok(self
            .model
            .complete_streaming(chat, &mut on_delta)
            .await?
            .text)
    }

    async fn answer_with(
        &self,
        request: BrainRequest,
        draft: Option<DraftWriter<'_>>,
    ) -> Result<BrainAnswer, BrainError> {
        let passages = self.passages(&request).await;
        let toolbox = self.toolbox_for(&request);
        if passages.is_empty() && toolbox.is_none() {
            return self.fallback.answer(request).await;
        }
        let history_start = request
            .history
            .len()
            .saturating_sub(self.options.history_messages + 1);
        let chat = ChatRequest {
            messages: build_prompt(
                &request.bot,
                &passages,
                &request.history[history_start..],
                &request.question,
            ),
            max_tokens: self.options.max_tokens,
            temperature: self.options.temperature,
            json_object: false,
            tools: toolbox
                .map(|toolbox| toolbox.specs(&request.bot.settings.tools))
                .unwrap_or_default(),
        };
        let word_limit = request.bot.settings.word_limit_per_message;
        let asked = match toolbox {
            Some(toolbox) => {
                self.converse_with_tools(toolbox, &request, chat, word_limit, draft)
                    .await
            }
            None => self
                .ask_model(&chat, word_limit, draft)
                .await
                .map(|text| (text, false)),
        };
        let (text, used_tools) = match asked {
            Ok((text, used_tools)) if !text.trim().is_empty() => (text, used_tools),
            Ok(_) => {
                tracing::warn!(bot = %request.bot.id, model = self.model.name(), "empty model answer; falling back");
                return self.fallback.answer(request).await;
            }
            Err(error) => {
                tracing::warn!(bot = %request.bot.id, model = self.model.name(), %error, "model failed; falling back");
                return self.fallback.answer(request).await;
            }
        };
        Ok(BrainAnswer {
            text: limit_words(&text, word_limit),
            grounded: !passages.is_empty() || used_tools,
            wants_human: false,
            sources: sources(passages.iter()),
        })
    }
}

#[async_trait]
impl Brain for LlmBrain {
    async fn answer(&self, request: BrainRequest) -> Result<BrainAnswer, BrainError> {
        self.answer_with(request, None).await
    }

    async fn answer_drafting(
        &self,
        request: BrainRequest,
        draft: DraftWriter<'_>,
    ) -> Result<BrainAnswer, BrainError> {
        self.answer_with(request, Some(draft)).await
    }
}
