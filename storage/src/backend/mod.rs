//! The small document port the typed repositories are written against, and its two backends.
//!
//! A backend stores named collections of documents keyed by a string id. Each document has a
//! serialized body (opaque to the backend) and a few named, typed *fields* beside it: the values
//! the collection's secondary indexes are built from and queries filter on. An index is an ordered
//! tuple of fields; a document is in an index only when it has every field of it. A query reads
//! one index: equality on a prefix of its fields, an optional range on the next field, a direction,
//! a limit, equality post-filters on any field, and the position to resume after.

mod docs;
pub mod embedded;
pub mod lsm;
pub mod mongo;
pub mod resident;

use crate::error::{Fenced, StorageError};
use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::ops::Bound;

/// A collection: its name, the fields its documents carry and its indexes.
#[derive(Debug)]
pub struct CollectionSpec {
    pub name: &'static str,
    /// Every field a document of this collection may carry (documents may omit some).
    pub fields: &'static [&'static str],
    /// Unique indexes are checked in this order; the first one that refuses a write is the one
    /// reported.
    pub indexes: &'static [&'static IndexSpec],
}

impl CollectionSpec {
    /// The declared field of that name, with its `'static` spelling.
    pub fn field(&self, name: &str) -> Option<&'static str> {
        self.fields.iter().copied().find(|field| *field == name)
    }

    /// Where `index` stands among the indexes of this collection.
    pub fn index_position(&self, index: &IndexSpec) -> Result<usize, StorageError> {
        self.indexes
            .iter()
            .position(|candidate| candidate.name == index.name)
            .ok_or(StorageError::UnknownIndex {
                collection: self.name,
                index: index.name,
            })
    }
}

/// A secondary index: an ordered tuple of fields, unique or not. Entries with equal fields are
/// ordered by document id.
#[derive(Debug)]
pub struct IndexSpec {
    pub name: &'static str,
    pub fields: &'static [&'static str],
    /// Two documents with the same values for every field of the index cannot both be stored.
    pub unique: bool,
}

impl IndexSpec {
    /// An index for ordered reads; many documents may share its values.
    pub const fn ordered(name: &'static str, fields: &'static [&'static str]) -> Self {
        Self {
            name,
            fields,
            unique: false,
        }
    }

    /// An index whose values identify at most one document.
    pub const fn unique(name: &'static str, fields: &'static [&'static str]) -> Self {
        Self {
            name,
            fields,
            unique: true,
        }
    }
}

/// A field value. Each field keeps one type in every document of a collection.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldValue {
    Bool(bool),
    I64(i64),
    /// Stored as a signed 64-bit integer by the MongoDB backend, so at most `i64::MAX` there.
    U64(u64),
    Str(String),
}

impl From<&str> for FieldValue {
    fn from(text: &str) -> Self {
        FieldValue::Str(text.to_owned())
    }
}

/// The fields of one document, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields(Vec<(&'static str, FieldValue)>);

impl Fields {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }

    pub fn set(&mut self, name: &'static str, value: FieldValue) -> &mut Self {
        match self.0.iter_mut().find(|(field, _)| *field == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
        self
    }

    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.0
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value)
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, FieldValue)> {
        self.0.iter()
    }

    /// The values of `index` in this document, or `None` when one of its fields is missing.
    pub fn index_values<'a>(&'a self, index: &IndexSpec) -> Option<Vec<&'a FieldValue>> {
        index.fields.iter().map(|field| self.get(field)).collect()
    }

    /// Whether every `(field, value)` filter matches.
    pub fn matches(&self, filters: &[(&'static str, FieldValue)]) -> bool {
        filters
            .iter()
            .all(|(field, value)| self.get(field) == Some(value))
    }
}

/// One document to write.
#[derive(Debug)]
pub struct Doc<B> {
    pub collection: &'static CollectionSpec,
    pub id: String,
    pub fields: Fields,
    pub body: B,
}

/// A stored document read back by id.
#[derive(Debug)]
pub struct Stored<B> {
    pub fields: Fields,
    pub body: B,
}

#[derive(Debug)]
pub enum WriteOp<B> {
    /// Adds a document. The batch fails as a duplicate when its id or one of its unique index
    /// keys is already taken.
    Insert(Doc<B>),
    /// Adds or replaces the document of that id. The batch fails as a duplicate when one of its
    /// unique index keys is held by another document.
    Put(Doc<B>),
    /// Removes the document of that id, if there is one.
    Delete {
        collection: &'static CollectionSpec,
        id: String,
    },
}

/// The right a batch claims to write for a shard: the shard's number and the epoch of the
/// writer's lease. Each backend keeps, per shard, the highest epoch it has accepted, refuses a
/// batch whose epoch is below it (nothing of the batch is written) and raises it when a batch
/// with a higher epoch is written. See ADR 0006, "Fencing in the store, as built".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShardFence {
    pub shard: u32,
    pub epoch: u64,
}

impl ShardFence {
    /// Whether a batch with this fence may be written when `held` is the highest epoch accepted
    /// for the shard so far: `Ok(true)` when this epoch is new and must be recorded, `Ok(false)`
    /// when it is the one held.
    pub fn admits(self, held: Option<u64>) -> Result<bool, Fenced> {
        match held {
            Some(held) if held > self.epoch => Err(Fenced {
                shard: self.shard,
                held,
                epoch: self.epoch,
            }),
            Some(held) => Ok(held < self.epoch),
            None => Ok(true),
        }
    }
}

/// Writes that belong together. The embedded backends apply a batch entirely or not at all;
/// the MongoDB backend checks the fence first, then applies its inserts (see ADR 0002).
#[derive(Debug)]
pub struct WriteBatch<B> {
    /// When set, the batch is written only if no newer epoch of the shard has written.
    pub fence: Option<ShardFence>,
    pub ops: Vec<WriteOp<B>>,
    /// A record of the whole batch, for a backend without atomic batches
    /// ([`DocumentBackend::ATOMIC_BATCHES`] false): it puts this document first (after the
    /// fence) and deletes it once every operation is written, or when the batch is refused as
    /// a duplicate before anything of it was; any other failure leaves it for recovery to
    /// finish (ADR 0002, "Commit journal"). Backends with atomic batches ignore it.
    pub journal: Option<Doc<B>>,
}

impl<B> WriteBatch<B> {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            fence: None,
            ops: Vec::with_capacity(capacity),
            journal: None,
        }
    }
    pub fn insert(&mut self, doc: Doc<B>) {
        self.ops.push(WriteOp::Insert(doc));
    }
    pub fn put(&mut self, doc: Doc<B>) {
        self.ops.push(WriteOp::Put(doc));
    }
    pub fn delete(&mut self, collection: &'static CollectionSpec, id: impl Into<String>) {
        self.ops.push(WriteOp::Delete {
            collection,
            id: id.into(),
        });
    }
}

/// Which way an index is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Ascending,
    Descending,
}

/// A read of one index.
#[derive(Clone, Debug)]
pub struct IndexQuery {
    pub collection: &'static CollectionSpec,
    pub index: &'static IndexSpec,
    /// Equality on the first `prefix.len()` fields of the index.
    pub prefix: Vec<FieldValue>,
    /// Bounds on the field that follows the prefix.
    pub lower: Bound<FieldValue>,
    pub upper: Bound<FieldValue>,
    pub order: Order,
    /// Resume strictly after this position (the `position` of a hit of the same query).
    pub after: Option<Vec<u8>>,
    /// At most this many hits; zero gives none.
    pub limit: usize,
    /// Equality on other fields, checked on each entry.
    pub filters: Vec<(&'static str, FieldValue)>,
}

impl IndexQuery {
    /// Every entry of `index` whose first fields equal `prefix`, in ascending order, unlimited.
    pub fn new(
        collection: &'static CollectionSpec,
        index: &'static IndexSpec,
        prefix: Vec<FieldValue>,
    ) -> Self {
        Self {
            collection,
            index,
            prefix,
            lower: Bound::Unbounded,
            upper: Bound::Unbounded,
            order: Order::Ascending,
            after: None,
            limit: usize::MAX,
            filters: Vec::new(),
        }
    }
}

/// One document found by a query, with its position in the index (the encoded index values
/// followed by the id, see [`crate::keys`]).
#[derive(Debug)]
pub struct Hit<B> {
    pub id: String,
    pub body: B,
    pub position: Vec<u8>,
}

/// The encoded position of a document in an index: its index values, then its id.
pub fn position_of(values: &[&FieldValue], id: &str) -> Vec<u8> {
    let mut position = Vec::with_capacity(16 * (values.len() + 1) + id.len());
    crate::keys::encode_tuple(&mut position, values.iter().copied());
    crate::keys::encode_str(&mut position, id);
    position
}

/// A place documents are kept: the embedded redb file or a MongoDB database.
#[async_trait]
pub trait DocumentBackend: Send + Sync + 'static {
    /// A serialized document body, in the backend's native form.
    type Body: Send + Sync + 'static;

    /// Whether [`write`](Self::write) applies a batch entirely or not at all, even when the
    /// process dies in the middle. When it does not, callers that must not leave a batch half
    /// written give it a [`WriteBatch::journal`].
    const ATOMIC_BATCHES: bool;

    fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Self::Body, StorageError>;
    fn decode<T: DeserializeOwned>(body: Self::Body) -> Result<T, StorageError>;

    /// Applies a batch durably; `StorageError::Fenced` when its fence is refused (checked
    /// before anything else), `StorageError::Duplicate` when a unique key is taken.
    async fn write(&self, batch: WriteBatch<Self::Body>) -> Result<(), StorageError>;

    async fn get(
        &self,
        collection: &'static CollectionSpec,
        id: &str,
    ) -> Result<Option<Stored<Self::Body>>, StorageError>;

    async fn query(&self, query: IndexQuery) -> Result<Vec<Hit<Self::Body>>, StorageError>;

    /// The shard fences: for each shard a fenced batch was ever written for, the highest epoch
    /// accepted. A lease service that lost its epochs (Redis restarted empty) issues new ones
    /// above these, or every writer would be refused.
    async fn shard_epochs(&self) -> Result<BTreeMap<u32, u64>, StorageError>;
}
