//! Plan tiers (PRD §3.12) and the limits they set where they bite.
//!
//! Sessions, users, bots and knowledge bases per tier are the PRD's. The PRD gives voice-agent
//! limits only per organisation (`voiceAgentLimit`), so the tier defaults for voice agents are
//! ours: BASE 1, PRO 5; so are documents per organisation (BASE 100, PRO 1,000) and the
//! largest upload (BASE 10 MiB, PRO 25 MiB). An organisation's own limits override any tier default.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PlanTier {
    Base,
    Pro,
    Enterprise,
}

impl PlanTier {
    pub const ALL: [PlanTier; 3] = [PlanTier::Base, PlanTier::Pro, PlanTier::Enterprise];

    /// The tier's name as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanTier::Base => "BASE",
            PlanTier::Pro => "PRO",
            PlanTier::Enterprise => "ENTERPRISE",
        }
    }

    /// The tier named `name` (any case).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|tier| tier.as_str().eq_ignore_ascii_case(name))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LimitedResource {
    SessionsPerMonth,
    Users,
    Bots,
    KnowledgeBases,
    KnowledgeDocuments,
    VoiceAgents,
}

impl fmt::Display for LimitedResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitedResource::SessionsPerMonth => "sessions a month",
            LimitedResource::Users => "users",
            LimitedResource::Bots => "bots",
            LimitedResource::KnowledgeBases => "knowledge bases",
            LimitedResource::KnowledgeDocuments => "knowledge documents",
            LimitedResource::VoiceAgents => "voice agents",
        })
    }
}

/// How many of each resource an organisation may have; `None` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanLimits {
    pub sessions_per_month: Option<u32>,
    pub users: Option<u32>,
    pub bots: Option<u32>,
    pub knowledge_bases: Option<u32>,
    /// Documents across all the organisation's knowledge bases.
    #[serde(default)]
    pub knowledge_documents: Option<u32>,
    /// The largest file one upload may carry, in bytes (the node's own cap still applies).
    #[serde(default)]
    pub upload_bytes: Option<u64>,
    pub voice_agents: Option<u32>,
}

/// Adding one more of `resource` would pass the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[error("the plan allows {limit} {resource} and {in_use} are in use")]
pub struct LimitExceeded {
    pub resource: LimitedResource,
    pub limit: u32,
    pub in_use: u32,
}

impl PlanTier {
    pub fn limits(self) -> PlanLimits {
        match self {
            PlanTier::Base => PlanLimits {
                sessions_per_month: Some(1_000),
                users: Some(5),
                bots: Some(3),
                knowledge_bases: Some(10),
                knowledge_documents: Some(100),
                upload_bytes: Some(10 * 1024 * 1024),
                voice_agents: Some(1),
            },
            PlanTier::Pro => PlanLimits {
                sessions_per_month: Some(5_000),
                users: Some(20),
                bots: Some(10),
                knowledge_bases: Some(50),
                knowledge_documents: Some(1_000),
                upload_bytes: Some(25 * 1024 * 1024),
                voice_agents: Some(5),
            },
            PlanTier::Enterprise => PlanLimits::unlimited(),
        }
    }
}

impl PlanLimits {
    /// No limit on anything.
    pub fn unlimited() -> Self {
        Self {
            sessions_per_month: None,
            users: None,
            bots: None,
            knowledge_bases: None,
            knowledge_documents: None,
            upload_bytes: None,
            voice_agents: None,
        }
    }

    pub fn limit_of(&self, resource: LimitedResource) -> Option<u32> {
        match resource {
            LimitedResource::SessionsPerMonth => self.sessions_per_month,
            LimitedResource::Users => self.users,
            LimitedResource::Bots => self.bots,
            LimitedResource::KnowledgeBases => self.knowledge_bases,
            LimitedResource::KnowledgeDocuments => self.knowledge_documents,
            LimitedResource::VoiceAgents => self.voice_agents,
        }
    }

    /// Whether one more of `resource` fits, with `in_use` already taken.
    pub fn allow_one_more(
        &self,
        resource: LimitedResource,
        in_use: u32,
    ) -> Result<(), LimitExceeded> {
        match self.limit_of(resource) {
            Some(limit) if in_use >= limit => Err(LimitExceeded {
                resource,
                limit,
                in_use,
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_named_as_the_api_writes_them() {
        for tier in PlanTier::ALL {
            let json = serde_json::to_value(tier).expect("serialises");
            assert_eq!(json, tier.as_str());
            assert_eq!(PlanTier::parse(&tier.as_str().to_lowercase()), Some(tier));
        }
        assert_eq!(PlanTier::parse("gold"), None);
    }

    #[test]
    fn base_allows_three_bots_and_refuses_the_fourth() {
        let limits = PlanTier::Base.limits();
        assert_eq!(limits.allow_one_more(LimitedResource::Bots, 2), Ok(()));
        let refused = limits.allow_one_more(LimitedResource::Bots, 3).unwrap_err();
        assert_eq!(refused.limit, 3);
        assert_eq!(
            refused.to_string(),
            "the plan allows 3 bots and 3 are in use"
        );
    }

    #[test]
    fn the_prd_tiers() {
        let pro = PlanTier::Pro.limits();
        assert_eq!(
            (
                pro.sessions_per_month,
                pro.users,
                pro.bots,
                pro.knowledge_bases
            ),
            (Some(5_000), Some(20), Some(10), Some(50))
        );
        let enterprise = PlanTier::Enterprise.limits();
        assert_eq!(
            enterprise.allow_one_more(LimitedResource::SessionsPerMonth, u32::MAX),
            Ok(())
        );
    }
}
