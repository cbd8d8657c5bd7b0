//! Posts on Facebook pages and Instagram accounts (PRD §3.7.2): [`SocialPostStore`] keeps them
//! with their schedule, [`SocialPublisher`] puts one on its network.

use super::{PageRequest, Paged, StoreError};
use crate::ids::{PostId, TenantId};
use crate::social::{AttemptOutcome, PostStatus, SocialPost};
use crate::time::Timestamp;
use async_trait::async_trait;

#[async_trait]
pub trait SocialPostStore: Send + Sync + 'static {
    async fn insert_post(&self, post: &SocialPost) -> Result<(), StoreError>;
    /// Replaces a stored post; `NotFound` when it is not in that tenant.
    async fn save_post(&self, post: &SocialPost) -> Result<(), StoreError>;
    async fn get_post(
        &self,
        tenant: &TenantId,
        id: &PostId,
    ) -> Result<Option<SocialPost>, StoreError>;
    /// A tenant's posts by the time they were asked to appear, latest first; only those in
    /// `status` when it is given.
    async fn list_posts(
        &self,
        tenant: &TenantId,
        status: Option<PostStatus>,
        page: &PageRequest,
    ) -> Result<Paged<SocialPost>, StoreError>;
    /// Every tenant's posts due by `by` (their [`SocialPost::due`]), earliest first.
    async fn due_posts(&self, by: Timestamp, limit: usize) -> Result<Vec<SocialPost>, StoreError>;
}

/// Puts a post on its network with the account's credentials.
#[async_trait]
pub trait SocialPublisher: Send + Sync + 'static {
    async fn publish(&self, post: &SocialPost) -> AttemptOutcome;
}
