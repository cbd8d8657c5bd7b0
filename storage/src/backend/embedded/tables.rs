//! The redb tables of a schema: one document table per collection (id → field header and body)
//! and one table per index. A unique index maps its encoded values to the id that holds them, so
//! checking and claiming a key is one insert; an ordered index keys on the encoded values
//! followed by the id, with nothing stored. Beside them, one table keeps the highest epoch
//! accepted per shard (the fences of write batches).

use crate::backend::docs::prepare::Positions;
use crate::backend::{CollectionSpec, IndexSpec};
use crate::error::StorageError;
use redb::{ReadOnlyTable, ReadTransaction, Table, TableDefinition, WriteTransaction};

/// Shard number → the highest epoch a fenced batch of that shard has written with.
pub(super) const SHARD_FENCES: TableDefinition<'static, u32, u64> =
    TableDefinition::new("shard_fences");

/// A stored document: its encoded field header and its JSON body.
pub(super) type DocValue = (&'static [u8], &'static [u8]);
pub(super) type DocTable<'t> = Table<'t, &'static [u8], DocValue>;

pub(super) enum IndexTable<'t> {
    /// Encoded values → id.
    Unique(Table<'t, &'static [u8], &'static [u8]>),
    /// Encoded values and id → nothing.
    Ordered(Table<'t, &'static [u8], ()>),
}

pub(super) enum ReadIndex {
    Unique(ReadOnlyTable<&'static [u8], &'static [u8]>),
    Ordered(ReadOnlyTable<&'static [u8], ()>),
}

/// The table names of every collection of a schema.
#[derive(Debug)]
pub(super) struct Layout {
    schema: &'static [&'static CollectionSpec],
    collections: Vec<CollectionLayout>,
}

#[derive(Debug)]
pub(super) struct CollectionLayout {
    pub spec: &'static CollectionSpec,
    docs: String,
    indexes: Vec<String>,
}

/// The open tables of one collection inside a write transaction, indexes in schema order.
pub(super) struct WriteTables<'t> {
    pub spec: &'static CollectionSpec,
    pub docs: DocTable<'t>,
    pub indexes: Vec<IndexTable<'t>>,
}

impl Layout {
    pub fn new(schema: &'static [&'static CollectionSpec]) -> Self {
        let collections = schema
            .iter()
            .map(|spec| CollectionLayout {
                spec,
                docs: format!("doc:{}", spec.name),
                indexes: spec
                    .indexes
                    .iter()
                    .map(|index| {
                        let kind = if index.unique { "unique" } else { "ordered" };
                        format!("{kind}:{}:{}", spec.name, index.name)
                    })
                    .collect(),
            })
            .collect();
        Self {
            schema,
            collections,
        }
    }

    pub fn collection(
        &self,
        spec: &'static CollectionSpec,
    ) -> Result<&CollectionLayout, StorageError> {
        Ok(&self.collections[self.position(spec)?])
    }

    /// Opens (creating when missing) the tables of every collection, in layout order.
    pub fn open_all<'t>(
        &self,
        txn: &'t WriteTransaction,
    ) -> Result<Vec<WriteTables<'t>>, StorageError> {
        self.collections
            .iter()
            .map(|layout| layout.open_write(txn))
            .collect()
    }
}

impl Positions for Layout {
    fn schema(&self) -> &'static [&'static CollectionSpec] {
        self.schema
    }
}

impl CollectionLayout {
    fn docs_definition(&self) -> TableDefinition<'_, &'static [u8], DocValue> {
        TableDefinition::new(&self.docs)
    }

    fn open_write<'t>(&self, txn: &'t WriteTransaction) -> Result<WriteTables<'t>, StorageError> {
        let docs = txn.open_table(self.docs_definition())?;
        let indexes = self
            .spec
            .indexes
            .iter()
            .zip(&self.indexes)
            .map(|(index, name)| {
                Ok(match index.unique {
                    true => IndexTable::Unique(txn.open_table(TableDefinition::new(name))?),
                    false => IndexTable::Ordered(txn.open_table(TableDefinition::new(name))?),
                })
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        Ok(WriteTables {
            spec: self.spec,
            docs,
            indexes,
        })
    }

    pub fn read_docs(
        &self,
        txn: &ReadTransaction,
    ) -> Result<ReadOnlyTable<&'static [u8], DocValue>, StorageError> {
        Ok(txn.open_table(self.docs_definition())?)
    }

    pub fn read_index(
        &self,
        txn: &ReadTransaction,
        index: &IndexSpec,
    ) -> Result<ReadIndex, StorageError> {
        let position = self.spec.index_position(index)?;
        let name = self.indexes[position].as_str();
        Ok(match self.spec.indexes[position].unique {
            true => ReadIndex::Unique(txn.open_table(TableDefinition::new(name))?),
            false => ReadIndex::Ordered(txn.open_table(TableDefinition::new(name))?),
        })
    }
}
