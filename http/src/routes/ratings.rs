//! The contact's satisfaction rating of a conversation (CSAT, 1 to 5 with an optional
//! comment): from the widget's `rating` event, or `POST /v1/sessions/{sessionId}/rating` for a
//! channel or integration that asks its contacts elsewhere. Either way one event to the session
//! actor, which keeps the latest rating; the dashboard's average satisfaction is their mean.

use crate::errors::AppError;
use crate::extract::JsonBody;
use crate::openapi::schemas::SessionSchema;
use crate::routes::sessions::{SessionPath, TenantSession};
use crate::sessions::Envelope;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::session::{MAX_COMMENT_CHARS, Rating, SCORES};
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{BotId, SessionEvent, SessionKey, SessionState};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A rating as a contact gives it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RatingInput {
    /// 1 (poor) to 5 (excellent).
    pub score: i64,
    /// Up to 1,000 characters; blank means none.
    #[serde(default)]
    pub comment: Option<String>,
}

impl RatingInput {
    /// Reads a socket event's payload.
    pub fn parse(payload: Option<&Value>) -> Result<Self, AppError> {
        payload
            .and_then(|payload| serde_json::from_value(payload.clone()).ok())
            .ok_or_else(|| {
                let mut errors = ValidationErrors::default();
                errors.add("score", "a rating is {score: 1 to 5, comment?: text}");
                errors.into()
            })
    }

    /// The rating, or which field is wrong.
    pub fn checked(self) -> Result<Rating, AppError> {
        let mut errors = ValidationErrors::default();
        let score = u8::try_from(self.score)
            .ok()
            .filter(|score| SCORES.contains(score));
        if score.is_none() {
            errors.add("score", "must be a whole number from 1 to 5");
        }
        let long = self
            .comment
            .as_ref()
            .is_some_and(|comment| comment.chars().count() > MAX_COMMENT_CHARS);
        if long {
            errors.add(
                "comment",
                format!("must be at most {MAX_COMMENT_CHARS} characters"),
            );
        }
        errors.into_result(())?;
        Ok(Rating::new(score.unwrap_or_default(), self.comment)?)
    }
}

/// Gives the session of `key` its contact's rating; returns the session as it is then.
pub async fn rate(
    state: &AppState,
    key: SessionKey,
    bot_id: BotId,
    rating: Rating,
) -> Result<SessionState, AppError> {
    let envelope = Envelope {
        key,
        bot_id,
        event: SessionEvent::Rated { rating },
    };
    let (session, _) = state.sessions.dispatch(envelope).await?.into_session()?;
    Ok(session)
}

/// Records the contact's satisfaction rating of the conversation (a later one replaces it).
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/rating", tag = "sessions", params(SessionPath),
    request_body = RatingInput,
    responses(
        (status = 200, description = "the session with its rating", body = SessionSchema),
        (status = 422, description = "the score is not 1 to 5, or the comment is too long", body = crate::errors::ErrorBody),
    ),
)]
pub async fn rate_session(
    State(state): State<AppState>,
    TenantSession(session): TenantSession,
    JsonBody(input): JsonBody<RatingInput>,
) -> Result<Json<SessionState>, AppError> {
    let rating = input.checked()?;
    Ok(Json(
        rate(&state, session.key, session.bot_id, rating).await?,
    ))
}
