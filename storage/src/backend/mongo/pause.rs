//! A test hook: stops the next batch written at a chosen point until the test lets it go on.
//!
//! The races ADR 0002 and ADR 0006 guard against (a writer that loses its shard between two of
//! its single-document writes) cannot be produced from outside one `write` call, so a test
//! pauses a writer there, acts as the shard's new owner, and resumes it. Nothing in production
//! arms a pause; an unarmed backend pays one uncontended lock per batch.

use std::sync::Mutex;
use tokio::sync::oneshot;

/// Where a paused batch stops.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PausePoint {
    /// After the shard's claim and the stamp check of its last put, before its journal.
    AfterClaim,
    /// After this many of its inserts succeeded.
    AfterInserts(usize),
}

/// The test's side of a pause.
#[doc(hidden)]
pub struct PausedWrite {
    reached: Option<oneshot::Receiver<()>>,
    resume: oneshot::Sender<()>,
}

impl PausedWrite {
    /// Waits until a batch is stopped at the point.
    pub async fn reached(&mut self) {
        if let Some(reached) = self.reached.take() {
            let _ = reached.await;
        }
    }

    /// Lets the stopped batch go on.
    pub fn resume(self) {
        let _ = self.resume.send(());
    }
}

/// The writer's side of a pause.
pub(super) struct Pause {
    point: PausePoint,
    reached: oneshot::Sender<()>,
    resume: oneshot::Receiver<()>,
}

impl Pause {
    /// Stops here when `at` is the pause's point; returns the pause otherwise, to wait later.
    pub(super) async fn at(pause: &mut Option<Pause>, at: PausePoint) {
        if pause.as_ref().is_some_and(|armed| armed.point == at)
            && let Some(armed) = pause.take()
        {
            let _ = armed.reached.send(());
            let _ = armed.resume.await;
        }
    }
}

/// The pause armed for the next batch, if any.
#[derive(Default)]
pub(super) struct PauseSlot(Mutex<Option<Pause>>);

impl PauseSlot {
    pub(super) fn arm(&self, point: PausePoint) -> PausedWrite {
        let (reached_tx, reached_rx) = oneshot::channel();
        let (resume_tx, resume_rx) = oneshot::channel();
        let pause = Pause {
            point,
            reached: reached_tx,
            resume: resume_rx,
        };
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(pause);
        PausedWrite {
            reached: Some(reached_rx),
            resume: resume_tx,
        }
    }

    pub(super) fn take(&self) -> Option<Pause> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }
}
