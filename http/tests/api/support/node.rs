//! A real node for the HTTP tests: the embedded store in a temporary directory, the session
//! actors, and a gate in front of them that can play an overloaded node.

use async_trait::async_trait;
use botwot_actors::{Node, NodeConfig, NodeDeps, Sessions, SystemClock};
use botwot_adapters::brain::ProfileBrain;
use botwot_engine::brain::{Brain, BrainAnswer, BrainError, BrainRequest, DraftWriter};
use botwot_engine::handover::AgentDirectory;
use botwot_engine::ports::Storage;
use botwot_engine::time::Clock;
use botwot_http::{Envelope, Outcome, SessionDispatcher, SessionError, WebChannel};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Who answers the visitors of a test node.
#[derive(Clone, Copy, Debug)]
pub enum Answers {
    /// The default brain: every question gets the bot's fallback message.
    Fallback,
    /// Nobody: transcripts hold only what the test writes.
    Never,
    /// The fallback message, its first word drafted before it is whole (as a streaming model's
    /// answer is), so web visitors get a `draft` first.
    Drafted,
}

/// The default brain, drafting the first word of its answers.
struct DraftingFallback;

#[async_trait]
impl Brain for DraftingFallback {
    async fn answer(&self, request: BrainRequest) -> Result<BrainAnswer, BrainError> {
        ProfileBrain.answer(request).await
    }

    async fn answer_drafting(
        &self,
        request: BrainRequest,
        draft: DraftWriter<'_>,
    ) -> Result<BrainAnswer, BrainError> {
        let answer = self.answer(request).await?;
        if let Some(first_word) = answer.text.split_whitespace().next() {
            draft(first_word);
        }
        Ok(answer)
    }
}

/// A brain that never answers.
struct SilentBrain;

#[async_trait]
impl Brain for SilentBrain {
    async fn answer(&self, _request: BrainRequest) -> Result<BrainAnswer, BrainError> {
        std::future::pending().await
    }
}

pub struct TestNode {
    pub store: Arc<dyn Storage>,
    pub sessions: Gate,
    pub clock: Arc<dyn Clock>,
    node: Node,
    _dir: tempfile::TempDir,
}

impl TestNode {
    /// Auto-assigns waiting conversations to the agents `directory` says are available.
    pub fn auto_assign_from(&self, directory: Arc<dyn AgentDirectory>) {
        assert!(self.node.set_agent_directory(directory), "set once");
    }

    pub async fn start(web: WebChannel, answers: Answers) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store: Arc<dyn Storage> =
            botwot_storage::open_embedded(dir.path()).expect("embedded store");
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let (brain, brain_timeout_ms): (Arc<dyn Brain>, u64) = match answers {
            Answers::Fallback => (Arc::new(ProfileBrain), 5_000),
            Answers::Never => (Arc::new(SilentBrain), 3_600_000),
            Answers::Drafted => (Arc::new(DraftingFallback), 5_000),
        };
        let web = Arc::new(web);
        let deps = NodeDeps {
            storage: store.clone(),
            brain,
            sender: web.clone(),
            observer: web,
            clock: clock.clone(),
            fences: None,
        };
        let config = NodeConfig {
            brain_timeout_ms,
            ..NodeConfig::default()
        };
        let node = Node::start(config, deps).await.expect("node");
        let sessions = Gate {
            sessions: node.sessions(),
            overloaded: Arc::default(),
            timers_stopped: Arc::default(),
        };
        Self {
            store,
            sessions,
            clock,
            node,
            _dir: dir,
        }
    }
}

/// The node's sessions, behind a switch that makes them answer `Overloaded`.
#[derive(Clone)]
pub struct Gate {
    sessions: Sessions,
    overloaded: Arc<AtomicBool>,
    timers_stopped: Arc<AtomicBool>,
}

impl Gate {
    pub fn set_overloaded(&self, overloaded: bool) {
        self.overloaded.store(overloaded, Ordering::SeqCst);
    }

    /// Makes the node report its timer service as stopped.
    pub fn set_timers_stopped(&self, stopped: bool) {
        self.timers_stopped.store(stopped, Ordering::SeqCst);
    }
}

#[async_trait]
impl SessionDispatcher for Gate {
    async fn dispatch(&self, envelope: Envelope) -> Result<Outcome, SessionError> {
        if self.overloaded.load(Ordering::SeqCst) {
            return Err(SessionError::Overloaded {
                retry_after_secs: 3,
            });
        }
        self.sessions.dispatch(envelope).await
    }

    fn stopped_tasks(&self) -> Vec<&'static str> {
        let mut stopped = self.sessions.stopped_tasks();
        if self.timers_stopped.load(Ordering::SeqCst) {
            stopped.push("timer service");
        }
        stopped
    }
}
