//! Knowledge ingestion speed, stage by stage and end to end.
//!
//! Input: `manual.pdf` of the extract fixtures (`deploy/make-extract-fixtures.sh`: 100 A4 pages
//! of the PRD's prose set by reportlab), read from `$BOTWOT_EXTRACT_FIXTURES` (default
//! `~/.cache/botwot-fixtures/extract`). Printed:
//! - extraction: pages per second of the limited PDF extractor;
//! - chunking: chunks per second of the default chunker (1000 characters, 200 overlap);
//! - embedding: chunks per second of the hashing embedder and of all-MiniLM-L6-v2 (when installed);
//! - end to end: the ingestion job (blob store on disk, embedded store, knowledge index saved
//!   after the document) from `queued` to `ready`, in pages and chunks per second, with each
//!   embedder. The target is at least 20 PDF pages a second.
//!
//! Run: `cargo bench --bench ingestion`. ROUNDS (default 3) repeats the end-to-end run and keeps
//! the median.

mod support;

use anyhow::{Context, Result};
use botwot_actors::{Ingestion, IngestionConfig, IngestionDeps, SystemClock};
use botwot_adapters::embeddings::{HashingEmbedder, MiniLmEmbedder, locate_model};
use botwot_adapters::knowledge::LimitedDocumentExtractor;
use botwot_engine::blobs::BlobStore;
use botwot_engine::coordination::SingleNode;
use botwot_engine::ids::{DocumentId, KnowledgeBaseId, TenantId};
use botwot_engine::knowledge::{
    ChunkOrigin, Chunker, DocumentExtractor, DocumentFetcher, DocumentOrigin, DocumentRejected,
    Embedder, FetchedDocument, IngestionStage, KnowledgeBase, KnowledgeDocument,
    NoIngestionObserver, document_chunks,
};
use botwot_engine::ports::KnowledgeStore;
use botwot_engine::time::Clock;
use botwot_storage::{KnowledgeIndexes, LocalBlobStore, open_embedded};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{env_or, runtime};

fn fixture() -> Result<Vec<u8>> {
    let dir = std::env::var("BOTWOT_EXTRACT_FIXTURES")
        .map(PathBuf::from)
        .or_else(|_| {
            std::env::var("HOME")
                .map(|home| PathBuf::from(home).join(".cache/botwot-fixtures/extract"))
        })?;
    let path = dir.join("manual.pdf");
    std::fs::read(&path).with_context(|| {
        format!(
            "{} is missing: run deploy/make-extract-fixtures.sh",
            path.display()
        )
    })
}

fn per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

/// URL documents are not part of this benchmark.
struct NoWeb;

#[async_trait::async_trait]
impl DocumentFetcher for NoWeb {
    async fn fetch(&self, _: &str) -> Result<FetchedDocument, DocumentRejected> {
        Err(DocumentRejected::new(
            "fetch_failed",
            "no web in the benchmark",
        ))
    }
}

/// One run of the ingestion job over `pdf`: the seconds from queued to ready and the chunks made.
async fn ingest_once(pdf: &[u8], embedder: Arc<dyn Embedder>) -> Result<(Duration, u32)> {
    let dir = tempfile::tempdir()?;
    let store = open_embedded(dir.path().join("db"))?;
    let blobs: Arc<dyn BlobStore> = Arc::new(LocalBlobStore::open(dir.path().join("blobs")).await?);
    let index = Arc::new(KnowledgeIndexes::new(blobs.clone(), embedder.clone()));
    let clock = Arc::new(SystemClock);
    let tenant = TenantId::from("bench");
    let base = KnowledgeBase::create(tenant.clone(), "Manuals".into(), String::new(), clock.now());
    store.insert_knowledge_base(&base).await?;
    let origin = DocumentOrigin::Upload {
        file_name: "manual.pdf".into(),
        content_type: Some("application/pdf".into()),
    };
    let document = KnowledgeDocument::new(
        tenant.clone(),
        base.id.clone(),
        "manual.pdf".into(),
        origin,
        pdf.len() as u64,
        clock.now(),
    );
    blobs.put(&document.blob_key(), pdf.to_vec()).await?;
    store.insert_document(&document).await?;
    let deps = IngestionDeps {
        store: store.clone(),
        blobs,
        index,
        extractor: Arc::new(LimitedDocumentExtractor::default()),
        fetcher: Arc::new(NoWeb),
        embedder,
        observer: Arc::new(NoIngestionObserver),
        clock,
        coordination: Arc::new(SingleNode),
    };
    let started = Instant::now();
    let ingestion = Ingestion::start(deps, IngestionConfig::default());
    ingestion.enqueue(tenant.clone(), document.id.clone());
    let finished = loop {
        let stored = store.get_document(&tenant, &document.id).await?;
        let stored = stored.context("the document vanished")?;
        if stored.progress.stage.is_final() {
            break stored;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let elapsed = started.elapsed();
    anyhow::ensure!(
        finished.progress.stage == IngestionStage::Ready,
        "ingestion failed: {:?}",
        finished.progress.error
    );
    Ok((elapsed, finished.chunk_count))
}

fn main() -> Result<()> {
    let pdf = fixture()?;
    let rounds = env_or("ROUNDS", 3).max(1);
    let extractor = LimitedDocumentExtractor::default();

    let started = Instant::now();
    let text = extractor
        .extract(&pdf, Some("manual.pdf"), Some("application/pdf"))
        .map_err(|rejected| anyhow::anyhow!("{}: {}", rejected.code, rejected.message))?;
    let extracting = started.elapsed();
    let pages = text.pages.unwrap_or(0) as usize;
    println!(
        "extraction        {pages} pages in {:>7.1} ms   {:>8.1} pages/s",
        extracting.as_secs_f64() * 1e3,
        per_second(pages, extracting)
    );

    let chunker = Chunker::default();
    let (kb, doc) = (KnowledgeBaseId::from("kb"), DocumentId::from("doc"));
    let origin = ChunkOrigin {
        kb_id: &kb,
        document_id: &doc,
        title: "manual",
        url: None,
    };
    let started = Instant::now();
    let chunks = document_chunks(&text, &chunker, &origin);
    let chunking = started.elapsed();
    println!(
        "chunking          {} chunks in {:>7.1} ms   {:>8.0} chunks/s",
        chunks.len(),
        chunking.as_secs_f64() * 1e3,
        per_second(chunks.len(), chunking)
    );

    let mut embedders: Vec<Arc<dyn Embedder>> = vec![Arc::new(HashingEmbedder::default())];
    match locate_model() {
        Ok(dir) => embedders.push(Arc::new(MiniLmEmbedder::load(&dir)?)),
        Err(error) => println!("(all-MiniLM-L6-v2 not installed, skipped: {error})"),
    }
    let texts: Vec<&str> = chunks.iter().map(|chunk| chunk.text.as_str()).collect();
    for embedder in &embedders {
        let started = Instant::now();
        for batch in texts.chunks(32) {
            embedder.embed(batch)?;
        }
        let embedding = started.elapsed();
        println!(
            "embedding {:<8} {} chunks in {:>7.1} ms   {:>8.1} chunks/s",
            embedder.name(),
            texts.len(),
            embedding.as_secs_f64() * 1e3,
            per_second(texts.len(), embedding)
        );
    }

    let runtime = runtime();
    for embedder in embedders {
        let mut runs = Vec::with_capacity(rounds);
        let mut chunk_count = 0;
        for _ in 0..rounds {
            let (elapsed, chunks) = runtime.block_on(ingest_once(&pdf, embedder.clone()))?;
            runs.push(elapsed);
            chunk_count = chunks;
        }
        runs.sort();
        let median = runs[runs.len() / 2];
        println!(
            "end to end {:<7} {pages} pages, {chunk_count} chunks in {:>7.1} ms   {:>6.1} pages/s {:>8.1} chunks/s   (target >= 20 pages/s)",
            embedder.name(),
            median.as_secs_f64() * 1e3,
            per_second(pages, median),
            per_second(chunk_count as usize, median)
        );
    }
    Ok(())
}
