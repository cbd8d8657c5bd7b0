//! [`KnowledgeIndexes`]: the engine's knowledge index port over the blob store.
//!
//! Every change runs under the base's write lock on a blocking thread, then the whole base is
//! saved before the call returns. The base is taken out of its slot while it changes and put
//! back only once saved, so after any failure (invalid input aside, which changes nothing) the
//! slot is empty and the base reloads from its last saved state: memory never holds what the
//! blob store does not.
//!
//! Nodes of a cluster share the blob store through [`Coordination`] (see [`shared`]): a change
//! holds the base's cluster-wide lock, reloads the base when another node saved it since, and
//! records a new stamp once saved; a search reloads a base whose stamp moved on.

use super::base::IndexedBase;
use super::cache::{BaseKey, BaseSlot, CachedBase, LoadedBases};
use super::saved::{self, LoadedBase};
use super::search::search_bases;
use super::shared::{self, SharedBases};
use async_trait::async_trait;
use botwot_engine::blobs::{BlobError, BlobStore};
use botwot_engine::coordination::{Coordination, SingleNode};
use botwot_engine::ids::{DocumentId, KnowledgeBaseId, TenantId};
use botwot_engine::knowledge::base::blob_keys;
use botwot_engine::knowledge::{
    Chunk, Embedder, KnowledgeIndex, KnowledgeIndexError, Retrieval, RetrievalOptions,
};
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::OwnedRwLockReadGuard;

/// Bases kept in memory by default; idle ones beyond this are evicted and reload on next use.
pub const DEFAULT_MAX_LOADED_BASES: usize = 256;

/// The knowledge index of every base, saved in a blob store; see the module documentation.
pub struct KnowledgeIndexes {
    blobs: Arc<dyn BlobStore>,
    embedder: Arc<dyn Embedder>,
    bases: LoadedBases,
    shared: SharedBases,
}

/// What a change did to a base: only a changed base is saved.
enum Outcome<T> {
    Changed(T),
    Unchanged(T),
}

impl KnowledgeIndexes {
    /// Indexes saved in `blobs`; `embedder` embeds questions, and rebuilds the vectors of bases
    /// saved under another embedder. Chunk vectors come with the chunks (ingestion embeds them).
    pub fn new(blobs: Arc<dyn BlobStore>, embedder: Arc<dyn Embedder>) -> Self {
        Self {
            blobs,
            embedder,
            bases: LoadedBases::new(DEFAULT_MAX_LOADED_BASES),
            shared: SharedBases::new(Arc::new(SingleNode)),
        }
    }

    /// Shares the blob store with the other nodes of a cluster through `coordination`.
    pub fn with_coordination(mut self, coordination: Arc<dyn Coordination>) -> Self {
        self.shared = SharedBases::new(coordination);
        self
    }

    /// Keeps at most `max` idle bases in memory (at least one).
    pub fn with_max_loaded_bases(mut self, max: usize) -> Self {
        self.bases = LoadedBases::new(max);
        self
    }

    /// How many bases are loaded in memory now.
    pub fn loaded_bases(&self) -> usize {
        self.bases.loaded()
    }

    /// Applies `change` to the base of `key` on a blocking thread and saves it if it changed.
    async fn change<T, F>(&self, key: BaseKey, change: F) -> Result<T, KnowledgeIndexError>
    where
        T: Send + 'static,
        F: FnOnce(&mut IndexedBase) -> Result<Outcome<T>, KnowledgeIndexError> + Send + 'static,
    {
        let slot = self.bases.slot(&key);
        let mut contents = slot.write_owned().await;
        let lock = self.shared.lock(&key).await?;
        let stamp = self.shared.stamp(&key).await?;
        let mut base = match contents.take() {
            Some(cached) if cached.is_current(&stamp) => cached.base,
            _ => self.load(&key).await?,
        };
        let embedder = Arc::clone(&self.embedder);
        let (base, result) = blocking(move || {
            let result = change(&mut base).and_then(|outcome| match outcome {
                Outcome::Unchanged(value) => Ok((value, None)),
                Outcome::Changed(value) => saved::encode(&base, embedder.as_ref())
                    .map(|bytes| (value, Some(bytes)))
                    .map_err(|error| unavailable("encoding the index", error)),
            });
            (base, result)
        })
        .await?;
        let (value, stamp) = match result {
            Ok((value, Some(bytes))) => {
                shared::still_held(lock.as_ref())?;
                self.save(&key, bytes).await?;
                (value, self.shared.new_stamp(&key).await?)
            }
            Ok((value, None)) => (value, stamp),
            Err(error @ KnowledgeIndexError::InvalidInput(_)) => {
                *contents = Some(CachedBase { base, stamp });
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        *contents = Some(CachedBase { base, stamp });
        lock.release().await;
        Ok(value)
    }

    /// The base of `key` for reading, loaded first if it is not in memory.
    /// A base another node saved since it was loaded is loaded again.
    async fn read(
        &self,
        key: &BaseKey,
    ) -> Result<OwnedRwLockReadGuard<Option<CachedBase>>, KnowledgeIndexError> {
        let slot: BaseSlot = self.bases.slot(key);
        let current = self.shared.stamp_for_reading(key).await;
        let contents = Arc::clone(&slot).read_owned().await;
        if contents
            .as_ref()
            .is_some_and(|cached| current.admits(cached))
        {
            return Ok(contents);
        }
        drop(contents);
        let mut contents = slot.write_owned().await;
        // A change on this node may have finished while this search waited: the stamp is read
        // again, so the copy it left is used rather than loaded once more.
        let current = self.shared.stamp_for_reading(key).await;
        if !contents
            .as_ref()
            .is_some_and(|cached| current.admits(cached))
        {
            // The stamp was read before the blob: a save between the two only makes the next
            // search load the base once more.
            let base = self.load(key).await?;
            *contents = Some(CachedBase {
                base,
                stamp: current.into_label(),
            });
        }
        Ok(contents.downgrade())
    }

    /// The saved base of `key`, or an empty one if none was saved. A base saved under another
    /// embedder is re-embedded and saved again (a failure to save it again is only logged).
    async fn load(&self, key: &BaseKey) -> Result<IndexedBase, KnowledgeIndexError> {
        let blob_key = blob_keys::index(&key.0, &key.1);
        let Some(bytes) = self.blobs.get(&blob_key).await.map_err(blob_failed)? else {
            return IndexedBase::empty(self.embedder.dimensions())
                .map_err(|error| unavailable("creating the vector index", error));
        };
        let embedder = Arc::clone(&self.embedder);
        let context = format!("the saved index {blob_key} cannot be read");
        let (base, rewritten) = blocking(move || {
            let LoadedBase { base, reembedded } = saved::decode(&bytes, embedder.as_ref())
                .map_err(|error| unavailable(&context, error))?;
            let rewritten = if reembedded {
                let bytes = saved::encode(&base, embedder.as_ref())
                    .map_err(|error| unavailable("encoding the index", error))?;
                Some(bytes)
            } else {
                None
            };
            Ok::<_, KnowledgeIndexError>((base, rewritten))
        })
        .await??;
        if let Some(bytes) = rewritten
            && let Err(error) = self.blobs.put(&blob_key, bytes).await
        {
            tracing::warn!(%error, key = %blob_key, "could not save the re-embedded index");
        }
        Ok(base)
    }

    async fn save(&self, key: &BaseKey, bytes: Vec<u8>) -> Result<(), KnowledgeIndexError> {
        self.blobs
            .put(&blob_keys::index(&key.0, &key.1), bytes)
            .await
            .map_err(blob_failed)
    }
}

#[async_trait]
impl KnowledgeIndex for KnowledgeIndexes {
    async fn add_document(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
        document: &DocumentId,
        chunks: Vec<Chunk>,
        vectors: Vec<Vec<f32>>,
    ) -> Result<(), KnowledgeIndexError> {
        let (kb_id, document) = (kb.clone(), document.clone());
        self.change((tenant.clone(), kb.clone()), move |base| {
            base.add_document(&kb_id, &document, chunks, vectors)
                .map(Outcome::Changed)
        })
        .await
    }

    async fn remove_document(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
        document: &DocumentId,
    ) -> Result<usize, KnowledgeIndexError> {
        let document = document.clone();
        self.change((tenant.clone(), kb.clone()), move |base| {
            match base.remove_document(&document) {
                Ok(0) => Ok(Outcome::Unchanged(0)),
                Ok(removed) => Ok(Outcome::Changed(removed)),
                Err(error) => Err(unavailable("vector index", error)),
            }
        })
        .await
    }

    async fn drop_base(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
    ) -> Result<(), KnowledgeIndexError> {
        let key = (tenant.clone(), kb.clone());
        let slot = self.bases.slot(&key);
        let mut contents = slot.write_owned().await;
        *contents = None;
        let lock = self.shared.lock(&key).await?;
        let deleted = self
            .blobs
            .delete_prefix(&blob_keys::base(tenant, kb))
            .await
            .map_err(blob_failed);
        // Other nodes' copies are stale whether or not every file went.
        let restamped = self.shared.new_stamp(&key).await;
        lock.release().await;
        drop(contents);
        self.bases.forget_if_idle(&key);
        deleted.map(drop)?;
        restamped.map(drop)
    }

    async fn search(
        &self,
        tenant: &TenantId,
        kbs: &[KnowledgeBaseId],
        question: &str,
        options: &RetrievalOptions,
    ) -> Result<Retrieval, KnowledgeIndexError> {
        // Locks are taken in id order, so two searches naming the same bases in different
        // orders cannot each hold one base while waiting (behind a writer) for the other.
        let kbs: BTreeSet<&KnowledgeBaseId> = kbs.iter().collect();
        let mut bases = Vec::with_capacity(kbs.len());
        for kb in kbs {
            bases.push(self.read(&(tenant.clone(), kb.clone())).await?);
        }
        let embedder = Arc::clone(&self.embedder);
        let (question, options) = (question.to_owned(), *options);
        blocking(move || {
            let loaded = bases
                .iter()
                .filter_map(|contents| contents.as_ref())
                .map(|cached| &cached.base);
            search_bases(loaded, embedder.as_ref(), &question, &options)
                .map_err(|error| unavailable("searching", error))
        })
        .await?
    }
}

/// Runs CPU work (embedding, usearch, encoding) off the async threads.
async fn blocking<T, F>(work: F) -> Result<T, KnowledgeIndexError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| unavailable("index work stopped", error))
}

fn unavailable(context: &str, error: impl std::fmt::Display) -> KnowledgeIndexError {
    KnowledgeIndexError::Unavailable(format!("{context}: {error}"))
}

fn blob_failed(error: BlobError) -> KnowledgeIndexError {
    unavailable("blob store", error)
}
