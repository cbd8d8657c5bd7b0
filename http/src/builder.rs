//! Putting the HTTP surface together in the order the node needs: the Socket.IO endpoint exists
//! first, so its [`WebChannel`] can be handed to the node; the node's session dispatcher then
//! finishes the router.

use crate::auth::{AuthSetupError, Authenticator};
use crate::config::HttpConfig;
use crate::console::presence::PresenceRoster;
use crate::console::{self, ConsoleAgentDirectory, ConsoleChannel};
use crate::knowledge::KnowledgeServices;
use crate::metrics;
use crate::router::build;
use crate::sessions::SessionDispatcher;
use crate::state::AppState;
use crate::widget::{WebChannel, demo, socket};
use axum::Router;
use botwot_cluster::ClusterNode;
use botwot_engine::knowledge::IngestionObserver;
use botwot_engine::ports::{Storage, StoreError};
use botwot_engine::time::Clock;
use botwot_storage::limits::{LimitError, LocalRateLimiter, RateLimiter, RedisRateLimiter};
use socketioxide::SocketIo;
use socketioxide::layer::SocketIoLayer;
use std::sync::Arc;

/// The HTTP surface before the node exists.
///
/// ```ignore
/// let http = HttpBuilder::new(config.http)?;
/// let web = Arc::new(http.web_channel()); // the node's web sender and its session observer
/// let node = Node::start(node_config, NodeDeps { sender: web.clone(), observer: web, .., fences: None }).await?;
/// node.set_agent_directory(Arc::new(http.agent_directory(store.clone()))); // auto-assignment
/// let knowledge = KnowledgeServices::start(&config, store.clone(), http.ingestion_observer(), clock.clone()).await?;
/// let http = http.cluster(cluster_node); // only with `serve --cluster`
/// let app = http.finish(store, Arc::new(node.sessions()), clock, knowledge).await?;
/// axum::serve(listener, app).with_graceful_shutdown(signal).await?;
/// ```
pub struct HttpBuilder {
    config: HttpConfig,
    auth: Arc<Authenticator>,
    io: SocketIo,
    layer: SocketIoLayer,
    limiter: Arc<dyn RateLimiter>,
    roster: PresenceRoster,
    cluster: Option<Arc<ClusterNode>>,
}

impl HttpBuilder {
    /// Creates the Socket.IO endpoint, the authenticator (signing keys, password hashing,
    /// mailer) and installs the metrics recorder (once per process). Fails on unusable
    /// authentication settings, such as a signing secret shorter than 32 bytes.
    pub fn new(config: HttpConfig) -> Result<Self, AuthSetupError> {
        let auth = Arc::new(Authenticator::from_config(&config.auth)?);
        metrics::recorder();
        let max_payload = u64::try_from(config.body_limit_bytes).unwrap_or(u64::MAX);
        let (layer, io) = SocketIo::builder()
            .max_payload(max_payload)
            .ws_max_message_size(config.body_limit_bytes)
            .build_layer();
        Ok(Self {
            config,
            auth,
            io,
            layer,
            limiter: Arc::new(LocalRateLimiter::new()),
            roster: PresenceRoster::default(),
            cluster: None,
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

    /// This node's cluster membership, for the cluster administration routes; without it they
    /// answer 409 `not_clustered`.
    pub fn cluster(mut self, cluster: Arc<ClusterNode>) -> Self {
        self.cluster = Some(cluster);
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

    /// Who of an organisation is online at a console on this node and how many conversations
    /// each owns: give it to the node for auto-assignment (`Node::set_agent_directory`).
    pub fn agent_directory(&self, store: Arc<dyn Storage>) -> ConsoleAgentDirectory {
        ConsoleAgentDirectory::new(self.roster.clone(), store)
    }

    /// The shared state of the handlers, and the widget and console namespaces opened on it.
    pub fn state(
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
            knowledge,
            cluster: self.cluster.clone(),
        };
        socket::open_namespace(&self.io, state.clone());
        console::socket::open_namespace(&self.io, state.clone(), self.roster.clone());
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
        let state = self.state(store, sessions, clock, knowledge);
        if state.config.demo_bot {
            demo::ensure_demo_bot(&state).await?;
        }
        Ok(build(state, Some(self.layer)))
    }
}
