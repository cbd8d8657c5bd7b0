//! One document's ingestion, stage by stage: fetch (URL documents) or read the upload, extract
//! its text on a blocking thread under a deadline, chunk, embed in batches, index, and mark it
//! ready. A rejection (hostile or unreadable file, failed fetch) fails the document with its
//! stable code; a document deleted meanwhile stops the job and leaves nothing in the index.

use super::progress::{ProgressError, ProgressWriter};
use super::{IngestionConfig, IngestionDeps};
use botwot_engine::coordination::HeldLock;
use botwot_engine::ids::{DocumentId, TenantId};
use botwot_engine::knowledge::{
    ChunkOrigin, Chunker, DocumentOrigin, DocumentRejected, ExtractedText, IngestionProgress,
    IngestionStage, KnowledgeDocument, document_chunks,
};
use tracing::{info, warn};

/// Why a job stopped short of `ready`.
enum Stop {
    /// The document cannot be ingested; it is marked failed with this reason.
    Rejected(DocumentRejected),
    /// The document was deleted meanwhile.
    Gone,
    /// This node's claim ran out: the node that claims it next ingests it.
    ClaimLost,
}

impl From<ProgressError> for Stop {
    fn from(error: ProgressError) -> Self {
        match error {
            ProgressError::Gone => Stop::Gone,
            ProgressError::ClaimLost => Stop::ClaimLost,
            ProgressError::Store(error) => Stop::Rejected(DocumentRejected::new(
                "storage_unavailable",
                format!("the document's progress could not be stored: {error}"),
            )),
        }
    }
}

fn stopped(code: &str, what: &str, error: impl std::fmt::Display) -> Stop {
    Stop::Rejected(DocumentRejected::new(code, format!("{what}: {error}")))
}

fn unavailable(what: &str, error: impl std::fmt::Display) -> Stop {
    stopped("storage_unavailable", what, error)
}

/// Ingests one document to a final stage (or until it is deleted, or `claim` is lost).
pub(super) async fn ingest(
    deps: &IngestionDeps,
    config: &IngestionConfig,
    claim: &dyn HeldLock,
    tenant: &TenantId,
    id: &DocumentId,
) {
    let document = match deps.store.get_document(tenant, id).await {
        Ok(Some(document)) if !document.progress.stage.is_final() => document,
        Ok(_) => return,
        Err(error) => {
            warn!(document = %id, %error, "ingestion could not read the document; it stays queued for the next start");
            return;
        }
    };
    let mut writer = ProgressWriter::new(deps, claim, document);
    match run(deps, config, &mut writer).await {
        Ok(()) => info!(
            document = %id,
            chunks = writer.document.chunk_count,
            "document ingested"
        ),
        Err(Stop::Gone) => {
            info!(document = %id, "document deleted during ingestion");
            forget_deleted(deps, &writer.document).await;
        }
        Err(Stop::ClaimLost) => {
            warn!(document = %id, "the claim on the document was lost; the node that claims it next ingests it");
        }
        Err(Stop::Rejected(reason)) => {
            warn!(document = %id, code = %reason.code, reason = %reason.message, "ingestion failed");
            writer.document.progress = writer
                .document
                .progress
                .failed(&reason.code, reason.message);
            if let Err(ProgressError::Store(error)) = writer.save().await {
                warn!(document = %id, %error, "the failure could not be stored");
            }
        }
    }
}

/// Takes a document deleted during its ingestion out of the index; when its whole base went
/// (deleted, or its organisation erased), the base's saved index and files go too.
async fn forget_deleted(deps: &IngestionDeps, document: &KnowledgeDocument) {
    let (tenant, kb) = (&document.tenant_id, &document.kb_id);
    let base_exists = !matches!(deps.store.get_knowledge_base(tenant, kb).await, Ok(None));
    let forgotten = if base_exists {
        deps.index
            .remove_document(tenant, kb, &document.id)
            .await
            .map(|_| ())
    } else {
        deps.index.drop_base(tenant, kb).await
    };
    if let Err(error) = forgotten {
        warn!(document = %document.id, %error, "chunks of a deleted document could not be removed");
    }
}

async fn run(
    deps: &IngestionDeps,
    config: &IngestionConfig,
    writer: &mut ProgressWriter<'_>,
) -> Result<(), Stop> {
    let bytes = read_bytes(deps, writer).await?;
    writer.at(IngestionStage::Extracting, 0.0).await?;
    let text = extract(deps, config, &writer.document, bytes).await?;
    if let Some(title) = text.title.as_deref().filter(|t| !t.trim().is_empty())
        && matches!(writer.document.origin, DocumentOrigin::Url { .. })
    {
        writer.document.title = title.trim().to_owned();
    }
    writer.document.pages = text.pages;

    writer.at(IngestionStage::Chunking, 0.0).await?;
    let chunker = Chunker::new(config.chunker).map_err(|error| {
        Stop::Rejected(DocumentRejected::new("invalid_chunking", error.to_string()))
    })?;
    let document = writer.document.clone();
    let url = match &document.origin {
        DocumentOrigin::Url { url } => Some(url.as_str()),
        DocumentOrigin::Upload { .. } => None,
    };
    let origin = ChunkOrigin {
        kb_id: &document.kb_id,
        document_id: &document.id,
        title: text.title.as_deref().unwrap_or(&document.title),
        url,
    };
    let chunks = document_chunks(&text, &chunker, &origin);
    if chunks.is_empty() {
        return Err(Stop::Rejected(DocumentRejected::new(
            "empty_document",
            "the document has no text to learn from",
        )));
    }

    let texts: Vec<String> = chunks.iter().map(|chunk| chunk.text.clone()).collect();
    let vectors = embed(deps, config, writer, texts).await?;

    writer.at(IngestionStage::Indexing, 0.0).await?;
    let chunk_count = u32::try_from(chunks.len()).unwrap_or(u32::MAX);
    deps.index
        .add_document(
            &document.tenant_id,
            &document.kb_id,
            &document.id,
            chunks,
            vectors,
        )
        .await
        .map_err(|error| unavailable("the knowledge index could not be saved", error))?;
    writer.document.chunk_count = chunk_count;
    writer.document.progress = IngestionProgress::ready();
    writer.save().await?;
    Ok(())
}

/// The document's bytes: fetched and kept in the blob store for URL documents, read back from
/// it for uploads.
async fn read_bytes(
    deps: &IngestionDeps,
    writer: &mut ProgressWriter<'_>,
) -> Result<Vec<u8>, Stop> {
    let key = writer.document.blob_key();
    if let DocumentOrigin::Url { url } = writer.document.origin.clone() {
        writer.at(IngestionStage::Fetching, 0.0).await?;
        let fetched = deps.fetcher.fetch(&url).await.map_err(Stop::Rejected)?;
        writer.document.size_bytes = fetched.bytes.len() as u64;
        deps.blobs
            .put(&key, fetched.bytes.clone())
            .await
            .map_err(|error| unavailable("the fetched page could not be kept", error))?;
        writer.at(IngestionStage::Fetching, 1.0).await?;
        return Ok(fetched.bytes);
    }
    match deps.blobs.get(&key).await {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(Stop::Rejected(DocumentRejected::new(
            "upload_missing",
            "the uploaded file is no longer in the blob store; upload it again",
        ))),
        Err(error) => Err(unavailable("the uploaded file could not be read", error)),
    }
}

async fn extract(
    deps: &IngestionDeps,
    config: &IngestionConfig,
    document: &KnowledgeDocument,
    bytes: Vec<u8>,
) -> Result<ExtractedText, Stop> {
    let (file_name, content_type) = match &document.origin {
        DocumentOrigin::Upload {
            file_name,
            content_type,
        } => (Some(file_name.clone()), content_type.clone()),
        DocumentOrigin::Url { .. } => (None, None),
    };
    let extractor = deps.extractor.clone();
    let job = tokio::task::spawn_blocking(move || {
        extractor.extract(&bytes, file_name.as_deref(), content_type.as_deref())
    });
    match tokio::time::timeout(config.extract_timeout, job).await {
        Ok(Ok(extracted)) => extracted.map_err(Stop::Rejected),
        Ok(Err(panic)) => Err(Stop::Rejected(DocumentRejected::new(
            "extraction_failed",
            format!("the document could not be read: {panic}"),
        ))),
        Err(_) => Err(Stop::Rejected(DocumentRejected::new(
            "extraction_timeout",
            "reading the document took too long",
        ))),
    }
}

/// One vector per chunk text, embedded in batches on blocking threads.
async fn embed(
    deps: &IngestionDeps,
    config: &IngestionConfig,
    writer: &mut ProgressWriter<'_>,
    texts: Vec<String>,
) -> Result<Vec<Vec<f32>>, Stop> {
    writer.at(IngestionStage::Embedding, 0.0).await?;
    let total = texts.len();
    let mut vectors = Vec::with_capacity(total);
    for batch in texts.chunks(config.embed_batch.max(1)) {
        let (embedder, batch) = (deps.embedder.clone(), batch.to_vec());
        let embedded = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = batch.iter().map(String::as_str).collect();
            embedder.embed(&refs)
        })
        .await
        .map_err(|panic| stopped("embedding_failed", "the embedding model failed", panic))?
        .map_err(|error| stopped("embedding_failed", "the embedding model failed", error))?;
        vectors.extend(embedded);
        writer
            .at(
                IngestionStage::Embedding,
                vectors.len() as f32 / total as f32,
            )
            .await?;
    }
    Ok(vectors)
}
