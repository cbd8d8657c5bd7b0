//! The redb backend in the shared group-commit cases (`backend/docs/tests.rs`).

use super::EmbeddedBackend;
use super::writer::commit_group;
use crate::backend::CollectionSpec;
use crate::backend::docs::group::GroupOutcome;
use crate::backend::docs::prepare::PreparedBatch;
use crate::backend::docs::tests::GroupCommitHarness;
use crate::error::StorageError;
use std::path::Path;

impl GroupCommitHarness for EmbeddedBackend {
    fn open(dir: &Path, schema: &'static [&'static CollectionSpec]) -> Result<Self, StorageError> {
        EmbeddedBackend::open(dir, schema)
    }

    fn commit_prepared(&self, batches: &[&PreparedBatch]) -> GroupOutcome {
        commit_group(&self.db, &self.layout, batches)
    }
}
