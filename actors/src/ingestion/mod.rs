//! Knowledge ingestion as a background job: each queued document is fetched or read from the
//! blob store, extracted, chunked, embedded and indexed by a small pool of workers, its progress
//! stored and announced as it goes. Nothing about a job lives only in memory: the document
//! record says how far it got, so a node that starts resumes every unfinished ingestion, and
//! every node looks for unfinished documents again now and then.
//!
//! Nodes of a cluster share the documents: a worker claims a document (a lock of the cluster's
//! [`Coordination`], kept alive while it works) before ingesting it, and skips it when another
//! node holds the claim. A node that dies mid-document lets its claim expire, and the next
//! sweep of any node picks the document up again.

mod pipeline;
mod progress;

use botwot_engine::blobs::BlobStore;
use botwot_engine::coordination::Coordination;
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
use tracing::{debug, info, warn};

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
    /// Claims on documents, shared with the other nodes of a cluster
    /// ([`botwot_engine::coordination::SingleNode`] alone).
    pub coordination: Arc<dyn Coordination>,
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
    /// Unfinished documents resumed per sweep.
    pub resume_limit: usize,
    /// How often the node looks for unfinished documents nobody is ingesting (the first time at
    /// start).
    pub resume_every: Duration,
}

impl Default for IngestionConfig {
    fn default() -> Self {
        Self {
            workers: 1,
            chunker: ChunkerConfig::default(),
            embed_batch: 32,
            extract_timeout: Duration::from_secs(60),
            resume_limit: 10_000,
            resume_every: Duration::from_secs(60),
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
        ingestion.sweep(deps.store, config, running);
        ingestion
    }

    /// Queues a stored document for ingestion.
    pub fn enqueue(&self, tenant: TenantId, document: DocumentId) {
        if self.queue.send((tenant, document)).is_err() {
            warn!("ingestion workers are gone; the document stays queued until the next start");
        }
    }

    /// Queues the unfinished documents this node is not ingesting, at start and then every
    /// `resume_every`, until the workers are gone.
    fn sweep(
        &self,
        store: Arc<dyn KnowledgeStore>,
        config: IngestionConfig,
        running: Arc<Mutex<HashSet<DocumentId>>>,
    ) {
        let this = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(config.resume_every.max(Duration::from_secs(1)));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !this.queue.is_closed() {
                tick.tick().await;
                let documents = match store.unfinished_documents(config.resume_limit).await {
                    Ok(documents) => documents,
                    Err(error) => {
                        warn!(%error, "unfinished ingestions could not be listed");
                        continue;
                    }
                };
                let resumed: Vec<_> = documents
                    .into_iter()
                    .filter(|document| !running.lock().contains(&document.id))
                    .collect();
                if !resumed.is_empty() {
                    info!(count = resumed.len(), "resuming unfinished ingestions");
                }
                for document in resumed {
                    this.enqueue(document.tenant_id, document.id);
                }
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
        match deps.coordination.try_lock(&claim_name(&document)).await {
            Ok(Some(claim)) => {
                pipeline::ingest(&deps, &config, claim.as_ref(), &tenant, &document).await;
                claim.release().await;
            }
            Ok(None) => debug!(%document, "another node is ingesting the document"),
            Err(error) => {
                warn!(%document, %error, "the document could not be claimed; a later sweep retries it");
            }
        }
        running.lock().remove(&document);
    }
}

/// The name of the cluster-wide claim on a document.
fn claim_name(document: &DocumentId) -> String {
    format!("ingestion:{document}")
}
