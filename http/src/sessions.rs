//! The door to the session actors: everything the HTTP surface changes in a conversation goes
//! through [`SessionDispatcher::dispatch`], which returns once the transition is committed.
//!
//! The node's `botwot_actors::Sessions` is the implementation a single node uses (wrapped in
//! `LoggedSessions` when webhooks are acknowledged after the inbound log's append), and
//! `ClusteredSessions` the one of a cluster node; tests use a small one of their own, so the
//! REST and widget code is tested without a node.

use async_trait::async_trait;
use botwot_engine::SessionState;

pub use botwot_actors::{
    ClusteredSessions, Envelope, LoggedSessions, Outcome, SessionError, Sessions,
};

/// The session as it is after the event, whatever the outcome (`None`: erasing found none).
pub fn session_after(outcome: &Outcome) -> Option<&SessionState> {
    match outcome {
        Outcome::Applied { session, .. }
        | Outcome::Duplicate { session }
        | Outcome::Rejected { session, .. } => Some(session),
        Outcome::Erased { session, .. } => session.as_ref(),
    }
}

/// Applies events to sessions.
#[async_trait]
pub trait SessionDispatcher: Send + Sync + 'static {
    /// Applies one event to the session of `envelope.key`; returns after the transition is
    /// durably committed.
    async fn dispatch(&self, envelope: Envelope) -> Result<Outcome, SessionError>;

    /// Takes one event whose outcome the caller does not need (a webhook): returns once it is
    /// durably accepted, which on a single node means appended to its inbound log (or
    /// committed, with the log off or on MongoDB) and in a cluster means stored by the broker
    /// (the owner applies it).
    async fn accept(&self, envelope: Envelope) -> Result<(), SessionError> {
        self.dispatch(envelope).await.map(|_| ())
    }

    /// The node's background tasks that have stopped (readiness fails while any has).
    fn stopped_tasks(&self) -> Vec<&'static str> {
        Vec::new()
    }
}

#[async_trait]
impl SessionDispatcher for Sessions {
    async fn dispatch(&self, envelope: Envelope) -> Result<Outcome, SessionError> {
        Sessions::dispatch(self, envelope).await
    }

    fn stopped_tasks(&self) -> Vec<&'static str> {
        Sessions::stopped_tasks(self)
    }
}

#[async_trait]
impl SessionDispatcher for ClusteredSessions {
    async fn dispatch(&self, envelope: Envelope) -> Result<Outcome, SessionError> {
        ClusteredSessions::dispatch(self, envelope).await
    }

    async fn accept(&self, envelope: Envelope) -> Result<(), SessionError> {
        ClusteredSessions::accept(self, envelope).await
    }

    fn stopped_tasks(&self) -> Vec<&'static str> {
        ClusteredSessions::stopped_tasks(self)
    }
}

#[async_trait]
impl SessionDispatcher for LoggedSessions {
    async fn dispatch(&self, envelope: Envelope) -> Result<Outcome, SessionError> {
        LoggedSessions::dispatch(self, envelope).await
    }

    async fn accept(&self, envelope: Envelope) -> Result<(), SessionError> {
        LoggedSessions::accept(self, envelope).await
    }

    fn stopped_tasks(&self) -> Vec<&'static str> {
        LoggedSessions::stopped_tasks(self)
    }
}
