//! Ports: what the engine needs from storage, channels and live subscribers. `storage`,
//! `adapters` and `http` implement them; `actors` drives the engine through them.
//!
//! One file per family: `session_store` (commits and fences), `scheduled` (timers and the
//! outbox), `accounts` (organisations, people, audit), `content` (what an organisation
//! configures), `campaigns` (campaigns and their audiences), `billing` (payments and what they bought), `social` (posts on pages and accounts), `commerce` (shops and their orders), `voice` (phone numbers and calls), `insights` (analyses of sessions), `leads` (leads and their follow-ups) and `channels` (what leaves the
//! engine); [`Storage`] is all the stores at once.

mod accounts;
mod billing;
mod campaigns;
mod channels;
mod commerce;
mod content;
mod insights;
mod leads;
mod scheduled;
mod sealing;
mod session_store;
mod social;
mod voice;

pub use accounts::{AccountStore, AuditStore};
pub use billing::{BillingStore, PaymentProvider, ProviderError, ProviderOrder};
pub use campaigns::{CampaignRunStore, CampaignSender, CampaignStore};
pub use channels::{
    ChannelSender, DeliveryError, DeliveryReceipt, MailError, Mailer, OutgoingMail, SessionObserver,
};
pub use commerce::{
    ReminderSender, ShopAccess, ShopDetails, ShopStore, ShopifyAdmin, ShopifyError,
};
pub use content::{
    BotStore, CannedResponseStore, IntegrationStore, KnowledgeStore, VoiceAgentStore,
};
pub use insights::{InsightStore, WidgetUsageStore};
pub use leads::{FollowUpSender, LeadStore};
pub use scheduled::{OutboxStore, TimerStore};
pub use sealing::Sealer;
pub use session_store::{
    CommitOutcome, Fence, SessionAccess, SessionCommit, SessionFilter, SessionStore, WriteAccess,
};
pub use social::{SocialPostStore, SocialPublisher};
pub use voice::{
    CallFilter, CallHooks, CallRegistration, ConversationalAi, Telephony, TwilioCredentials,
    VoiceProviderError, VoiceStore,
};

use thiserror::Error;

/// Why a store could not do what was asked.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The backend could not be reached or refused the operation; retrying may help.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A stored record could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The write conflicts with what is stored (a unique key is taken).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    /// The request itself is wrong (a page cursor from another listing, say); retrying won't help.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The writer's shard lease is stale: a newer holder of the shard has written since. The
    /// writer must stop running the shard's sessions; retrying won't help.
    #[error("fenced: {0}")]
    Fenced(String),
}

/// One page of a listing and the cursor of the next, if there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Which page to read: at most `limit` items after the opaque `cursor` of the previous page.
/// A `limit` of 0 means the backend's default page size; backends cap it at their maximum.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PageRequest {
    pub limit: usize,
    pub cursor: Option<String>,
}

/// All the storage a node needs.
pub trait Storage:
    BotStore
    + SessionStore
    + TimerStore
    + OutboxStore
    + IntegrationStore
    + AccountStore
    + AuditStore
    + CannedResponseStore
    + KnowledgeStore
    + VoiceAgentStore
    + CampaignStore
    + CampaignRunStore
    + BillingStore
    + SocialPostStore
    + VoiceStore
    + InsightStore
    + ShopStore
    + WidgetUsageStore
    + LeadStore
{
}
impl<
    T: BotStore
        + SessionStore
        + TimerStore
        + OutboxStore
        + IntegrationStore
        + AccountStore
        + AuditStore
        + CannedResponseStore
        + KnowledgeStore
        + VoiceAgentStore
        + CampaignStore
        + CampaignRunStore
        + BillingStore
        + SocialPostStore
        + VoiceStore
        + InsightStore
        + ShopStore
        + WidgetUsageStore
        + LeadStore,
> Storage for T
{
}
