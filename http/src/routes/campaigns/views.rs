//! What the campaign routes answer with: a campaign, one recipient, the metrics.

use botwot_engine::Timestamp;
use botwot_engine::campaign::{
    Campaign, CampaignRecipient, CampaignTally, CampaignWorkflow, RecipientProgress,
};
use serde::Serialize;
use utoipa::ToSchema;

/// A stored campaign.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    /// The phone number id of the WhatsApp number it sends from.
    pub channel_account: String,
    pub opening_template_id: String,
    pub language: String,
    /// `{ maxFollowUps, steps: [{ name, on, waitMs, templateId, terminal }] }`.
    #[schema(value_type = Object)]
    pub workflow: CampaignWorkflow,
    /// How many recipients its audience holds.
    pub audience_size: u32,
    /// `draft`, `scheduled`, `running`, `paused`, `completed` or `cancelled`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launched_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

fn time(at: Option<Timestamp>) -> Option<String> {
    at.map(Timestamp::to_rfc3339)
}

impl From<&Campaign> for CampaignView {
    fn from(campaign: &Campaign) -> Self {
        Self {
            id: campaign.id.to_string(),
            name: campaign.name.clone(),
            channel_account: campaign.channel_account.clone(),
            opening_template_id: campaign.opening_template_id.clone(),
            language: campaign.language.clone(),
            workflow: campaign.workflow.clone(),
            audience_size: campaign.audience_size,
            status: campaign.status.as_str().to_owned(),
            starts_at: time(campaign.starts_at),
            created_at: campaign.created_at.to_rfc3339(),
            updated_at: campaign.updated_at.to_rfc3339(),
            launched_at: time(campaign.launched_at),
            finished_at: time(campaign.finished_at),
        }
    }
}

/// One contact of a campaign's audience and how far its journey got.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipientView {
    /// Digits only, with the country code (the contact's WhatsApp id).
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The texts of the templates' `{{1}}`, `{{2}}`, ... for this contact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<String>,
    pub added_at: String,
    /// The recipient's journey: `startedAt`, `outcome`, `lastStatus`, `followUps`, `armed`, ...
    #[schema(value_type = Object)]
    pub progress: RecipientProgress,
}

impl From<&CampaignRecipient> for RecipientView {
    fn from(recipient: &CampaignRecipient) -> Self {
        Self {
            phone: recipient.phone.clone(),
            name: recipient.name.clone(),
            parameters: recipient.parameters.clone(),
            added_at: recipient.added_at.to_rfc3339(),
            progress: recipient.progress.clone(),
        }
    }
}

/// A campaign's metrics, counted from its recipients.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignMetricsView {
    pub campaign_id: String,
    pub status: String,
    pub audience_size: u32,
    /// Messages (`sent`, `delivered`, `read`, `failed`) and recipients (`recipients`,
    /// `completed`, `unreachable`, `optedOut`, `inProgress`).
    #[schema(value_type = Object)]
    pub tally: CampaignTally,
}
