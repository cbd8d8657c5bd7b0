//! Writing with a language model (PRD §3.7.4, §3.9.3): `POST /v1/social/posts/optimize` rewrites
//! a post's copy for its network, in a tone, with hashtags apart (the PRD's
//! `POST /optimize_post_content`), and `POST /v1/media/prompts/enhance` makes a prompt for an
//! image or video generator specific (`POST /media-generation/prompt/enhance`). The model's
//! answer is checked (a post's length on its network, hashtags as hashtags) before it is
//! returned; nothing is kept.

use crate::auth::Tenant;
use crate::errors::{AppError, ErrorCode};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::LlmProvider;
use botwot_engine::social::PostNetwork;
use botwot_engine::validation::ValidationErrors;
use botwot_engine::writing::{
    MAX_BRIEF_CHARS, MAX_TONE_CHARS, Medium, WriterError, WritingTask, Written,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A post's copy to make better.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostCopyInput {
    /// The draft, up to 4,000 characters.
    pub text: String,
    /// `facebook` or `instagram`.
    #[schema(value_type = String)]
    pub network: PostNetwork,
    /// The tone to write in (`playful`, `formal`, ...), up to 60 characters.
    #[serde(default)]
    pub tone: Option<String>,
    /// Whose language model writes: `openai` (default), `azure` or `bedrock`.
    #[serde(default)]
    #[schema(value_type = String)]
    pub provider: LlmProvider,
}

/// A media prompt to make specific.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MediaPromptInput {
    /// The prompt, up to 4,000 characters.
    pub prompt: String,
    /// `image` or `video`.
    #[schema(value_type = String)]
    pub medium: Medium,
    #[serde(default)]
    #[schema(value_type = String)]
    pub provider: LlmProvider,
}

/// The rewritten post: its text and the hashtags suggested apart.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostCopyView {
    pub text: String,
    pub hashtags: Vec<String>,
}

/// The enhanced prompt.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MediaPromptView {
    pub prompt: String,
}

/// Rewrites a post's copy for its network.
#[utoipa::path(post, path = "/v1/social/posts/optimize", tag = "social",
    request_body = PostCopyInput,
    responses(
        (status = 200, description = "the rewritten post", body = PostCopyView),
        (status = 409, description = "`language_model_not_configured`"),
        (status = 422, description = "`validation_failed`"),
        (status = 502, description = "`language_model_malformed`"),
        (status = 503, description = "`language_model_unavailable`"),
    ))]
pub async fn optimize_post(
    State(state): State<AppState>,
    _tenant: Tenant,
    JsonBody(input): JsonBody<PostCopyInput>,
) -> Result<Json<PostCopyView>, AppError> {
    let mut errors = ValidationErrors::default();
    errors.check_text("text", &input.text, MAX_BRIEF_CHARS);
    if let Some(tone) = &input.tone {
        errors.check_text("tone", tone, MAX_TONE_CHARS);
    }
    errors.into_result(())?;
    let task = WritingTask::PostCopy {
        text: input.text.trim().to_owned(),
        network: input.network,
        tone: input.tone.map(|tone| tone.trim().to_owned()),
    };
    match write(&state, input.provider, &task).await? {
        Written::PostCopy { text, hashtags } => Ok(Json(PostCopyView { text, hashtags })),
        Written::MediaPrompt { .. } => Err(mismatched()),
    }
}

/// Makes a prompt for an image or video generator specific.
#[utoipa::path(post, path = "/v1/media/prompts/enhance", tag = "social",
    request_body = MediaPromptInput,
    responses(
        (status = 200, description = "the enhanced prompt", body = MediaPromptView),
        (status = 409, description = "`language_model_not_configured`"),
        (status = 422, description = "`validation_failed`"),
        (status = 502, description = "`language_model_malformed`"),
        (status = 503, description = "`language_model_unavailable`"),
    ))]
pub async fn enhance_media_prompt(
    State(state): State<AppState>,
    _tenant: Tenant,
    JsonBody(input): JsonBody<MediaPromptInput>,
) -> Result<Json<MediaPromptView>, AppError> {
    let mut errors = ValidationErrors::default();
    errors.check_text("prompt", &input.prompt, MAX_BRIEF_CHARS);
    errors.into_result(())?;
    let task = WritingTask::MediaPrompt {
        prompt: input.prompt.trim().to_owned(),
        medium: input.medium,
    };
    match write(&state, input.provider, &task).await? {
        Written::MediaPrompt { prompt } => Ok(Json(MediaPromptView { prompt })),
        Written::PostCopy { .. } => Err(mismatched()),
    }
}

async fn write(
    state: &AppState,
    provider: LlmProvider,
    task: &WritingTask,
) -> Result<Written, AppError> {
    state
        .knowledge
        .writer
        .write(provider, task)
        .await
        .map_err(|error| {
            let code = match &error {
                WriterError::NotConfigured(_) => ErrorCode::LanguageModelNotConfigured,
                WriterError::Unavailable(_) => ErrorCode::LanguageModelUnavailable,
                WriterError::Malformed(_) => ErrorCode::LanguageModelMalformed,
            };
            tracing::warn!(%error, "writing failed");
            AppError::new(code, error.to_string())
        })
}

fn mismatched() -> AppError {
    AppError::new(
        ErrorCode::LanguageModelMalformed,
        "the writer answered another task",
    )
}
