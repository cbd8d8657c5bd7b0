//! `GET /v1/voice/stats`: the voice dashboard's figures (PRD §3.10.3, `GET
//! /dashboard/conversations/call-volume`) over the calls requested in a range — totals,
//! directions, answered calls and the connect rate, successes by the AI's analysis, the
//! average answered call, the volume per day and the engagement curve (the PRD's
//! `GET /dashboard/conversations/engagement`). At most [`MAX_CALLS`] calls are counted; a
//! range holding more says so with `truncated`.

use crate::auth::Principal;
use crate::dashboard::range::ReportScope;
use crate::errors::AppError;
use crate::extract::QueryParams;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::ports::{CallFilter, PageRequest};
use botwot_engine::voice::CallStats;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most calls one report counts.
pub const MAX_CALLS: usize = 50_000;
const PAGE: usize = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Start, RFC 3339 or Unix milliseconds (default: seven days before `to`).
    from: Option<String>,
    /// End, RFC 3339 or Unix milliseconds (default: now).
    to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VoiceStats {
    #[schema(value_type = String)]
    pub from: botwot_engine::Timestamp,
    #[schema(value_type = String)]
    pub to: botwot_engine::Timestamp,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub stats: CallStats,
    /// More calls were requested in the range than one report counts.
    pub truncated: bool,
}

/// Call volume and outcomes over a range.
#[utoipa::path(get, path = "/v1/voice/stats", tag = "voice", params(StatsQuery),
    responses(
        (status = 200, description = "the figures", body = VoiceStats),
        (status = 400, description = "`invalid_query` or `invalid_range`"),
    ))]
pub async fn voice_stats(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<StatsQuery>,
) -> Result<Json<VoiceStats>, AppError> {
    let scope = ReportScope::from_query(
        query.from.as_deref(),
        query.to.as_deref(),
        None,
        state.now(),
    )?;
    let filter = CallFilter {
        since: Some(scope.range.from),
        until: Some(scope.range.to),
        ..CallFilter::default()
    };
    let mut calls = Vec::new();
    let mut cursor = None;
    let truncated = loop {
        let page = PageRequest {
            limit: PAGE,
            cursor,
        };
        let listed = state
            .store
            .list_calls(principal.tenant(), &filter, &page)
            .await?;
        calls.extend(listed.items);
        match listed.next_cursor {
            Some(next) if calls.len() < MAX_CALLS => cursor = Some(next),
            Some(_) => break true,
            None => break false,
        }
    };
    calls.truncate(MAX_CALLS);
    Ok(Json(VoiceStats {
        from: scope.range.from,
        to: scope.range.to,
        stats: CallStats::of(&calls),
        truncated,
    }))
}
