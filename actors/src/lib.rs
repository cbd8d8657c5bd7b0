//! The live side of BotWot: one supervised actor per session, the registry that finds or starts
//! it, the node's single timer service with durable timers, and the outbox dispatcher.
//!
//! A session actor is a thin loop: it applies each event with `botwot_engine::session::apply`,
//! commits everything the transition wrote in one storage commit, and only then delivers
//! messages, arms timers, asks the brain (off its mailbox) and notifies subscribers. Idle actors
//! are passivated; messages that arrive meanwhile are held and handed to the next incarnation.
//! [`Ingestion`] runs knowledge-base ingestion jobs in the background and resumes unfinished ones
//! at start; [`CampaignRunner`] sends campaigns, every recipient's journey resumed from the
//! store; [`Billing`] settles what organisations paid for into their plan tier; [`PostPublisher`] publishes
//! posts on Facebook pages and Instagram accounts at their time; [`OrderReminders`] asks shops'
//! cash-on-delivery customers to confirm their orders on WhatsApp; [`Leads`] keeps sales leads and
//! sends their follow-ups; [`VoiceCalls`] runs phone calls
//! with voice agents through Twilio and the conversational AI, every call's check kept in the
//! store. [`Node`] wires it all together; [`Sessions`] is the handle the HTTP layer talks to.
//! In a cluster, [`ClusterHost`] hands the node the shards it holds and [`ClusteredSessions`]
//! takes the place of [`Sessions`], sending each event to the node that runs its session; a
//! single node on embedded storage uses [`LoggedSessions`], which acknowledges webhooks once
//! their events are in its inbound log.

#![forbid(unsafe_code)]

mod answering;
mod assigner;
mod billing;
mod bot_cache;
mod campaigns;
mod clock;
mod clustered;
mod commit;
mod config;
mod due_work;
mod held_back;
mod inbound;
mod ingestion;
mod leads;
mod named_locks;
mod node;
mod order_reminders;
mod outbox;
mod registry;
mod session_actor;
mod session_quota;
mod sessions;
mod social_posts;
mod supervisor;
mod timer_records;
mod timers;
mod voice_calls;

pub use billing::{
    Billing, BillingConfig, BillingDeps, BillingError, EventOutcome, billing_lock_name,
};
pub use campaigns::{
    CampaignRunner, CampaignRunnerConfig, CampaignRunnerDeps, RunError, campaign_lock_name,
    campaign_tally,
};
pub use clock::{SystemClock, TokioClock};
pub use clustered::{ClusterHost, ClusteredSessions};
pub use config::NodeConfig;
pub use due_work::{DueWork, Pace};
pub use inbound::{InboundLogConfig, LoggedSessions};
pub use ingestion::{Ingestion, IngestionConfig, IngestionDeps};
pub use leads::{
    BY_AUTOMATION, BY_BOT, LeadError, LeadTools, Leads, LeadsConfig, LeadsDeps, lead_lock_name,
};
pub use named_locks::{LockError, NamedGuard, NamedLocks};
pub use node::{Node, NodeDeps, NodeSnapshot};
pub use order_reminders::{
    OrderReminders, OrderRemindersConfig, OrderRemindersDeps, ShopTools, SyncError,
    order_lock_name, shop_secret_context, shop_token_context,
};
pub use sessions::{Envelope, Outcome, SessionError, Sessions};
pub use social_posts::{PostPublisher, PostPublisherConfig, PostPublisherDeps, post_lock_name};
pub use timers::TimerService;
pub use voice_calls::{
    CALL_ID_VARIABLE, CallAnswer, CallEnded, IncomingCall, PostCallEvent, VoiceCalls,
    VoiceCallsConfig, VoiceCallsDeps, VoiceError,
};
