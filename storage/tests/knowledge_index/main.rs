//! The knowledge index over a blob store: adding, replacing and removing documents, searching
//! one or several bases by keyword and by meaning, saving and reloading, tenant isolation,
//! re-embedding under a new embedder, corrupt blobs, failed saves, concurrent writers and the
//! cap on loaded bases.
//!
//! A tiny deterministic embedder (hashed bag of words, with a few synonyms folded together so
//! a paraphrase can be found by meaning) and an in-memory blob store stand in for the real ones.
//! [`cluster`] runs two indexes over one blob store, coordinated through a real Redis.

mod cluster;

use async_trait::async_trait;
use botwot_engine::blobs::{BlobError, BlobStore};
use botwot_engine::coordination::Coordination;
use botwot_engine::ids::{ChunkId, DocumentId, KnowledgeBaseId, TenantId};
use botwot_engine::knowledge::base::blob_keys;
use botwot_engine::knowledge::{
    Chunk, ChunkSource, EmbedError, Embedder, KnowledgeIndex, KnowledgeIndexError, Retrieval,
    RetrievalMode, RetrievalOptions,
};
use botwot_storage::KnowledgeIndexes;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Words of one meaning, embedded as the first word of their group.
const SYNONYMS: &[&[&str]] = &[
    &[
        "delivery", "deliver", "shipping", "parcel", "courier", "arrive",
    ],
    &["refund", "refunds", "money", "reimburse", "repaid"],
    &["hours", "open", "opens", "closes", "closed"],
];

/// Bag of words hashed into `dimensions` components (the first is a small constant so no text
/// embeds to zero), normalised.
struct WordEmbedder {
    name: &'static str,
    dimensions: usize,
    calls: AtomicUsize,
}

impl WordEmbedder {
    fn new(name: &'static str, dimensions: usize) -> Arc<Self> {
        Arc::new(Self {
            name,
            dimensions,
            calls: AtomicUsize::new(0),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn vector(&self, text: &str) -> Vec<f32> {
        let mut vector = vec![0.0f32; self.dimensions];
        vector[0] = 0.1;
        for word in text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
        {
            let word = SYNONYMS
                .iter()
                .find(|group| group.contains(&word))
                .map_or(word, |group| group[0]);
            let hash = word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            });
            vector[1 + (hash % (self.dimensions as u64 - 1)) as usize] += 1.0;
        }
        let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        vector.iter().map(|x| x / norm).collect()
    }
}

impl Embedder for WordEmbedder {
    fn dimensions(&self) -> usize {
        self.dimensions
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(texts.iter().map(|text| self.vector(text)).collect())
    }

    fn name(&self) -> &str {
        self.name
    }
}

/// Blobs in a map; puts can be made to fail.
#[derive(Default)]
struct MemoryBlobs {
    blobs: Mutex<BTreeMap<String, Vec<u8>>>,
    refuse_puts: AtomicBool,
}

impl MemoryBlobs {
    fn keys(&self) -> Vec<String> {
        self.blobs.lock().expect("lock").keys().cloned().collect()
    }

    fn read(&self, key: &str) -> Option<Vec<u8>> {
        self.blobs.lock().expect("lock").get(key).cloned()
    }

    fn write(&self, key: &str, bytes: &[u8]) {
        self.blobs
            .lock()
            .expect("lock")
            .insert(key.to_owned(), bytes.to_vec());
    }
}

#[async_trait]
impl BlobStore for MemoryBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), BlobError> {
        if self.refuse_puts.load(Ordering::SeqCst) {
            return Err(BlobError::Unavailable("disk full".to_owned()));
        }
        self.write(key, &bytes);
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        Ok(self.read(key))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        self.blobs.lock().expect("lock").remove(key);
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        Ok(self
            .keys()
            .into_iter()
            .filter(|key| key.starts_with(prefix))
            .collect())
    }
}

const TENANT: &str = "org_acme";

const FAQ: &[&str] = &[
    "Every parcel is handed to the courier the day after the order.",
    "Refunds are paid to the original card within five working days.",
    "The shop opens at nine and closes at six on weekdays.",
];

struct Fixture {
    blobs: Arc<MemoryBlobs>,
    embedder: Arc<WordEmbedder>,
    index: KnowledgeIndexes,
}

impl Fixture {
    fn new() -> Self {
        Self::over(
            Arc::new(MemoryBlobs::default()),
            WordEmbedder::new("words", 64),
        )
    }

    /// A node of a cluster whose other nodes share `blobs` through `coordination`.
    fn sharing(blobs: Arc<MemoryBlobs>, coordination: Arc<dyn Coordination>) -> Self {
        let embedder = WordEmbedder::new("words", 64);
        let index =
            KnowledgeIndexes::new(blobs.clone(), embedder.clone()).with_coordination(coordination);
        Self {
            blobs,
            embedder,
            index,
        }
    }

    /// A fresh index (as after a restart) over `blobs`.
    fn over(blobs: Arc<MemoryBlobs>, embedder: Arc<WordEmbedder>) -> Self {
        let index = KnowledgeIndexes::new(blobs.clone(), embedder.clone());
        Self {
            blobs,
            embedder,
            index,
        }
    }

    fn restarted(&self) -> Self {
        Self::over(self.blobs.clone(), WordEmbedder::new("words", 64))
    }

    fn chunks(&self, kb: &str, document: &str, texts: &[&str]) -> (Vec<Chunk>, Vec<Vec<f32>>) {
        let chunks = texts
            .iter()
            .enumerate()
            .map(|(ordinal, text)| Chunk {
                id: ChunkId::generate(),
                kb_id: KnowledgeBaseId::from(kb),
                document_id: DocumentId::from(document),
                ordinal: ordinal as u32,
                text: (*text).to_owned(),
                source: ChunkSource {
                    title: format!("{document}.txt"),
                    url: None,
                    page: None,
                },
            })
            .collect();
        let vectors = texts
            .iter()
            .map(|text| self.embedder.vector(text))
            .collect();
        (chunks, vectors)
    }

    async fn add_as(
        &self,
        tenant: &str,
        kb: &str,
        document: &str,
        texts: &[&str],
    ) -> Result<(), KnowledgeIndexError> {
        let (chunks, vectors) = self.chunks(kb, document, texts);
        self.index
            .add_document(
                &TenantId::from(tenant),
                &KnowledgeBaseId::from(kb),
                &DocumentId::from(document),
                chunks,
                vectors,
            )
            .await
    }

    async fn add(&self, kb: &str, document: &str, texts: &[&str]) {
        self.add_as(TENANT, kb, document, texts)
            .await
            .expect("document indexed");
    }

    async fn search_as(
        &self,
        tenant: &str,
        kbs: &[&str],
        question: &str,
        mode: RetrievalMode,
    ) -> Result<Retrieval, KnowledgeIndexError> {
        let kbs: Vec<KnowledgeBaseId> = kbs.iter().map(|kb| KnowledgeBaseId::from(*kb)).collect();
        let options = RetrievalOptions {
            mode,
            ..RetrievalOptions::default()
        };
        self.index
            .search(&TenantId::from(tenant), &kbs, question, &options)
            .await
    }

    /// The texts found, best first.
    async fn ask(&self, kbs: &[&str], question: &str, mode: RetrievalMode) -> Vec<String> {
        texts(
            &self
                .search_as(TENANT, kbs, question, mode)
                .await
                .expect("search"),
        )
    }
}

fn texts(retrieval: &Retrieval) -> Vec<String> {
    retrieval
        .passages
        .iter()
        .map(|passage| passage.chunk.text.clone())
        .collect()
}

fn index_key(kb: &str) -> String {
    blob_keys::index(&TenantId::from(TENANT), &KnowledgeBaseId::from(kb))
}

#[tokio::test]
async fn a_passage_is_found_by_keyword_and_by_meaning() {
    let fixture = Fixture::new();
    fixture.add("kb_help", "doc_faq", FAQ).await;

    let by_keyword = fixture
        .ask(&["kb_help"], "original card", RetrievalMode::KeywordOnly)
        .await;
    assert_eq!(by_keyword[0], FAQ[1]);

    let question = "when will my delivery arrive";
    let by_meaning = fixture
        .ask(&["kb_help"], question, RetrievalMode::VectorOnly)
        .await;
    assert_eq!(by_meaning[0], FAQ[0]);
    assert!(
        fixture
            .ask(&["kb_help"], question, RetrievalMode::KeywordOnly)
            .await
            .is_empty(),
        "no keyword is shared: only the vectors find it"
    );

    let hybrid = fixture
        .search_as(TENANT, &["kb_help"], question, RetrievalMode::Hybrid)
        .await
        .expect("search");
    assert_eq!(texts(&hybrid)[0], FAQ[0]);
    let unrelated = fixture
        .search_as(
            TENANT,
            &["kb_help"],
            "football results",
            RetrievalMode::Hybrid,
        )
        .await
        .expect("search");
    assert!(
        hybrid.confidence > 2.0 * unrelated.confidence,
        "{} vs {}",
        hybrid.confidence,
        unrelated.confidence
    );
    assert_eq!(hybrid.passages[0].chunk.source.title, "doc_faq.txt");
    assert!(fixture.blobs.read(&index_key("kb_help")).is_some(), "saved");
}

#[tokio::test]
async fn replacing_a_document_removes_its_old_text() {
    let fixture = Fixture::new();
    fixture
        .add("kb_help", "doc_hours", &["The shop opens at nine."])
        .await;
    fixture
        .add("kb_help", "doc_hours", &["The shop opens at ten."])
        .await;
    assert!(
        fixture
            .ask(&["kb_help"], "nine", RetrievalMode::KeywordOnly)
            .await
            .is_empty()
    );
    let found = fixture
        .ask(&["kb_help"], "shop", RetrievalMode::Hybrid)
        .await;
    assert_eq!(found, vec!["The shop opens at ten."]);
}

#[tokio::test]
async fn removing_a_document_counts_its_chunks_and_keeps_the_others() {
    let fixture = Fixture::new();
    fixture.add("kb_help", "doc_faq", FAQ).await;
    fixture
        .add("kb_help", "doc_terms", &["Prices include value added tax."])
        .await;
    let (tenant, kb) = (TenantId::from(TENANT), KnowledgeBaseId::from("kb_help"));
    let removed = fixture
        .index
        .remove_document(&tenant, &kb, &DocumentId::from("doc_faq"))
        .await
        .expect("removed");
    assert_eq!(removed, FAQ.len());
    let again = fixture
        .index
        .remove_document(&tenant, &kb, &DocumentId::from("doc_faq"))
        .await
        .expect("nothing to remove");
    assert_eq!(again, 0);

    for fixture in [&fixture, &fixture.restarted()] {
        assert!(
            fixture
                .ask(&["kb_help"], "refunds card", RetrievalMode::Hybrid)
                .await
                .iter()
                .all(|text| !text.contains("Refunds"))
        );
        assert_eq!(
            fixture
                .ask(&["kb_help"], "prices tax", RetrievalMode::KeywordOnly)
                .await,
            vec!["Prices include value added tax."]
        );
    }
}

#[tokio::test]
async fn dropping_a_base_deletes_its_blobs_and_forgets_it() {
    let fixture = Fixture::new();
    fixture.add("kb_old", "doc_faq", FAQ).await;
    fixture.add("kb_kept", "doc_faq", FAQ).await;
    let tenant = TenantId::from(TENANT);
    let old = KnowledgeBaseId::from("kb_old");
    let original = blob_keys::document(&tenant, &old, &DocumentId::from("doc_faq"));
    fixture.blobs.write(&original, b"the uploaded file");
    assert_eq!(fixture.index.loaded_bases(), 2);

    fixture
        .index
        .drop_base(&tenant, &old)
        .await
        .expect("dropped");

    let prefix = blob_keys::base(&tenant, &old);
    assert!(
        fixture
            .blobs
            .keys()
            .iter()
            .all(|key| !key.starts_with(&prefix)),
        "{:?}",
        fixture.blobs.keys()
    );
    assert!(fixture.blobs.read(&index_key("kb_kept")).is_some());
    assert_eq!(
        fixture.index.loaded_bases(),
        1,
        "the dropped base left memory"
    );
    assert!(
        fixture
            .ask(&["kb_old"], "parcel courier", RetrievalMode::Hybrid)
            .await
            .is_empty()
    );
    assert!(
        !fixture
            .ask(&["kb_kept"], "parcel courier", RetrievalMode::Hybrid)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_restarted_index_finds_what_was_saved() {
    let fixture = Fixture::new();
    fixture.add("kb_help", "doc_faq", FAQ).await;
    let restarted = fixture.restarted();
    assert_eq!(restarted.index.loaded_bases(), 0);
    let found = restarted
        .ask(
            &["kb_help"],
            "when will my delivery arrive",
            RetrievalMode::VectorOnly,
        )
        .await;
    assert_eq!(found[0], FAQ[0]);
    assert_eq!(
        restarted
            .ask(&["kb_help"], "original card", RetrievalMode::KeywordOnly)
            .await[0],
        FAQ[1]
    );
    assert_eq!(
        restarted.embedder.calls(),
        1,
        "only the question is embedded"
    );
}

#[tokio::test]
async fn another_tenant_never_sees_a_base_with_the_same_id() {
    let fixture = Fixture::new();
    fixture.add("kb_shared", "doc_faq", FAQ).await;
    fixture
        .add_as(
            "org_other",
            "kb_shared",
            "doc_secret",
            &["The vault code is 4711."],
        )
        .await
        .expect("indexed");

    let other = fixture
        .search_as(
            "org_other",
            &["kb_shared"],
            "parcel refunds shop",
            RetrievalMode::Hybrid,
        )
        .await
        .expect("search");
    assert_eq!(texts(&other), vec!["The vault code is 4711."]);
    assert!(
        fixture
            .ask(&["kb_shared"], "vault code", RetrievalMode::Hybrid)
            .await
            .iter()
            .all(|text| !text.contains("vault"))
    );
    let stranger = fixture
        .search_as(
            "org_stranger",
            &["kb_shared"],
            "parcel",
            RetrievalMode::Hybrid,
        )
        .await
        .expect("search");
    assert!(stranger.passages.is_empty());
    assert_eq!(stranger.confidence, 0.0);
}

#[tokio::test]
async fn a_search_across_bases_merges_their_passages_and_signals() {
    let fixture = Fixture::new();
    fixture.add("kb_shipping", "doc_a", &[FAQ[0]]).await;
    fixture.add("kb_money", "doc_b", &[FAQ[1]]).await;
    let question = "refunds for a parcel";
    let both = fixture
        .search_as(
            TENANT,
            &["kb_shipping", "kb_money"],
            question,
            RetrievalMode::Hybrid,
        )
        .await
        .expect("search");
    let mut found = texts(&both);
    found.sort();
    assert_eq!(found, vec![FAQ[0], FAQ[1]]);
    for pair in both.passages.windows(2) {
        assert!(pair[0].score >= pair[1].score);
    }
    let mut best = 0.0f32;
    for kb in ["kb_shipping", "kb_money"] {
        let alone = fixture
            .search_as(TENANT, &[kb], question, RetrievalMode::Hybrid)
            .await
            .expect("search");
        best = best.max(alone.confidence);
    }
    assert_eq!(both.confidence, best);
    assert!(both.keyword_match);

    let capped = fixture
        .index
        .search(
            &TenantId::from(TENANT),
            &[
                KnowledgeBaseId::from("kb_shipping"),
                KnowledgeBaseId::from("kb_money"),
            ],
            question,
            &RetrievalOptions {
                top_k: 1,
                ..RetrievalOptions::default()
            },
        )
        .await
        .expect("search");
    assert_eq!(capped.passages.len(), 1);
}

#[tokio::test]
async fn no_bases_or_empty_bases_give_an_empty_retrieval_without_embedding() {
    let fixture = Fixture::new();
    let none = fixture
        .search_as(TENANT, &[], "anything", RetrievalMode::Hybrid)
        .await
        .expect("search");
    let empty = fixture
        .search_as(TENANT, &["kb_new"], "anything", RetrievalMode::Hybrid)
        .await
        .expect("search");
    for retrieval in [none, empty] {
        assert!(retrieval.passages.is_empty());
        assert_eq!(retrieval.confidence, 0.0);
        assert!(!retrieval.keyword_match);
    }
    assert_eq!(fixture.embedder.calls(), 0);
    assert!(fixture.blobs.keys().is_empty(), "searching saves nothing");
}

#[tokio::test]
async fn vectors_that_do_not_fit_the_chunks_are_refused_and_change_nothing() {
    let fixture = Fixture::new();
    fixture.add("kb_help", "doc_faq", FAQ).await;
    let (tenant, kb) = (TenantId::from(TENANT), KnowledgeBaseId::from("kb_help"));
    let document = DocumentId::from("doc_faq");

    let (chunks, mut vectors) = fixture.chunks("kb_help", "doc_faq", &["Closed on Sundays."]);
    vectors.push(vectors[0].clone());
    let too_many = fixture
        .index
        .add_document(&tenant, &kb, &document, chunks.clone(), vectors)
        .await;
    assert!(
        matches!(too_many, Err(KnowledgeIndexError::InvalidInput(_))),
        "{too_many:?}"
    );

    let short = vec![vec![1.0f32; 8]];
    let wrong_length = fixture
        .index
        .add_document(&tenant, &kb, &document, chunks.clone(), short)
        .await;
    assert!(
        matches!(wrong_length, Err(KnowledgeIndexError::InvalidInput(_))),
        "{wrong_length:?}"
    );

    let (_, vectors) = fixture.chunks("kb_help", "doc_faq", &["Closed on Sundays."]);
    let other_document = fixture
        .index
        .add_document(
            &tenant,
            &kb,
            &DocumentId::from("doc_other"),
            chunks,
            vectors,
        )
        .await;
    assert!(matches!(
        other_document,
        Err(KnowledgeIndexError::InvalidInput(_))
    ));

    assert_eq!(
        fixture
            .ask(&["kb_help"], "original card", RetrievalMode::KeywordOnly)
            .await[0],
        FAQ[1],
        "the document's earlier chunks are still there"
    );
}

#[tokio::test]
async fn a_base_saved_under_another_embedder_is_re_embedded_on_load() {
    let fixture = Fixture::new();
    fixture.add("kb_help", "doc_faq", FAQ).await;

    let smaller = Fixture::over(fixture.blobs.clone(), WordEmbedder::new("words-small", 32));
    let found = smaller
        .ask(
            &["kb_help"],
            "when will my delivery arrive",
            RetrievalMode::VectorOnly,
        )
        .await;
    assert_eq!(found[0], FAQ[0]);
    assert!(
        smaller.embedder.calls() > 1,
        "chunks re-embedded, then the question"
    );
    smaller
        .add("kb_help", "doc_more", &["Gift cards never expire."])
        .await;

    let again = Fixture::over(fixture.blobs.clone(), WordEmbedder::new("words-small", 32));
    assert_eq!(
        again
            .ask(&["kb_help"], "gift cards", RetrievalMode::Hybrid)
            .await[0],
        "Gift cards never expire."
    );
    assert_eq!(
        again.embedder.calls(),
        1,
        "saved re-embedded: only the question"
    );
}

#[tokio::test]
async fn a_corrupt_blob_is_an_error_and_is_not_overwritten() {
    let fixture = Fixture::new();
    fixture
        .blobs
        .write(&index_key("kb_broken"), b"not an index at all");
    let search = fixture
        .search_as(TENANT, &["kb_broken"], "parcel", RetrievalMode::Hybrid)
        .await;
    match search {
        Err(KnowledgeIndexError::Unavailable(message)) => {
            assert!(message.contains("cannot be read"), "{message}");
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
    let add = fixture.add_as(TENANT, "kb_broken", "doc_faq", FAQ).await;
    assert!(
        matches!(add, Err(KnowledgeIndexError::Unavailable(_))),
        "{add:?}"
    );
    assert_eq!(
        fixture.blobs.read(&index_key("kb_broken")).as_deref(),
        Some(&b"not an index at all"[..]),
        "the saved data is left for a person to recover"
    );

    fixture.add("kb_good", "doc_faq", FAQ).await;
    let mut truncated = fixture.blobs.read(&index_key("kb_good")).expect("saved");
    truncated.truncate(truncated.len() / 2);
    fixture.blobs.write(&index_key("kb_good"), &truncated);
    let search = fixture
        .restarted()
        .search_as(TENANT, &["kb_good"], "parcel", RetrievalMode::Hybrid)
        .await;
    assert!(
        matches!(search, Err(KnowledgeIndexError::Unavailable(_))),
        "{search:?}"
    );
}

#[tokio::test]
async fn a_failed_save_leaves_memory_as_last_saved() {
    let fixture = Fixture::new();
    fixture.add("kb_help", "doc_faq", FAQ).await;
    fixture.blobs.refuse_puts.store(true, Ordering::SeqCst);
    let add = fixture
        .add_as(
            TENANT,
            "kb_help",
            "doc_terms",
            &["Prices include value added tax."],
        )
        .await;
    assert!(
        matches!(add, Err(KnowledgeIndexError::Unavailable(_))),
        "{add:?}"
    );
    fixture.blobs.refuse_puts.store(false, Ordering::SeqCst);
    assert!(
        fixture
            .ask(&["kb_help"], "prices tax", RetrievalMode::KeywordOnly)
            .await
            .is_empty()
    );
    assert_eq!(
        fixture
            .ask(&["kb_help"], "original card", RetrievalMode::KeywordOnly)
            .await[0],
        FAQ[1]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_of_one_base_lose_no_document() {
    let fixture = Arc::new(Fixture::new());
    let writers: Vec<_> = (0..24)
        .map(|number| {
            let fixture = Arc::clone(&fixture);
            tokio::spawn(async move {
                let text = format!("Gadget{number} is sold in the store.");
                fixture
                    .add("kb_help", &format!("doc_{number}"), &[text.as_str()])
                    .await;
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer finished");
    }
    let restarted = fixture.restarted();
    for number in 0..24 {
        let question = format!("gadget{number}");
        for fixture in [fixture.as_ref(), &restarted] {
            let found = fixture
                .ask(&["kb_help"], &question, RetrievalMode::KeywordOnly)
                .await;
            assert_eq!(found, vec![format!("Gadget{number} is sold in the store.")]);
        }
    }
}

#[tokio::test]
async fn idle_bases_beyond_the_cap_are_evicted_and_reload() {
    let blobs = Arc::new(MemoryBlobs::default());
    let embedder = WordEmbedder::new("words", 64);
    let fixture = Fixture {
        index: KnowledgeIndexes::new(blobs.clone(), embedder.clone()).with_max_loaded_bases(2),
        blobs,
        embedder,
    };
    let kbs = ["kb_1", "kb_2", "kb_3", "kb_4"];
    for kb in kbs {
        fixture.add(kb, "doc_faq", FAQ).await;
    }
    assert!(
        fixture.index.loaded_bases() <= 2,
        "{}",
        fixture.index.loaded_bases()
    );
    for kb in kbs {
        assert_eq!(
            fixture
                .ask(&[kb], "original card", RetrievalMode::KeywordOnly)
                .await[0],
            FAQ[1]
        );
        assert!(fixture.index.loaded_bases() <= 2);
    }
}

/// The index saved in the S3-compatible test server (`deploy/test-services.sh` starts it on
/// 127.0.0.1:9000, or `BOTWOT_TEST_S3_ENDPOINT`) is found again by a fresh index, as after a
/// restart, and dropping the base removes its objects.
#[tokio::test]
async fn an_index_saved_in_s3_is_found_again_after_a_restart() {
    let endpoint = std::env::var("BOTWOT_TEST_S3_ENDPOINT")
        .unwrap_or_else(|_| "http://127.0.0.1:9000".to_owned());
    let config = botwot_storage::S3BlobConfig {
        bucket: format!("botwot-index-{}", uuid_like()),
        region: "us-east-1".to_owned(),
        endpoint: Some(endpoint),
        access_key_id: Some("test".to_owned()),
        secret_access_key: Some("test".to_owned()),
        key_prefix: None,
        create_bucket_if_missing: true,
    };
    let open = || async {
        let store = botwot_storage::S3BlobStore::connect(&config)
            .await
            .expect("the S3 test server answers (start it with deploy/test-services.sh)");
        Arc::new(store) as Arc<dyn BlobStore>
    };
    let vectors_of = Fixture::new();
    let (chunks, vectors) = vectors_of.chunks("kb_help", "doc_faq", FAQ);
    let (tenant, kb) = (TenantId::from(TENANT), KnowledgeBaseId::from("kb_help"));
    let first = KnowledgeIndexes::new(open().await, WordEmbedder::new("words", 64));
    first
        .add_document(&tenant, &kb, &DocumentId::from("doc_faq"), chunks, vectors)
        .await
        .expect("saved");

    let restarted = KnowledgeIndexes::new(open().await, WordEmbedder::new("words", 64));
    let options = RetrievalOptions {
        mode: RetrievalMode::KeywordOnly,
        ..RetrievalOptions::default()
    };
    let found = restarted
        .search(
            &tenant,
            std::slice::from_ref(&kb),
            "original card",
            &options,
        )
        .await
        .expect("search");
    assert_eq!(texts(&found)[0], FAQ[1]);

    restarted.drop_base(&tenant, &kb).await.expect("dropped");
    let left = open().await.list(&blob_keys::base(&tenant, &kb)).await;
    assert_eq!(left.expect("listing"), Vec::<String>::new());
}

/// A bucket-name-safe unique suffix.
fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}
