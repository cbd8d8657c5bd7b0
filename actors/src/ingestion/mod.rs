//! Knowledge ingestion as a background job: each queued document is fetched or read from the
//! blob store, extracted, chunked, embedded and indexed by a small pool of workers, its progress
//! stored and announced as it goes. Nothing about a job lives only in memory: the document
//! record says how far it got, so a node that starts resumes every unfinished ingestion.

mod pipeline;
mod progress;

use botwot_engine::blobs::BlobStore;
use botwot_engine::ids::{DocumentId, TenantId};
use botwot_engine::knowledge::{
    ChunkerConfig, DocumentExtractor, DocumentFetcher, Embedder, IngestionObserver, KnowledgeIndex,
};
use botwot_engine::ports::KnowledgeStore;
use botwot_engine::time::Clock;
use parking_lot::Mutex;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tracing::{info, warn};

/// What ingestion reads from and writes to.
#[derive(Clone)]
pub struct IngestionDeps {
    pub store: Arc<dyn KnowledgeStore>,
    pub blobs: Arc<dyn BlobStore>,
    pub index: Arc<dyn KnowledgeIndex>,
    pub extractor: Arc<dyn DocumentExtractor>,
    pub fetcher: Arc<dyn DocumentFetcher>,
    pub embedder: Arc<dyn Embedder>,
    pub observer: Arc<dyn IngestionObserver>,
    pub clock: Arc<dyn Clock>,
}

#[derive(Clone, Copy, Debug)]
pub struct IngestionConfig {
    /// Documents ingested at the same time.
    pub workers: usize,
    pub chunker: ChunkerConfig,
    /// Chunks embedded per call of the embedder.
    pub embed_batch: usize,
    /// The longest one document's text extraction may take.
    pub extract_timeout: Duration,
    /// Unfinished documents resumed at start.
    pub resume_limit: usize,
}

impl Default for IngestionConfig {
    fn default() -> Self {
        Self {
            workers: 1,
            chunker: ChunkerConfig::default(),
            embed_batch: 32,
            extract_timeout: Duration::from_secs(60),
            resume_limit: 10_000,
        }
    }
}

type Job = (TenantId, DocumentId);

/// The handle the API queues documents with. Cloning it is cheap.
#[derive(Clone)]
pub struct Ingestion {
    queue: mpsc::UnboundedSender<Job>,
}

impl Ingestion {
    /// Starts the workers and queues every unfinished document the store holds.
    pub fn start(deps: IngestionDeps, config: IngestionConfig) -> Self {
        let (queue, jobs) = mpsc::unbounded_channel::<Job>();
        let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
        let running = Arc::new(Mutex::new(HashSet::<DocumentId>::new()));
        for _ in 0..config.workers.max(1) {
            let (deps, jobs, running) = (deps.clone(), jobs.clone(), running.clone());
            tokio::spawn(work(deps, config, jobs, running));
        }
        let ingestion = Self { queue };
        ingestion.resume(deps.store, config.resume_limit);
        ingestion
    }

    /// Queues a stored document for ingestion.
    pub fn enqueue(&self, tenant: TenantId, document: DocumentId) {
        if self.queue.send((tenant, document)).is_err() {
            warn!("ingestion workers are gone; the document stays queued until the next start");
        }
    }

    fn resume(&self, store: Arc<dyn KnowledgeStore>, limit: usize) {
        let this = self.clone();
        tokio::spawn(async move {
            match store.unfinished_documents(limit).await {
                Ok(documents) => {
                    if !documents.is_empty() {
                        info!(count = documents.len(), "resuming unfinished ingestions");
                    }
                    for document in documents {
                        this.enqueue(document.tenant_id, document.id);
                    }
                }
                Err(error) => warn!(%error, "unfinished ingestions could not be listed"),
            }
        });
    }
}

async fn work(
    deps: IngestionDeps,
    config: IngestionConfig,
    jobs: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Job>>>,
    running: Arc<Mutex<HashSet<DocumentId>>>,
) {
    loop {
        let next = jobs.lock().await.recv().await;
        let Some((tenant, document)) = next else {
            return;
        };
        // A document queued twice (resumed and re-queued) is ingested by one worker only.
        if !running.lock().insert(document.clone()) {
            continue;
        }
        pipeline::ingest(&deps, &config, &tenant, &document).await;
        running.lock().remove(&document);
    }
}
