//! `[knowledge]`: where knowledge is kept and how it is read, embedded and answered from.

use botwot_adapters::embeddings::HashingEmbedder;
use botwot_adapters::knowledge::WebFetchConfig;
use botwot_adapters::llm::LlmConfig;
use botwot_engine::knowledge::ChunkerConfig;
use botwot_storage::BlobConfig;
use serde::Deserialize;

/// Which embedding model indexes and queries knowledge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmbedderChoice {
    /// all-MiniLM-L6-v2 when installed, else the hashing embedder (logged).
    #[default]
    Auto,
    /// The hashing embedder: no model, matches shared words only.
    Hashing,
    /// The OpenAI-compatible embeddings endpoint of `[knowledge.llm.embeddings]`.
    Remote,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KnowledgeConfig {
    /// Uploaded files, fetched pages and saved indexes.
    pub blobs: BlobConfig,
    pub embedder: EmbedderChoice,
    /// Characters per chunk and characters shared by neighbouring chunks.
    pub chunk_chars: usize,
    pub chunk_overlap_chars: usize,
    /// Documents ingested at the same time on this node.
    pub ingestion_workers: usize,
    /// The largest upload this node accepts, whatever the plan allows.
    pub max_upload_bytes: usize,
    /// The least question-to-passage similarity that counts as knowing the answer; unset, a
    /// value suited to the embedder in use.
    pub min_confidence: Option<f32>,
    /// How URL documents are fetched.
    pub fetch: WebFetchConfig,
    /// Language-model providers bots may choose (`llmProvider`); bots whose provider is not
    /// configured are answered locally.
    pub llm: LlmConfig,
}

impl Default for KnowledgeConfig {
    fn default() -> Self {
        let chunking = ChunkerConfig::default();
        Self {
            blobs: BlobConfig::default(),
            embedder: EmbedderChoice::Auto,
            chunk_chars: chunking.max_chars,
            chunk_overlap_chars: chunking.overlap_chars,
            ingestion_workers: 1,
            max_upload_bytes: 25 * 1024 * 1024,
            min_confidence: None,
            fetch: WebFetchConfig::default(),
            llm: LlmConfig::default(),
        }
    }
}

impl KnowledgeConfig {
    pub fn chunker(&self) -> ChunkerConfig {
        ChunkerConfig {
            max_chars: self.chunk_chars,
            overlap_chars: self.chunk_overlap_chars,
        }
    }

    /// The confidence threshold for an embedder: the configured one, else one measured for it
    /// (cosines of the hashing embedder run lower than the model's).
    pub fn min_confidence_for(&self, embedder: &str) -> f32 {
        self.min_confidence
            .unwrap_or(if embedder == HashingEmbedder::NAME {
                0.12
            } else {
                0.3
            })
    }
}
