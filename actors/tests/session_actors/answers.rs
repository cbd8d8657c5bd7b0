//! Questions in flight when a node stops: the node that takes the session on next asks the
//! brain again at once, not when the answer watchdog would fire. Answers a brain writes piece by
//! piece are shown as drafts on the web channel before the whole answer is stored.

use super::{Harness, applied, inbound};
use async_trait::async_trait;
use botwot_actors::NodeConfig;
use botwot_engine::brain::{Brain, BrainAnswer, BrainError, BrainRequest, DraftWriter};
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

/// A brain that writes its answer in three pieces, drafting each.
struct WritingBrain;

const PIECES: [&str; 3] = ["We ship", " to Oslo", " in three days."];

#[async_trait]
impl Brain for WritingBrain {
    async fn answer(&self, _request: BrainRequest) -> Result<BrainAnswer, BrainError> {
        Ok(BrainAnswer {
            text: PIECES.concat(),
            grounded: true,
            wants_human: false,
            sources: Vec::new(),
        })
    }

    async fn answer_drafting(
        &self,
        request: BrainRequest,
        draft: DraftWriter<'_>,
    ) -> Result<BrainAnswer, BrainError> {
        let mut so_far = String::new();
        for piece in PIECES {
            so_far.push_str(piece);
            draft(&so_far);
        }
        self.answer(request).await
    }
}

async fn drafted_answer(config: NodeConfig) -> (Harness, Vec<String>) {
    let fresh = Harness::start(NodeConfig::default()).await.stop().await;
    let h = fresh.start_with(Arc::new(WritingBrain), config).await;
    let (session, stored) = applied(h.send("v1", inbound("Do you ship to Oslo?", "c-1")).await);
    let question = stored
        .iter()
        .find(|message| message.author == Author::Contact)
        .expect("the question is stored");
    h.until("the answer is stored", || async {
        h.transcript(&session).await.iter().any(|message| {
            message.author == Author::Bot && message.body.plain_text() == PIECES.concat()
        })
    })
    .await;
    let drafts = h.observer.drafts.lock().clone();
    for (key, draft) in &drafts {
        assert_eq!(key, &session.key);
        assert_eq!(draft.session_id, session.id);
        assert_eq!(draft.in_reply_to, question.seq);
    }
    let texts = h.observer.texts();
    (h, texts)
}

#[tokio::test]
async fn a_web_answer_is_drafted_piece_by_piece_before_it_is_stored() {
    let every_piece = NodeConfig {
        draft_interval_ms: 0,
        ..NodeConfig::default()
    };
    let (_h, drafts) = drafted_answer(every_piece).await;
    assert_eq!(
        drafts,
        [
            "We ship",
            "We ship to Oslo",
            "We ship to Oslo in three days."
        ]
    );
}

#[tokio::test]
async fn drafts_come_no_faster_than_the_interval() {
    let slow = NodeConfig {
        draft_interval_ms: 60_000,
        ..NodeConfig::default()
    };
    let (_h, drafts) = drafted_answer(slow).await;
    assert_eq!(
        drafts,
        ["We ship"],
        "the first draft shows, the rest come too soon"
    );
}
