//! Delivery reports that overtook the send they are about. Meta may post a message's `sent` or
//! `delivered` status before the Graph API's answer to the send reaches the outbox, which is
//! when the message learns its provider id; such a report finds no message. It is parked here
//! under its provider id, and applied when the outbox records that id.
//!
//! Each side writes first and looks second (the webhook parks, then looks for the message again;
//! the outbox records the id, then takes the parked reports), so whichever comes second sees the
//! other's write, and a report is never left parked beside the message it names. Each reported
//! state is its own document (no read-then-write), so reports parked at the same moment for
//! one message all stay, and taking them applies the furthest. Applying one twice is harmless: a
//! delivery state never goes back. Reports nobody claims (statuses of messages another app sent
//! from the same number) are purged after a day, a few at a time whenever another is parked.

use super::schema::{
    EARLY_DELIVERIES, EARLY_DELIVERIES_BY_MESSAGE, EARLY_DELIVERIES_BY_RECEIVED, PARKED_FOR,
    RECEIVED, TENANT,
};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, Fields, IndexQuery, WriteBatch};
use crate::error::StorageError;
use botwot_engine::Channel;
use botwot_engine::ids::TenantId;
use botwot_engine::message::Delivery;
use botwot_engine::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::ops::Bound;
use std::time::Duration;

/// How long an unclaimed report is kept.
const KEPT_FOR: Duration = Duration::from_secs(24 * 3_600);
/// Expired reports deleted per parked one.
const PURGE_BATCH: usize = 64;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EarlyDelivery {
    tenant_id: TenantId,
    channel: Channel,
    provider_message_id: String,
    delivery: Delivery,
    received_at: Timestamp,
}

/// The message a report is about: its tenant, channel and provider id.
fn message_of(tenant: &TenantId, channel: Channel, provider_message_id: &str) -> String {
    format!("{tenant}:{channel}:{provider_message_id}")
}

impl<B: DocumentBackend> Store<B> {
    pub(super) async fn park(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
        delivery: Delivery,
        at: Timestamp,
    ) -> Result<(), StorageError> {
        let message = message_of(tenant, channel, provider_message_id);
        let id = format!("{message}:{}", delivery.state_name());
        let report = EarlyDelivery {
            tenant_id: tenant.clone(),
            channel,
            provider_message_id: provider_message_id.to_owned(),
            delivery,
            received_at: at,
        };
        let mut fields = Fields::with_capacity(3);
        fields
            .set(TENANT, records::tenant(tenant))
            .set(RECEIVED, records::millis(at))
            .set(PARKED_FOR, FieldValue::Str(message));
        let mut batch = WriteBatch::with_capacity(1 + PURGE_BATCH);
        batch.put(records::doc::<B, _>(
            &EARLY_DELIVERIES,
            &id,
            fields,
            &report,
        )?);
        for expired in self.expired_before(at.minus(KEPT_FOR)).await? {
            if expired != id {
                batch.delete(&EARLY_DELIVERIES, &expired);
            }
        }
        self.backend.write(batch).await
    }

    /// The furthest state parked for the message, if any; every report parked for it is gone
    /// afterwards.
    pub(super) async fn take(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
    ) -> Result<Option<Delivery>, StorageError> {
        let message = message_of(tenant, channel, provider_message_id);
        let query = IndexQuery::new(
            &EARLY_DELIVERIES,
            &EARLY_DELIVERIES_BY_MESSAGE,
            vec![FieldValue::Str(message)],
        );
        let parked = self.backend.query(query).await?;
        if parked.is_empty() {
            return Ok(None);
        }
        let mut furthest: Option<Delivery> = None;
        let mut batch = WriteBatch::with_capacity(parked.len());
        for hit in parked {
            batch.delete(&EARLY_DELIVERIES, &hit.id);
            let report: EarlyDelivery = B::decode(hit.body)?;
            furthest = match furthest {
                Some(shown) if !shown.may_become(&report.delivery) => Some(shown),
                _ => Some(report.delivery),
            };
        }
        self.backend.write(batch).await?;
        Ok(furthest)
    }

    /// Ids of reports received before `cutoff`, oldest first, a batch at most.
    async fn expired_before(&self, cutoff: Timestamp) -> Result<Vec<String>, StorageError> {
        let mut query =
            IndexQuery::new(&EARLY_DELIVERIES, &EARLY_DELIVERIES_BY_RECEIVED, Vec::new());
        query.upper = Bound::Excluded(FieldValue::I64(cutoff.millis()));
        query.limit = PURGE_BATCH;
        Ok(self
            .backend
            .query(query)
            .await?
            .into_iter()
            .map(|hit| hit.id)
            .collect())
    }
}
