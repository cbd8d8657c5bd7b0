//! Posts on Facebook pages and Instagram accounts (PRD §3.7.2). A post is listed latest first
//! per tenant by when it was asked to appear (or per status), and found by every tenant's
//! publisher by when it is due (`DUE`, absent once nothing is left to do), so a re-saved post
//! leaves or rejoins the publisher's work with its new due time.

use super::schema::{
    SOCIAL_POSTS, SOCIAL_POSTS_BY_DUE, SOCIAL_POSTS_BY_PUBLISH, SOCIAL_POSTS_BY_STATUS,
};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, Order};
use async_trait::async_trait;
use botwot_engine::ids::{PostId, TenantId};
use botwot_engine::ports::{PageRequest, Paged, SocialPostStore, StoreError};
use botwot_engine::social::{PostStatus, SocialPost};
use botwot_engine::time::Timestamp;
use std::ops::Bound;

#[async_trait]
impl<B: DocumentBackend> SocialPostStore for Store<B> {
    async fn insert_post(&self, post: &SocialPost) -> Result<(), StoreError> {
        self.insert_one(records::social_post::<B>(post)?).await
    }

    async fn save_post(&self, post: &SocialPost) -> Result<(), StoreError> {
        let doc = records::social_post::<B>(post)?;
        self.replace_one(&post.tenant_id, doc).await
    }

    async fn get_post(
        &self,
        tenant: &TenantId,
        id: &PostId,
    ) -> Result<Option<SocialPost>, StoreError> {
        Ok(self.get_record(&SOCIAL_POSTS, tenant, id.as_str()).await?)
    }

    async fn list_posts(
        &self,
        tenant: &TenantId,
        status: Option<PostStatus>,
        page: &PageRequest,
    ) -> Result<Paged<SocialPost>, StoreError> {
        let mut query = match status {
            Some(status) => IndexQuery::new(
                &SOCIAL_POSTS,
                &SOCIAL_POSTS_BY_STATUS,
                vec![records::tenant(tenant), FieldValue::from(status.as_str())],
            ),
            None => IndexQuery::new(
                &SOCIAL_POSTS,
                &SOCIAL_POSTS_BY_PUBLISH,
                vec![records::tenant(tenant)],
            ),
        };
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }

    async fn due_posts(&self, by: Timestamp, limit: usize) -> Result<Vec<SocialPost>, StoreError> {
        let mut query = IndexQuery::new(&SOCIAL_POSTS, &SOCIAL_POSTS_BY_DUE, Vec::new());
        query.upper = Bound::Included(records::millis(by));
        query.limit = limit;
        Ok(self.find(query).await?)
    }
}
