//! Putting the HTTP surface together in the order the node needs: the Socket.IO endpoint exists
//! first, so its [`WebChannel`] can be handed to the node; the node's session dispatcher then
//! finishes the router.

use crate::auth::{AuthSetupError, Authenticator};
use crate::config::HttpConfig;
use crate::console::{self, ConsoleAgentDirectory, ConsoleChannel, PresenceBoard};
use crate::knowledge::KnowledgeServices;
use crate::metrics;
use crate::realtime::{
    self, FanoutDriver, RealtimeError, RealtimeIo, RealtimeLayer, SharedPresence,
};
use crate::router::build;
use crate::routes::billing::Payments;
use crate::routes::campaigns::CampaignLocks;
use crate::routes::shopify::Commerce;
use crate::routes::voice::Telephone;
use crate::sessions::SessionDispatcher;
use crate::state::AppState;
use crate::widget::{WebChannel, demo, socket};
use axum::Router;
use botwot_actors::{CampaignRunner, Leads, NamedLocks, PostPublisher};
use botwot_adapters::meta::graph::contact_signals::ContactSignals;
use botwot_adapters::meta::graph::template_library::TemplateLibrary;
use botwot_adapters::meta::graph::{AccessTokenSource, GraphClient};
use botwot_adapters::meta::media::MediaLibrary;
use botwot_cluster::ClusterNode;
use botwot_engine::integration::IntegrationAlerts;
use botwot_engine::knowledge::IngestionObserver;
use botwot_engine::ports::{Storage, StoreError};
use botwot_engine::time::Clock;
use botwot_storage::limits::{LimitError, LocalRateLimiter, RateLimiter, RedisRateLimiter};
use std::sync::Arc;
use std::time::Duration;

/// The HTTP surface before the node exists.
///
/// ```ignore
/// let mut http = HttpBuilder::new(config.http)?;
/// if config.cluster.enabled { // before anything below: rooms and presence span the nodes
///     http = http.cross_node_realtime(&redis_url, &prefix, &node_id).await?;
/// }
/// let web = Arc::new(http.web_channel()); // the node's web sender and its session observer
/// let node = Node::start(node_config, NodeDeps { sender: web.clone(), observer: web, .., fences: None }).await?;
/// node.set_agent_directory(Arc::new(http.agent_directory(store.clone()))); // auto-assignment
/// let knowledge = KnowledgeServices::start(&config, store.clone(), http.ingestion_observer(), clock.clone(), coordination).await?;
/// let http = http.cluster(cluster_node); // only with `serve --cluster`
/// let app = http.finish(store, Arc::new(node.sessions()), clock, knowledge).await?;
/// axum::serve(listener, app).with_graceful_shutdown(signal).await?;
/// ```
pub struct HttpBuilder {
    config: HttpConfig,
    auth: Arc<Authenticator>,
    io: RealtimeIo,
    layer: RealtimeLayer,
    /// What carries room emits to the other nodes (nothing until `cross_node_realtime`).
    fanout: FanoutDriver,
    limiter: Arc<dyn RateLimiter>,
    board: PresenceBoard,
    cluster: Option<Arc<ClusterNode>>,
    /// The Graph API and tokens that inbound media is downloaded with.
    meta_graph: Option<(GraphClient, Arc<dyn AccessTokenSource>)>,
    campaign_locks: CampaignLocks,
    campaigns: Option<CampaignRunner>,
    payments: Option<Payments>,
    posts: Option<PostPublisher>,
    commerce: Option<Commerce>,
    leads: Option<Leads>,
    voice: Option<Telephone>,
}

impl HttpBuilder {
    /// Creates the Socket.IO endpoint, the authenticator (signing keys, password hashing,
    /// mailer) and installs the metrics recorder (once per process). Fails on unusable
    /// authentication settings, such as a signing secret shorter than 32 bytes.
    pub fn new(config: HttpConfig) -> Result<Self, AuthSetupError> {
        let auth = Arc::new(Authenticator::from_config(&config.auth)?);
        metrics::recorder();
        let fanout = FanoutDriver::default();
        let (layer, io) = realtime::socket_io(config.body_limit_bytes, fanout.clone());
        Ok(Self {
            config,
            auth,
            io,
            layer,
            fanout,
            limiter: Arc::new(LocalRateLimiter::new()),
            board: PresenceBoard::default(),
            cluster: None,
            meta_graph: None,
            campaign_locks: CampaignLocks::default(),
            campaigns: None,
            payments: None,
            posts: None,
            commerce: None,
            leads: None,
            voice: None,
        })
    }

    /// Shares the per-IP budget with the other nodes through the configured Redis, when one is
    /// configured; otherwise this node counts alone.
    pub async fn connect_rate_limiter(mut self) -> Result<Self, LimitError> {
        if let Some(url) = self.config.rate_limit.redis_url.clone() {
            self.limiter = Arc::new(RedisRateLimiter::connect(&url, "botwot:rl:").await?);
        }
        Ok(self)
    }

    /// Makes the realtime surface span the cluster: room emits (widget messages and notices,
    /// console events, presence) reach sockets on every node through `redis_url`, and agents
    /// at a console of any node are on the roster and offered conversations. Every key and
    /// channel is under `prefix` (the cluster's, for example `botwot:`); `node_id` names this
    /// node's presence entries. Call it before [`HttpBuilder::state`] or
    /// [`HttpBuilder::finish`] open the namespaces. Fails when Redis cannot be reached now;
    /// later outages keep emits on this node (logged and counted) until Redis is back.
    pub async fn cross_node_realtime(
        mut self,
        redis_url: &str,
        prefix: &str,
        node_id: &str,
    ) -> Result<Self, RealtimeError> {
        let ttl = Duration::from_millis(self.config.realtime.presence_ttl_ms.max(30));
        let presence = SharedPresence::connect(redis_url, prefix, node_id, ttl).await?;
        self.fanout.connect(redis_url, prefix).await?;
        self.board.share(presence)?;
        self.config.realtime.cross_node_id = Some(node_id.to_owned());
        tracing::info!(node_id, "realtime surface spans the cluster");
        Ok(self)
    }

    /// This node's cluster membership, for the cluster administration routes; without it they
    /// answer 409 `not_clustered`.
    pub fn cluster(mut self, cluster: Arc<ClusterNode>) -> Self {
        self.cluster = Some(cluster);
        self
    }

    /// The node's named locks (shared with its campaign runner, and through the coordination
    /// they were made with, with the other nodes); by default this process's own.
    pub fn named_locks(mut self, locks: NamedLocks) -> Self {
        self.campaign_locks = CampaignLocks(locks);
        self
    }

    /// The node's campaign runner (made with the same named locks).
    pub fn campaign_runner(mut self, runner: CampaignRunner) -> Self {
        self.campaigns = Some(runner);
        self
    }

    /// The node's post publisher.
    pub fn post_publisher(mut self, publisher: PostPublisher) -> Self {
        self.posts = Some(publisher);
        self
    }

    /// Shops: the node's order reminders and where Shopify sends webhooks.
    pub fn commerce(mut self, commerce: Commerce) -> Self {
        self.commerce = Some(commerce);
        self
    }

    /// Leads: the node's lead book and its follow-up worker.
    pub fn leads(mut self, leads: Leads) -> Self {
        self.leads = Some(leads);
        self
    }

    /// Phone calls: the node's calls and the conversational AI's webhook secret.
    pub fn voice(mut self, voice: Telephone) -> Self {
        self.voice = Some(voice);
        self
    }

    /// Payments: the node's billing and the provider's webhook secret.
    pub fn payments(mut self, payments: Payments) -> Self {
        self.payments = Some(payments);
        self
    }

    /// The web channel: give it to the node as the web [`ChannelSender`] and as a
    /// [`SessionObserver`].
    ///
    /// [`ChannelSender`]: botwot_engine::ports::ChannelSender
    /// [`SessionObserver`]: botwot_engine::ports::SessionObserver
    pub fn web_channel(&self) -> WebChannel {
        WebChannel::new(self.io.clone())
    }

    /// Where knowledge ingestion reports progress: the organisation's consoles.
    pub fn ingestion_observer(&self) -> Arc<dyn IngestionObserver> {
        Arc::new(ConsoleChannel::new(self.io.clone()))
    }

    /// Talks to Meta's Graph API with `client` and the accounts' `tokens` for more than sending:
    /// downloading the files contacts send (kept in the knowledge blob store) and managing
    /// WhatsApp message templates, and read receipts.
    pub fn meta_graph(mut self, client: GraphClient, tokens: Arc<dyn AccessTokenSource>) -> Self {
        self.meta_graph = Some((client, tokens));
        self
    }

    /// Whom an integration that stops working is told to: the organisation's consoles.
    pub fn integration_alerts(&self) -> Arc<dyn IntegrationAlerts> {
        Arc::new(ConsoleChannel::new(self.io.clone()))
    }

    /// Who of an organisation is online at a console (of any node once cross-node) and how
    /// many conversations each owns: give it to the node for auto-assignment
    /// (`Node::set_agent_directory`).
    pub fn agent_directory(&self, store: Arc<dyn Storage>) -> ConsoleAgentDirectory {
        ConsoleAgentDirectory::new(self.board.clone(), store)
    }

    /// The shared state of the handlers, and the widget and console namespaces opened on it
    /// (cross-node, once their channels are subscribed).
    pub async fn state(
        &self,
        store: Arc<dyn Storage>,
        sessions: Arc<dyn SessionDispatcher>,
        clock: Arc<dyn Clock>,
        knowledge: KnowledgeServices,
    ) -> AppState {
        let state = AppState {
            config: Arc::new(self.config.clone()),
            store,
            sessions,
            clock,
            metrics: metrics::recorder(),
            limiter: self.limiter.clone(),
            auth: self.auth.clone(),
            media: self.meta_graph.clone().map(|(client, tokens)| {
                Arc::new(MediaLibrary::new(client, tokens, knowledge.blobs.clone()))
            }),
            templates: self
                .meta_graph
                .clone()
                .map(|(client, tokens)| Arc::new(TemplateLibrary::new(client, tokens))),
            contact_signals: self
                .meta_graph
                .clone()
                .map(|(client, tokens)| Arc::new(ContactSignals::new(client, tokens))),
            knowledge,
            cluster: self.cluster.clone(),
            campaign_locks: self.campaign_locks.clone(),
            campaigns: self.campaigns.clone(),
            payments: self.payments.clone(),
            posts: self.posts.clone(),
            commerce: self.commerce.clone(),
            leads: self.leads.clone(),
            voice: self.voice.clone(),
            widget_usage: Arc::default(),
        };
        let every = Duration::from_millis(self.config.widget_usage_flush_ms.max(10));
        state.widget_usage.clone().spawn(
            state.store.clone(),
            state.campaign_locks.0.clone(),
            every,
        );
        socket::open_namespace(&self.io, state.clone()).await;
        console::socket::open_namespace(&self.io, state.clone(), self.board.clone()).await;
        state
    }

    /// The finished application: every route plus the widget's Socket.IO endpoint. Creates the
    /// demo bot first when the configuration asks for it.
    pub async fn finish(
        self,
        store: Arc<dyn Storage>,
        sessions: Arc<dyn SessionDispatcher>,
        clock: Arc<dyn Clock>,
        knowledge: KnowledgeServices,
    ) -> Result<Router, StoreError> {
        let state = self.state(store, sessions, clock, knowledge).await;
        if state.config.demo_bot {
            demo::ensure_demo_bot(&state).await?;
        }
        Ok(build(state, Some(self.layer)))
    }
}
