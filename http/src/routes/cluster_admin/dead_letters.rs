//! `/v1/admin/cluster/dead-letters`: events that failed on every delivery (or could not be
//! read) wait here for an operator, who lists them, replays one to its shard's queue or
//! discards it for good.

use super::{Cluster, found};
use crate::errors::AppError;
use crate::extract::{PathParams, QueryParams};
use crate::openapi::schemas::DeadLetterListSchema;
use crate::routes::paging::Limits;
use axum::Json;
use axum::http::StatusCode;
use botwot_cluster::DeadLetter;
use botwot_engine::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use tracing::info;
use utoipa::{IntoParams, ToSchema};

const DEAD_LETTERS: Limits = Limits {
    default: 50,
    max: 500,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadLetterQuery {
    /// At most this many letters (1 to 500, default 50).
    limit: Option<usize>,
}

/// The `{messageId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct DeadLetterPath {
    /// The event's message id, as the listing shows it.
    message_id: String,
}

/// A replay the broker has confirmed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Replayed {
    pub message_id: String,
}

/// The dead letters, oldest first; they stay in the queue.
#[utoipa::path(get, path = "/v1/admin/cluster/dead-letters", tag = "cluster",
    params(DeadLetterQuery),
    responses((status = 200, description = "dead letters, oldest first", body = DeadLetterListSchema)))]
pub async fn list_dead_letters(
    Cluster(cluster): Cluster,
    QueryParams(query): QueryParams<DeadLetterQuery>,
) -> Result<Json<Vec<DeadLetter>>, AppError> {
    let mut errors = ValidationErrors::default();
    let limit = DEAD_LETTERS.check(query.limit, &mut errors);
    errors.into_result(())?;
    Ok(Json(cluster.dead_letters(limit).await?))
}

/// Puts a dead letter back on its shard's queue (once the broker confirmed it, it leaves the
/// dead-letter queue); the shard's owner applies it like any event, dropping it if it was
/// applied before.
#[utoipa::path(post, path = "/v1/admin/cluster/dead-letters/{messageId}/replay", tag = "cluster",
    params(DeadLetterPath),
    responses(
        (status = 202, description = "back on its shard's queue", body = Replayed),
        (status = 404, description = "no dead letter has this id", body = crate::errors::ErrorBody),
    ))]
pub async fn replay_dead_letter(
    Cluster(cluster): Cluster,
    PathParams(DeadLetterPath { message_id }): PathParams<DeadLetterPath>,
) -> Result<(StatusCode, Json<Replayed>), AppError> {
    found(
        cluster.replay_dead_letter(&message_id).await?,
        format_args!("dead letter {message_id}"),
    )?;
    info!(message_id = %message_id, "operator replayed a dead letter");
    Ok((StatusCode::ACCEPTED, Json(Replayed { message_id })))
}

/// Drops a dead letter for good.
#[utoipa::path(delete, path = "/v1/admin/cluster/dead-letters/{messageId}", tag = "cluster",
    params(DeadLetterPath),
    responses(
        (status = 204, description = "discarded"),
        (status = 404, description = "no dead letter has this id", body = crate::errors::ErrorBody),
    ))]
pub async fn discard_dead_letter(
    Cluster(cluster): Cluster,
    PathParams(DeadLetterPath { message_id }): PathParams<DeadLetterPath>,
) -> Result<StatusCode, AppError> {
    found(
        cluster.discard_dead_letter(&message_id).await?,
        format_args!("dead letter {message_id}"),
    )?;
    info!(message_id = %message_id, "operator discarded a dead letter");
    Ok(StatusCode::NO_CONTENT)
}
