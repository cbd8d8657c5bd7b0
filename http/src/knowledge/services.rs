//! The knowledge side of a node, built once at start: the blob store, the index of every base,
//! the ingestion workers and the brain that answers from them (local, or a configured language
//! model per bot).

use super::config::{EmbedderChoice, KnowledgeConfig};
use botwot_actors::{Ingestion, IngestionConfig, IngestionDeps};
use botwot_adapters::brain::{BrainRouter, KnowledgeBrain};
use botwot_adapters::embeddings::{HashingEmbedder, load_default_embedder};
use botwot_adapters::knowledge::{LimitedDocumentExtractor, WebPageFetcher};
use botwot_adapters::llm::{LlmAnalyst, LlmBrain, LlmBrainOptions, chat_model_for};
use botwot_engine::LlmProvider;
use botwot_engine::blobs::{BlobError, BlobStore};
use botwot_engine::brain::Brain;
use botwot_engine::coordination::Coordination;
use botwot_engine::insight::Analyst;
use botwot_engine::knowledge::{
    Embedder, ExtractiveOptions, IngestionObserver, KnowledgeIndex, RetrievalMode, RetrievalOptions,
};
use botwot_engine::ports::KnowledgeStore;
use botwot_engine::time::Clock;
use botwot_engine::tools::LateToolbox;
use botwot_engine::writing::Writer;
use botwot_storage::{KnowledgeIndexes, open_blob_store};
use std::sync::Arc;
use thiserror::Error;
use tracing::info;

#[derive(Debug, Error)]
pub enum KnowledgeSetupError {
    #[error("the blob store could not be opened: {0}")]
    Blobs(#[from] BlobError),
    #[error("[knowledge] is not usable: {0}")]
    Config(String),
}

/// What the knowledge routes and the session brain share.
#[derive(Clone)]
pub struct KnowledgeServices {
    pub blobs: Arc<dyn BlobStore>,
    pub index: Arc<dyn KnowledgeIndex>,
    pub ingestion: Ingestion,
    /// Answers for every bot: the node's session actors and the answer endpoint use it.
    pub brain: Arc<dyn Brain>,
    /// Analyses conversations with the language model of each session's bot.
    pub analyst: Arc<dyn Analyst>,
    /// Writes posts' copy and media prompts with the same language models.
    pub writer: Arc<dyn Writer>,
    /// The largest upload this node accepts.
    pub max_upload_bytes: usize,
    /// The tools bots given tool kits call (PRD §3.3), put in place by the node once what they
    /// need is built.
    pub tools: Arc<LateToolbox>,
}

impl KnowledgeServices {
    /// Opens the blob store, loads the embedder, starts the ingestion workers (which resume
    /// unfinished documents) and builds the brain. `coordination` is shared with the other nodes
    /// of a cluster (`SingleNode` alone): one writer per base and one ingester per document.
    pub async fn start(
        config: &KnowledgeConfig,
        store: Arc<dyn KnowledgeStore>,
        observer: Arc<dyn IngestionObserver>,
        clock: Arc<dyn Clock>,
        coordination: Arc<dyn Coordination>,
    ) -> Result<Self, KnowledgeSetupError> {
        let blobs = open_blob_store(&config.blobs).await?;
        let embedder = embedder(config)?;
        let min_confidence = config.min_confidence_for(embedder.name());
        let embedder_name = embedder.name().to_owned();
        let index: Arc<dyn KnowledgeIndex> = Arc::new(
            KnowledgeIndexes::new(blobs.clone(), embedder.clone())
                .with_coordination(coordination.clone()),
        );
        let ingestion = Ingestion::start(
            IngestionDeps {
                store,
                blobs: blobs.clone(),
                index: index.clone(),
                extractor: Arc::new(LimitedDocumentExtractor::default()),
                fetcher: Arc::new(WebPageFetcher::new(config.fetch.clone())),
                embedder,
                observer,
                clock: clock.clone(),
                coordination,
            },
            IngestionConfig {
                workers: config.ingestion_workers,
                chunker: config.chunker(),
                ..IngestionConfig::default()
            },
        );
        let tools = Arc::new(LateToolbox::default());
        let (brain, analyst) = brain(
            config,
            &index,
            &embedder_name,
            min_confidence,
            clock,
            &tools,
        )?;
        Ok(Self {
            blobs,
            index,
            ingestion,
            brain,
            analyst: Arc::new(analyst.clone()),
            writer: Arc::new(analyst),
            max_upload_bytes: config.max_upload_bytes,
            tools,
        })
    }
}

/// How the local brain retrieves: hybrid, except with the hashing embedder, whose ranking adds
/// noise rather than meaning (measured: hybrid recall@5 0.703 against BM25 alone 0.751, see
/// docs/benchmarks.md), so keywords alone do better.
fn local_retrieval(embedder: &str) -> RetrievalOptions {
    let mode = if embedder == HashingEmbedder::NAME {
        RetrievalMode::KeywordOnly
    } else {
        RetrievalMode::Hybrid
    };
    RetrievalOptions {
        mode,
        ..RetrievalOptions::default()
    }
}

fn embedder(config: &KnowledgeConfig) -> Result<Arc<dyn Embedder>, KnowledgeSetupError> {
    Ok(match config.embedder {
        EmbedderChoice::Auto => load_default_embedder(),
        EmbedderChoice::Hashing => Arc::new(HashingEmbedder::default()),
        EmbedderChoice::Remote => Arc::new(config.llm.embedder().ok_or_else(|| {
            KnowledgeSetupError::Config(
                "embedder = \"remote\" needs [knowledge.llm.embeddings]".into(),
            )
        })?),
    })
}

/// The local knowledge brain, with each configured provider's language-model brain in front of
/// it for the bots that choose that provider; and the analyst with the same models.
fn brain(
    config: &KnowledgeConfig,
    index: &Arc<dyn KnowledgeIndex>,
    embedder: &str,
    min_confidence: f32,
    clock: Arc<dyn Clock>,
    tools: &Arc<LateToolbox>,
) -> Result<(Arc<dyn Brain>, LlmAnalyst), KnowledgeSetupError> {
    let composing = ExtractiveOptions {
        min_confidence,
        ..ExtractiveOptions::default()
    };
    let local: Arc<dyn Brain> = Arc::new(KnowledgeBrain::new(
        index.clone(),
        local_retrieval(embedder),
        composing,
    ));
    let mut router = BrainRouter::new(local.clone());
    let mut analyst = LlmAnalyst::default();
    for provider in [
        LlmProvider::Openai,
        LlmProvider::Azure,
        LlmProvider::Bedrock,
    ] {
        let model = chat_model_for(&config.llm, provider, clock.clone())
            .map_err(|error| KnowledgeSetupError::Config(error.to_string()))?;
        let Some(model) = model else {
            continue;
        };
        info!(?provider, "language-model provider configured");
        let options = LlmBrainOptions {
            min_confidence,
            ..LlmBrainOptions::default()
        };
        analyst = analyst.with_model(provider, model.clone());
        let llm =
            LlmBrain::new(index.clone(), model, local.clone(), options).with_tools(tools.clone());
        router = router.with_provider(provider, Arc::new(llm));
    }
    if config.llm.openai.is_none() && config.llm.azure.is_none() && config.llm.bedrock.is_none() {
        info!("no language-model provider configured; every bot answers with the local brain");
    }
    Ok((Arc::new(router), analyst))
}
