//! `botwot serve`: wires storage, the node and the HTTP surface together and runs them.

use crate::cluster;
use crate::commerce::{self, CommerceParts};
use crate::config::Config;
use crate::dispatch::{Dispatch, session_dispatch};
use crate::number_pacing::SharedNumberPace;
use crate::payments;
use crate::voice::{self, VoiceParts};
use anyhow::{Context, Result};
use botwot_actors::{
    CampaignRunner, CampaignRunnerDeps, DueWork, LeadTools, Leads, LeadsDeps, NamedLocks, Node,
    NodeDeps, PostPublisher, PostPublisherDeps, ShopTools, SystemClock,
};
use botwot_adapters::channels::ChannelRouter;
use botwot_adapters::meta::graph::{
    AccessTokenSource, GraphClient, GraphPublisher, MetaGraphSender, StoredTokens, TokenCipher,
};
use botwot_adapters::meta::uploads::Uploads;
use botwot_engine::Channel;
use botwot_engine::time::Clock;
use botwot_engine::tools::Toolboxes;
use botwot_http::config::ConfiguredSecret;
use botwot_http::knowledge::KnowledgeServices;
use botwot_http::{HttpBuilder, HttpConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tracing::{info, warn};

pub async fn serve(mut config: Config) -> Result<()> {
    let held = cluster::held_shards(&config)?;
    let listener = TcpListener::bind(config.http.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.http.listen))?;
    let address = listener.local_addr()?;
    let store = botwot_storage::open_storage(&config.storage)
        .await
        .context("storage could not be opened")?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let cipher = integration_cipher(&mut config.http)?;
    let graph =
        GraphClient::new(config.meta.clone()).context("the [meta] section is not usable")?;
    let mut http = HttpBuilder::new(config.http.clone())?
        .connect_rate_limiter()
        .await
        .context("the rate limiter's Redis could not be reached")?;
    // This node's member id, computed once per process: everything of the cluster uses this one.
    let node_id = config
        .cluster
        .enabled
        .then(|| config.cluster.node_id_or_generated());
    if let Some(node_id) = &node_id {
        http = http
            .cross_node_realtime(
                &config.cluster.redis_url,
                &config.cluster.key_prefix(),
                node_id,
            )
            .await
            .context("the cluster's Redis could not be reached for realtime fan-out")?;
    }
    let tokens: Arc<dyn AccessTokenSource> = Arc::new(
        StoredTokens::new(store.clone(), cipher.clone(), clock.clone())
            .with_alerts(http.integration_alerts()),
    );
    let coordination = cluster::coordination(&config).await?;
    let locks = NamedLocks::new(coordination.clone());
    http = http
        .meta_graph(graph.clone(), tokens.clone())
        .named_locks(locks.clone());
    let knowledge = KnowledgeServices::start(
        &config.knowledge,
        store.clone(),
        http.ingestion_observer(),
        clock.clone(),
        coordination.clone(),
    )
    .await
    .context("the knowledge services could not start")?;
    let uploads = Uploads::new(knowledge.blobs.clone());
    let per_second = graph.config().whatsapp_messages_per_second;
    let links = config.http.upload_links();
    let posts = PostPublisher::new(
        PostPublisherDeps {
            store: store.clone(),
            publisher: Arc::new(GraphPublisher::new(graph.clone(), tokens.clone())),
            locks: locks.clone(),
            clock: clock.clone(),
        },
        config.social,
    );
    posts.spawn();
    http = http.post_publisher(posts);
    let mut meta = MetaGraphSender::new(graph, tokens).with_uploads(uploads, links, clock.clone());
    if config.cluster.enabled {
        let pace = SharedNumberPace::connect(
            &config.cluster.redis_url,
            &config.cluster.key_prefix(),
            per_second,
            clock.clone(),
        )
        .await?;
        meta = meta.with_pacer(Arc::new(pace));
    }
    let meta = Arc::new(meta);
    let commerce = commerce::start(
        &config.commerce,
        CommerceParts {
            store: store.clone(),
            sender: meta.clone(),
            cipher: cipher.clone(),
            locks: locks.clone(),
            clock: clock.clone(),
            public_url: config.http.public_url.clone(),
        },
    )?;
    let shop_tools = ShopTools::new(commerce.orders.clone());
    http = http.commerce(commerce);
    let leads = Leads::new(
        LeadsDeps {
            store: store.clone(),
            sender: meta.clone(),
            locks: locks.clone(),
            clock: clock.clone(),
        },
        config.leads,
    );
    leads.spawn();
    knowledge.tools.fill(Arc::new(Toolboxes(vec![
        Arc::new(LeadTools::new(leads.clone())),
        Arc::new(shop_tools),
    ])));
    http = http.leads(leads);
    let campaigns = CampaignRunner::start(
        CampaignRunnerDeps {
            store: store.clone(),
            sender: meta.clone(),
            clock: clock.clone(),
            locks: locks.clone(),
            coordination,
        },
        config.campaigns,
    );
    http = http.campaign_runner(campaigns);
    if let Some(payments) = payments::start(
        &config.payments,
        store.clone(),
        locks.clone(),
        clock.clone(),
    )? {
        http = http.payments(payments);
    }
    if let Some(voice) = voice::start(
        &config.voice,
        VoiceParts {
            store: store.clone(),
            blobs: knowledge.blobs.clone(),
            cipher,
            locks: locks.clone(),
            clock: clock.clone(),
            public_url: config.http.public_url.clone(),
        },
    )? {
        http = http.voice(voice);
    }
    let web = Arc::new(http.web_channel());
    let sender = meta.route_meta_channels(ChannelRouter::default().with(Channel::Web, web.clone()));
    let widget_sockets = web.clone();
    let node = Node::start(
        config.node.clone(),
        NodeDeps {
            storage: store.clone(),
            brain: knowledge.brain.clone(),
            sender: Arc::new(sender),
            observer: web,
            clock: clock.clone(),
            fences: held.clone(),
        },
    )
    .await
    .context("the node could not start")?;
    let node = Arc::new(node);
    node.set_agent_directory(Arc::new(http.agent_directory(store.clone())));
    let Dispatch {
        cluster,
        sessions,
        logged,
    } = session_dispatch(&config, held, node_id, &node, address).await?;
    // A cluster node also answers the cluster administration routes.
    let http = match &cluster {
        Some(cluster) => http.cluster(cluster.clone()),
        None => http,
    };
    let app = http
        .finish(store, sessions, clock, knowledge)
        .await
        .context("the HTTP surface could not start")?;

    info!(address = %address, "botwot is listening");
    println!(
        "BotWot is running: open {} to chat with the demo bot",
        browsable(address)
    );

    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown({
        let cluster = cluster.clone();
        async move {
            tokio::select! {
                () = shutdown_signal() => {}
                () = cluster::drained_by_operator(cluster.clone()) => {
                    info!("drained by an operator");
                }
            }
            // A cluster node hands its shards away while it still serves requests (forwarded
            // to the shards' new owners); then nothing of its own is left running.
            if let Some(cluster) = cluster {
                cluster.shutdown().await;
            }
            // Open widget sockets would keep the graceful shutdown waiting.
            widget_sockets.close().await;
        }
    })
    .await
    .context("the server stopped with an error")?;
    info!("shutting down");
    if let Some(logged) = logged {
        logged.shutdown().await;
    }
    node.shutdown().await;
    Ok(())
}

/// The cipher of integrations' access tokens, from `http.integration_secret_key`. With none
/// configured, a random key of this process is put in its place (so the HTTP layer seals with
/// the same key the senders open with) and a warning says what that costs.
fn integration_cipher(http: &mut HttpConfig) -> Result<TokenCipher> {
    let key = match &http.integration_secret_key {
        Some(key) => key.clone(),
        None => {
            warn!(
                "no integration secret key configured (http.integration_secret_key); sealing access tokens with a random key, so stored tokens stop opening when this process stops"
            );
            let key = ConfiguredSecret::new(TokenCipher::random_base64_key()?);
            http.integration_secret_key = Some(key.clone());
            key
        }
    };
    TokenCipher::from_base64_key(key.expose_secret())
        .context("http.integration_secret_key is not usable")
}

/// The URL a person on this machine opens: the wildcard address becomes loopback.
fn browsable(address: SocketAddr) -> String {
    if address.ip().is_unspecified() {
        format!("http://127.0.0.1:{}/", address.port())
    } else {
        format!("http://{address}/")
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
