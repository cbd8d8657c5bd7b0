//! Organisations, users, API keys, one-time codes and refresh-token families.
//!
//! Users are read within their tenant, except by email (sign-in names no organisation). Writes
//! that belong together go in one batch with the unique key first, so a taken email leaves no
//! orphan organisation, and a refresh token is claimed by inserting its digest: of two rotations
//! with one token only the first is stored.

use super::schema::{
    API_KEYS, API_KEYS_BY_CREATED, OTP_CHALLENGES, REFRESH_FAMILIES, REFRESH_FAMILIES_BY_USER,
    REFRESH_SPENT, USERS, USERS_BY_CREATED, USERS_BY_EMAIL,
};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, Order, WriteBatch};
use async_trait::async_trait;
use botwot_engine::access::{
    ApiKey, Organisation, OtpChallenge, OtpPurpose, RefreshDigest, RefreshFamily, RevokeReason,
    UserAccount,
};
use botwot_engine::ids::{ApiKeyId, RefreshFamilyId, TenantId, UserId};
use botwot_engine::ports::{AccountStore, PageRequest, Paged, StoreError};
use botwot_engine::time::Timestamp;

fn otp_id(purpose: OtpPurpose, email: &str) -> String {
    format!("{}:{email}", purpose.as_str())
}

#[async_trait]
impl<B: DocumentBackend> AccountStore for Store<B> {
    async fn create_organisation(
        &self,
        organisation: &Organisation,
        owner: &UserAccount,
    ) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(2);
        batch.insert(records::user::<B>(owner)?);
        batch.insert(records::organisation::<B>(organisation)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn get_organisation(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<Organisation>, StoreError> {
        let stored = self
            .backend
            .get(&super::schema::ORGANISATIONS, tenant.as_str())
            .await?;
        Ok(stored.map(|found| B::decode(found.body)).transpose()?)
    }

    async fn update_organisation(&self, organisation: &Organisation) -> Result<(), StoreError> {
        if self.get_organisation(&organisation.id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::organisation::<B>(organisation)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn insert_user(&self, user: &UserAccount) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(records::user::<B>(user)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn update_user(&self, user: &UserAccount) -> Result<(), StoreError> {
        let stored = self.get_in_tenant::<UserAccount>(&USERS, &user.tenant_id, user.id.as_str());
        if stored.await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::user::<B>(user)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn get_user(
        &self,
        tenant: &TenantId,
        id: &UserId,
    ) -> Result<Option<UserAccount>, StoreError> {
        Ok(self.get_record(&USERS, tenant, id.as_str()).await?)
    }

    async fn find_user_by_email(&self, email: &str) -> Result<Option<UserAccount>, StoreError> {
        let prefix = vec![FieldValue::from(email)];
        Ok(self.find_first(&USERS, &USERS_BY_EMAIL, prefix).await?)
    }

    async fn list_users(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<UserAccount>, StoreError> {
        let query = IndexQuery::new(&USERS, &USERS_BY_CREATED, vec![records::tenant(tenant)]);
        Ok(self.page(query, page).await?)
    }

    async fn count_users(&self, tenant: &TenantId, up_to: usize) -> Result<usize, StoreError> {
        let mut query = IndexQuery::new(&USERS, &USERS_BY_CREATED, vec![records::tenant(tenant)]);
        query.limit = up_to;
        Ok(self.backend.query(query).await?.len())
    }

    async fn delete_user(&self, tenant: &TenantId, id: &UserId) -> Result<(), StoreError> {
        if self.get_user(tenant, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let query = IndexQuery::new(
            &REFRESH_FAMILIES,
            &REFRESH_FAMILIES_BY_USER,
            vec![records::tenant(tenant), FieldValue::from(id.as_str())],
        );
        let families: Vec<RefreshFamily> = self.find(query).await?;
        let mut batch = WriteBatch::with_capacity(1 + families.len());
        batch.delete(&USERS, id.as_str());
        for family in families {
            batch.delete(&REFRESH_FAMILIES, family.id.as_str());
        }
        Ok(self.backend.write(batch).await?)
    }

    async fn get_otp(
        &self,
        purpose: OtpPurpose,
        email: &str,
    ) -> Result<Option<OtpChallenge>, StoreError> {
        let stored = self
            .backend
            .get(&OTP_CHALLENGES, &otp_id(purpose, email))
            .await?;
        Ok(stored.map(|found| B::decode(found.body)).transpose()?)
    }

    async fn put_otp(
        &self,
        purpose: OtpPurpose,
        email: &str,
        challenge: &OtpChallenge,
    ) -> Result<(), StoreError> {
        let id = otp_id(purpose, email);
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::plain::<B, _>(&OTP_CHALLENGES, &id, challenge)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn delete_otp(&self, purpose: OtpPurpose, email: &str) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.delete(&OTP_CHALLENGES, otp_id(purpose, email));
        Ok(self.backend.write(batch).await?)
    }

    async fn get_refresh_family(
        &self,
        id: &RefreshFamilyId,
    ) -> Result<Option<RefreshFamily>, StoreError> {
        let stored = self.backend.get(&REFRESH_FAMILIES, id.as_str()).await?;
        Ok(stored.map(|found| B::decode(found.body)).transpose()?)
    }

    async fn put_refresh_family(&self, family: &RefreshFamily) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::refresh_family::<B>(family)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn rotate_refresh_family(
        &self,
        family: &RefreshFamily,
        spent: &RefreshDigest,
    ) -> Result<(), StoreError> {
        let marker = SpentToken {
            family_id: &family.id,
        };
        let mut batch = WriteBatch::with_capacity(2);
        batch.insert(records::plain::<B, _>(
            &REFRESH_SPENT,
            spent.as_str(),
            &marker,
        )?);
        batch.put(records::refresh_family::<B>(family)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn revoke_sign_ins(
        &self,
        tenant: &TenantId,
        user: &UserId,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let query = IndexQuery::new(
            &REFRESH_FAMILIES,
            &REFRESH_FAMILIES_BY_USER,
            vec![records::tenant(tenant), FieldValue::from(user.as_str())],
        );
        let families: Vec<RefreshFamily> = self.find(query).await?;
        let mut batch = WriteBatch::with_capacity(families.len());
        for mut family in families.into_iter().filter(|family| !family.is_revoked()) {
            family.revoke(RevokeReason::Admin, now);
            batch.put(records::refresh_family::<B>(&family)?);
        }
        let revoked = batch.ops.len();
        self.backend.write(batch).await?;
        Ok(revoked)
    }

    async fn erase_organisation(&self, tenant: &TenantId) -> Result<usize, StoreError> {
        Ok(self.erase_tenant(tenant).await?)
    }

    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(records::api_key::<B>(key)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn get_api_key(&self, id: &ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        let stored = self.backend.get(&API_KEYS, id.as_str()).await?;
        Ok(stored.map(|found| B::decode(found.body)).transpose()?)
    }

    async fn update_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let stored = self.get_in_tenant::<ApiKey>(&API_KEYS, &key.tenant_id, key.id.as_str());
        if stored.await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::api_key::<B>(key)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn list_api_keys(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<ApiKey>, StoreError> {
        let mut query = IndexQuery::new(
            &API_KEYS,
            &API_KEYS_BY_CREATED,
            vec![records::tenant(tenant)],
        );
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }
}

/// What the claim of a spent token records.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SpentToken<'a> {
    family_id: &'a RefreshFamilyId,
}
