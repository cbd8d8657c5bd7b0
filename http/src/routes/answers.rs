//! Asking the knowledge directly, outside a conversation: the passages of a knowledge base that
//! match a query (PRD `POST /query`), and a bot's answer to a question with the chat so far
//! (PRD `POST /generate-answer`), composed by the same brain the bot uses in conversations.

use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams};
use crate::routes::bots::LiveBot;
use crate::routes::knowledge_bases::{BasePath, stored_base};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use botwot_engine::brain::{AnswerSource, BrainAnswer, BrainError, BrainRequest};
use botwot_engine::ids::{MessageId, SessionId};
use botwot_engine::knowledge::{Passage, RetrievalMode, RetrievalOptions};
use botwot_engine::message::{Author, Delivery, Direction, Message, MessageBody};
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{BotProfile, Channel, Timestamp};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

mod stream;

const MAX_QUESTION_CHARS: usize = 2_000;
const MAX_TOP_K: usize = 50;
const MAX_HISTORY: usize = 50;

/// A query for the passages of a knowledge base.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueryInput {
    /// Up to 2,000 characters.
    pub query: String,
    /// Passages returned, 1 to 50 (default 5).
    #[serde(default = "default_top_k")]
    pub top_k: usize,
    /// `hybrid` (default), `keyword` or `vector`.
    #[serde(default)]
    pub mode: QueryMode,
}

fn default_top_k() -> usize {
    5
}

#[derive(Debug, Default, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QueryMode {
    #[default]
    Hybrid,
    Keyword,
    Vector,
}

/// One passage found for a query.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PassageView {
    pub text: String,
    /// Fused relevance, higher is better.
    pub score: f32,
    pub document_id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl From<&Passage> for PassageView {
    fn from(passage: &Passage) -> Self {
        let chunk = &passage.chunk;
        Self {
            text: chunk.text.clone(),
            score: passage.score,
            document_id: chunk.document_id.to_string(),
            title: chunk.source.title.clone(),
            page: chunk.source.page,
            url: chunk.source.url.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    pub passages: Vec<PassageView>,
    /// Similarity between the query and its nearest passage (0 when vectors were not searched).
    pub confidence: f32,
}

/// The passages of a knowledge base that best match a query.
#[utoipa::path(
    post, path = "/v1/knowledge-bases/{knowledgeBaseId}/query", tag = "knowledge",
    params(BasePath), request_body = QueryInput,
    responses((status = 200, description = "the best passages, best first", body = QueryResult)),
)]
pub async fn query_knowledge_base(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<BasePath>,
    JsonBody(input): JsonBody<QueryInput>,
) -> Result<Json<QueryResult>, AppError> {
    let base = stored_base(&state, &principal, &path.knowledge_base_id).await?;
    let mut errors = ValidationErrors::default();
    errors.check_text("query", &input.query, MAX_QUESTION_CHARS);
    if !(1..=MAX_TOP_K).contains(&input.top_k) {
        errors.add("topK", "must be between 1 and 50");
    }
    errors.into_result(())?;
    let options = RetrievalOptions {
        top_k: input.top_k,
        mode: match input.mode {
            QueryMode::Hybrid => RetrievalMode::Hybrid,
            QueryMode::Keyword => RetrievalMode::KeywordOnly,
            QueryMode::Vector => RetrievalMode::VectorOnly,
        },
        ..RetrievalOptions::default()
    };
    let found = state
        .knowledge
        .index
        .search(principal.tenant(), &[base.id], &input.query, &options)
        .await?;
    Ok(Json(QueryResult {
        passages: found.passages.iter().map(PassageView::from).collect(),
        confidence: found.confidence,
    }))
}

/// Who said a line of the chat so far.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    User,
    Assistant,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HistoryLine {
    pub role: Speaker,
    pub text: String,
}

/// A question for a bot, with the chat so far (oldest first, at most 50 lines).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerInput {
    pub question: String,
    #[serde(default)]
    pub history: Vec<HistoryLine>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnswerView {
    pub text: String,
    /// Whether the answer rests on the bot's knowledge rather than its fallback message.
    pub grounded: bool,
    /// The bot could not answer and offers a person.
    pub wants_human: bool,
    pub sources: Vec<SourceView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceView {
    pub title: String,
    /// A page (`page 3`) or the page's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl From<AnswerSource> for SourceView {
    fn from(source: AnswerSource) -> Self {
        Self {
            title: source.title,
            location: source.location,
        }
    }
}

/// The bot's answer to a question from its knowledge bases, as it would answer in a chat. Asked
/// with `Accept: text/event-stream`, the answer streams as server-sent events while it is
/// written (see `stream`).
#[utoipa::path(
    post, path = "/v1/bots/{botId}/answer", tag = "knowledge",
    params(crate::routes::bots::BotPath), request_body = AnswerInput,
    responses((
        status = 200,
        description = "the answer with its sources; as `text/event-stream`: `draft` events \
            (`{text}`, the answer so far), then one `answer` (the answer with its sources) or \
            `error` (`{code, message}`)",
        content((AnswerView = "application/json"), (String = "text/event-stream")),
    )),
)]
pub async fn answer_question(
    State(state): State<AppState>,
    LiveBot(bot): LiveBot,
    headers: HeaderMap,
    JsonBody(input): JsonBody<AnswerInput>,
) -> Result<Response, AppError> {
    if stream::wants_event_stream(&headers) {
        let request = answer_request(&state, bot, &input)?;
        return Ok(stream::stream_answer(&state, request).into_response());
    }
    Ok(Json(bot_answer(&state, bot, &input).await?).into_response())
}

/// `bot`'s answer to `input`, from the brain it uses in conversations.
pub(crate) async fn bot_answer(
    state: &AppState,
    bot: BotProfile,
    input: &AnswerInput,
) -> Result<AnswerView, AppError> {
    let request = answer_request(state, bot, input)?;
    let answer = state
        .knowledge
        .brain
        .answer(request)
        .await
        .map_err(brain_failed)?;
    Ok(AnswerView::from(answer))
}

/// The brain's request for `input`, checked.
fn answer_request(
    state: &AppState,
    bot: BotProfile,
    input: &AnswerInput,
) -> Result<BrainRequest, AppError> {
    let mut errors = ValidationErrors::default();
    errors.check_text("question", &input.question, MAX_QUESTION_CHARS);
    if input.history.len() > MAX_HISTORY {
        errors.add("history", "at most 50 lines");
    }
    errors.into_result(())?;
    let history = chat_so_far(&bot.tenant_id, input, state.now());
    Ok(BrainRequest {
        bot: Arc::new(bot),
        channel: Channel::Web,
        question: input.question.clone(),
        history,
        contact: None,
    })
}

/// The error for a brain that could not answer.
pub(crate) fn brain_failed(error: BrainError) -> AppError {
    AppError::new(
        crate::errors::ErrorCode::KnowledgeUnavailable,
        error.to_string(),
    )
}

impl From<BrainAnswer> for AnswerView {
    fn from(answer: BrainAnswer) -> Self {
        Self {
            text: answer.text,
            grounded: answer.grounded,
            wants_human: answer.wants_human,
            sources: answer.sources.into_iter().map(SourceView::from).collect(),
        }
    }
}

/// The history lines and the question as the messages of a session that exists only for this
/// call.
fn chat_so_far(
    tenant: &botwot_engine::TenantId,
    input: &AnswerInput,
    now: Timestamp,
) -> Vec<Message> {
    let session = SessionId::generate();
    let lines = input
        .history
        .iter()
        .map(|line| (line.role, line.text.as_str()))
        .chain(std::iter::once((Speaker::User, input.question.as_str())));
    lines
        .enumerate()
        .map(|(index, (role, text))| {
            let (direction, author) = match role {
                Speaker::User => (Direction::Inbound, Author::Contact),
                Speaker::Assistant => (Direction::Outbound, Author::Bot),
            };
            Message {
                id: MessageId::generate(),
                tenant_id: tenant.clone(),
                session_id: session.clone(),
                seq: index as u64 + 1,
                direction,
                author,
                body: MessageBody::text(text),
                provider_message_id: None,
                created_at: now,
                delivery: Delivery::default(),
            }
        })
        .collect()
}
