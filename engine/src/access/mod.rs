//! Who may do what: organisations, users and API keys, roles and the PRD's module map (§3.11), plan tiers
//! and their limits (§3.12), one-time-code challenges with attempt limits and refresh-token
//! families with reuse detection, and the audit log's entries. Pure rules; the HTTP layer and storage enforce them.

mod account;
mod api_key;
mod audit;
mod modules;
mod otp;
mod plan;
mod plan_change;
mod refresh;
mod role;

pub use account::{
    MAX_EMAIL_CHARS, Organisation, OrganisationStatus, OtpPurpose, UserAccount, UserStatus,
    normalise_email,
};
pub use api_key::ApiKey;
pub use audit::{AuditActor, AuditEntry, AuditFilter};
pub use modules::{Module, ModuleParseError};
pub use otp::{OtpChallenge, OtpError, OtpPolicy};
pub use plan::{LimitExceeded, LimitedResource, PlanLimits, PlanTier};
pub use plan_change::{PlanChange, PlanChangeError, change_plan};
pub use refresh::{
    DEFAULT_REFRESH_TTL, RefreshDigest, RefreshError, RefreshFamily, Revocation, RevokeReason,
};
pub use role::{Permissions, Role};
