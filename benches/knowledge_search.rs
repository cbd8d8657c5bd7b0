//! What cluster coordination costs a knowledge search (ADR 0013): the same base searched through
//! an index on a single node (no coordination) and through one coordinated by a Redis
//! (`BOTWOT_BENCH_REDIS_URL`, default `redis://127.0.0.1:6379`), which reads the base's stamp
//! before every search. Also measured: how long a change of the base takes on each (the cluster
//! one holds the base's Redis lock and records a new stamp), and how long the first search after
//! another node's change takes (the copy in memory is loaded again).
//!
//! The base: DOCUMENTS documents (default 200) of 5 chunks, hashing embedder, blob store on disk.
//! Printed: p50 and p99 of SEARCHES searches (default 2000) one after another, for both indexes,
//! and the ratio; the change and the reload once each.
//!
//! Run: `cargo bench --bench knowledge_search` (Redis from `deploy/test-services.sh`).

mod support;

use anyhow::Result;
use botwot_adapters::embeddings::HashingEmbedder;
use botwot_engine::blobs::BlobStore;
use botwot_engine::coordination::Coordination;
use botwot_engine::ids::{ChunkId, DocumentId, KnowledgeBaseId, TenantId};
use botwot_engine::knowledge::{Chunk, ChunkSource, Embedder, KnowledgeIndex, RetrievalOptions};
use botwot_storage::coordination::RedisCoordination;
use botwot_storage::{KnowledgeIndexes, LocalBlobStore};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{env_or, ms, percentile, runtime};

const WORDS: &[&str] = &[
    "parcel", "refund", "warranty", "courier", "invoice", "battery", "charger", "return",
    "exchange", "voucher", "delivery", "account", "password", "size", "colour", "stock",
];

fn document(number: usize, embedder: &dyn Embedder) -> (DocumentId, Vec<Chunk>, Vec<Vec<f32>>) {
    let id = DocumentId::from(format!("doc_{number}").as_str());
    let texts: Vec<String> = (0..5)
        .map(|part| {
            let word = |offset: usize| WORDS[(number * 7 + part * 3 + offset) % WORDS.len()];
            format!(
                "Item{number} part {part}: about the {} and the {}, and what to do with the {}.",
                word(0),
                word(1),
                word(2)
            )
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = embedder.embed(&refs).expect("embedded");
    let chunks = texts
        .into_iter()
        .enumerate()
        .map(|(ordinal, text)| Chunk {
            id: ChunkId::generate(),
            kb_id: KnowledgeBaseId::from("kb_bench"),
            document_id: id.clone(),
            ordinal: ordinal as u32,
            text,
            source: ChunkSource {
                title: format!("doc {number}"),
                url: None,
                page: None,
            },
        })
        .collect();
    (id, chunks, vectors)
}

/// Latencies of `count` searches, sorted.
async fn searches(index: &KnowledgeIndexes, count: usize) -> Result<Vec<Duration>> {
    let (tenant, kbs) = (
        TenantId::from("org_bench"),
        [KnowledgeBaseId::from("kb_bench")],
    );
    let options = RetrievalOptions::default();
    let mut samples = Vec::with_capacity(count);
    for n in 0..count {
        let question = format!(
            "what about the {} of item{}",
            WORDS[n % WORDS.len()],
            n % 50
        );
        let started = Instant::now();
        index.search(&tenant, &kbs, &question, &options).await?;
        samples.push(started.elapsed());
    }
    samples.sort();
    Ok(samples)
}

async fn timed_change(
    index: &KnowledgeIndexes,
    number: usize,
    embedder: &dyn Embedder,
) -> Result<Duration> {
    let (id, chunks, vectors) = document(number, embedder);
    let (tenant, kb) = (
        TenantId::from("org_bench"),
        KnowledgeBaseId::from("kb_bench"),
    );
    let started = Instant::now();
    index
        .add_document(&tenant, &kb, &id, chunks, vectors)
        .await?;
    Ok(started.elapsed())
}

fn main() -> Result<()> {
    let documents = env_or("DOCUMENTS", 200);
    let count = env_or("SEARCHES", 2_000);
    let redis_url = std::env::var("BOTWOT_BENCH_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    runtime().block_on(async {
        let dir = tempfile::tempdir()?;
        let blobs: Arc<dyn BlobStore> = Arc::new(LocalBlobStore::open(dir.path()).await?);
        let embedder: Arc<dyn Embedder> = Arc::new(HashingEmbedder::default());
        let single = KnowledgeIndexes::new(blobs.clone(), embedder.clone());
        for number in 0..documents {
            timed_change(&single, number, embedder.as_ref()).await?;
        }
        let prefix = format!("botwot-bench:{}:", std::process::id());
        let node = |coordination: RedisCoordination| {
            let coordination: Arc<dyn Coordination> = Arc::new(coordination);
            KnowledgeIndexes::new(blobs.clone(), embedder.clone()).with_coordination(coordination)
        };
        let first = node(RedisCoordination::connect(&redis_url, prefix.clone()).await?);
        let second = node(RedisCoordination::connect(&redis_url, prefix).await?);

        searches(&single, 50).await?;
        searches(&first, 50).await?;
        let alone = searches(&single, count).await?;
        let shared = searches(&first, count).await?;
        println!(
            "knowledge search, {documents} documents ({} chunks), {count} searches one after another:",
            documents * 5
        );
        for (name, samples) in [("single node (no coordination)", &alone), ("cluster (Redis stamp per search)", &shared)] {
            println!(
                "  {name:34} p50 {:.3} ms  p99 {:.3} ms",
                ms(percentile(samples, 50.0)),
                ms(percentile(samples, 99.0))
            );
        }
        println!(
            "  ratio cluster/single: p50 {:.2}x  p99 {:.2}x",
            ms(percentile(&shared, 50.0)) / ms(percentile(&alone, 50.0)),
            ms(percentile(&shared, 99.0)) / ms(percentile(&alone, 99.0))
        );
        // Both changes on a node that has the base in memory already.
        searches(&second, 1).await?;
        let single_change = timed_change(&single, documents, embedder.as_ref()).await?;
        let shared_change = timed_change(&second, documents + 1, embedder.as_ref()).await?;
        let reload = {
            let started = Instant::now();
            searches(&first, 1).await?;
            started.elapsed()
        };
        println!(
            "  one document added: single node {:.1} ms, cluster {:.1} ms (lock, save, new stamp)",
            ms(single_change),
            ms(shared_change)
        );
        println!(
            "  first search on another node after that change (base loaded again): {:.1} ms",
            ms(reload)
        );
        anyhow::Ok(())
    })
}
