//! Retrieval quality and speed of the knowledge-base core.
//!
//! Quality: the PRD (`benches/data/corpus/prd.md`) and two licence texts Debian installs
//! (`/usr/share/common-licenses/Apache-2.0`, and `GPL-3` as a distractor with no questions) are
//! chunked with the default chunker (1000 characters, 200 overlap) and indexed; each of the
//! labelled questions in `benches/data/retrieval_questions.jsonl` names spans of its source text,
//! and a retrieved chunk is relevant when it contains one of them (whitespace-normalised), so the
//! labels survive re-chunking. Printed: recall@5 and MRR@10 for BM25 alone, vectors alone
//! (all-MiniLM-L6-v2 and the hashing embedder) and hybrid (BM25 + vectors, reciprocal rank
//! fusion), plus how many questions no chunk can answer (a label cut by chunking).
//!
//! Speed: embedding throughput of both embedders, and query latency over a synthetic index of
//! CHUNKS chunks (default 100,000) built from randomly sampled sentences of real text (the PRD and
//! every licence in /usr/share/common-licenses). Embedding that many chunks with MiniLM on two
//! cores would take hours, so the index holds hashing-embedder vectors (384 dimensions, like
//! MiniLM's); the MiniLM query-embedding time is measured separately and added.
//!
//! Run: `cargo bench --bench retrieval_eval`. Environment: CHUNKS (index size for latency),
//! QUERIES (latency queries, default 1000), RETRIEVAL_WITHOUT_MODEL=1 (skip MiniLM instead of
//! failing when it is not installed; install it with `deploy/install-model.sh`).

use anyhow::{Context, Result, bail};
use botwot_adapters::embeddings::{HashingEmbedder, MiniLmEmbedder, locate_model};
use botwot_engine::ids::{ChunkId, DocumentId, KnowledgeBaseId};
use botwot_engine::knowledge::{
    Bm25Index, Chunk, ChunkSource, Chunker, Embedder, RetrievalMode, RetrievalOptions, Retriever,
};
use botwot_storage::vectors::ChunkVectors;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TOP_K: usize = 5;
const MRR_DEPTH: usize = 10;
const LICENSES: &str = "/usr/share/common-licenses";

#[derive(Deserialize)]
struct LabelledQuestion {
    question: String,
    /// Name of the corpus document the answer is in.
    source: String,
    /// Spans of that document; a chunk holding any of them answers the question.
    spans: Vec<String>,
}

/// One labelled question with the chunks that answer it.
struct Judged {
    question: String,
    relevant: Vec<ChunkId>,
}

/// Chunks of a corpus with the indexes over them.
struct Corpus {
    chunks: HashMap<ChunkId, Chunk>,
    order: Vec<ChunkId>,
    keywords: Bm25Index,
}

#[derive(Default)]
struct Quality {
    hits_at_k: usize,
    reciprocal_ranks: f64,
    questions: usize,
}

impl Quality {
    fn record(&mut self, rank: Option<usize>) {
        self.questions += 1;
        if let Some(rank) = rank {
            if rank <= TOP_K {
                self.hits_at_k += 1;
            }
            self.reciprocal_ranks += 1.0 / rank as f64;
        }
    }

    fn recall(&self) -> f64 {
        self.hits_at_k as f64 / self.questions.max(1) as f64
    }

    fn mrr(&self) -> f64 {
        self.reciprocal_ranks / self.questions.max(1) as f64
    }
}

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let chunk_count: usize = env_number("CHUNKS", 100_000)?;
    let query_count: usize = env_number("QUERIES", 1_000)?;
    let without_model = std::env::var("RETRIEVAL_WITHOUT_MODEL").is_ok_and(|value| value == "1");

    let documents = vec![
        ("prd", read(&root.join("benches/data/corpus/prd.md"))?),
        ("apache-2.0", read(&Path::new(LICENSES).join("Apache-2.0"))?),
        ("gpl-3.0", read(&Path::new(LICENSES).join("GPL-3"))?),
    ];
    let corpus = build_corpus(&documents);
    let questions = load_questions(&root.join("benches/data/retrieval_questions.jsonl"))?;
    let judged = judge(&questions, &documents, &corpus)?;
    let unanswerable = judged.iter().filter(|q| q.relevant.is_empty()).count();

    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "machine: {cores} cores, load average {} at start",
        load.join(" ")
    );
    println!("retrieval quality");
    println!(
        "  corpus: {} documents (PRD + Apache-2.0 + GPL-3 as distractor), {} chunks of at most 1000 chars, 200 overlap",
        documents.len(),
        corpus.order.len()
    );
    println!(
        "  questions: {} labelled, {} with no chunk holding their span (counted as misses)",
        judged.len(),
        unanswerable
    );
    println!("  {:<34} {:>9} {:>8}", "retriever", "recall@5", "MRR@10");

    let bm25 = evaluate(&corpus, &judged, None, RetrievalMode::KeywordOnly)?;
    print_quality("BM25 only", &bm25);

    let hashing = HashingEmbedder::default();
    let hashing_index = index_vectors(&corpus, &hashing)?;
    let vectors = evaluate(
        &corpus,
        &judged,
        Some((&hashing, &hashing_index.vectors)),
        RetrievalMode::VectorOnly,
    )?;
    print_quality("vectors only (hashing)", &vectors);
    let hybrid = evaluate(
        &corpus,
        &judged,
        Some((&hashing, &hashing_index.vectors)),
        RetrievalMode::Hybrid,
    )?;
    print_quality("hybrid (BM25 + hashing, RRF)", &hybrid);

    let minilm = load_minilm(without_model)?;
    let mut minilm_throughput = None;
    if let Some(model) = &minilm {
        let model_index = index_vectors(&corpus, model)?;
        minilm_throughput = Some(model_index.chunks_per_second);
        let vectors = evaluate(
            &corpus,
            &judged,
            Some((model, &model_index.vectors)),
            RetrievalMode::VectorOnly,
        )?;
        print_quality("vectors only (MiniLM)", &vectors);
        let hybrid = evaluate(
            &corpus,
            &judged,
            Some((model, &model_index.vectors)),
            RetrievalMode::Hybrid,
        )?;
        print_quality("hybrid (BM25 + MiniLM, RRF)", &hybrid);
        println!("  target: hybrid recall@5 >= 0.80 with the local model");
    } else {
        println!("  MiniLM: skipped (RETRIEVAL_WITHOUT_MODEL=1)");
    }

    println!();
    println!("embedding throughput (eval corpus chunks, ~1000 chars each)");
    println!("  hashing: {:.0} chunks/s", hashing_index.chunks_per_second);
    if let Some(rate) = minilm_throughput {
        println!("  MiniLM (candle, CPU, batches of 16): {rate:.1} chunks/s");
    }

    println!();
    latency(
        &documents,
        &judged,
        &hashing,
        minilm.as_ref(),
        chunk_count,
        query_count,
    )?;
    Ok(())
}

fn env_number(name: &str, default: usize) -> Result<usize> {
    match std::env::var(name) {
        Ok(value) => value
            .replace('_', "")
            .parse()
            .with_context(|| format!("{name}={value} is not a number")),
        Err(_) => Ok(default),
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn build_corpus(documents: &[(&str, String)]) -> Corpus {
    let chunker = Chunker::default();
    let mut chunks = HashMap::new();
    let mut order = Vec::new();
    let mut keywords = Bm25Index::new();
    for (name, text) in documents {
        for (ordinal, span) in chunker.split(text).into_iter().enumerate() {
            let id = ChunkId::new(format!("chk_{name}_{ordinal}"));
            keywords.add(id.clone(), &span.text);
            order.push(id.clone());
            chunks.insert(
                id.clone(),
                Chunk {
                    id,
                    kb_id: KnowledgeBaseId::from("kb_eval"),
                    document_id: DocumentId::new(format!("doc_{name}")),
                    ordinal: ordinal as u32,
                    text: span.text,
                    source: ChunkSource {
                        title: (*name).to_owned(),
                        url: None,
                        page: None,
                    },
                },
            );
        }
    }
    Corpus {
        chunks,
        order,
        keywords,
    }
}

fn load_questions(path: &Path) -> Result<Vec<LabelledQuestion>> {
    read(path)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(index, line)| {
            serde_json::from_str(line).with_context(|| format!("question line {}", index + 1))
        })
        .collect()
}

/// Finds the chunks answering each question; a label that is not in its document is an error
/// (the labels are stale), not a miss.
fn judge(
    questions: &[LabelledQuestion],
    documents: &[(&str, String)],
    corpus: &Corpus,
) -> Result<Vec<Judged>> {
    let normalised_documents: HashMap<&str, String> = documents
        .iter()
        .map(|(name, text)| (*name, normalise(text)))
        .collect();
    let normalised_chunks: Vec<(ChunkId, String, String)> = corpus
        .order
        .iter()
        .filter_map(|id| corpus.chunks.get(id))
        .map(|chunk| {
            (
                chunk.id.clone(),
                chunk.source.title.clone(),
                normalise(&chunk.text),
            )
        })
        .collect();
    let mut judged = Vec::with_capacity(questions.len());
    for question in questions {
        let Some(document) = normalised_documents.get(question.source.as_str()) else {
            bail!(
                "question {:?} names unknown source {:?}",
                question.question,
                question.source
            );
        };
        let spans: Vec<String> = question.spans.iter().map(|span| normalise(span)).collect();
        for span in &spans {
            if !document.contains(span.as_str()) {
                bail!(
                    "label {span:?} of {:?} is not in {}",
                    question.question,
                    question.source
                );
            }
        }
        let relevant = normalised_chunks
            .iter()
            .filter(|(_, source, text)| {
                source == &question.source && spans.iter().any(|span| text.contains(span.as_str()))
            })
            .map(|(id, _, _)| id.clone())
            .collect();
        judged.push(Judged {
            question: question.question.clone(),
            relevant,
        });
    }
    Ok(judged)
}

struct EmbeddedCorpus {
    vectors: ChunkVectors,
    chunks_per_second: f64,
}

fn index_vectors(corpus: &Corpus, embedder: &dyn Embedder) -> Result<EmbeddedCorpus> {
    let texts: Vec<&str> = corpus
        .order
        .iter()
        .filter_map(|id| corpus.chunks.get(id))
        .map(|chunk| chunk.text.as_str())
        .collect();
    let started = Instant::now();
    let embedded = embedder.embed(&texts)?;
    let chunks_per_second = texts.len() as f64 / started.elapsed().as_secs_f64();
    let mut vectors = ChunkVectors::new(embedder.dimensions())?;
    vectors.reserve(texts.len())?;
    for (id, vector) in corpus.order.iter().zip(&embedded) {
        vectors.upsert(id.clone(), vector)?;
    }
    Ok(EmbeddedCorpus {
        vectors,
        chunks_per_second,
    })
}

fn evaluate(
    corpus: &Corpus,
    judged: &[Judged],
    vectors: Option<(&dyn Embedder, &ChunkVectors)>,
    mode: RetrievalMode,
) -> Result<Quality> {
    let hashing = HashingEmbedder::default();
    let empty = ChunkVectors::new(hashing.dimensions())?;
    let (embedder, index): (&dyn Embedder, &ChunkVectors) = vectors.unwrap_or((&hashing, &empty));
    let retriever = Retriever::new(&corpus.keywords, index, embedder, &corpus.chunks);
    let options = RetrievalOptions {
        top_k: MRR_DEPTH,
        mode,
        ..RetrievalOptions::default()
    };
    let mut quality = Quality::default();
    for question in judged {
        let found = retriever.retrieve(&question.question, &options)?;
        let rank = found
            .passages
            .iter()
            .position(|passage| question.relevant.contains(&passage.chunk.id))
            .map(|index| index + 1);
        quality.record(rank);
    }
    Ok(quality)
}

fn print_quality(name: &str, quality: &Quality) {
    println!(
        "  {:<34} {:>9.3} {:>8.3}",
        name,
        quality.recall(),
        quality.mrr()
    );
}

fn load_minilm(without_model: bool) -> Result<Option<MiniLmEmbedder>> {
    match locate_model() {
        Ok(dir) => Ok(Some(MiniLmEmbedder::load(&dir).with_context(|| {
            format!("loading the embedding model from {}", dir.display())
        })?)),
        Err(_) if without_model => Ok(None),
        Err(error) => bail!("{error} (or set RETRIEVAL_WITHOUT_MODEL=1 to skip it)"),
    }
}

/// Deterministic pseudo-random numbers (xorshift64*), so every run samples the same text.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % bound.max(1)
    }
}

/// Sentences of real text to sample synthetic chunks from.
fn sentence_pool(documents: &[(&str, String)]) -> Result<Vec<String>> {
    let mut texts: Vec<String> = documents.iter().map(|(_, text)| text.clone()).collect();
    let mut licenses: Vec<PathBuf> = std::fs::read_dir(LICENSES)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file())
        .collect();
    licenses.sort();
    for path in licenses {
        if let Ok(text) = std::fs::read_to_string(&path) {
            texts.push(text);
        }
    }
    let mut pool = Vec::new();
    for text in &texts {
        for sentence in normalise(text).split_inclusive(['.', '?', '!']) {
            let sentence = sentence.trim();
            if sentence.chars().count() >= 30 {
                pool.push(sentence.to_owned());
            }
        }
    }
    pool.sort();
    pool.dedup();
    Ok(pool)
}

fn synthetic_chunks(pool: &[String], count: usize) -> Vec<String> {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    (0..count)
        .map(|_| {
            let mut text = String::new();
            while text.len() < 800 {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&pool[random.below(pool.len())]);
            }
            text.chars().take(1000).collect()
        })
        .collect()
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn time_queries(
    questions: &[&str],
    mut run: impl FnMut(&str) -> Result<()>,
) -> Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(questions.len());
    for question in questions {
        let started = Instant::now();
        run(question)?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times)
}

fn print_latency(name: &str, times: &[Duration]) {
    println!(
        "  {:<58} p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms",
        name,
        millis(percentile(times, 0.50)),
        millis(percentile(times, 0.95)),
        millis(percentile(times, 0.99))
    );
}

fn latency(
    documents: &[(&str, String)],
    judged: &[Judged],
    hashing: &HashingEmbedder,
    minilm: Option<&MiniLmEmbedder>,
    chunk_count: usize,
    query_count: usize,
) -> Result<()> {
    let pool = sentence_pool(documents)?;
    let texts = synthetic_chunks(&pool, chunk_count);
    println!(
        "query latency over {chunk_count} synthetic chunks (random sentences of the PRD and {LICENSES}/*, {} distinct sentences; vectors from the hashing embedder, 384 dims)",
        pool.len()
    );

    let started = Instant::now();
    let text_refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let embedded = hashing.embed(&text_refs)?;
    let embed_rate = texts.len() as f64 / started.elapsed().as_secs_f64();
    println!("  hashing embedder over these chunks: {embed_rate:.0} chunks/s");

    let mut chunks = HashMap::with_capacity(texts.len());
    let mut keywords = Bm25Index::new();
    let started = Instant::now();
    for (index, text) in texts.iter().enumerate() {
        let id = ChunkId::new(format!("chk_{index}"));
        keywords.add(id.clone(), text);
        chunks.insert(
            id.clone(),
            Chunk {
                id,
                kb_id: KnowledgeBaseId::from("kb_latency"),
                document_id: DocumentId::from("doc_synthetic"),
                ordinal: index as u32,
                text: text.clone(),
                source: ChunkSource::default(),
            },
        );
    }
    let bm25_build = started.elapsed();

    let started = Instant::now();
    let mut vectors = ChunkVectors::new(hashing.dimensions())?;
    vectors.reserve(texts.len())?;
    for (index, vector) in embedded.iter().enumerate() {
        vectors.upsert(ChunkId::new(format!("chk_{index}")), vector)?;
    }
    let usearch_build = started.elapsed();
    println!(
        "  build: BM25 {:.1} s, usearch HNSW {:.1} s ({:.0} vectors/s, one thread)",
        bm25_build.as_secs_f64(),
        usearch_build.as_secs_f64(),
        texts.len() as f64 / usearch_build.as_secs_f64()
    );
    let started = Instant::now();
    let bm25_bytes = keywords.to_bytes()?;
    let vector_bytes = vectors.to_bytes()?;
    let save = started.elapsed();
    let started = Instant::now();
    let reloaded = Bm25Index::from_bytes(&bm25_bytes)?;
    let reloaded_vectors = ChunkVectors::from_bytes(&vector_bytes)?;
    let load = started.elapsed();
    println!(
        "  blobs: BM25 {:.1} MB, vectors {:.1} MB; save {:.2} s, load {:.2} s",
        bm25_bytes.len() as f64 / 1e6,
        vector_bytes.len() as f64 / 1e6,
        save.as_secs_f64(),
        load.as_secs_f64()
    );
    if reloaded.len() != keywords.len() || reloaded_vectors.len() != vectors.len() {
        bail!("reloaded indexes differ in size from the saved ones");
    }
    drop((reloaded, reloaded_vectors, bm25_bytes, vector_bytes));

    let questions: Vec<&str> = judged
        .iter()
        .map(|q| q.question.as_str())
        .cycle()
        .take(query_count)
        .collect();
    let options = |mode| RetrievalOptions {
        mode,
        ..RetrievalOptions::default()
    };
    let retriever = Retriever::new(&keywords, &vectors, hashing, &chunks);
    // Warm caches once before timing.
    for question in questions.iter().take(20) {
        retriever.retrieve(question, &options(RetrievalMode::Hybrid))?;
    }
    println!(
        "  {query_count} queries (the labelled questions, cycled), top-5 of 50 candidates per list:"
    );
    for (name, mode) in [
        ("BM25 only", RetrievalMode::KeywordOnly),
        (
            "vectors only (hashing query embedding)",
            RetrievalMode::VectorOnly,
        ),
        (
            "hybrid (hashing query embedding + BM25 + RRF)",
            RetrievalMode::Hybrid,
        ),
    ] {
        let times = time_queries(&questions, |question| {
            retriever.retrieve(question, &options(mode)).map(drop)?;
            Ok(())
        })?;
        print_latency(name, &times);
    }
    if let Some(model) = minilm {
        let embed_times = time_queries(&questions[..questions.len().min(200)], |question| {
            model.embed(&[question]).map(drop)?;
            Ok(())
        })?;
        print_latency("MiniLM query embedding alone (one question)", &embed_times);
        let retriever = Retriever::new(&keywords, &vectors, model, &chunks);
        let times = time_queries(&questions[..questions.len().min(200)], |question| {
            retriever
                .retrieve(question, &options(RetrievalMode::Hybrid))
                .map(drop)?;
            Ok(())
        })?;
        print_latency("hybrid with MiniLM query embedding (latency only*)", &times);
        println!(
            "  * the index holds hashing vectors, so this run's results are meaningless; its time is what a MiniLM index of this size costs"
        );
    }
    println!("  target: hybrid p95 <= 50 ms at 100,000 chunks");
    Ok(())
}
