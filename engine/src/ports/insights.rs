//! What analytics keep: the analyses of sessions (conversation intelligence), one per session and
//! kind, erased with their session; and the website widget's use per bot and day.

use super::StoreError;
use crate::analytics::WidgetUsage;
use crate::ids::{SessionId, TenantId};
use crate::insight::{InsightKind, SessionInsight};
use crate::time::Timestamp;
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

/// How organisations' website widgets are used, per bot and UTC day.
#[async_trait]
pub trait WidgetUsageStore: Send + Sync + 'static {
    /// The day's counts of `id` ([`WidgetUsage::id`]) in `tenant`, if any.
    async fn get_widget_usage(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<WidgetUsage>, StoreError>;
    /// Stores a day's counts over what was kept.
    async fn put_widget_usage(&self, usage: &WidgetUsage) -> Result<(), StoreError>;
    /// A tenant's days from `from` to `to` (both days' midnights included), every bot's.
    async fn widget_usage(
        &self,
        tenant: &TenantId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<WidgetUsage>, StoreError>;
}
