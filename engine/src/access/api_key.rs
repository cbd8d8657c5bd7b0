//! API keys for server-to-server calls: scoped to the modules they were given (never more than
//! their creator holds), revocable, and kept only as a digest of their secret. A key acts in its
//! organisation like a CUSTOM user with exactly its modules.

use super::modules::Module;
use super::role::{Permissions, Role};
use crate::ids::{ApiKeyId, TenantId, UserId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub tenant_id: TenantId,
    pub name: String,
    pub modules: BTreeSet<Module>,
    /// SHA-256 hex of the key's secret part.
    pub digest: String,
    pub created_by: UserId,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Timestamp>,
}

impl ApiKey {
    /// What the key may use.
    pub fn permissions(&self) -> Permissions {
        Permissions::of(Role::Custom).granting(self.modules.iter().copied())
    }

    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}
