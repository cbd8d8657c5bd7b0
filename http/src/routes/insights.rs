//! Conversation intelligence (PRD §3.6): `POST /v1/sessions/{sessionId}/insights/{kind}` has
//! the language model of the session's bot analyse its transcript (sentiment, emotion, intent,
//! reason, sales intelligence, vulnerability, summary, cause, support steps, suggestions for
//! the agent, the quality of the bot's answers) and keeps the analysis; asked again before the
//! conversation moved on, it answers the kept one without calling the model (unless
//! `refresh=true`). `GET /v1/sessions/{sessionId}/insights` lists what is kept. Analyses are
//! erased with their session. `POST /v1/insights/{kind}` analyses a conversation given in the
//! request (held by another system) and keeps nothing.

use crate::auth::Tenant;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::openapi::schemas::{InsightListSchema, InsightResultSchema, InsightSchema};
use crate::routes::sessions::{SessionPath, TenantSession};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::LlmProvider;
use botwot_engine::insight::{
    AnalystError, InsightKind, InsightPrompt, InsightResult, SessionInsight, Speaker,
};
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Messages an analysis reads at most: the latest ones (the prompt keeps what fits its budget).
const MESSAGES_READ: usize = 500;

/// The `{kind}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InsightPath {
    /// `sentiment`, `emotion`, `intent`, `reason`, `sales`, `vulnerability`, `summary`,
    /// `cause`, `support-steps`, `suggestions` or `response-quality`.
    kind: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct AnalyseQuery {
    /// Ask the model again even when the kept analysis read the whole conversation.
    #[serde(default)]
    refresh: bool,
}

/// Analyses the session (or answers the kept analysis while the conversation has not moved on).
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/insights/{kind}", tag = "insights",
    params(SessionPath, InsightPath, AnalyseQuery),
    responses(
        (status = 200, description = "the analysis", body = InsightSchema),
        (status = 409, description = "no language model is configured for the bot's provider", body = crate::errors::ErrorBody),
        (status = 422, description = "an unknown kind, or nothing said in the session yet", body = crate::errors::ErrorBody),
        (status = 502, description = "the model's answer was not the analysis asked for", body = crate::errors::ErrorBody),
        (status = 503, description = "the model did not answer; retry later", body = crate::errors::ErrorBody),
    ),
)]
pub async fn analyse_session(
    State(state): State<AppState>,
    TenantSession(session): TenantSession,
    PathParams(path): PathParams<InsightPath>,
    QueryParams(query): QueryParams<AnalyseQuery>,
) -> Result<Json<SessionInsight>, AppError> {
    let kind = kind_named(&path.kind)?;
    let tenant = &session.key.tenant_id;
    let store = &state.store;
    if !query.refresh
        && let Some(kept) = store.get_insight(tenant, &session.id, kind).await?
        && kept.is_current(session.last_seq)
    {
        return Ok(Json(kept));
    }
    let messages = store
        .recent_messages(tenant, &session.id, MESSAGES_READ)
        .await?;
    let prompt = InsightPrompt::new(kind, &messages).ok_or_else(|| {
        AppError::new(
            ErrorCode::NothingToAnalyse,
            "nobody has said anything in this session yet",
        )
    })?;
    let provider = store
        .get_bot(tenant, &session.bot_id)
        .await?
        .map(|bot| bot.settings.llm_provider)
        .unwrap_or_default();
    let result = state
        .knowledge
        .analyst
        .analyse(provider, &prompt)
        .await
        .map_err(analyst_error)?;
    let insight = SessionInsight {
        tenant_id: tenant.clone(),
        session_id: session.id.clone(),
        result,
        through_seq: messages.last().map_or(0, |message| message.seq),
        provider,
        analysed_at: state.now(),
    };
    store.put_insight(&insight).await?;
    tracing::info!(session_id = %session.id, %kind, "session analysed");
    Ok(Json(insight))
}

/// The analyses kept of a session, one per kind.
#[utoipa::path(
    get, path = "/v1/sessions/{sessionId}/insights", tag = "insights", params(SessionPath),
    responses((status = 200, description = "the kept analyses", body = InsightListSchema)),
)]
pub async fn list_session_insights(
    State(state): State<AppState>,
    TenantSession(session): TenantSession,
) -> Result<Json<Vec<SessionInsight>>, AppError> {
    let tenant = &session.key.tenant_id;
    Ok(Json(
        state.store.session_insights(tenant, &session.id).await?,
    ))
}

/// Lines a conversation held elsewhere may have.
const MAX_LINES: usize = 500;
/// Characters a line may have.
const MAX_LINE_CHARS: usize = 4_096;

/// A conversation held elsewhere (another system, a call's transcript), to analyse without
/// keeping anything.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversationInput {
    /// 1 to 500 lines, oldest first.
    pub messages: Vec<LineInput>,
    /// Whose language model answers: `openai` (default), `azure` or `bedrock`.
    #[serde(default)]
    #[schema(value_type = String)]
    pub provider: LlmProvider,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LineInput {
    /// `customer`, `bot`, `agent` or `system`.
    #[schema(value_type = String)]
    pub speaker: Speaker,
    /// Up to 4,096 characters.
    pub text: String,
}

/// Analyses a conversation given in the request (the PRD's `POST /sentiment-analysis` and the
/// rest); nothing is kept.
#[utoipa::path(
    post, path = "/v1/insights/{kind}", tag = "insights", params(InsightPath),
    request_body = ConversationInput,
    responses(
        (status = 200, description = "what the analysis found", body = InsightResultSchema),
        (status = 409, description = "no language model is configured for the provider", body = crate::errors::ErrorBody),
        (status = 422, description = "an unknown kind, no lines, too many or too long", body = crate::errors::ErrorBody),
        (status = 502, description = "the model's answer was not the analysis asked for", body = crate::errors::ErrorBody),
        (status = 503, description = "the model did not answer; retry later", body = crate::errors::ErrorBody),
    ),
)]
pub async fn analyse_conversation(
    State(state): State<AppState>,
    _tenant: Tenant,
    PathParams(path): PathParams<InsightPath>,
    JsonBody(input): JsonBody<ConversationInput>,
) -> Result<Json<InsightResult>, AppError> {
    let kind = kind_named(&path.kind)?;
    let mut errors = ValidationErrors::default();
    if input.messages.is_empty() || input.messages.len() > MAX_LINES {
        errors.add("messages", format!("must hold 1 to {MAX_LINES} lines"));
    }
    for (n, line) in input.messages.iter().enumerate() {
        errors.check_text(&format!("messages[{n}].text"), &line.text, MAX_LINE_CHARS);
    }
    errors.into_result(())?;
    let lines: Vec<(Speaker, String)> = input
        .messages
        .into_iter()
        .map(|line| (line.speaker, line.text))
        .collect();
    let Some(prompt) = InsightPrompt::of_lines(kind, &lines) else {
        return Err(AppError::new(
            ErrorCode::NothingToAnalyse,
            "the conversation has no lines",
        ));
    };
    let result = state
        .knowledge
        .analyst
        .analyse(input.provider, &prompt)
        .await
        .map_err(analyst_error)?;
    Ok(Json(result))
}

fn kind_named(name: &str) -> Result<InsightKind, AppError> {
    InsightKind::parse(name).ok_or_else(|| {
        let mut errors = ValidationErrors::default();
        errors.add("kind", format!("must be one of {}", InsightKind::names()));
        errors.into()
    })
}

fn analyst_error(error: AnalystError) -> AppError {
    let code = match &error {
        AnalystError::NotConfigured(_) => ErrorCode::LanguageModelNotConfigured,
        AnalystError::Unavailable(_) => ErrorCode::LanguageModelUnavailable,
        AnalystError::Malformed(_) => ErrorCode::LanguageModelMalformed,
    };
    tracing::warn!(%error, "session analysis failed");
    AppError::new(code, error.to_string())
}
