//! Questions in flight when a node stops: the node that takes the session on next asks the
//! brain again at once, not when the answer watchdog would fire.

use super::{Harness, applied, inbound};
use async_trait::async_trait;
use botwot_actors::NodeConfig;
use botwot_engine::brain::{Brain, BrainAnswer, BrainError, BrainRequest};
use botwot_engine::message::Author;
use std::sync::Arc;

/// A brain whose answers never come (the call is lost with its node).
struct LostBrain;

#[async_trait]
impl Brain for LostBrain {
    async fn answer(&self, _request: BrainRequest) -> Result<BrainAnswer, BrainError> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_question_in_flight_at_a_stop_is_asked_again_as_soon_as_the_node_restarts() {
    let fresh = Harness::start(NodeConfig::default()).await.stop().await;
    let h = fresh.start_with_brain(Arc::new(LostBrain)).await;
    let (session, _) = applied(h.send("v1", inbound("Do you ship to Oslo?", "c-1")).await);
    assert_eq!(session.pending_answers.len(), 1);

    // The clock stands still: the watchdog (45 s) is not due, the question is asked anyway.
    let h = h.stop().await.start().await;
    h.until("the question is answered", || async {
        h.transcript(&session)
            .await
            .iter()
            .any(|message| message.author == Author::Bot)
    })
    .await;
    assert!(h.session("v1").await.pending_answers.is_empty());
}
