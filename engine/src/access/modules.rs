//! The PRD's module map: thirteen modules, some with sub-modules ("5.2" is Reports under
//! Analytics). Access to a module covers its sub-modules; access to a sub-module covers only it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// A module or sub-module, such as `4` (Conversations) or `5.2` (Reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Module {
    pub major: u8,
    pub minor: Option<u8>,
}

/// Every module and sub-module of the PRD with its name.
const CATALOGUE: &[(u8, Option<u8>, &str)] = &[
    (1, None, "User Management"),
    (2, None, "Bot Configuration"),
    (2, Some(1), "Knowledge Base"),
    (2, Some(2), "Widget Export"),
    (2, Some(3), "Bot Customization"),
    (3, None, "System Settings"),
    (4, None, "Conversations"),
    (5, None, "Analytics"),
    (5, Some(1), "Dashboard"),
    (5, Some(2), "Reports"),
    (5, Some(3), "Insights"),
    (5, Some(4), "Export"),
    (6, None, "Payments"),
    (6, Some(1), "Subscription"),
    (6, Some(2), "Billing"),
    (7, None, "WhatsApp Integration"),
    (8, None, "Social Media"),
    (8, Some(1), "Facebook"),
    (8, Some(2), "Instagram"),
    (9, None, "Marketing Campaigns"),
    (10, None, "Engagement & Tasks"),
    (11, None, "Live Chat"),
    (12, None, "CRM Integrations"),
    (13, None, "Media Generation"),
    (13, Some(1), "Text-to-Video"),
];

#[derive(Debug, Error, PartialEq, Eq)]
#[error("{0:?} is not a module of the module map (1 to 13, with sub-modules such as 5.2)")]
pub struct ModuleParseError(pub String);

impl Module {
    pub const USER_MANAGEMENT: Module = Module::top(1);
    pub const BOT_CONFIGURATION: Module = Module::top(2);
    pub const SYSTEM_SETTINGS: Module = Module::top(3);
    pub const CONVERSATIONS: Module = Module::top(4);
    pub const ANALYTICS: Module = Module::top(5);
    pub const PAYMENTS: Module = Module::top(6);
    pub const WHATSAPP: Module = Module::top(7);
    pub const SOCIAL_MEDIA: Module = Module::top(8);
    pub const CAMPAIGNS: Module = Module::top(9);
    pub const ENGAGEMENT: Module = Module::top(10);
    pub const LIVE_CHAT: Module = Module::top(11);
    pub const CRM: Module = Module::top(12);
    pub const MEDIA_GENERATION: Module = Module::top(13);

    const fn top(major: u8) -> Self {
        Self { major, minor: None }
    }

    /// Every module and sub-module.
    pub fn all() -> impl Iterator<Item = Module> {
        CATALOGUE.iter().map(|(major, minor, _)| Module {
            major: *major,
            minor: *minor,
        })
    }

    pub fn name(self) -> &'static str {
        CATALOGUE
            .iter()
            .find(|(major, minor, _)| *major == self.major && *minor == self.minor)
            .map_or("unknown module", |(_, _, name)| name)
    }

    /// Whether holding `self` gives access to `other`: the same module, or `self` is the
    /// top-level module `other` belongs to.
    pub fn covers(self, other: Module) -> bool {
        self == other || (self.minor.is_none() && self.major == other.major)
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(minor) => write!(f, "{}.{minor}", self.major),
            None => write!(f, "{}", self.major),
        }
    }
}

impl FromStr for Module {
    type Err = ModuleParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ModuleParseError(text.to_owned());
        let (major, minor) = match text.split_once('.') {
            Some((major, minor)) => (major, Some(minor.parse::<u8>().map_err(|_| error())?)),
            None => (text, None),
        };
        let module = Module {
            major: major.parse().map_err(|_| error())?,
            minor,
        };
        Module::all()
            .any(|known| known == module)
            .then_some(module)
            .ok_or_else(error)
    }
}

impl Serialize for Module {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Module {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_the_prd_modules() {
        assert_eq!(Module::all().filter(|m| m.minor.is_none()).count(), 13);
        assert_eq!(Module::all().count(), 25);
        assert_eq!("5.2".parse::<Module>().map(Module::name), Ok("Reports"));
        assert_eq!(Module::LIVE_CHAT.name(), "Live Chat");
    }

    #[test]
    fn unknown_modules_are_refused() {
        for bad in ["0", "14", "4.1", "5.9", "x", "5.", ".2", ""] {
            assert!(bad.parse::<Module>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_module_covers_its_sub_modules_but_not_the_other_way() {
        let reports: Module = "5.2".parse().expect("known");
        assert!(Module::ANALYTICS.covers(reports));
        assert!(!reports.covers(Module::ANALYTICS));
        assert!(!reports.covers("5.1".parse().expect("known")));
        assert!(!Module::CONVERSATIONS.covers(reports));
    }

    #[test]
    fn modules_read_and_write_as_their_numbers() {
        let modules: Vec<Module> = serde_json::from_str(r#"["1", "2.1", "13"]"#).expect("parses");
        assert_eq!(
            serde_json::to_string(&modules).expect("writes"),
            r#"["1","2.1","13"]"#
        );
    }
}
