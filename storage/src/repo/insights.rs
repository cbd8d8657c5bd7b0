//! Analyses of sessions: one record per session and kind, whose id names both, so a new
//! analysis replaces the last one and erasing a session finds its analyses without an index.

use super::schema::INSIGHTS;
use super::{Store, records};
use crate::backend::DocumentBackend;
use async_trait::async_trait;
use botwot_engine::ids::{SessionId, TenantId};
use botwot_engine::insight::{InsightKind, SessionInsight};
use botwot_engine::ports::{InsightStore, StoreError};

#[async_trait]
impl<B: DocumentBackend> InsightStore for Store<B> {
    async fn put_insight(&self, insight: &SessionInsight) -> Result<(), StoreError> {
        self.put_one(records::insight::<B>(insight)?).await
    }

    async fn get_insight(
        &self,
        tenant: &TenantId,
        session: &SessionId,
        kind: InsightKind,
    ) -> Result<Option<SessionInsight>, StoreError> {
        let id = SessionInsight::id_for(session, kind);
        Ok(self.get_record(&INSIGHTS, tenant, &id).await?)
    }

    async fn session_insights(
        &self,
        tenant: &TenantId,
        session: &SessionId,
    ) -> Result<Vec<SessionInsight>, StoreError> {
        let mut insights = Vec::new();
        for kind in InsightKind::ALL {
            if let Some(insight) = self.get_insight(tenant, session, kind).await? {
                insights.push(insight);
            }
        }
        Ok(insights)
    }
}
