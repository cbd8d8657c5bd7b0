//! The analyses kept of sessions (conversation intelligence): one per session and kind, erased
//! with their session.

use super::StoreError;
use crate::ids::{SessionId, TenantId};
use crate::insight::{InsightKind, SessionInsight};
use async_trait::async_trait;

#[async_trait]
pub trait InsightStore: Send + Sync + 'static {
    /// Keeps an analysis, replacing the session's earlier one of the same kind.
    async fn put_insight(&self, insight: &SessionInsight) -> Result<(), StoreError>;
    /// The session's analysis of `kind`, if one is kept.
    async fn get_insight(
        &self,
        tenant: &TenantId,
        session: &SessionId,
        kind: InsightKind,
    ) -> Result<Option<SessionInsight>, StoreError>;
    /// Every analysis kept of the session, in the order of [`InsightKind::ALL`].
    async fn session_insights(
        &self,
        tenant: &TenantId,
        session: &SessionId,
    ) -> Result<Vec<SessionInsight>, StoreError>;
}
