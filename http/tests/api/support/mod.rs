//! What the HTTP tests share: the application over a real node and embedded store, called
//! in-process with `oneshot`, or served on a loopback port for Socket.IO clients.

pub mod cluster;
pub mod down;
#[path = "../../../../tests/support/elevenlabs_fake/mod.rs"]
pub mod elevenlabs_fake;
pub mod fake_model;
pub mod fake_templates;
pub mod node;
pub mod proxy;
#[path = "../../../../tests/support/razorpay_fake/mod.rs"]
pub mod razorpay_fake;
pub mod socket;
#[path = "../../../../tests/support/twilio_fake/mod.rs"]
pub mod twilio_fake;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use botwot_adapters::auth::tokens::{AccessTokens, Subject};
use botwot_adapters::meta::graph::{GraphClient, GraphConfig};
use botwot_cluster::ClusterNode;
use botwot_engine::access::{Organisation, Permissions, PlanTier, Role, UserAccount, UserStatus};
use botwot_engine::bot::BotSettings;
use botwot_engine::coordination::SingleNode;
use botwot_engine::handover::AgentDirectory;
use botwot_engine::ids::UserId;
use botwot_engine::integration::IntegrationAlerts;
use botwot_engine::ports::Storage;
use botwot_engine::time::Clock;
use botwot_engine::{BotProfile, Direction, SessionId, TenantId};
use botwot_http::auth::{AuthConfig, Authenticator, JwtKey, PasswordHashing};
use botwot_http::config::RateLimitConfig;
use botwot_http::knowledge::{EmbedderChoice, KnowledgeConfig, KnowledgeServices};
use botwot_http::{AppState, HttpBuilder, HttpConfig, WebChannel};
use node::{Answers, Gate, TestNode};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

/// Where Twilio reaches the application of [`TestApp::with_voice`].
pub const VOICE_PUBLIC_URL: &str = "https://calls.botwot.test";

/// A response, its body parsed as JSON when it is JSON (else a string).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `error.code` of an error reply.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        let value = self.headers.get("content-type");
        value.and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The fields a `validation_failed` reply names, in order.
    pub fn fields_at_fault(&self) -> Vec<&str> {
        let details = self.body["error"]["details"].as_array();
        details
            .into_iter()
            .flatten()
            .filter_map(|detail| detail["field"].as_str())
            .collect()
    }
}

/// The application without the Socket.IO endpoint, over a node whose bots never answer.
/// Requests carry the access token of `owner`, a SUPERADMIN of the organisation `default`,
/// unless they send their own `authorization` header (an empty one sends none).
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub node: TestNode,
    pub owner: Account,
    /// Uploaded files and saved indexes.
    _blobs: tempfile::TempDir,
}

/// A user with an access token.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: UserAccount,
    pub token: String,
}

impl Account {
    pub fn tenant(&self) -> &TenantId {
        &self.user.tenant_id
    }

    /// The `authorization` header of this account.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }
}

/// Cheap password hashing (the OWASP cost is for production), a fixed signing key and the
/// development mailbox.
pub fn test_auth() -> AuthConfig {
    AuthConfig {
        jwt_keys: vec![JwtKey {
            kid: "test".into(),
            secret: "a-test-signing-secret-of-at-least-32-bytes".into(),
        }],
        password_hashing: PasswordHashing {
            memory_kib: 64,
            iterations: 1,
            lanes: 1,
        },
        dev_mailbox: true,
        ..AuthConfig::default()
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(HttpConfig::default()).await
    }

    /// The application with `config`; its default `auth` settings become [`test_auth`].
    pub async fn with_config(config: HttpConfig) -> Self {
        Self::assemble(config, false, None).await
    }

    /// The application talking to the Graph API at `graph_base` (with one token for every
    /// account) for templates and media.
    pub async fn with_graph(graph_base: &str) -> Self {
        let graph = GraphClient::new(GraphConfig::with_base_url(graph_base)).expect("graph config");
        Self::assemble_with(HttpConfig::default(), false, None, Some(graph)).await
    }

    /// The application with `config`, answering the cluster administration routes through
    /// `cluster`.
    pub async fn with_cluster(config: HttpConfig, cluster: Arc<ClusterNode>) -> Self {
        Self::assemble(config, false, Some(cluster)).await
    }

    /// The application over a store that cannot be reached.
    pub async fn with_storage_down() -> Self {
        Self::assemble(HttpConfig::default(), true, None).await
    }

    /// The application with payments through the local Razorpay `fake`, its billing reading
    /// `clock`, and the operators' token of [`crate::cluster_admin::with_token`].
    pub async fn with_payments(fake: &razorpay_fake::RazorpayFake, clock: Arc<dyn Clock>) -> Self {
        use botwot_actors::{Billing, BillingConfig, BillingDeps, NamedLocks};
        use botwot_adapters::razorpay::{RazorpayClient, RazorpayConfig};
        let mut app = Self::assemble(crate::cluster_admin::with_token(), false, None).await;
        let client = RazorpayClient::new(
            RazorpayConfig::new(fake.key_id(), fake.key_secret()).with_api_url(fake.base_url()),
        )
        .expect("razorpay config");
        let billing = Billing::new(BillingDeps {
            store: app.state.store.clone(),
            provider: Arc::new(client),
            locks: NamedLocks::default(),
            clock,
            config: BillingConfig::default(),
        });
        app.state.payments = Some(botwot_http::routes::billing::Payments {
            billing,
            webhook_secret: fake.webhook_secret().to_owned(),
        });
        app.router = botwot_http::router(app.state.clone());
        app
    }

    /// The application keeping leads, their follow-ups sent through `sender` at the time of
    /// `clock` (the tests run the follow-up worker by hand).
    pub async fn with_leads(
        sender: Arc<dyn botwot_engine::ports::FollowUpSender>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        use botwot_actors::{Leads, LeadsConfig, LeadsDeps, NamedLocks};
        let mut app = Self::assemble(HttpConfig::default(), false, None).await;
        let leads = Leads::new(
            LeadsDeps {
                store: app.state.store.clone(),
                sender,
                locks: NamedLocks::default(),
                clock,
            },
            LeadsConfig::default(),
        );
        app.state.leads = Some(leads);
        app.router = botwot_http::router(app.state.clone());
        app
    }

    /// The application with phone calls through the local Twilio and ElevenLabs, reached by
    /// Twilio at [`VOICE_PUBLIC_URL`], its calls reading `clock`.
    pub async fn with_voice(
        twilio: &twilio_fake::TwilioFake,
        elevenlabs: &elevenlabs_fake::ElevenLabsFake,
        clock: Arc<dyn Clock>,
    ) -> Self {
        use botwot_actors::{NamedLocks, VoiceCalls, VoiceCallsConfig, VoiceCallsDeps};
        use botwot_adapters::elevenlabs::{ElevenLabsClient, ElevenLabsConfig};
        use botwot_adapters::meta::graph::TokenCipher;
        use botwot_adapters::twilio::{TwilioClient, TwilioConfig};
        let config = HttpConfig {
            public_url: Some(VOICE_PUBLIC_URL.to_owned()),
            ..HttpConfig::default()
        };
        let mut app = Self::assemble(config, false, None).await;
        let telephony = TwilioClient::new(TwilioConfig::default().with_api_url(twilio.base_url()))
            .expect("twilio config");
        let ai = Arc::new(
            ElevenLabsClient::new(
                ElevenLabsConfig::new(elevenlabs.api_key()).with_api_url(elevenlabs.base_url()),
            )
            .expect("elevenlabs config"),
        );
        let key = TokenCipher::random_base64_key().expect("a key");
        let calls = VoiceCalls::new(
            VoiceCallsDeps {
                store: app.state.store.clone(),
                telephony: Arc::new(telephony),
                ai: ai.clone(),
                blobs: app.state.knowledge.blobs.clone(),
                sealer: Arc::new(TokenCipher::from_base64_key(&key).expect("a cipher")),
                locks: NamedLocks::default(),
                clock,
                public_url: VOICE_PUBLIC_URL.to_owned(),
            },
            VoiceCallsConfig::default(),
        );
        app.state.voice = Some(botwot_http::routes::voice::Telephone {
            calls,
            webhook_secret: elevenlabs.webhook_secret().to_owned(),
            voices: Arc::new(botwot_http::routes::voice::voices::VoiceCatalogue::new(ai)),
        });
        app.router = botwot_http::router(app.state.clone());
        app
    }

    /// The application analysing conversations with the OpenAI-compatible model at
    /// `base_url` (bots on the default provider, `openai`).
    pub async fn with_language_model(base_url: &str) -> Self {
        use botwot_adapters::llm::{LlmAnalyst, LlmHttp, OpenAiChat, OpenAiTarget};
        let mut app = Self::assemble(HttpConfig::default(), false, None).await;
        let target = OpenAiTarget::Compatible {
            base_url: base_url.to_owned(),
            api_key: Some("sk-test".into()),
            model: "gpt-4o-mini".into(),
        };
        let http = LlmHttp::new(std::time::Duration::from_secs(10)).expect("llm http");
        let model = OpenAiChat::new(target, http).expect("openai chat");
        let analyst =
            LlmAnalyst::default().with_model(botwot_engine::LlmProvider::Openai, Arc::new(model));
        app.state.knowledge.writer = Arc::new(analyst.clone());
        app.state.knowledge.analyst = Arc::new(analyst);
        app.router = botwot_http::router(app.state.clone());
        app
    }

    /// The application whose HTTP layer (tokens, codes, rate limits) reads `clock`; the node
    /// keeps the system clock.
    pub async fn with_http_clock(clock: Arc<dyn Clock>) -> Self {
        let mut app = Self::assemble(HttpConfig::default(), false, None).await;
        app.state.clock = clock;
        app.router = botwot_http::router(app.state.clone());
        app
    }

    async fn assemble(
        config: HttpConfig,
        storage_down: bool,
        cluster: Option<Arc<ClusterNode>>,
    ) -> Self {
        Self::assemble_with(config, storage_down, cluster, None).await
    }

    async fn assemble_with(
        mut config: HttpConfig,
        storage_down: bool,
        cluster: Option<Arc<ClusterNode>>,
        graph: Option<GraphClient>,
    ) -> Self {
        if config.auth == AuthConfig::default() {
            config.auth = test_auth();
        }
        if config.rate_limit == RateLimitConfig::default() {
            // Every in-process request comes from one unknown address; only the per-address
            // attempt budget stays on.
            config.rate_limit = RateLimitConfig {
                per_ip_per_minute: 0,
                per_user_per_minute: 0,
                per_org_per_minute: 0,
                ..RateLimitConfig::default()
            };
        }
        let mut http = HttpBuilder::new(config).expect("auth settings");
        if let Some(cluster) = cluster {
            http = http.cluster(cluster);
        }
        if let Some(graph) = graph {
            http = http.meta_graph(graph, Arc::new(fake_templates::OneToken));
        }
        let node = TestNode::start(http.web_channel(), Answers::Never).await;
        let store: Arc<dyn Storage> = if storage_down {
            Arc::new(down::DownStore)
        } else {
            node.store.clone()
        };
        let (knowledge, blobs) = test_knowledge(&http, &node).await;
        let state = http
            .state(
                store,
                Arc::new(node.sessions.clone()),
                node.clock.clone(),
                knowledge,
            )
            .await;
        let owner = account_in(
            &state.auth.tokens,
            &node,
            "default",
            Permissions::of(Role::SuperAdmin),
        )
        .await;
        Self {
            router: botwot_http::router(state.clone()),
            state,
            node,
            owner,
            _blobs: blobs,
        }
    }

    /// A new active user of organisation `tenant` (created when missing) with `permissions`.
    pub async fn account(&self, tenant: &str, permissions: Permissions) -> Account {
        account_in(&self.state.auth.tokens, &self.node, tenant, permissions).await
    }

    pub fn sessions(&self) -> &Gate {
        &self.node.sessions
    }

    /// Sends a request with a JSON body (when given) and extra headers.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let own_authorization = headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization"));
        if !own_authorization {
            request = request.header("authorization", self.owner.bearer());
        }
        for (name, value) in headers.iter().filter(|(_, value)| !value.is_empty()) {
            request = request.header(*name, *value);
        }
        let request = request
            .body(body.map_or_else(Body::empty, |body| Body::from(body.to_owned())))
            .expect("request");
        reply(
            self.router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible"),
        )
        .await
    }

    /// The code of the newest mail to `email`, read from the development mailbox.
    pub async fn mailed_code(&self, email: &str) -> String {
        let path = format!("/v1/dev/mailbox?email={email}");
        let mailbox = self
            .call(Method::GET, &path, None, &[("authorization", "")])
            .await;
        assert_eq!(mailbox.status, StatusCode::OK, "{:?}", mailbox.body);
        let text = mailbox.body[0]["text"].as_str().expect("a mail").to_owned();
        let start = text.find("code is ").expect("a code") + "code is ".len();
        text[start..start + 6].to_owned()
    }

    /// Signs up a new organisation (on the BASE plan) through the API; returns its owner's
    /// `Bearer` authorization.
    pub async fn sign_up_base_organisation(&self, email: &str, name: &str) -> String {
        let signup = self
            .open_post("/v1/auth/signup", serde_json::json!({ "email": email }))
            .await;
        assert_eq!(signup.status, StatusCode::ACCEPTED, "{:?}", signup.body);
        let code = self.mailed_code(email).await;
        let body = serde_json::json!({"email": email, "code": code, "password": "owner password 1",
                          "firstName": "Own", "organisationName": name});
        let created = self.open_post("/v1/auth/signup/verify", body).await;
        let token = created.body["accessToken"].as_str().expect("access token");
        format!("Bearer {token}")
    }

    /// Posts `body` without any access token.
    pub async fn open_post(&self, path: &str, body: Value) -> Reply {
        let body = body.to_string();
        self.call(Method::POST, path, Some(&body), &[("authorization", "")])
            .await
    }

    /// The raw body of a successful `GET` as the owner (for binary files).
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let request = Request::builder()
            .uri(path)
            .header("authorization", self.owner.bearer())
            .body(Body::empty())
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        bytes.expect("body").to_vec()
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None, &[]).await
    }

    /// The knowledge document once its ingestion reached `ready` or `failed`.
    pub async fn ingestion_finished(&self, kb: &str, document: &str) -> Value {
        let path = format!("/v1/knowledge-bases/{kb}/documents/{document}");
        for _ in 0..500 {
            let reply = self.get(&path).await;
            assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
            if matches!(reply.body["stage"].as_str(), Some("ready" | "failed")) {
                return reply.body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("ingestion of {document} never finished");
    }

    /// Posts `bytes` as the owner, as a file of `content_type`.
    pub async fn upload(&self, path: &str, bytes: Vec<u8>, content_type: &str) -> Reply {
        self.upload_as(&self.owner.bearer(), path, bytes, content_type)
            .await
    }

    /// Posts `bytes` with `authorization`, as a file of `content_type`.
    pub async fn upload_as(
        &self,
        authorization: &str,
        path: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("authorization", authorization)
            .header("content-type", content_type)
            .body(Body::from(bytes))
            .expect("request");
        reply(
            self.router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible"),
        )
        .await
    }

    pub async fn send(&self, method: Method, path: &str, body: Value) -> Reply {
        self.call(method, path, Some(&body.to_string()), &[]).await
    }

    /// `POST /v1/bots` with `settings`.
    pub async fn create_bot(&self, settings: Value) -> Reply {
        self.send(Method::POST, "/v1/bots", settings).await
    }

    /// Stores a bot of the default tenant directly.
    pub async fn bot(&self, settings: BotSettings) -> BotProfile {
        insert_bot(&self.node, settings).await
    }
}

/// Stores a user (and its organisation when new) directly and signs an access token for it.
async fn account_in(
    tokens: &AccessTokens,
    node: &TestNode,
    tenant: &str,
    permissions: Permissions,
) -> Account {
    let tenant = TenantId::from(tenant);
    let now = node.clock.now();
    let user = UserAccount::create(
        tenant.clone(),
        format!("{}@{tenant}.test", UserId::generate()),
        ("Test".into(), "User".into()),
        permissions,
        UserStatus::Active,
        now,
    );
    if node
        .store
        .get_organisation(&tenant)
        .await
        .expect("read organisation")
        .is_none()
    {
        let mut organisation = Organisation::create(tenant.as_str(), &user.email, now);
        organisation.id = tenant.clone();
        organisation.subscription_tier = PlanTier::Enterprise;
        node.store
            .create_organisation(&organisation, &user)
            .await
            .expect("create organisation");
    } else {
        node.store.insert_user(&user).await.expect("insert user");
    }
    let subject = Subject {
        user_id: user.id.to_string(),
        email_id: user.email.clone(),
        org_id: tenant,
        role_id: "TEST".into(),
    };
    let token = tokens.issue(subject, now).expect("token");
    Account { user, token }
}

pub async fn insert_bot(node: &TestNode, settings: BotSettings) -> BotProfile {
    let bot = BotProfile::create(TenantId::from("default"), settings, node.clock.now());
    node.store.insert_bot(&bot).await.expect("insert bot");
    bot
}

async fn reply(response: axum::response::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Reply {
        status,
        headers,
        body,
    }
}

/// The finished application (with the widget endpoint) served on a loopback port, over a node
/// whose bots answer with their fallback message.
pub struct TestServer {
    pub addr: SocketAddr,
    pub node: TestNode,
    /// A SUPERADMIN of the organisation `default`.
    pub owner: Account,
    /// The served application, also callable in-process.
    pub router: Router,
    /// The node's web channel (what its session actors deliver and report through).
    pub web: WebChannel,
    /// The node's directory of agents available for auto-assignment.
    pub directory: Arc<dyn AgentDirectory>,
    /// Where the node's Graph sender reports an integration that stopped working.
    pub integration_alerts: Arc<dyn IntegrationAlerts>,
    issuer: Authenticator,
    _blobs: tempfile::TempDir,
}

/// Where a cross-node test server shares its realtime surface.
pub struct CrossNode<'a> {
    pub redis_url: &'a str,
    pub prefix: &'a str,
    pub node_id: &'a str,
}

/// The Redis of the tests that need one (`BOTWOT_TEST_REDIS_URL`, default
/// `redis://127.0.0.1:6379`).
pub fn redis_url() -> String {
    std::env::var("BOTWOT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

impl TestServer {
    pub async fn start(config: HttpConfig) -> Self {
        Self::assemble(config, None, None, Answers::Fallback).await
    }

    /// A node whose brain drafts its answers before they are whole ([`Answers::Drafted`]).
    pub async fn drafting() -> Self {
        Self::assemble(HttpConfig::default(), None, None, Answers::Drafted).await
    }

    /// A node talking to the Graph API at `graph_base` (one token for every account) for
    /// read receipts, typing indicators, templates and media.
    pub async fn with_graph(graph_base: &str) -> Self {
        Self::assemble(
            HttpConfig::default(),
            None,
            Some(graph_base),
            Answers::Fallback,
        )
        .await
    }

    /// A node whose sockets and presence span every node started with the same Redis and
    /// prefix.
    pub async fn cross_node(cross_node: CrossNode<'_>) -> Self {
        Self::assemble(
            HttpConfig::default(),
            Some(cross_node),
            None,
            Answers::Fallback,
        )
        .await
    }

    async fn assemble(
        mut config: HttpConfig,
        cross_node: Option<CrossNode<'_>>,
        graph_base: Option<&str>,
        answers: Answers,
    ) -> Self {
        if config.auth == AuthConfig::default() {
            config.auth = test_auth();
        }
        let issuer = Authenticator::from_config(&config.auth).expect("auth settings");
        let mut http = HttpBuilder::new(config).expect("auth settings");
        if let Some(cross_node) = cross_node {
            http = http
                .cross_node_realtime(cross_node.redis_url, cross_node.prefix, cross_node.node_id)
                .await
                .expect("cross-node realtime (is Redis running? set BOTWOT_TEST_REDIS_URL)");
        }
        if let Some(base) = graph_base {
            let graph = GraphClient::new(GraphConfig::with_base_url(base)).expect("graph config");
            http = http.meta_graph(graph, Arc::new(fake_templates::OneToken));
        }
        let web = http.web_channel();
        let node = TestNode::start(web.clone(), answers).await;
        let directory: Arc<dyn AgentDirectory> = Arc::new(http.agent_directory(node.store.clone()));
        let integration_alerts = http.integration_alerts();
        let owner = account_in(
            &issuer.tokens,
            &node,
            "default",
            Permissions::of(Role::SuperAdmin),
        )
        .await;
        let (knowledge, blobs) = test_knowledge(&http, &node).await;
        let app = http
            .finish(
                node.store.clone(),
                Arc::new(node.sessions.clone()),
                node.clock.clone(),
                knowledge,
            )
            .await
            .expect("router");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let router = app.clone();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            addr,
            node,
            owner,
            router,
            web,
            directory,
            integration_alerts,
            issuer,
            _blobs: blobs,
        }
    }

    /// A new agent (role AGENT) of organisation `tenant` (created when missing).
    pub async fn agent(&self, tenant: &str) -> Account {
        self.account(tenant, Permissions::of(Role::Agent)).await
    }

    /// A new active user of organisation `tenant` (created when missing) with `permissions`.
    pub async fn account(&self, tenant: &str, permissions: Permissions) -> Account {
        account_in(&self.issuer.tokens, &self.node, tenant, permissions).await
    }

    /// Sends a request as `account`, with a JSON body when given.
    pub async fn call_as(
        &self,
        account: &Account,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", account.bearer());
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let body = body.map_or_else(Body::empty, |body| Body::from(body.to_string()));
        let request = request.body(body).expect("request");
        reply(
            self.router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible"),
        )
        .await
    }

    pub async fn bot(&self, settings: BotSettings) -> BotProfile {
        insert_bot(&self.node, settings).await
    }

    pub fn sessions(&self) -> &Gate {
        &self.node.sessions
    }

    /// How many messages from the visitor the session has stored.
    pub async fn stored_inbound(&self, session: &str) -> usize {
        let tenant = TenantId::from("default");
        let messages = self
            .node
            .store
            .transcript(&tenant, &SessionId::from(session), 0, 1_000)
            .await
            .expect("transcript");
        messages
            .iter()
            .filter(|m| m.direction == Direction::Inbound)
            .count()
    }
}

/// The knowledge services of a test node, with their blob directory.
async fn test_knowledge(
    http: &HttpBuilder,
    node: &TestNode,
) -> (KnowledgeServices, tempfile::TempDir) {
    let blobs = tempfile::tempdir().expect("blob directory");
    let knowledge = KnowledgeServices::start(
        &test_knowledge_config(blobs.path()),
        node.store.clone(),
        http.ingestion_observer(),
        node.clock.clone(),
        Arc::new(SingleNode),
    )
    .await
    .expect("knowledge services");
    (knowledge, blobs)
}

/// Knowledge in `dir`, embedded by the hashing embedder (no model needed), with URL documents
/// allowed to come from this machine's test servers.
pub fn test_knowledge_config(dir: &std::path::Path) -> KnowledgeConfig {
    let mut config = KnowledgeConfig {
        blobs: botwot_storage::BlobConfig::Local {
            dir: dir.to_path_buf(),
        },
        embedder: EmbedderChoice::Hashing,
        ..KnowledgeConfig::default()
    };
    config.fetch.allow_private_addresses = true;
    config
}
