//! `POST /v1/answer`: a question for whichever of the organisation's bots knows most about it
//! (PRD `qnaV2`, relevance routing across bots). Each candidate bot's knowledge bases are
//! searched for the question; the bot whose nearest passage is most similar to it answers, with
//! the same brain it uses in conversations, and every candidate's score is returned beside it.

use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::JsonBody;
use crate::routes::answers::{AnswerInput, AnswerView, HistoryLine, bot_answer};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::knowledge::{RetrievalMode, RetrievalOptions};
use botwot_engine::ports::PageRequest;
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{BotId, BotProfile};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most bots one question is routed among.
const MAX_CANDIDATES: usize = 50;

/// A question, the chat so far, and optionally the bots to choose from (default: every live bot
/// of the organisation with a knowledge base).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteInput {
    pub question: String,
    #[serde(default)]
    pub history: Vec<HistoryLine>,
    /// Up to 50 bot ids.
    #[serde(default)]
    pub bot_ids: Vec<String>,
}

/// How relevant one bot's knowledge is to the question.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BotRelevance {
    pub bot_id: String,
    /// Similarity of the question to the bot's nearest passage (0 to 1).
    pub score: f32,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoutedAnswer {
    /// The bot that answered.
    pub bot_id: String,
    #[serde(flatten)]
    pub answer: AnswerView,
    /// Every candidate, most relevant first.
    pub candidates: Vec<BotRelevance>,
}

/// Answers a question with the organisation's most relevant bot.
#[utoipa::path(
    post, path = "/v1/answer", tag = "knowledge", request_body = RouteInput,
    responses(
        (status = 200, description = "the answer, the bot that gave it and every candidate's score", body = RoutedAnswer),
        (status = 404, description = "`not_found`: no candidate bot has a knowledge base"),
    ),
)]
pub async fn route_question(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(input): JsonBody<RouteInput>,
) -> Result<Json<RoutedAnswer>, AppError> {
    if input.bot_ids.len() > MAX_CANDIDATES {
        let mut errors = ValidationErrors::default();
        errors.add("botIds", "at most 50 bots");
        return Err(errors.into());
    }
    let bots = candidates(&state, &principal, &input.bot_ids).await?;
    let mut scored = Vec::with_capacity(bots.len());
    for bot in bots {
        let score = relevance(&state, &bot, &input.question).await?;
        scored.push((score, bot));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let candidates = scored
        .iter()
        .map(|(score, bot)| BotRelevance {
            bot_id: bot.id.to_string(),
            score: *score,
        })
        .collect();
    let Some((_, best)) = scored.into_iter().next() else {
        return Err(AppError::new(
            ErrorCode::NotFound,
            "no candidate bot has a knowledge base to answer from",
        ));
    };
    let bot_id = best.id.to_string();
    let question = AnswerInput {
        question: input.question,
        history: input.history,
    };
    let answer = bot_answer(&state, best, &question).await?;
    Ok(Json(RoutedAnswer {
        bot_id,
        answer,
        candidates,
    }))
}

/// The named bots (each must be a live bot of the organisation), or every live bot with a
/// knowledge base.
async fn candidates(
    state: &AppState,
    principal: &Principal,
    ids: &[String],
) -> Result<Vec<BotProfile>, AppError> {
    let tenant = principal.tenant();
    let mut bots = Vec::new();
    if ids.is_empty() {
        let page = PageRequest {
            limit: MAX_CANDIDATES,
            cursor: None,
        };
        bots = state.store.list_bots(tenant, false, &page).await?.items;
    } else {
        for id in ids {
            let bot = state
                .store
                .get_bot(tenant, &BotId::from(id.as_str()))
                .await?;
            let bot = bot.filter(|bot| bot.deleted_at.is_none());
            bots.push(bot.ok_or_else(|| AppError::not_found(format_args!("bot {id}")))?);
        }
    }
    bots.retain(|bot| !bot.settings.knowledge_base_ids.is_empty());
    Ok(bots)
}

/// The similarity of `question` to the nearest passage of `bot`'s knowledge, with a small edge
/// for sharing a keyword with it.
async fn relevance(state: &AppState, bot: &BotProfile, question: &str) -> Result<f32, AppError> {
    let kbs = bot.settings.knowledge_bases();
    let options = RetrievalOptions {
        top_k: 1,
        mode: RetrievalMode::Hybrid,
        ..RetrievalOptions::default()
    };
    let found = state
        .knowledge
        .index
        .search(&bot.tenant_id, &kbs, question, &options)
        .await?;
    let keyword_edge = if found.keyword_match { 0.05 } else { 0.0 };
    Ok(found.confidence + keyword_edge)
}
