//! What the API shows of accounts: users without their password hash, organisations with the
//! limits in force, and the token pair a sign-in returns.

use botwot_engine::access::{Organisation, UserAccount};
use serde::Serialize;
use utoipa::ToSchema;

/// A user as the API shows it. The password hash never leaves storage.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub organisation_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// SUPERADMIN, MANAGER, AGENT or CUSTOM.
    pub role: String,
    /// Modules granted beyond the role's own (all of them for CUSTOM), such as `5.2`.
    pub granted_modules: Vec<String>,
    /// Every module the user may use, the role's and the granted ones.
    pub modules: Vec<String>,
    /// INVITED, ACTIVE or DISABLED.
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_login_at: Option<String>,
}

/// How an enum is spelt on the wire (`SUPERADMIN`, `ACTIVE`, ...).
pub(crate) fn as_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl From<&UserAccount> for UserView {
    fn from(user: &UserAccount) -> Self {
        let permissions = &user.permissions;
        let modules = botwot_engine::access::Module::all()
            .filter(|module| permissions.allows(*module))
            .map(|module| module.to_string())
            .collect();
        Self {
            id: user.id.to_string(),
            organisation_id: user.tenant_id.to_string(),
            email: user.email.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            role: as_text(&permissions.role),
            granted_modules: permissions
                .granted
                .iter()
                .map(ToString::to_string)
                .collect(),
            modules,
            status: as_text(&user.status),
            created_at: user.created_at.to_rfc3339(),
            updated_at: user.updated_at.to_rfc3339(),
            last_login_at: user.last_login_at.map(|at| at.to_rfc3339()),
        }
    }
}

/// An organisation with the plan limits in force.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    pub admin_email: String,
    /// ACTIVE or SUSPENDED.
    pub status: String,
    /// BASE, PRO or ENTERPRISE.
    pub subscription_tier: String,
    /// Per resource, the most the plan allows (`null`: unlimited).
    #[schema(value_type = Object)]
    pub limits: serde_json::Value,
    pub created_at: String,
}

impl From<&Organisation> for OrganisationView {
    fn from(organisation: &Organisation) -> Self {
        Self {
            id: organisation.id.to_string(),
            name: organisation.name.clone(),
            admin_email: organisation.admin_email.clone(),
            status: as_text(&organisation.status),
            subscription_tier: as_text(&organisation.subscription_tier),
            limits: serde_json::to_value(organisation.limits()).unwrap_or_default(),
            created_at: organisation.created_at.to_rfc3339(),
        }
    }
}

/// What a sign-in, a sign-up or a refresh returns.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenPair {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds the access token stays valid.
    pub expires_in: u64,
    /// Spend at `/v1/auth/refresh` for the next pair; each works once.
    pub refresh_token: String,
    pub user: UserView,
}
