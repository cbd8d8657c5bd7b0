//! `/v1/social/posts`: posts on the organisation's Facebook pages and Instagram accounts (PRD
//! §3.4.2 `POST /facebook/post`, §3.4.3 `POST /instagram/post`, §3.7.2 `POST /facebook/schedule`
//! and `POST /instagram/schedule`). A post names a connected page or account and is published
//! now or at `publishAt`; the node's [`PostPublisher`](botwot_actors::PostPublisher) publishes
//! it when due, retries what Meta may accept later and keeps Meta's post id or its reason for
//! refusing. A scheduled post is cancelled or moved under its named lock, so it never changes
//! while an attempt is under way.

use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_actors::post_lock_name;
use botwot_engine::Channel;
use botwot_engine::Timestamp;
use botwot_engine::ids::PostId;
use botwot_engine::social::{
    PostContent, PostMedia, PostNetwork, PostRefusal, PostStatus, SocialPost,
};
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A new post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostInput {
    /// `facebook` or `instagram`.
    #[schema(value_type = String, example = "facebook")]
    pub network: PostNetwork,
    /// The connected Facebook page id or Instagram account id (`POST /v1/integrations`).
    pub account: String,
    /// Facebook's message or Instagram's caption.
    #[serde(default)]
    pub text: String,
    /// A link to share (Facebook only, without media).
    #[serde(default)]
    pub link: Option<String>,
    /// One image or video, or a carousel of 2 to 10 (`[{kind: image|video, url}]`, `https`).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub media: Vec<PostMedia>,
    /// RFC 3339 time to publish at; now when absent.
    #[serde(default)]
    pub publish_at: Option<String>,
}

/// A new time for a scheduled post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RescheduleInput {
    /// An RFC 3339 time in the future.
    pub publish_at: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListPostsQuery {
    /// Only posts in this status: `scheduled`, `publishing`, `published`, `failed`, `cancelled`.
    #[param(value_type = Option<String>)]
    status: Option<PostStatus>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{postId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct PostPath {
    post_id: String,
}

/// Publishes a post now or schedules it.
#[utoipa::path(post, path = "/v1/social/posts", tag = "social", request_body = PostInput,
    responses(
        (status = 201, description = "the post, scheduled (due now when no `publishAt`)", body = Object),
        (status = 404, description = "`not_found`: no such page or account connected"),
        (status = 422, description = "`validation_failed` (the network's rules) or `start_in_the_past`"),
    ))]
pub async fn create_post(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(input): JsonBody<PostInput>,
) -> Result<(StatusCode, Json<SocialPost>), AppError> {
    let now = state.now();
    let publish_at = match input.publish_at.as_deref() {
        None => now,
        Some(text) => {
            let at = readable_time("publishAt", text)?;
            if at < now {
                return Err(refused(PostRefusal::InThePast));
            }
            at
        }
    };
    let content = PostContent {
        text: input.text,
        link: input.link,
        media: input.media,
    }
    .validate(input.network)?;
    connected(&state, &principal, input.network, &input.account).await?;
    let by = principal
        .api_key
        .as_ref()
        .map_or_else(|| principal.user.id.to_string(), |key| key.id.to_string());
    let post = SocialPost::new(
        principal.tenant().clone(),
        input.network,
        input.account,
        content,
        publish_at,
        Some(by),
        now,
    );
    state.store.insert_post(&post).await?;
    if post.due().is_some_and(|due| due <= now)
        && let Some(publisher) = &state.posts
    {
        publisher.wake();
    }
    tracing::info!(post = %post.id, network = post.network.as_str(), "post created");
    Ok((StatusCode::CREATED, Json(post)))
}

/// The organisation's posts, latest `publishAt` first.
#[utoipa::path(get, path = "/v1/social/posts", tag = "social", params(ListPostsQuery),
    responses((status = 200, description = "a page of posts", body = Object)))]
pub async fn list_posts(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListPostsQuery>,
) -> Result<Json<Page<SocialPost>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .list_posts(principal.tenant(), query.status, &page)
        .await?;
    Ok(Json(listed.into()))
}

/// One post, with Meta's id once published or its reason when it failed.
#[utoipa::path(get, path = "/v1/social/posts/{postId}", tag = "social", params(PostPath),
    responses((status = 200, description = "the post", body = Object)))]
pub async fn get_post(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<PostPath>,
) -> Result<Json<SocialPost>, AppError> {
    Ok(Json(stored(&state, &principal, &path).await?))
}

/// Cancels a scheduled post.
#[utoipa::path(post, path = "/v1/social/posts/{postId}/cancel", tag = "social", params(PostPath),
    responses(
        (status = 200, description = "the cancelled post", body = Object),
        (status = 409, description = "`post_not_scheduled`: published, failed, cancelled or being published"),
    ))]
pub async fn cancel_post(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<PostPath>,
) -> Result<Json<SocialPost>, AppError> {
    change(&state, &principal, &path, SocialPost::cancel).await
}

/// Moves a scheduled post to another time.
#[utoipa::path(put, path = "/v1/social/posts/{postId}/schedule", tag = "social", params(PostPath),
    request_body = RescheduleInput,
    responses(
        (status = 200, description = "the post at its new time", body = Object),
        (status = 409, description = "`post_not_scheduled`"),
        (status = 422, description = "`start_in_the_past`"),
    ))]
pub async fn reschedule_post(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<PostPath>,
    JsonBody(input): JsonBody<RescheduleInput>,
) -> Result<Json<SocialPost>, AppError> {
    let at = readable_time("publishAt", &input.publish_at)?;
    change(&state, &principal, &path, |post, now| {
        post.reschedule(at, now)
    })
    .await
}

async fn change(
    state: &AppState,
    principal: &Principal,
    path: &PostPath,
    apply: impl FnOnce(&mut SocialPost, Timestamp) -> Result<(), PostRefusal>,
) -> Result<Json<SocialPost>, AppError> {
    let id = PostId::from(path.post_id.as_str());
    let _lock = state
        .campaign_locks
        .0
        .hold(&post_lock_name(&id))
        .await
        .map_err(|error| AppError::new(ErrorCode::StorageUnavailable, error.to_string()))?;
    let mut post = stored(state, principal, path).await?;
    apply(&mut post, state.now()).map_err(refused)?;
    state.store.save_post(&post).await?;
    Ok(Json(post))
}

async fn stored(
    state: &AppState,
    principal: &Principal,
    path: &PostPath,
) -> Result<SocialPost, AppError> {
    state
        .store
        .get_post(principal.tenant(), &PostId::from(path.post_id.as_str()))
        .await?
        .ok_or_else(|| AppError::not_found("post"))
}

/// The page or account must be one of the organisation's connected integrations.
async fn connected(
    state: &AppState,
    principal: &Principal,
    network: PostNetwork,
    account: &str,
) -> Result<(), AppError> {
    let channel = match network {
        PostNetwork::Facebook => Channel::Messenger,
        PostNetwork::Instagram => Channel::Instagram,
    };
    let integration = state.store.find_integration(channel, account).await?;
    if integration.is_some_and(|found| &found.tenant_id == principal.tenant()) {
        return Ok(());
    }
    Err(AppError::new(
        ErrorCode::NotFound,
        format!(
            "no {} {account} is connected to this organisation (POST /v1/integrations)",
            match network {
                PostNetwork::Facebook => "Facebook page",
                PostNetwork::Instagram => "Instagram account",
            }
        ),
    ))
}

pub(crate) fn readable_time(field: &str, text: &str) -> Result<Timestamp, AppError> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        let mut errors = ValidationErrors::default();
        errors.add(
            field,
            "must be an RFC 3339 time such as 2026-12-01T09:00:00Z",
        );
        errors.into()
    })
}

fn refused(refusal: PostRefusal) -> AppError {
    let code = match refusal {
        PostRefusal::InThePast => ErrorCode::StartInThePast,
        PostRefusal::NotScheduled(_) | PostRefusal::AttemptUnderWay | PostRefusal::NotDue => {
            ErrorCode::PostNotScheduled
        }
    };
    AppError::new(code, refusal.to_string())
}
