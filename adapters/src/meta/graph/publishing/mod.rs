//! [`GraphPublisher`]: the engine's [`SocialPublisher`], putting posts on Facebook pages and
//! Instagram professional accounts through the Graph API.
//!
//! A Facebook page is the integration of a Messenger page (its page access token is the
//! [`Channel::Messenger`] token of the page id); an Instagram account's token is the
//! [`Channel::Instagram`] token of its Instagram user id. The flows, as Meta documents them:
//!
//! - **Facebook** (`facebook`): text and/or a link go to `POST /{page-id}/feed` (`message`,
//!   `link`); one image to `POST /{page-id}/photos` (`url`, `message`), whose `post_id` is the
//!   post's id; one video to `POST /{page-id}/videos` (`file_url`, `description`). A carousel
//!   uploads each image unpublished (`POST /{page-id}/photos` with `published: false`), then
//!   posts them together: `POST /{page-id}/feed` with `message` and `attached_media`, a JSON
//!   array of `{"media_fbid": "<photo id>"}`.
//! - **Instagram** (`instagram`): a post is first a media container, `POST /{ig-user-id}/media`
//!   (`image_url`, or `media_type: REELS` with `video_url`; `caption`). A carousel makes one
//!   child container per item (`is_carousel_item: true`; videos with `media_type: VIDEO`), then
//!   the parent (`media_type: CAROUSEL`, `children` as comma-separated ids, `caption`). Video
//!   containers and the carousel parent are polled (`GET /{container-id}?fields=status_code,status`)
//!   every [`PublishSettings::poll_interval`], at most [`PublishSettings::max_polls`] times,
//!   until `FINISHED`; then `POST /{ig-user-id}/media_publish` with `creation_id` publishes it.
//!
//! Each answer becomes an [`AttemptOutcome`] (`outcome`): throttling, Meta's 5xx and
//! transient codes, timeouts, broken connections, a token store that cannot answer now, and a
//! video still processing after the last poll are `Retry`; a rejected token (code 190, reported
//! to the [`AccessTokenSource`] so the integration shows it), a missing token, a container in
//! `ERROR` or `EXPIRED` and every other Graph refusal (bad media, a missing permission) are
//! `Refused`, with Meta's message and code. A retried attempt starts over: it makes new
//! containers and uploads (unpublished carousel photos of a failed attempt stay unpublished).
//!
//! The one duplicate window: the Graph API takes no idempotency key for posts, so a process that
//! dies after Meta accepted a post (the Facebook call, or Instagram's `media_publish`) and
//! before BotWot stored its id publishes it again when the attempt's lease runs out and the post
//! is taken up again. A 2xx answer that cannot be read is likewise retried.

mod facebook;
mod instagram;
mod outcome;
mod requests;

use super::client::GraphClient;
use super::errors::GraphError;
use super::token::AccessTokenSource;
use async_trait::async_trait;
use botwot_engine::Channel;
use botwot_engine::ports::SocialPublisher;
use botwot_engine::social::{AttemptOutcome, PostNetwork, SocialPost};
use outcome::Failure;
use requests::{Call, node_id};
use std::sync::Arc;
use std::time::Duration;
use tracing::{debug, warn};

/// The default pause between two polls of a container's status.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// The default most polls of containers' status before the attempt is retried later.
pub const DEFAULT_MAX_POLLS: u32 = 30;

/// How long an attempt waits for Instagram to process its media.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublishSettings {
    /// The pause between two polls of a container's status.
    pub poll_interval: Duration,
    /// The most polls (of the media, then of a carousel's parent); at least one is made.
    /// Still processing after the last is a `Retry`.
    pub max_polls: u32,
}

impl Default for PublishSettings {
    fn default() -> Self {
        Self {
            poll_interval: DEFAULT_POLL_INTERVAL,
            max_polls: DEFAULT_MAX_POLLS,
        }
    }
}

/// Publishes posts on Facebook pages and Instagram accounts. Cheap to clone.
#[derive(Clone)]
pub struct GraphPublisher {
    client: GraphClient,
    tokens: Arc<dyn AccessTokenSource>,
    settings: PublishSettings,
}

impl GraphPublisher {
    /// A publisher with the default [`PublishSettings`].
    pub fn new(client: GraphClient, tokens: Arc<dyn AccessTokenSource>) -> Self {
        Self {
            client,
            tokens,
            settings: PublishSettings::default(),
        }
    }

    pub fn with_settings(mut self, settings: PublishSettings) -> Self {
        self.settings = settings;
        self
    }

    pub fn settings(&self) -> PublishSettings {
        self.settings
    }

    /// One attempt: the post's id on its network, or why not.
    async fn attempt(&self, post: &SocialPost, channel: Channel) -> Result<String, Failure> {
        let account = node_id(&post.account).ok_or_else(|| {
            Failure::Unpublishable(format!(
                "account {:?} is not a Graph id; connect the {} again",
                post.account,
                kind_of_account(post.network)
            ))
        })?;
        let token = self
            .tokens
            .access_token(channel, account)
            .await
            .map_err(GraphError::from)?;
        let call = Call::new(&self.client, &token, account);
        let published = match post.network {
            PostNetwork::Facebook => facebook::publish(&call, &post.content).await,
            PostNetwork::Instagram => {
                instagram::publish(&call, &post.content, &self.settings).await
            }
        };
        if let Err(Failure::Graph(error @ GraphError::TokenRejected { .. })) = &published {
            self.tokens
                .token_rejected(channel, account, &token, &error.to_string())
                .await;
        }
        published
    }
}

#[async_trait]
impl SocialPublisher for GraphPublisher {
    async fn publish(&self, post: &SocialPost) -> AttemptOutcome {
        let channel = match post.network {
            PostNetwork::Facebook => Channel::Messenger,
            PostNetwork::Instagram => Channel::Instagram,
        };
        match self.attempt(post, channel).await {
            Ok(provider_post_id) => {
                debug!(
                    post_id = %post.id,
                    network = post.network.as_str(),
                    account = %post.account,
                    provider_post_id = %provider_post_id,
                    "social post published"
                );
                AttemptOutcome::Published { provider_post_id }
            }
            Err(failure) => {
                let outcome = failure.into_outcome(post.network);
                warn!(
                    post_id = %post.id,
                    network = post.network.as_str(),
                    account = %post.account,
                    outcome = ?outcome,
                    "social post not published"
                );
                outcome
            }
        }
    }
}

/// What a post's account is called on its network.
fn kind_of_account(network: PostNetwork) -> &'static str {
    match network {
        PostNetwork::Facebook => "Facebook page",
        PostNetwork::Instagram => "Instagram account",
    }
}
