//! Phone calls (PRD §3.5): the numbers organisations connect and every call on them.
//!
//! A phone number is connected by one organisation at most (`PHONE_NUMBER` is unique across
//! tenants); numbers list most recently connected first per tenant, and are found by id alone
//! for Twilio's webhooks. A call is found by id alone (the conversational AI's webhooks carry
//! only our id), by Twilio's id (`CALL_SID`, unique once Twilio named the call, so a redelivered
//! webhook cannot store a call twice), listed latest requested first per tenant (the time range
//! is the index's range, the other filters are checked on each entry), and found by the keeper
//! in every tenant by when its check is due (`DUE`, absent once nothing is awaited), so a re-saved
//! call leaves or rejoins the keeper's work with its new check.

use super::schema::{
    AGENT, DIRECTION, NUMBER, STATUS, VOICE_CALLS, VOICE_CALLS_BY_DUE, VOICE_CALLS_BY_REQUESTED,
    VOICE_CALLS_BY_SID, VOICE_NUMBERS, VOICE_NUMBERS_BY_CREATED, VOICE_NUMBERS_BY_PHONE,
};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, Order};
use async_trait::async_trait;
use botwot_engine::ids::{CallId, TenantId, VoiceNumberId};
use botwot_engine::ports::{CallFilter, PageRequest, Paged, StoreError, VoiceStore};
use botwot_engine::time::Timestamp;
use botwot_engine::voice::{VoiceCall, VoiceNumber};
use std::ops::Bound;

#[async_trait]
impl<B: DocumentBackend> VoiceStore for Store<B> {
    async fn insert_voice_number(&self, number: &VoiceNumber) -> Result<(), StoreError> {
        let doc = records::voice_number::<B>(number)?;
        let taken = format!("phone number {} is connected already", number.phone_number);
        self.insert_keyed(doc, &VOICE_NUMBERS_BY_PHONE, taken).await
    }

    async fn save_voice_number(&self, number: &VoiceNumber) -> Result<(), StoreError> {
        let doc = records::voice_number::<B>(number)?;
        self.replace_one(&number.tenant, doc).await
    }

    async fn get_voice_number(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
    ) -> Result<Option<VoiceNumber>, StoreError> {
        Ok(self.get_record(&VOICE_NUMBERS, tenant, id.as_str()).await?)
    }

    async fn find_voice_number(
        &self,
        id: &VoiceNumberId,
    ) -> Result<Option<VoiceNumber>, StoreError> {
        Ok(self.get_by_id(&VOICE_NUMBERS, id.as_str()).await?)
    }

    async fn list_voice_numbers(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<VoiceNumber>, StoreError> {
        let mut query = IndexQuery::new(
            &VOICE_NUMBERS,
            &VOICE_NUMBERS_BY_CREATED,
            vec![records::tenant(tenant)],
        );
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }

    async fn delete_voice_number(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
    ) -> Result<bool, StoreError> {
        match self.delete_one(&VOICE_NUMBERS, tenant, id.as_str()).await {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound) => Ok(false),
            Err(error) => Err(error),
        }
    }

    async fn insert_call(&self, call: &VoiceCall) -> Result<(), StoreError> {
        let doc = records::voice_call::<B>(call)?;
        let taken = format!(
            "call {} is stored already",
            call.call_sid.as_deref().unwrap_or_default()
        );
        self.insert_keyed(doc, &VOICE_CALLS_BY_SID, taken).await
    }

    async fn save_call(&self, call: &VoiceCall) -> Result<(), StoreError> {
        let doc = records::voice_call::<B>(call)?;
        self.replace_one(&call.tenant, doc).await
    }

    async fn get_call(
        &self,
        tenant: &TenantId,
        id: &CallId,
    ) -> Result<Option<VoiceCall>, StoreError> {
        Ok(self.get_record(&VOICE_CALLS, tenant, id.as_str()).await?)
    }

    async fn find_call(&self, id: &CallId) -> Result<Option<VoiceCall>, StoreError> {
        Ok(self.get_by_id(&VOICE_CALLS, id.as_str()).await?)
    }

    async fn call_by_sid(
        &self,
        tenant: &TenantId,
        call_sid: &str,
    ) -> Result<Option<VoiceCall>, StoreError> {
        let prefix = vec![FieldValue::from(call_sid)];
        let call: Option<VoiceCall> = self
            .find_first(&VOICE_CALLS, &VOICE_CALLS_BY_SID, prefix)
            .await?;
        // A sid is unique across tenants: the one call is this tenant's or none of its.
        Ok(call.filter(|call| &call.tenant == tenant))
    }

    async fn list_calls(
        &self,
        tenant: &TenantId,
        filter: &CallFilter,
        page: &PageRequest,
    ) -> Result<Paged<VoiceCall>, StoreError> {
        Ok(self.page(call_listing(tenant, filter), page).await?)
    }

    async fn due_calls(&self, by: Timestamp, limit: usize) -> Result<Vec<VoiceCall>, StoreError> {
        let mut query = IndexQuery::new(&VOICE_CALLS, &VOICE_CALLS_BY_DUE, Vec::new());
        query.upper = Bound::Included(records::millis(by));
        query.limit = limit;
        Ok(self.find(query).await?)
    }
}

/// A tenant's calls latest requested first: the time range is the index's, every other field
/// of `filter` is checked on each entry (what [`CallFilter::matches`] defines).
fn call_listing(tenant: &TenantId, filter: &CallFilter) -> IndexQuery {
    let mut query = IndexQuery::new(
        &VOICE_CALLS,
        &VOICE_CALLS_BY_REQUESTED,
        vec![records::tenant(tenant)],
    );
    query.order = Order::Descending;
    if let Some(since) = filter.since {
        query.lower = Bound::Included(records::millis(since));
    }
    if let Some(until) = filter.until {
        query.upper = Bound::Excluded(records::millis(until));
    }
    let equalities = [
        (
            DIRECTION,
            filter.direction.map(|direction| direction.as_str()),
        ),
        (STATUS, filter.status.map(|status| status.as_str())),
        (NUMBER, filter.number_id.as_ref().map(|id| id.as_str())),
        (AGENT, filter.agent_id.as_ref().map(|id| id.as_str())),
    ];
    query.filters = equalities
        .into_iter()
        .filter_map(|(field, value)| Some((field, FieldValue::from(value?))))
        .collect();
    query
}
