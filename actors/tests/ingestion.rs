//! Knowledge ingestion through real storage, blob store and index: uploads become searchable,
//! hostile or unreadable documents fail with their code, deleted documents leave nothing behind,
//! and a starting node resumes what a previous one left unfinished. Two nodes sharing the stores
//! through a real Redis (`BOTWOT_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`) ingest each
//! document once, and a document claimed by a node that died is picked up after its claim ends.

use botwot_actors::{Ingestion, IngestionConfig, IngestionDeps, SystemClock};
use botwot_adapters::embeddings::HashingEmbedder;
use botwot_engine::blobs::BlobStore;
use botwot_engine::coordination::{Coordination, SingleNode};
use botwot_engine::ids::{DocumentId, KnowledgeBaseId, TenantId};
use botwot_engine::knowledge::{
    DocumentExtractor, DocumentFetcher, DocumentOrigin, DocumentRejected, ExtractedSection,
    ExtractedText, FetchedDocument, IngestionObserver, IngestionStage, KnowledgeBase,
    KnowledgeDocument, RetrievalOptions,
};
use botwot_engine::ports::KnowledgeStore;
use botwot_engine::time::Clock;
use botwot_storage::coordination::RedisCoordination;
use botwot_storage::{KnowledgeIndexes, LocalBlobStore, open_embedded};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

/// Reads bytes as plain text, one section per paragraph; text starting with `BOMB` is refused
/// as the real extractor refuses a zip bomb.
struct PlainTextExtractor;

impl DocumentExtractor for PlainTextExtractor {
    fn extract(
        &self,
        bytes: &[u8],
        _: Option<&str>,
        _: Option<&str>,
    ) -> Result<ExtractedText, DocumentRejected> {
        let text = String::from_utf8_lossy(bytes);
        if text.starts_with("BOMB") {
            return Err(DocumentRejected::new("zip_bomb", "expands too far"));
        }
        let sections = text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| ExtractedSection {
                text: p.trim().to_owned(),
                page: None,
                heading: None,
            })
            .collect();
        Ok(ExtractedText {
            title: Some("Returns policy".into()),
            sections,
            pages: None,
        })
    }
}

struct OnePageWeb;

#[async_trait::async_trait]
impl DocumentFetcher for OnePageWeb {
    async fn fetch(&self, url: &str) -> Result<FetchedDocument, DocumentRejected> {
        if url.contains("missing") {
            return Err(DocumentRejected::new(
                "fetch_failed",
                "the server answered 404",
            ));
        }
        Ok(FetchedDocument {
            bytes: b"Our store opens at nine in the morning.".to_vec(),
            content_type: Some("text/plain".into()),
            final_url: url.into(),
        })
    }
}

#[derive(Default)]
struct Progress(Mutex<Vec<(DocumentId, IngestionStage, u8)>>);

impl IngestionObserver for Progress {
    fn progressed(&self, document: &KnowledgeDocument) {
        let seen = (
            document.id.clone(),
            document.progress.stage,
            document.progress.percent,
        );
        self.0.lock().push(seen);
    }
}

struct World {
    _dir: tempfile::TempDir,
    deps: IngestionDeps,
    progress: Arc<Progress>,
    tenant: TenantId,
    kb: KnowledgeBaseId,
}

impl World {
    async fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let store = open_embedded(dir.path().join("db"))?;
        let blobs: Arc<dyn BlobStore> =
            Arc::new(LocalBlobStore::open(dir.path().join("blobs")).await?);
        let embedder = Arc::new(HashingEmbedder::default());
        let index = Arc::new(KnowledgeIndexes::new(blobs.clone(), embedder.clone()));
        let progress = Arc::new(Progress::default());
        let tenant = TenantId::from("acme");
        let base = KnowledgeBase::create(
            tenant.clone(),
            "FAQ".into(),
            String::new(),
            SystemClock.now(),
        );
        store.insert_knowledge_base(&base).await?;
        let deps = IngestionDeps {
            store,
            blobs,
            index,
            extractor: Arc::new(PlainTextExtractor),
            fetcher: Arc::new(OnePageWeb),
            embedder,
            observer: progress.clone(),
            clock: Arc::new(SystemClock),
            coordination: Arc::new(SingleNode),
        };
        Ok(Self {
            _dir: dir,
            deps,
            progress,
            tenant,
            kb: base.id,
        })
    }

    fn config() -> IngestionConfig {
        IngestionConfig {
            embed_batch: 2,
            ..IngestionConfig::default()
        }
    }

    /// Stores a document record (and its upload), without queueing it.
    async fn add(&self, origin: DocumentOrigin, bytes: &[u8]) -> anyhow::Result<DocumentId> {
        let document = KnowledgeDocument::new(
            self.tenant.clone(),
            self.kb.clone(),
            "returns.txt".into(),
            origin,
            bytes.len() as u64,
            SystemClock.now(),
        );
        if !bytes.is_empty() {
            self.deps
                .blobs
                .put(&document.blob_key(), bytes.to_vec())
                .await?;
        }
        self.deps.store.insert_document(&document).await?;
        Ok(document.id)
    }

    async fn upload(&self, bytes: &[u8]) -> anyhow::Result<DocumentId> {
        let origin = DocumentOrigin::Upload {
            file_name: "returns.txt".into(),
            content_type: Some("text/plain".into()),
        };
        self.add(origin, bytes).await
    }

    /// The document once its ingestion is final.
    async fn finished(&self, id: &DocumentId) -> anyhow::Result<KnowledgeDocument> {
        for _ in 0..3_000 {
            let document = self.deps.store.get_document(&self.tenant, id).await?;
            let document = document.ok_or_else(|| anyhow::anyhow!("document vanished"))?;
            if document.progress.stage.is_final() {
                return Ok(document);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        anyhow::bail!("ingestion of {id} never finished")
    }

    async fn search(&self, question: &str) -> anyhow::Result<Vec<String>> {
        let kbs = [self.kb.clone()];
        let found = self
            .deps
            .index
            .search(&self.tenant, &kbs, question, &RetrievalOptions::default())
            .await?;
        Ok(found.passages.into_iter().map(|p| p.chunk.text).collect())
    }
}

const POLICY: &[u8] = b"Returns are free within thirty days of delivery.\n\nKeep the receipt.\n\nRefunds reach your card in five working days.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_becomes_searchable_and_reports_its_progress() -> anyhow::Result<()> {
    let world = World::new().await?;
    let ingestion = Ingestion::start(world.deps.clone(), World::config());
    let id = world.upload(POLICY).await?;
    ingestion.enqueue(world.tenant.clone(), id.clone());

    let document = world.finished(&id).await?;
    assert_eq!(
        document.progress.stage,
        IngestionStage::Ready,
        "{document:?}"
    );
    assert_eq!(document.progress.percent, 100);
    assert!(document.chunk_count >= 1);
    let found = world.search("how long do refunds take").await?;
    assert!(
        found.iter().any(|text| text.contains("five working days")),
        "{found:?}"
    );

    // The record is stored before the listeners are told: wait (a bounded while) for the
    // announcement of the stage the store already shows.
    for _ in 0..500 {
        let announced = world
            .progress
            .0
            .lock()
            .iter()
            .any(|(_, stage, _)| *stage == IngestionStage::Ready);
        if announced {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let seen = world.progress.0.lock().clone();
    let percents: Vec<u8> = seen.iter().map(|(_, _, percent)| *percent).collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    let stages: Vec<IngestionStage> = seen.iter().map(|(_, stage, _)| *stage).collect();
    for stage in [
        IngestionStage::Extracting,
        IngestionStage::Embedding,
        IngestionStage::Ready,
    ] {
        assert!(
            stages.contains(&stage),
            "{stage:?} not announced: {stages:?}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_documents_fail_with_their_code_and_index_nothing() -> anyhow::Result<()> {
    let world = World::new().await?;
    let ingestion = Ingestion::start(world.deps.clone(), World::config());
    let bomb = world.upload(b"BOMB and more").await?;
    let missing_upload = world.upload(b"").await?;
    let dead_link = world
        .add(
            DocumentOrigin::Url {
                url: "https://shop.test/missing".into(),
            },
            b"",
        )
        .await?;
    for id in [&bomb, &missing_upload, &dead_link] {
        ingestion.enqueue(world.tenant.clone(), id.clone());
    }
    let codes = [
        (&bomb, "zip_bomb"),
        (&missing_upload, "upload_missing"),
        (&dead_link, "fetch_failed"),
    ];
    for (id, code) in codes {
        let document = world.finished(id).await?;
        assert_eq!(document.progress.stage, IngestionStage::Failed);
        let error = document.progress.error.expect("a failure says why");
        assert_eq!(error.code, code, "{}", error.message);
        assert!(!error.message.is_empty());
    }
    assert!(world.search("bomb").await?.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetched_page_is_kept_and_titled() -> anyhow::Result<()> {
    let world = World::new().await?;
    let ingestion = Ingestion::start(world.deps.clone(), World::config());
    let origin = DocumentOrigin::Url {
        url: "https://shop.test/hours".into(),
    };
    let id = world.add(origin, b"").await?;
    ingestion.enqueue(world.tenant.clone(), id.clone());
    let document = world.finished(&id).await?;
    assert_eq!(document.progress.stage, IngestionStage::Ready);
    assert_eq!(document.title, "Returns policy");
    assert!(document.size_bytes > 0);
    let kept = world.deps.blobs.get(&document.blob_key()).await?;
    assert_eq!(
        kept.as_deref(),
        Some(&b"Our store opens at nine in the morning."[..])
    );
    assert!(!world.search("when does the store open").await?.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_starting_node_resumes_unfinished_ingestions() -> anyhow::Result<()> {
    let world = World::new().await?;
    // Left queued by a node that stopped before ingesting them.
    let first = world.upload(POLICY).await?;
    let second = world.upload(b"Gift cards never expire.").await?;
    let _ingestion = Ingestion::start(world.deps.clone(), World::config());
    for id in [&first, &second] {
        assert_eq!(
            world.finished(id).await?.progress.stage,
            IngestionStage::Ready
        );
    }
    assert!(!world.search("gift cards").await?.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_deleted_before_ingestion_leaves_nothing() -> anyhow::Result<()> {
    let world = World::new().await?;
    let id = world.upload(POLICY).await?;
    world.deps.store.delete_document(&world.tenant, &id).await?;
    let ingestion = Ingestion::start(world.deps.clone(), World::config());
    ingestion.enqueue(world.tenant.clone(), id.clone());
    // A later document is ingested, so the deleted one's job has run by then.
    let later = world.upload(b"Gift cards never expire.").await?;
    ingestion.enqueue(world.tenant.clone(), later.clone());
    world.finished(&later).await?;
    assert!(
        world
            .search("refunds card working days")
            .await?
            .iter()
            .all(|t| !t.contains("Refunds"))
    );
    Ok(())
}

fn redis_url() -> String {
    std::env::var("BOTWOT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// The deps of another node of the same cluster: the same stores, its own index in memory and
/// its own connection to the cluster's Redis (keys under `prefix`).
async fn node_of(deps: &IngestionDeps, prefix: &str) -> anyhow::Result<IngestionDeps> {
    let coordination: Arc<dyn Coordination> =
        Arc::new(RedisCoordination::connect(&redis_url(), prefix).await?);
    let index = KnowledgeIndexes::new(deps.blobs.clone(), deps.embedder.clone())
        .with_coordination(coordination.clone());
    Ok(IngestionDeps {
        index: Arc::new(index),
        coordination,
        ..deps.clone()
    })
}

fn cluster_prefix() -> String {
    format!("botwot-test:{}:", uuid::Uuid::new_v4())
}

/// How many progress writes of `document` at `stage` every node made (extracting is written
/// once per ingestion: it has no progress within).
fn writes_at(progress: &Progress, document: &DocumentId, stage: IngestionStage) -> usize {
    let seen = progress.0.lock();
    seen.iter()
        .filter(|(id, at, _)| id == document && *at == stage)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_sharing_the_stores_ingest_each_document_once() -> anyhow::Result<()> {
    let world = World::new().await?;
    let mut documents = Vec::new();
    for number in 0..6 {
        let text = format!("Item{number} ships free within the week.");
        documents.push(world.upload(text.as_bytes()).await?);
    }
    let prefix = cluster_prefix();
    let (first, second) = (
        node_of(&world.deps, &prefix).await?,
        node_of(&world.deps, &prefix).await?,
    );
    // Both nodes start at once and resume the same six documents.
    let _first = Ingestion::start(first.clone(), World::config());
    let _second = Ingestion::start(second.clone(), World::config());
    for document in &documents {
        assert_eq!(
            world.finished(document).await?.progress.stage,
            IngestionStage::Ready
        );
        assert_eq!(
            writes_at(&world.progress, document, IngestionStage::Extracting),
            1,
            "{document} was ingested once"
        );
    }
    // Every document is in the base, whichever node ingested it, and either node finds it.
    let kbs = [world.kb.clone()];
    for (number, deps) in [(0, &first), (5, &second), (3, &first)] {
        let question = format!("item{number}");
        let found = deps
            .index
            .search(&world.tenant, &kbs, &question, &RetrievalOptions::default())
            .await?;
        assert!(
            found
                .passages
                .iter()
                .any(|passage| passage.chunk.text.contains(&format!("Item{number} "))),
            "{question}: {:?}",
            found.passages
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_a_dead_node_claimed_is_ingested_once_its_claim_ends() -> anyhow::Result<()> {
    let world = World::new().await?;
    let id = world.upload(POLICY).await?;
    let prefix = cluster_prefix();
    // The claim a node took just before it died: nobody renews it.
    let mut redis = redis::Client::open(redis_url())?
        .get_multiplexed_async_connection()
        .await?;
    let () = redis::cmd("SET")
        .arg(format!("{prefix}lock:ingestion:{id}"))
        .arg("a-dead-node")
        .arg("PX")
        .arg(1_500)
        .query_async(&mut redis)
        .await?;
    let survivor = node_of(&world.deps, &prefix).await?;
    let _ingestion = Ingestion::start(
        survivor,
        IngestionConfig {
            resume_every: Duration::from_secs(1),
            ..World::config()
        },
    );
    assert_eq!(
        world.finished(&id).await?.progress.stage,
        IngestionStage::Ready
    );
    assert_eq!(
        writes_at(&world.progress, &id, IngestionStage::Extracting),
        1
    );
    Ok(())
}
