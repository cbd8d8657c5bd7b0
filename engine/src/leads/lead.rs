//! A lead: who they are, what they want, where they stand.

use super::follow_up::FollowUp;
use crate::commerce::whatsapp_contact;
use crate::ids::{LeadId, TenantId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a lead stands (the PRD's `leadType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum LeadStage {
    /// An enquiry not (yet) qualified: where every lead starts.
    #[default]
    Unreal,
    /// Qualified: worth a salesperson's time.
    Real,
    /// Paused: the lead asked to wait, or the organisation did.
    Hold,
}

impl LeadStage {
    pub fn as_str(self) -> &'static str {
        match self {
            LeadStage::Unreal => "Unreal",
            LeadStage::Real => "Real",
            LeadStage::Hold => "Hold",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [LeadStage::Unreal, LeadStage::Real, LeadStage::Hold]
            .into_iter()
            .find(|stage| stage.as_str().eq_ignore_ascii_case(text))
    }
}

/// What the project covers (the PRD's `projectNeedsType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProjectScope {
    FullHome,
    KitchenAndBedroom,
    Kitchen,
    Bedroom,
    /// Decoration alone (furnishing, painting, lighting).
    Decor,
    /// Civil work alone (walls, plumbing, flooring).
    Civil,
    Other,
}

/// What is known about a lead, as people, imports and the bot write it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeadDetails {
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// What they asked for, in their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_needs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ProjectScope>,
    /// Whether the budget the organisation asks about suits them (the PRD's `threeLakhsSuits`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_fits: Option<bool>,
    /// When they want the project to start, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_by: Option<String>,
    /// Where the lead came from (a campaign, a form, the website).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

const MAX_TAGS: usize = 30;
const MAX_METADATA: usize = 50;

impl LeadDetails {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.check_text("fullName", &self.full_name, 200);
        if let Some(email) = &self.email {
            errors.check_max_len("email", email, 254);
            if !email.contains('@') {
                errors.add("email", "must be an email address");
            }
        }
        for (field, value, max) in [
            ("location", &self.location, 200),
            ("projectNeeds", &self.project_needs, 2_000),
            ("source", &self.source, 200),
        ] {
            if let Some(value) = value {
                errors.check_max_len(field, value, max);
            }
        }
        if let Some(start_by) = &self.start_by
            && start_date(start_by).is_none()
        {
            errors.add("startBy", "must be a date, YYYY-MM-DD");
        }
        errors.check_max_items("tags", self.tags.len(), MAX_TAGS);
        for tag in &self.tags {
            errors.check_text("tags", tag, 64);
        }
        errors.check_max_items("metadata", self.metadata.len(), MAX_METADATA);
        for (key, value) in &self.metadata {
            errors.check_text("metadata", key, 64);
            errors.check_max_len("metadata", value, 1_000);
        }
        errors.into_result(())
    }

    /// The day they want to start, when it is known.
    pub fn start_date(&self) -> Option<NaiveDate> {
        self.start_by.as_deref().and_then(start_date)
    }

    /// The name a message greets them by: the first word of their name.
    pub fn first_name(&self) -> &str {
        self.full_name.split_whitespace().next().unwrap_or("there")
    }
}

fn start_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A change of some of a lead's details: every field given replaces the kept one; an empty
/// text clears an optional field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeadPatch {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub location: Option<String>,
    pub project_needs: Option<String>,
    pub scope: Option<ProjectScope>,
    pub budget_fits: Option<bool>,
    pub start_by: Option<String>,
    pub source: Option<String>,
    pub tags: Option<Vec<String>>,
    pub metadata: Option<BTreeMap<String, String>>,
}

impl LeadPatch {
    /// The details with this change made, and the names of the fields it changed.
    pub fn apply_to(&self, details: &LeadDetails) -> (LeadDetails, Vec<&'static str>) {
        let mut next = details.clone();
        let mut changed = Vec::new();
        if let Some(name) = &self.full_name
            && *name != next.full_name
        {
            next.full_name.clone_from(name);
            changed.push("fullName");
        }
        for (field, given, kept) in [
            ("email", &self.email, &mut next.email),
            ("location", &self.location, &mut next.location),
            ("projectNeeds", &self.project_needs, &mut next.project_needs),
            ("startBy", &self.start_by, &mut next.start_by),
            ("source", &self.source, &mut next.source),
        ] {
            if let Some(given) = given {
                let value = (!given.trim().is_empty()).then(|| given.trim().to_owned());
                if *kept != value {
                    *kept = value;
                    changed.push(field);
                }
            }
        }
        if self.scope.is_some() && self.scope != next.scope {
            next.scope = self.scope;
            changed.push("scope");
        }
        if self.budget_fits.is_some() && self.budget_fits != next.budget_fits {
            next.budget_fits = self.budget_fits;
            changed.push("budgetFits");
        }
        if let Some(tags) = &self.tags
            && *tags != next.tags
        {
            next.tags.clone_from(tags);
            changed.push("tags");
        }
        if let Some(metadata) = &self.metadata
            && *metadata != next.metadata
        {
            next.metadata.clone_from(metadata);
            changed.push("metadata");
        }
        (next, changed)
    }
}

/// A lead of an organisation. Its WhatsApp number is unique in the organisation and never
/// changes: it is how the bot and the follow-ups reach them, and how the PRD finds a lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lead {
    pub id: LeadId,
    pub tenant_id: TenantId,
    /// The WhatsApp number, digits only with the country code (`919876543210`).
    pub phone: String,
    pub details: LeadDetails,
    pub stage: LeadStage,
    /// Why the organisation stopped pursuing the lead; follow-ups stop with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
    /// Whether follow-ups are sent automatically (the PRD's `automationLead`).
    pub automation: bool,
    pub follow_up: FollowUp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Lead {
    /// A new lead in the `Unreal` stage. `phone` as people write it; `None` when it is not a
    /// number WhatsApp could reach (international, or local with `default_country_code`).
    pub fn new(
        tenant_id: TenantId,
        phone: &str,
        default_country_code: Option<&str>,
        details: LeadDetails,
        automation: bool,
        now: Timestamp,
    ) -> Option<Self> {
        let phone = whatsapp_contact(phone, default_country_code)?;
        Some(Self {
            id: LeadId::generate(),
            tenant_id,
            phone,
            details,
            stage: LeadStage::Unreal,
            rejection_reason: None,
            automation,
            follow_up: FollowUp::starting(now),
            created_at: now,
            updated_at: now,
        })
    }

    /// Whether follow-ups may still go to this lead at all: automation on, not qualified,
    /// paused or rejected.
    pub fn wants_follow_ups(&self) -> bool {
        self.automation && self.stage == LeadStage::Unreal && self.rejection_reason.is_none()
    }

    /// When the follow-up worker must look at this lead, if ever.
    pub fn due(&self) -> Option<Timestamp> {
        self.follow_up.due()
    }
}
