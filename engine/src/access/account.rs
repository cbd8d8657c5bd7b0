//! Organisations and their users (PRD §3.11): who signs in, to which organisation, with which
//! role and modules, and what they are allowed to become. Password hashes are produced and
//! checked outside the engine; here they are opaque strings that never leave storage.

use super::plan::{PlanLimits, PlanTier};
use super::role::Permissions;
use crate::analytics::DashboardLayout;
use crate::ids::{TenantId, UserId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// Longest accepted email address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
const MAX_NAME_CHARS: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum OrganisationStatus {
    Active,
    Suspended,
}

/// A tenant: everything else belongs to exactly one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    pub id: TenantId,
    pub name: String,
    pub admin_email: String,
    pub status: OrganisationStatus,
    pub subscription_tier: PlanTier,
    /// Limits agreed for this organisation, replacing its tier's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_limits: Option<PlanLimits>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Organisation {
    /// A new organisation on the BASE plan.
    pub fn create(name: &str, admin_email: &str, now: Timestamp) -> Self {
        Self {
            id: TenantId::generate(),
            name: name.trim().to_owned(),
            admin_email: admin_email.to_owned(),
            status: OrganisationStatus::Active,
            subscription_tier: PlanTier::Base,
            custom_limits: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The limits in force: the organisation's own, else its tier's.
    pub fn limits(&self) -> PlanLimits {
        self.custom_limits
            .unwrap_or_else(|| self.subscription_tier.limits())
    }

    /// Checks an organisation name.
    pub fn check_name(errors: &mut ValidationErrors, field: &str, name: &str) {
        errors.check_text(field, name, MAX_NAME_CHARS);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum UserStatus {
    /// Added by an administrator; signs in once they accept with the emailed code.
    Invited,
    Active,
    /// Refused at sign-in and on every call, until enabled again.
    Disabled,
}

/// A person who uses an organisation's console and API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAccount {
    pub id: UserId,
    pub tenant_id: TenantId,
    /// Lowercase; unique across organisations (signing in names no organisation).
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Argon2id PHC string; `None` until the user sets a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    pub permissions: Permissions,
    pub status: UserStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login_at: Option<Timestamp>,
    /// The user's dashboard widgets; `None` until they save a layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_layout: Option<DashboardLayout>,
}

impl UserAccount {
    /// A new user of `tenant`.
    pub fn create(
        tenant_id: TenantId,
        email: String,
        names: (String, String),
        permissions: Permissions,
        status: UserStatus,
        now: Timestamp,
    ) -> Self {
        Self {
            id: UserId::generate(),
            tenant_id,
            email,
            first_name: names.0.trim().to_owned(),
            last_name: names.1.trim().to_owned(),
            password_hash: None,
            permissions,
            status,
            created_at: now,
            updated_at: now,
            last_login_at: None,
            dashboard_layout: None,
        }
    }

    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }

    /// Checks a first or last name.
    pub fn check_name(errors: &mut ValidationErrors, field: &str, name: &str) {
        errors.check_max_len(field, name, MAX_NAME_CHARS);
    }
}

/// The canonical form of an email address (trimmed, lowercase), or `None` when it is not one.
/// Deliberately simple: one `@`, a non-empty local part, a dotted domain, no spaces or controls.
pub fn normalise_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && email.chars().count() <= MAX_EMAIL_CHARS
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    plausible.then_some(email)
}

/// What a one-time code is for: the same address may have one pending code of each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtpPurpose {
    Signup,
    Invitation,
    PasswordReset,
}

impl OtpPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            OtpPurpose::Signup => "signup",
            OtpPurpose::Invitation => "invitation",
            OtpPurpose::PasswordReset => "password_reset",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            normalise_email("  Ana@Example.COM "),
            Some("ana@example.com".to_owned())
        );
        for bad in [
            "",
            "ana",
            "@example.com",
            "ana@",
            "ana@example",
            "ana@.com",
            "ana@example.",
            "a b@example.com",
            "ana@ex@ample.com",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(normalise_email(&long), None);
    }

    #[test]
    fn an_organisations_own_limits_replace_its_tiers() {
        let mut org = Organisation::create("Acme", "ana@example.com", Timestamp(0));
        assert_eq!(org.limits(), PlanTier::Base.limits());
        let agreed = PlanLimits {
            users: Some(50),
            ..PlanTier::Base.limits()
        };
        org.custom_limits = Some(agreed);
        assert_eq!(org.limits().users, Some(50));
    }
}
