//! The outbox: outbound messages waiting to be handed to their channel.

use super::schema::{OUTBOX, OUTBOX_BY_NEXT_ATTEMPT};
use super::{Store, records};
use crate::backend::{DocumentBackend, IndexQuery, WriteBatch};
use async_trait::async_trait;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{DeliveryReceipt, OutboxStore, StoreError};

#[async_trait]
impl<B: DocumentBackend> OutboxStore for Store<B> {
    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut query = IndexQuery::new(&OUTBOX, &OUTBOX_BY_NEXT_ATTEMPT, Vec::new());
        query.limit = limit;
        Ok(self.find(query).await?)
    }

    async fn outbox_delivered(
        &self,
        entry: &OutboxEntry,
        receipt: DeliveryReceipt,
    ) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(2);
        let tenant = Some(&entry.key.tenant_id);
        if let Some(updated) = self
            .with_delivery(tenant, &entry.message.id, receipt, Some(entry.key.channel))
            .await?
        {
            batch.put(updated);
        }
        // The entry goes last: on a backend without atomic batches, a crash in between leaves
        // the entry (sent again after the restart, at least once) rather than a sent message
        // recorded as pending for good.
        batch.delete(&OUTBOX, entry.id());
        Ok(self.backend.write(batch).await?)
    }

    async fn outbox_retry_later(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::outbox::<B>(entry)?);
        Ok(self.backend.write(batch).await?)
    }
}
