//! Organisations, their people and credentials, and the audit log of what they did.

use super::{PageRequest, Paged, StoreError};
use crate::access::{
    ApiKey, AuditEntry, AuditFilter, Organisation, OtpChallenge, OtpPurpose, RefreshDigest,
    RefreshFamily, UserAccount,
};
use crate::ids::{ApiKeyId, RefreshFamilyId, TenantId, UserId};
use crate::time::Timestamp;
use async_trait::async_trait;

/// Organisations, their users, pending one-time codes and refresh-token families.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Stores a new organisation and its first user together; `Conflict` when the user's email
    /// is taken (and then neither is stored).
    async fn create_organisation(
        &self,
        organisation: &Organisation,
        owner: &UserAccount,
    ) -> Result<(), StoreError>;
    async fn get_organisation(&self, tenant: &TenantId)
    -> Result<Option<Organisation>, StoreError>;
    /// Replaces a stored organisation (its plan, say); `NotFound` when it does not exist.
    async fn update_organisation(&self, organisation: &Organisation) -> Result<(), StoreError>;
    /// Stores a new user; `Conflict` when the email is taken in any organisation.
    async fn insert_user(&self, user: &UserAccount) -> Result<(), StoreError>;
    /// Replaces a stored user; `NotFound` when it does not exist in that tenant.
    async fn update_user(&self, user: &UserAccount) -> Result<(), StoreError>;
    async fn get_user(
        &self,
        tenant: &TenantId,
        id: &UserId,
    ) -> Result<Option<UserAccount>, StoreError>;
    /// The user of a (normalised) email, whichever organisation: signing in names none.
    async fn find_user_by_email(&self, email: &str) -> Result<Option<UserAccount>, StoreError>;
    /// A tenant's users, oldest first.
    async fn list_users(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<UserAccount>, StoreError>;
    /// How many users the tenant has, counting at most `up_to` (enough to check a limit).
    async fn count_users(&self, tenant: &TenantId, up_to: usize) -> Result<usize, StoreError>;
    /// Removes a user and ends their sign-ins; `NotFound` when it does not exist in that tenant.
    async fn delete_user(&self, tenant: &TenantId, id: &UserId) -> Result<(), StoreError>;
    async fn get_otp(
        &self,
        purpose: OtpPurpose,
        email: &str,
    ) -> Result<Option<OtpChallenge>, StoreError>;
    async fn put_otp(
        &self,
        purpose: OtpPurpose,
        email: &str,
        challenge: &OtpChallenge,
    ) -> Result<(), StoreError>;
    async fn delete_otp(&self, purpose: OtpPurpose, email: &str) -> Result<(), StoreError>;
    async fn get_refresh_family(
        &self,
        id: &RefreshFamilyId,
    ) -> Result<Option<RefreshFamily>, StoreError>;
    /// Stores a new family or a revocation of one.
    async fn put_refresh_family(&self, family: &RefreshFamily) -> Result<(), StoreError>;
    /// Stores a rotated family, recording `spent` as used at the same time. `Conflict` when
    /// `spent` was already recorded: another request rotated with the same token first (a
    /// race or a stolen copy), and nothing is written.
    async fn rotate_refresh_family(
        &self,
        family: &RefreshFamily,
        spent: &RefreshDigest,
    ) -> Result<(), StoreError>;
    /// Revokes every sign-in (refresh family) of a user, as of `now`; returns how many ended.
    async fn revoke_sign_ins(
        &self,
        tenant: &TenantId,
        user: &UserId,
        now: Timestamp,
    ) -> Result<usize, StoreError>;
    /// Erases everything of the organisation: sessions, messages, deliveries, timers, users,
    /// sign-ins, codes, bots, integrations, keys, canned responses, knowledge records, voice
    /// agents, audit log, then the organisation itself; returns how many records went. Live
    /// session actors must be stopped or closed first by the caller.
    async fn erase_organisation(&self, tenant: &TenantId) -> Result<usize, StoreError>;
    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError>;
    /// A key by id, whichever tenant (the presented key names only itself).
    async fn get_api_key(&self, id: &ApiKeyId) -> Result<Option<ApiKey>, StoreError>;
    /// Replaces a stored key (to revoke it); `NotFound` when it does not exist in that tenant.
    async fn update_api_key(&self, key: &ApiKey) -> Result<(), StoreError>;
    /// A tenant's keys, newest first.
    async fn list_api_keys(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<ApiKey>, StoreError>;
}

/// The audit log, append-only.
#[async_trait]
pub trait AuditStore: Send + Sync + 'static {
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// A tenant's entries, newest first.
    async fn list_audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Paged<AuditEntry>, StoreError>;
}
