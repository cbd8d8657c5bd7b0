//! WhatsApp campaigns (PRD §3.7.1): approved templates sent to a list of contacts, followed by a
//! multi-step workflow whose steps wait for the delivery status of the last message (`sent`,
//! `delivered`, `read`, `failed`) and then a fixed time: abandoned-cart recovery, order
//! confirmation sequences, lead nurturing, feedback collection.
//!
//! This module is the domain model only, pure like the rest of the engine: the campaign an
//! organisation defines ([`Campaign`], created from a validated [`NewCampaign`]) and its
//! lifecycle (draft, scheduled, running, paused, completed or cancelled, each transition refused
//! with a [`CampaignRefusal`] when it does not apply), the workflow and its validation
//! ([`CampaignWorkflow`]), one recipient's state machine ([`RecipientProgress::apply`], whose
//! module documents every rule), its audience ([`CampaignRecipient`], one per phone number read
//! by [`AudienceContact::parse`]) and the campaign's metrics ([`CampaignTally`]). Nothing here
//! stores a campaign, sends a message or runs a timer; time comes in with each call.

mod audience;
mod definition;
mod due;
mod lifecycle;
mod opt_out;
mod recipient;
mod refusal;
mod tally;
mod turn;
mod workflow;

#[cfg(test)]
mod definition_tests;
#[cfg(test)]
mod event_order_tests;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod recipient_tests;
#[cfg(test)]
mod workflow_tests;

pub use crate::ids::CampaignId;
pub use audience::{
    AudienceContact, CampaignMessageRef, CampaignRecipient, ContactError, MAX_CONTACT_NAME_CHARS,
    MAX_PARAMETER_CHARS, MAX_TEMPLATE_PARAMETERS, PHONE_DIGITS, PendingSend,
};
pub use definition::{
    Campaign, CampaignStatus, LANGUAGE_CHARS, MAX_CAMPAIGN_NAME_CHARS, MAX_CHANNEL_ACCOUNT_CHARS,
    NewCampaign,
};
pub use opt_out::{OPT_OUT_REPLIES, is_opt_out_reply};
pub use recipient::{
    ArmedStep, RecipientAction, RecipientEvent, RecipientOutcome, RecipientProgress,
    SEND_RETRY_INTERVAL, SEND_RETRY_LIMIT,
};
pub use refusal::{CampaignEditError, CampaignRefusal};
pub use tally::{CampaignTally, DeliveryCounts};
pub use workflow::{
    CampaignWorkflow, MAX_FOLLOW_UPS, MAX_STEP_NAME_CHARS, MAX_STEPS, MAX_TEMPLATE_ID_CHARS,
    MAX_WAIT, StepTrigger, WorkflowStep,
};
