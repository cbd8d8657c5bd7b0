//! What every handler shares: configuration, storage, the session dispatcher, the clock, the
//! metrics handle, the rate limiter, the authenticator, the knowledge services, the channels'
//! media, payments, shops, phone calls and, on a cluster node, its membership.

use crate::auth::Authenticator;
use crate::config::HttpConfig;
use crate::knowledge::KnowledgeServices;
use crate::routes::billing::Payments;
use crate::routes::campaigns::CampaignLocks;
use crate::routes::shopify::Commerce;
use crate::routes::voice::Telephone;
use crate::sessions::SessionDispatcher;
use crate::widget::usage::UsageTally;
use botwot_actors::{CampaignRunner, Leads, PostPublisher};
use botwot_adapters::meta::graph::contact_signals::ContactSignals;
use botwot_adapters::meta::graph::template_library::TemplateLibrary;
use botwot_adapters::meta::media::MediaLibrary;
use botwot_cluster::ClusterNode;
use botwot_engine::Timestamp;
use botwot_engine::ports::Storage;
use botwot_engine::time::Clock;
use botwot_storage::limits::RateLimiter;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<HttpConfig>,
    /// Bots, sessions and transcripts are read here; session changes go through `sessions`.
    pub store: Arc<dyn Storage>,
    pub sessions: Arc<dyn SessionDispatcher>,
    pub clock: Arc<dyn Clock>,
    pub metrics: PrometheusHandle,
    /// Request budgets per IP, user and organisation (in-process, or shared through Redis).
    pub limiter: Arc<dyn RateLimiter>,
    /// Token signing, password hashing, one-time codes and mail.
    pub auth: Arc<Authenticator>,
    /// Blobs, the knowledge index, ingestion and the brain.
    pub knowledge: KnowledgeServices,
    /// The files contacts send on Meta's channels, kept in the blob store; `None` when the node
    /// has no Graph API to download them with.
    pub media: Option<Arc<MediaLibrary>>,
    /// WhatsApp message templates, managed at Meta; `None` without a Graph API.
    pub templates: Option<Arc<TemplateLibrary>>,
    /// Read receipts and typing indicators to contacts on Meta's channels; `None` without a
    /// Graph API.
    pub contact_signals: Option<Arc<ContactSignals>>,
    /// This node as a cluster member; `None` when it runs alone. The cluster administration
    /// routes answer through it.
    pub cluster: Option<Arc<ClusterNode>>,
    /// One change of a campaign at a time, across the cluster's nodes.
    pub campaign_locks: CampaignLocks,
    /// This node's campaign runner, woken when a campaign is launched, scheduled or resumed,
    /// and told of delivery reports on campaign messages; `None` when the node sends no
    /// campaigns (tests of other parts).
    pub campaigns: Option<CampaignRunner>,
    /// Payments through the provider; `None` when none are configured (`payments_disabled`).
    pub payments: Option<Payments>,
    /// This node's post publisher, woken when a post is made for now; `None` in tests of
    /// other parts (posts then wait in the store).
    pub posts: Option<PostPublisher>,
    /// The widget's loads and opens counted on this node, not stored yet.
    pub widget_usage: Arc<UsageTally>,
    /// Shops and their order reminders; `None` in tests of other parts (`commerce_disabled`).
    pub commerce: Option<Commerce>,
    /// Leads and their follow-ups; `None` in tests of other parts (`leads_disabled`).
    pub leads: Option<Leads>,
    /// Phone calls through Twilio and the conversational AI; `None` when none is configured
    /// (`voice_disabled`).
    pub voice: Option<Telephone>,
}

impl AppState {
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
