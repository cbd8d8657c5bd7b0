//! Webhook throughput of a cluster against a single node, measured in one run.
//!
//! Real `botwot` processes on the MongoDB-compatible test server, Redis and RabbitMQ
//! (`bash deploy/test-services.sh`), the fake Graph API of the end-to-end tests, and signed
//! WhatsApp webhooks from `CONTACTS` contacts, `MESSAGES` each, posted by `SENDERS` concurrent
//! senders with no pause. Three set-ups:
//! - one node, not clustered (events applied in-process): the comparison;
//! - three clustered nodes, webhooks spread over all three;
//! - three clustered nodes, every webhook to one node (so two thirds are forwarded to the owner).
//!
//! Printed per set-up: acknowledged webhooks per second (until the last 200) and processed
//! messages per second (until every message is stored, answered and its reply sent), with the
//! run's accounting (nothing lost or duplicated). Run: `cargo bench --bench cluster_webhooks`
//! (`--profile dev` reuses the test build; the MongoDB-compatible test server, not the binary,
//! bounds the rate here).

#[path = "../tests/chaos/mod.rs"]
mod chaos;
#[path = "../tests/cluster/mod.rs"]
mod cluster;
#[path = "../tests/support/mod.rs"]
mod support;

use chaos::load::{self, LoadPlan};
use chaos::verify;
use cluster::Cluster;
use std::time::Duration;
use support::Backend;
use support::meta::{FakeGraph, connect_whatsapp, start_server_on};
use tokio::time::Instant;

const CONTACTS: usize = 24;
const MESSAGES: usize = 5;
const SENDERS: usize = 12;

const PLAN: LoadPlan = LoadPlan {
    contacts: CONTACTS,
    messages_per_contact: MESSAGES,
    tasks: SENDERS,
    interval: Duration::ZERO,
    redelivery_pause: Duration::from_millis(50),
    deadline: Duration::from_secs(300),
};

struct Figures {
    label: &'static str,
    acked_per_sec: f64,
    processed_per_sec: f64,
    lost: usize,
    duplicated: usize,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut rows = Vec::new();

    let graph = FakeGraph::start().await;
    let single = start_server_on(Backend::fresh_mongo("bench_single"), &graph).await;
    connect_whatsapp(&single).await;
    rows.push(
        measure(
            "1 node, not clustered",
            &single,
            std::slice::from_ref(&single.base),
            &graph,
        )
        .await,
    );
    drop(single);

    let mut cluster = Cluster::start("benchspread", 3, 64, 3_600).await;
    cluster.until_held_by(&[0, 1, 2]).await;
    rows.push(
        measure(
            "3 nodes, spread",
            cluster.any(),
            &cluster.bases(),
            &cluster.graph,
        )
        .await,
    );
    cluster.clean_up().await;
    drop(cluster);

    let mut cluster = Cluster::start("benchone", 3, 64, 3_600).await;
    cluster.until_held_by(&[0, 1, 2]).await;
    let one = vec![cluster.node(0).base.clone()];
    rows.push(measure("3 nodes, all to one", cluster.any(), &one, &cluster.graph).await);
    cluster.clean_up().await;

    println!(
        "\ncluster_webhooks: {CONTACTS} contacts x {MESSAGES} messages, {SENDERS} concurrent senders"
    );
    println!(
        "{:<24} {:>14} {:>16} {:>6} {:>11}",
        "set-up", "acked msg/s", "processed msg/s", "lost", "duplicated"
    );
    for row in rows {
        println!(
            "{:<24} {:>14.1} {:>16.1} {:>6} {:>11}",
            row.label, row.acked_per_sec, row.processed_per_sec, row.lost, row.duplicated
        );
    }
}

async fn measure(
    label: &'static str,
    reader: &support::Server,
    bases: &[String],
    graph: &FakeGraph,
) -> Figures {
    let started = Instant::now();
    let outcomes = load::run(PLAN, bases.to_vec()).await;
    let acked = started.elapsed();
    let (tally, _) =
        verify::settle("bench", reader, &outcomes, CONTACTS, || graph.requests()).await;
    let processed = started.elapsed();
    let total = (CONTACTS * MESSAGES) as f64;
    println!("{label}: {tally:?}");
    Figures {
        label,
        acked_per_sec: total / acked.as_secs_f64(),
        processed_per_sec: total / processed.as_secs_f64(),
        lost: tally.lost,
        duplicated: tally.duplicated,
    }
}
