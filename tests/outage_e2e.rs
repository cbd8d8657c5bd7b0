//! Outage drills (issue 8): each service the server depends on goes away under a steady load of
//! signed WhatsApp webhooks and comes back — MongoDB under a single node and under a cluster
//! node, Redis and RabbitMQ under a cluster node, and the language model's endpoint (OpenAI's
//! API, played by a local server) under a bot answering from a knowledge base. An outage is
//! played by cutting a TCP proxy between the server and the service (as Toxiproxy does): open
//! connections close and new ones are refused, as when the service stops; restoring the proxy
//! is the service coming back on the same data. Through the outage the server must stay up and
//! answer every webhook plainly — 200, or a 503 with a stable error code, which Meta
//! redelivers; never a 500, a reset or a request left hanging — and afterwards recover by
//! itself: every acknowledged message stored once, in order and answered, every reply sent
//! once.

mod chaos;
mod cluster;
mod outage;
#[path = "../http/tests/api/support/proxy.rs"]
mod proxy;
mod support;

use chaos::load::LoadPlan;
use cluster::{ADMIN_TOKEN, Cluster, Services};
use outage::{Probe, ProbeAnswer, Schedule};
use proxy::Proxy;
use serde_json::json;
use std::time::Duration;
use support::llm::{FakeOpenAi, MODEL_REPLY};
use support::meta::{
    FakeGraph, connect_whatsapp, connect_whatsapp_to_bot, inbound_text_from, post_webhook,
    start_server_on, start_server_with,
};
use support::{Backend, bot_settings};

/// 20 contacts × 5 texts from 4 senders, one webhook per sender every 100 ms: the load runs
/// about 2.5 s without an outage, so a cut after 1 s lands in the middle of it.
const PLAN: LoadPlan = LoadPlan {
    contacts: 20,
    messages_per_contact: 5,
    tasks: 4,
    interval: Duration::from_millis(100),
    redelivery_pause: Duration::from_millis(100),
    deadline: Duration::from_secs(180),
};

/// The address `host:port` of a service URL (`scheme://[user@]host:port[/...]`).
fn address_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split(['/', '?']).next().expect("host:port").to_owned()
}

/// `url` with its address replaced by the proxy's.
fn through(url: &str, proxy: &Proxy) -> String {
    url.replacen(&address_of(url), &proxy.addr.to_string(), 1)
}

/// A fresh database of the MongoDB test server, reached through a proxy of its own, with the
/// driver's `options` (`name=value&...`) besides a direct connection.
async fn mongo_through_a_proxy(name: &str, options: &str) -> (Backend, Proxy) {
    let Backend::Mongo { uri, database } = Backend::fresh_mongo(name) else {
        unreachable!("fresh_mongo is a MongoDB backend")
    };
    let proxy = Proxy::start(address_of(&uri)).await;
    let separator = if uri.contains('?') { "&" } else { "?" };
    let backend = Backend::Mongo {
        uri: format!(
            "{}{separator}directConnection=true{options}",
            through(&uri, &proxy)
        ),
        database,
    };
    (backend, proxy)
}

/// MongoDB goes away for 5 s: webhooks that cannot be stored are refused with a 503 (so Meta
/// redelivers them), `/readyz` says the storage is unavailable, and once MongoDB is back the
/// node stores and answers everything without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_outage_under_load_refuses_plainly_and_recovers() {
    let (backend, proxy) = mongo_through_a_proxy("outage", "").await;
    let graph = FakeGraph::start().await;
    let mut server = start_server_on(backend, &graph).await;
    connect_whatsapp(&server).await;

    let run = outage::run(
        PLAN,
        vec![server.base.clone()],
        &proxy,
        Schedule::cut_for(5),
        Probe::readiness(),
    )
    .await;

    assert!(
        !server.has_exited(),
        "the server stays up through the outage"
    );
    run.assert_refusals_are_clear("mongodb");
    assert!(
        run.refused_webhooks() > 0,
        "webhooks that cannot be stored are refused, not acknowledged: {:?}",
        run.refusals()
    );
    assert!(
        run.probes.iter().any(|p| *p
            == ProbeAnswer::Answered {
                status: 503,
                code: Some("storage_unavailable".into())
            }),
        "/readyz tells the storage is away: {:?}",
        run.probe_answers()
    );
    outage::assert_recovered("mongodb", &server, &run, PLAN.contacts, || graph.requests()).await;
    server.stop_and_drop_database().await;
}

/// Redis goes away for 8 s, twice the shard lease: the node cannot renew its leases and gives
/// its shards up (another node could have taken them); webhooks are still queued durably in
/// RabbitMQ and acknowledged, the admin API says plainly that the cluster state is unavailable,
/// and once Redis is back the node leases its shards again and works through the queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_under_load_on_a_cluster_node_recovers() {
    let probe = Probe {
        path: "/v1/admin/cluster/shards",
        bearer: Some(ADMIN_TOKEN.to_owned()),
    };
    let (cluster, _proxy, run) = cluster_drill(ClusterService::Redis, 8, probe).await;
    assert!(
        run.probes.iter().all(|p| matches!(
            p,
            ProbeAnswer::Answered {
                status: 200 | 503,
                ..
            }
        )),
        "the admin API answers plainly: {:?}",
        run.probe_answers()
    );
    cluster_recovered(cluster, &run, "redis").await;
}

/// RabbitMQ goes away for 5 s: a webhook cannot be queued for its shard, so it is refused with
/// a 503 rather than acknowledged and lost; the node reconnects by itself when the broker is
/// back, and every event queued before the cut is still applied once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rabbitmq_outage_under_load_on_a_cluster_node_recovers() {
    let probe = Probe::readiness();
    let (cluster, _proxy, run) = cluster_drill(ClusterService::RabbitMq, 5, probe).await;
    assert!(
        run.refused_webhooks() > 0,
        "webhooks that cannot be queued are refused: {:?}",
        run.refusals()
    );
    cluster_recovered(cluster, &run, "rabbitmq").await;
}

/// MongoDB goes away for 8 s under a cluster node: the events already queued for its shards
/// cannot be stored, so the node keeps each one in hand and tries it again (a requeue would
/// spend the broker's delivery limit and end in the dead-letter queue); webhooks are still
/// queued durably in RabbitMQ, and once MongoDB is back every one is stored, in order, and
/// answered. The driver gives up on an unreachable server after 300 ms rather than its 5 s, so
/// the outage outlasts the delivery limit's eight tries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_outage_under_load_on_a_cluster_node_keeps_every_queued_event() {
    let (cluster, _proxy, run) =
        cluster_drill(ClusterService::MongoDb, 8, Probe::readiness()).await;
    cluster_recovered(cluster, &run, "cluster-mongodb").await;
}

/// The service of a cluster node that a drill cuts off.
#[derive(Clone, Copy, Debug)]
enum ClusterService {
    Redis,
    RabbitMq,
    MongoDb,
}

/// A one-node cluster reaching `service` through a proxy, under the load with `service` cut
/// off for `outage_secs` a second after it starts; checks that the node stayed up and answered
/// every webhook plainly. The proxy is returned to be kept: dropping it cuts the node off.
async fn cluster_drill(
    service: ClusterService,
    outage_secs: u64,
    probe: Probe,
) -> (Cluster, Proxy, outage::DrillRun) {
    let mut services = Services::default();
    let (name, proxy) = match service {
        ClusterService::Redis => ("outredis", proxy_to(&mut services.redis_url).await),
        ClusterService::RabbitMq => ("outamqp", proxy_to(&mut services.amqp_url).await),
        ClusterService::MongoDb => {
            let fail_fast = "&serverSelectionTimeoutMS=300";
            let (store, proxy) = mongo_through_a_proxy("outclmongo", fail_fast).await;
            services.store = Some(store);
            ("outclmongo", proxy)
        }
    };
    let mut cluster = Cluster::start_with(name, 1, 8, 3_600, services).await;
    cluster.until_held_by(&[0]).await;
    let schedule = Schedule::cut_for(outage_secs);
    let run = outage::run(PLAN, cluster.bases(), &proxy, schedule, probe).await;
    assert!(
        !cluster.node_mut(0).has_exited(),
        "the node stays up through the {service:?} outage"
    );
    run.assert_refusals_are_clear(name);
    (cluster, proxy, run)
}

/// A proxy to the service at `url`, which from now on leads through it.
async fn proxy_to(url: &mut String) -> Proxy {
    let proxy = Proxy::start(address_of(url)).await;
    *url = through(url, &proxy);
    proxy
}

/// The node holds its shards again, dead-lettered nothing, and has stored, answered and sent
/// everything.
async fn cluster_recovered(mut cluster: Cluster, run: &outage::DrillRun, label: &str) {
    cluster.until_held_by(&[0]).await;
    let (status, letters) = cluster
        .admin(reqwest::Method::GET, "/v1/admin/cluster/dead-letters", None)
        .await;
    assert_eq!(status, 200, "{label}: dead letters readable: {letters}");
    let letters: Vec<String> = letters
        .as_array()
        .expect("a list")
        .iter()
        .map(|letter| {
            let text = &letter["envelope"]["body"]["event"]["body"]["text"];
            format!("{text} (shard {}, {})", letter["shard"], letter["reason"])
        })
        .collect();
    assert!(
        letters.is_empty(),
        "{label}: an outage sends no event to the dead-letter queue: {letters:?}"
    );
    outage::assert_recovered(label, cluster.node(0), run, PLAN.contacts, || {
        cluster.graph.requests()
    })
    .await;
    cluster.clean_up().await;
}

const POLICY: &str = "# Returns policy\n\nYou may return any unworn item within thirty days of delivery.\n\nRefunds reach your card within five working days of the parcel arriving at our warehouse.";
const QUESTION: &str = "How long do refunds take to reach my card?";

/// The language model's endpoint goes away for 5 s: a bot grounded in a knowledge base keeps
/// answering from the passages themselves (the local brain) instead of the model, webhooks are
/// acknowledged as usual, the node stays ready; once the endpoint is back (and the circuit
/// breaker's cool-down has passed) the model answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_outage_under_load_degrades_answers_and_recovers() {
    let model = FakeOpenAi::start().await;
    let proxy = Proxy::start(model.address.clone()).await;
    let model_url = through(&model.base_url, &proxy);
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server_with(
        Backend::Embedded(dir.path().to_owned()),
        &graph,
        &[
            (
                "BOTWOT__KNOWLEDGE__LLM__OPENAI__BASE_URL",
                model_url.as_str(),
            ),
            ("BOTWOT__KNOWLEDGE__LLM__OPENAI__MODEL", "gpt-4o-mini"),
            (
                "BOTWOT__KNOWLEDGE__LLM__OPENAI__API_KEY",
                "sk-e2e-outage-drill",
            ),
            (
                "BOTWOT__KNOWLEDGE__LLM__RESILIENCE__BREAKER_COOLDOWN_MS",
                "1000",
            ),
        ],
    )
    .await;
    let kb = server.knowledge_base_with("returns.md", POLICY).await;
    // The load's texts are not in the knowledge base: the bot answers them with its fallback
    // instead of handing the conversation to a person.
    let mut settings = bot_settings("Ava", 3_600);
    settings["knowledgeBaseIds"] = json!([kb]);
    settings["handover"] = json!({ "onLowConfidence": false });
    connect_whatsapp_to_bot(&server, settings).await;

    let mut asker = Asker { next: 0 };
    let before = asker.answer(&server, &graph).await;
    assert_eq!(before, MODEL_REPLY, "the model answers while it is up");
    let asked_before = model.completions();

    let during = async {
        let mut answers = Vec::new();
        for _ in 0..3 {
            answers.push(asker.answer(&server, &graph).await);
        }
        answers
    };
    let (run, degraded) = outage::run_with(
        PLAN,
        vec![server.base.clone()],
        &proxy,
        Schedule::cut_for(5),
        Probe::readiness(),
        during,
    )
    .await;

    assert!(
        run.probes
            .iter()
            .all(|p| matches!(p, ProbeAnswer::Answered { status: 200, .. })),
        "the node stays ready without its model: {:?}",
        run.probe_answers()
    );
    assert_eq!(run.refused_webhooks(), 0, "{:?}", run.refusals());
    for answer in &degraded {
        assert!(
            answer != MODEL_REPLY && answer.contains("five working days"),
            "without the model the bot answers from the passage itself: {answer}"
        );
    }
    assert_eq!(
        model.completions(),
        asked_before,
        "nothing reached the model while it was cut off"
    );
    let mut recovered = false;
    for _ in 0..20 {
        if asker.answer(&server, &graph).await == MODEL_REPLY {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(recovered, "the model answers again once it is back");
    outage::assert_recovered("llm", &server, &run, PLAN.contacts, || graph.requests()).await;
}

/// Asks [`QUESTION`] over WhatsApp, each time as a new contact, and waits for the bot's answer.
struct Asker {
    next: usize,
}

impl Asker {
    async fn answer(&mut self, server: &support::Server, graph: &FakeGraph) -> String {
        self.next += 1;
        let wa_id = format!("4915{:08}", self.next);
        let wamid = format!("wamid.OUTAGE{:06}", self.next);
        let status = post_webhook(server, &inbound_text_from(&wa_id, &wamid, QUESTION)).await;
        assert_eq!(status, 200, "the question is acknowledged");
        for _ in 0..400 {
            let answer = graph.requests().into_iter().find_map(|request| {
                (request.body["to"] == wa_id.as_str())
                    .then(|| request.body["text"]["body"].as_str().map(str::to_owned))
                    .flatten()
            });
            if let Some(answer) = answer {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no answer to {wa_id}");
    }
}
