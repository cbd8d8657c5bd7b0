//! Roles (PRD §3.11.2) and the modules each may use.
//!
//! The PRD names the roles and what they are for; the default module sets below are our reading
//! of it: SUPERADMIN everything; MANAGER "analytics, reports, user management" plus the
//! conversations they report on; AGENT "conversations and tasks" plus live chat, where agents
//! answer; CUSTOM exactly the modules an administrator grants.

use super::modules::Module;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Role {
    SuperAdmin,
    Manager,
    Agent,
    Custom,
}

impl Role {
    /// The modules the role gets when nothing else is granted.
    pub fn default_modules(self) -> BTreeSet<Module> {
        match self {
            Role::SuperAdmin => Module::all().filter(|m| m.minor.is_none()).collect(),
            Role::Manager => [
                Module::USER_MANAGEMENT,
                Module::CONVERSATIONS,
                Module::ANALYTICS,
            ]
            .into_iter()
            .collect(),
            Role::Agent => [Module::CONVERSATIONS, Module::ENGAGEMENT, Module::LIVE_CHAT]
                .into_iter()
                .collect(),
            Role::Custom => BTreeSet::new(),
        }
    }
}

/// What one user may use: their role's modules plus any granted to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    pub role: Role,
    /// Modules granted beyond the role's defaults (all of them, for CUSTOM).
    #[serde(default)]
    pub granted: BTreeSet<Module>,
}

impl Permissions {
    pub fn of(role: Role) -> Self {
        Self {
            role,
            granted: BTreeSet::new(),
        }
    }

    pub fn granting(mut self, modules: impl IntoIterator<Item = Module>) -> Self {
        self.granted.extend(modules);
        self
    }

    /// Whether the user may use `module` (a sub-module is allowed by its parent).
    pub fn allows(&self, module: Module) -> bool {
        self.role == Role::SuperAdmin
            || self
                .role
                .default_modules()
                .iter()
                .chain(self.granted.iter())
                .any(|held| held.covers(module))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(text: &str) -> Module {
        text.parse().expect("known module")
    }

    #[test]
    fn superadmin_may_use_everything() {
        let admin = Permissions::of(Role::SuperAdmin);
        assert!(Module::all().all(|m| admin.allows(m)));
    }

    #[test]
    fn agents_answer_conversations_but_do_not_manage() {
        let agent = Permissions::of(Role::Agent);
        assert!(agent.allows(Module::LIVE_CHAT));
        assert!(agent.allows(Module::CONVERSATIONS));
        assert!(!agent.allows(Module::USER_MANAGEMENT));
        assert!(!agent.allows(module("5.1")));
        assert!(!agent.allows(Module::PAYMENTS));
    }

    #[test]
    fn managers_see_analytics_and_users_but_not_payments() {
        let manager = Permissions::of(Role::Manager);
        assert!(manager.allows(module("5.4")));
        assert!(manager.allows(Module::USER_MANAGEMENT));
        assert!(!manager.allows(module("6.2")));
        assert!(!manager.allows(Module::SYSTEM_SETTINGS));
    }

    #[test]
    fn custom_roles_get_exactly_what_is_granted() {
        let custom = Permissions::of(Role::Custom).granting([module("2.1"), module("8")]);
        assert!(custom.allows(module("2.1")));
        assert!(
            !custom.allows(Module::BOT_CONFIGURATION),
            "a sub-module does not open its parent"
        );
        assert!(!custom.allows(module("2.2")));
        assert!(
            custom.allows(module("8.2")),
            "a module opens its sub-modules"
        );
        assert!(!custom.allows(Module::CONVERSATIONS));
        assert!(!Permissions::of(Role::Custom).allows(Module::CONVERSATIONS));
    }
}
