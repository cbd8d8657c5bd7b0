//! Keeps a document's stored progress and its listeners up to date without writing on every
//! batch: a stage change is always written, progress within a stage only every few percent.

use super::IngestionDeps;
use botwot_engine::coordination::HeldLock;
use botwot_engine::knowledge::{IngestionProgress, IngestionStage, KnowledgeDocument};
use botwot_engine::ports::StoreError;

/// Percent points between two writes within one stage.
const WRITE_EVERY_PERCENT: u8 = 5;

pub(super) struct ProgressWriter<'a> {
    deps: &'a IngestionDeps,
    /// This node's claim on the document: nothing is written once it is lost.
    claim: &'a dyn HeldLock,
    pub(super) document: KnowledgeDocument,
}

impl<'a> ProgressWriter<'a> {
    pub(super) fn new(
        deps: &'a IngestionDeps,
        claim: &'a dyn HeldLock,
        document: KnowledgeDocument,
    ) -> Self {
        Self {
            deps,
            claim,
            document,
        }
    }

    /// Moves to `fraction` of `stage`, storing it when worth a write.
    pub(super) async fn at(
        &mut self,
        stage: IngestionStage,
        fraction: f32,
    ) -> Result<(), ProgressError> {
        let next = IngestionProgress::at(stage, fraction);
        let current = &self.document.progress;
        let worth_writing = next.stage != current.stage
            || next.percent >= current.percent.saturating_add(WRITE_EVERY_PERCENT);
        if worth_writing {
            self.document.progress = next;
            self.save().await?;
        }
        Ok(())
    }

    /// Stores the record as it is now and tells the listeners.
    pub(super) async fn save(&mut self) -> Result<(), ProgressError> {
        if !self.claim.is_held() {
            return Err(ProgressError::ClaimLost);
        }
        self.document.updated_at = self.deps.clock.now();
        match self.deps.store.update_document(&self.document).await {
            Ok(()) => {
                self.deps.observer.progressed(&self.document);
                Ok(())
            }
            Err(StoreError::NotFound) => Err(ProgressError::Gone),
            Err(error) => Err(ProgressError::Store(error)),
        }
    }
}

pub(super) enum ProgressError {
    /// The document was deleted while it was being ingested.
    Gone,
    /// This node's claim on the document ran out; another node may be ingesting it now.
    ClaimLost,
    Store(StoreError),
}
