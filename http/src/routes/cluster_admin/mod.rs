//! `/v1/admin/cluster`: operators steer the cluster. They see the members with their load, the
//! shard map and where one session runs, drain a node (it hands every shard away, then exits)
//! and move a shard to another node; the dead-letter queue is in [`dead_letters`].
//!
//! These are platform operations, not tenant ones: they take the operators' token
//! ([`crate::auth::operator`]), never a tenant user's, and are not in the access map. On a node
//! that runs alone they answer 409 `not_clustered`.

pub mod dead_letters;

use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::openapi::schemas::{ClusterStatusSchema, SessionPlacementSchema, ShardMapSchema};
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use botwot_cluster::{ClusterNode, ClusterStatus, SessionLocation, ShardId, ShardStatus};
use botwot_engine::{SessionId, SessionKey, TenantId};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tracing::info;
use utoipa::{IntoParams, ToSchema};

/// This node's cluster membership; 409 `not_clustered` on a node that runs alone.
pub struct Cluster(pub Arc<ClusterNode>);

impl FromRequestParts<AppState> for Cluster {
    type Rejection = AppError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.cluster.clone().map(Cluster).ok_or_else(|| {
            AppError::new(
                ErrorCode::NotClustered,
                "this node runs alone; start it with serve --cluster",
            )
        })
    }
}

/// The members, their load and the operators' pins, as the answering node sees them.
#[utoipa::path(get, path = "/v1/admin/cluster", tag = "cluster",
    responses((status = 200, description = "the cluster", body = ClusterStatusSchema)))]
pub async fn cluster_status(Cluster(cluster): Cluster) -> Result<Json<ClusterStatus>, AppError> {
    Ok(Json(cluster.status().await?))
}

/// Every shard with its placement and lease holder.
#[utoipa::path(get, path = "/v1/admin/cluster/shards", tag = "cluster",
    responses((status = 200, description = "the shard map, by shard number", body = ShardMapSchema)))]
pub async fn shard_map(Cluster(cluster): Cluster) -> Result<Json<Vec<ShardStatus>>, AppError> {
    Ok(Json(cluster.shard_map().await?))
}

/// The `{sessionId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct SessionPath {
    session_id: String,
}

/// Sessions belong to an organisation: the operator names it.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LocationQuery {
    /// The organisation (tenant) id the session belongs to.
    tenant: String,
}

/// Where one session runs.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionPlacement {
    pub session_id: String,
    pub key: SessionKey,
    #[serde(flatten)]
    pub location: SessionLocation,
}

/// Which shard a session's key falls in, where placement puts that shard and who holds it.
#[utoipa::path(get, path = "/v1/admin/cluster/sessions/{sessionId}/location", tag = "cluster",
    params(SessionPath, LocationQuery),
    responses(
        (status = 200, description = "where the session runs", body = SessionPlacementSchema),
        (status = 404, description = "the organisation has no such session", body = crate::errors::ErrorBody),
    ))]
pub async fn session_location(
    State(state): State<AppState>,
    Cluster(cluster): Cluster,
    PathParams(SessionPath { session_id }): PathParams<SessionPath>,
    QueryParams(LocationQuery { tenant }): QueryParams<LocationQuery>,
) -> Result<Json<SessionPlacement>, AppError> {
    let tenant = TenantId::from(tenant.as_str());
    let session = state
        .store
        .get_session(&tenant, &SessionId::from(session_id.as_str()))
        .await?
        .ok_or_else(|| {
            AppError::not_found(format_args!(
                "session {session_id} of organisation {tenant}"
            ))
        })?;
    let location = cluster.locate(&session.key).await?;
    Ok(Json(SessionPlacement {
        session_id,
        key: session.key,
        location,
    }))
}

/// The `{nodeId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct NodePath {
    /// A live member's node id, as `GET /v1/admin/cluster` lists it.
    node_id: String,
}

/// A drain that has begun.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrainStarted {
    pub node_id: String,
}

/// Marks a node as draining: it takes no shards, hands over the ones it holds (passivating
/// their sessions first) and exits once it holds none. Answers at once; follow the handover on
/// the shard map.
#[utoipa::path(post, path = "/v1/admin/cluster/nodes/{nodeId}/drain", tag = "cluster",
    params(NodePath),
    responses(
        (status = 202, description = "the node is draining", body = DrainStarted),
        (status = 404, description = "no live member has this id (`unknown_member`)", body = crate::errors::ErrorBody),
    ))]
pub async fn drain_node(
    Cluster(cluster): Cluster,
    PathParams(NodePath { node_id }): PathParams<NodePath>,
) -> Result<(StatusCode, Json<DrainStarted>), AppError> {
    cluster.drain(&node_id).await?;
    info!(node_id = %node_id, "operator drained a cluster node");
    Ok((StatusCode::ACCEPTED, Json(DrainStarted { node_id })))
}

/// The `{shard}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ShardPath {
    /// A shard number, from 0 to the cluster's shard count minus one.
    shard: u32,
}

/// Forgets a shard's pin (set by a move): placement decides its owner again, and the shard moves
/// back if that is another node.
#[utoipa::path(delete, path = "/v1/admin/cluster/shards/{shard}/pin", tag = "cluster",
    params(ShardPath),
    responses(
        (status = 204, description = "the pin is gone"),
        (status = 404, description = "the shard is not pinned", body = crate::errors::ErrorBody),
    ))]
pub async fn unpin_shard(
    Cluster(cluster): Cluster,
    PathParams(ShardPath { shard }): PathParams<ShardPath>,
) -> Result<StatusCode, AppError> {
    found(
        cluster.unpin_shard(ShardId(shard)).await?,
        format_args!("pin of shard {shard}"),
    )?;
    info!(shard, "operator unpinned a shard");
    Ok(StatusCode::NO_CONTENT)
}

/// Where to move a shard.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MoveShard {
    /// A live member's node id.
    pub to_node_id: String,
}

/// A move that has begun.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShardMoveStarted {
    pub shard: u32,
    pub to_node_id: String,
}

/// Pins a shard to a node: its current holder passivates the shard's sessions and hands it
/// over. Answers at once; follow the handover on the shard map.
#[utoipa::path(post, path = "/v1/admin/cluster/shards/{shard}/move", tag = "cluster",
    params(ShardPath), request_body = MoveShard,
    responses(
        (status = 202, description = "the shard is moving", body = ShardMoveStarted),
        (status = 400, description = "no such shard", body = crate::errors::ErrorBody),
        (status = 404, description = "no live member has this id (`unknown_member`)", body = crate::errors::ErrorBody),
    ))]
pub async fn move_shard(
    Cluster(cluster): Cluster,
    PathParams(ShardPath { shard }): PathParams<ShardPath>,
    JsonBody(MoveShard { to_node_id }): JsonBody<MoveShard>,
) -> Result<(StatusCode, Json<ShardMoveStarted>), AppError> {
    cluster.move_shard(ShardId(shard), &to_node_id).await?;
    info!(shard, node_id = %to_node_id, "operator moved a shard");
    Ok((
        StatusCode::ACCEPTED,
        Json(ShardMoveStarted { shard, to_node_id }),
    ))
}

/// `Ok` when the operation found its target, else 404 naming `what`.
fn found(found: bool, what: impl std::fmt::Display) -> Result<(), AppError> {
    if found {
        Ok(())
    } else {
        Err(AppError::not_found(what))
    }
}
