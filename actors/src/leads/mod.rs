//! Leads are kept here (PRD §3.8.1): [`Leads`] is how people (the API) and the bot change a
//! lead, every change under the lead's named lock (across the cluster's nodes) and written to its
//! history, and it runs the node's follow-up worker ([`follow_ups`]).
//!
//! A lead whose details satisfy the organisation's qualification rules moves from `Unreal` to
//! `Real` by itself when the details come in (never back: a person decides that), which stops
//! its follow-ups.

mod follow_ups;
mod tools;

pub use tools::LeadTools;

use crate::due_work::Pace;
use crate::named_locks::{NamedGuard, NamedLocks};
use botwot_engine::ids::{LeadId, TenantId};
use botwot_engine::leads::{
    Assessment, Lead, LeadDetails, LeadEvent, LeadEventKind, LeadPatch, LeadSettings, LeadStage,
    LoggedInteraction,
};
use botwot_engine::ports::{FollowUpSender, PageRequest, Storage, StoreError};
use botwot_engine::time::{Clock, Timestamp};
use botwot_engine::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use thiserror::Error;
use tokio::sync::Notify;

/// Who changed a lead when the bot did.
pub const BY_BOT: &str = "bot";
/// Who changed a lead when the follow-up worker did.
pub const BY_AUTOMATION: &str = "automation";

/// How a node follows leads up (the `[leads]` section).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeadsConfig {
    /// How often the node looks for due follow-ups, besides being woken.
    pub sweep_ms: u64,
    /// How long an attempt may take before another process takes the lead up again.
    pub lease_ms: u64,
    /// Leads taken up per read of the store (the PRD's cron: ten).
    pub batch: usize,
}

impl Default for LeadsConfig {
    fn default() -> Self {
        Self {
            sweep_ms: 5_000,
            lease_ms: 120_000,
            batch: 10,
        }
    }
}

pub struct LeadsDeps {
    pub store: Arc<dyn Storage>,
    pub sender: Arc<dyn FollowUpSender>,
    pub locks: NamedLocks,
    pub clock: Arc<dyn Clock>,
}

/// A node's leads.
#[derive(Clone)]
pub struct Leads {
    deps: Arc<LeadsDeps>,
    config: LeadsConfig,
    pace: Pace,
}

#[derive(Debug, Error)]
pub enum LeadError {
    #[error("invalid lead: {0}")]
    Invalid(ValidationErrors),
    #[error("no such lead")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ValidationErrors> for LeadError {
    fn from(errors: ValidationErrors) -> Self {
        LeadError::Invalid(errors)
    }
}

/// The name of a lead's lock, held by every change of it.
pub fn lead_lock_name(id: &LeadId) -> String {
    format!("lead:{id}")
}

impl Leads {
    pub fn new(deps: LeadsDeps, config: LeadsConfig) -> Self {
        Self {
            deps: Arc::new(deps),
            pace: Pace {
                sweep_ms: config.sweep_ms,
                batch: config.batch,
                bell: Arc::new(Notify::new()),
            },
            config,
        }
    }

    /// Looks for due follow-ups now.
    pub fn wake(&self) {
        self.pace.bell.notify_one();
    }

    /// The organisation's lead settings: the stored ones, or the defaults.
    pub async fn settings(&self, tenant: &TenantId) -> Result<LeadSettings, StoreError> {
        Ok(self
            .deps
            .store
            .get_lead_settings(tenant)
            .await?
            .unwrap_or_else(|| LeadSettings::defaults(tenant.clone())))
    }

    /// Stores the organisation's settings and plans every one of its leads again.
    pub async fn save_settings(
        &self,
        mut settings: LeadSettings,
    ) -> Result<LeadSettings, LeadError> {
        settings.validate()?;
        settings.updated_at = self.deps.clock.now();
        self.deps.store.put_lead_settings(&settings).await?;
        let mut page = PageRequest {
            limit: 200,
            cursor: None,
        };
        loop {
            let listed = self
                .deps
                .store
                .list_leads(&settings.tenant_id, None, &page)
                .await?;
            for seen in listed.items {
                let _lock = self.lock(&seen.id).await?;
                let Some(mut lead) = self.deps.store.get_lead(&seen.tenant_id, &seen.id).await?
                else {
                    continue;
                };
                let before = lead.due();
                lead.plan(&settings.follow_ups);
                if lead.due() != before {
                    self.deps.store.save_lead(&lead).await?;
                }
            }
            match listed.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => break,
            }
        }
        self.wake();
        Ok(settings)
    }

    /// The organisation's lead of a WhatsApp number (digits with the country code).
    pub async fn find_by_phone(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<Option<Lead>, StoreError> {
        self.deps.store.find_lead_by_phone(tenant, phone).await
    }

    /// What the organisation's rules say about `details` today.
    pub fn assess(&self, settings: &LeadSettings, details: &LeadDetails) -> Assessment {
        settings
            .qualification
            .assess_at(details, self.deps.clock.now())
    }

    /// Adds a lead: `phone` as people write it (the organisation's default country code goes
    /// before a local number). `Store(Conflict)` when the organisation has a lead with that
    /// number already.
    pub async fn create(
        &self,
        tenant: &TenantId,
        phone: &str,
        details: LeadDetails,
        automation: bool,
        by: &str,
    ) -> Result<Lead, LeadError> {
        details.validate()?;
        let settings = self.settings(tenant).await?;
        let now = self.deps.clock.now();
        let Some(mut lead) = Lead::new(
            tenant.clone(),
            phone,
            settings.default_country_code.as_deref(),
            details,
            automation,
            now,
        ) else {
            let mut errors = ValidationErrors::default();
            errors.add(
                "phoneNumber",
                "must be a WhatsApp number with its country code, such as +91 98765 43210",
            );
            return Err(errors.into());
        };
        let mut events = vec![LeadEventKind::Created];
        events.extend(self.qualify(&mut lead, &settings, now));
        lead.plan(&settings.follow_ups);
        self.deps.store.insert_lead(&lead).await?;
        self.record(&lead, by, events, now).await?;
        self.wake_if_due(&lead, now);
        Ok(lead)
    }

    /// Changes some of a lead's details (and qualifies it when they now satisfy the rules).
    pub async fn update(
        &self,
        tenant: &TenantId,
        id: &LeadId,
        patch: &LeadPatch,
        by: &str,
    ) -> Result<Lead, LeadError> {
        self.change(tenant, id, by, |lead, settings, now, leads| {
            let (details, changed) = patch.apply_to(&lead.details);
            details.validate()?;
            if changed.is_empty() {
                return Ok(Vec::new());
            }
            lead.details = details;
            let mut events = vec![LeadEventKind::DetailsChanged {
                fields: changed.into_iter().map(str::to_owned).collect(),
            }];
            events.extend(leads.qualify(lead, settings, now));
            Ok(events)
        })
        .await
    }

    /// Moves a lead to `stage`; a rejection reason says it is no longer pursued.
    pub async fn set_stage(
        &self,
        tenant: &TenantId,
        id: &LeadId,
        stage: LeadStage,
        rejection_reason: Option<String>,
        by: &str,
    ) -> Result<Lead, LeadError> {
        let mut errors = ValidationErrors::default();
        if let Some(reason) = &rejection_reason {
            errors.check_text("rejectionReason", reason, 500);
        }
        errors.into_result(())?;
        self.change(tenant, id, by, |lead, settings, now, _| {
            if lead.stage == stage && lead.rejection_reason == rejection_reason {
                return Ok(Vec::new());
            }
            let from = lead.stage;
            lead.set_stage(stage, rejection_reason.clone(), &settings.follow_ups, now);
            Ok(vec![LeadEventKind::StageChanged {
                from,
                to: stage,
                reason: rejection_reason.clone(),
            }])
        })
        .await
    }

    /// Turns a lead's automated follow-ups on or off.
    pub async fn set_automation(
        &self,
        tenant: &TenantId,
        id: &LeadId,
        on: bool,
        by: &str,
    ) -> Result<Lead, LeadError> {
        self.change(tenant, id, by, |lead, settings, now, _| {
            if lead.automation == on {
                return Ok(Vec::new());
            }
            lead.set_automation(on, &settings.follow_ups, now);
            Ok(vec![LeadEventKind::AutomationChanged { on }])
        })
        .await
    }

    /// Logs a call, meeting, message or note on a lead.
    pub async fn log_interaction(
        &self,
        tenant: &TenantId,
        id: &LeadId,
        interaction: LoggedInteraction,
        by: &str,
    ) -> Result<LeadEvent, LeadError> {
        interaction.validate()?;
        let _lock = self.lock(id).await?;
        let Some(lead) = self.deps.store.get_lead(tenant, id).await? else {
            return Err(LeadError::NotFound);
        };
        let event = LeadEvent::new(
            tenant,
            &lead.id,
            by,
            LeadEventKind::Interaction(interaction),
            self.deps.clock.now(),
        );
        self.deps.store.append_lead_event(&event).await?;
        Ok(event)
    }

    /// Under the lead's lock: reads it, lets `edit` change it and say what happened, and stores
    /// it with those events when anything did.
    async fn change(
        &self,
        tenant: &TenantId,
        id: &LeadId,
        by: &str,
        edit: impl FnOnce(
            &mut Lead,
            &LeadSettings,
            Timestamp,
            &Leads,
        ) -> Result<Vec<LeadEventKind>, ValidationErrors>,
    ) -> Result<Lead, LeadError> {
        let settings = self.settings(tenant).await?;
        let _lock = self.lock(id).await?;
        let Some(mut lead) = self.deps.store.get_lead(tenant, id).await? else {
            return Err(LeadError::NotFound);
        };
        let now = self.deps.clock.now();
        let events = edit(&mut lead, &settings, now, self)?;
        if events.is_empty() {
            return Ok(lead);
        }
        lead.updated_at = now;
        lead.plan(&settings.follow_ups);
        self.deps.store.save_lead(&lead).await?;
        self.record(&lead, by, events, now).await?;
        self.wake_if_due(&lead, now);
        Ok(lead)
    }

    /// Moves an unreal lead whose details satisfy the rules to `Real`; the event it makes.
    fn qualify(
        &self,
        lead: &mut Lead,
        settings: &LeadSettings,
        now: Timestamp,
    ) -> Option<LeadEventKind> {
        let qualifies = lead.stage == LeadStage::Unreal
            && lead.rejection_reason.is_none()
            && self.assess(settings, &lead.details) == Assessment::Qualified;
        if !qualifies {
            return None;
        }
        lead.set_stage(LeadStage::Real, None, &settings.follow_ups, now);
        Some(LeadEventKind::StageChanged {
            from: LeadStage::Unreal,
            to: LeadStage::Real,
            reason: Some("the details satisfy the organisation's qualification rules".to_owned()),
        })
    }

    async fn record(
        &self,
        lead: &Lead,
        by: &str,
        events: Vec<LeadEventKind>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        for kind in events {
            let event = LeadEvent::new(&lead.tenant_id, &lead.id, by, kind, now);
            self.deps.store.append_lead_event(&event).await?;
        }
        Ok(())
    }

    fn wake_if_due(&self, lead: &Lead, now: Timestamp) {
        if lead.due().is_some_and(|due| due <= now) {
            self.wake();
        }
    }

    async fn lock(&self, id: &LeadId) -> Result<NamedGuard<'_>, StoreError> {
        self.deps
            .locks
            .hold(&lead_lock_name(id))
            .await
            .map_err(|error| StoreError::Unavailable(error.to_string()))
    }
}
