//! A bot's answer as server-sent events, for callers that show it while it is written (PRD
//! `/generate-answer` with streaming): `draft` events with the whole answer so far
//! (`{text}`), then one `answer` event with the answer and its sources, or one `error` event
//! (`{code, message}`) when the brain could not answer. Validation errors come before the
//! stream starts, as a plain JSON error.

use super::{AnswerView, brain_failed};
use crate::state::AppState;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use axum::response::sse::{Event, KeepAlive, Sse};
use botwot_engine::brain::BrainRequest;
use futures::Stream;
use std::convert::Infallible;
use tokio::sync::mpsc;

/// Drafts waiting for a slow reader; past this a draft is dropped (the next one holds it).
const DRAFTS_BUFFERED: usize = 8;

/// Whether the caller asked for server-sent events.
pub(super) fn wants_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|media| media.split(';').next().map(str::trim) == Some("text/event-stream"))
}

/// Streams the brain's answer to `request`. The brain runs on a task of its own: a caller who
/// goes away stops receiving, and the answer is composed to the end regardless.
pub(super) fn stream_answer(
    state: &AppState,
    request: BrainRequest,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let brain = state.knowledge.brain.clone();
    let (events, received) = mpsc::channel(DRAFTS_BUFFERED);
    tokio::spawn(async move {
        let answered = {
            let mut draft = |text: &str| {
                let _ = events.try_send(draft_event(text));
            };
            brain.answer_drafting(request, &mut draft).await
        };
        let last = match answered {
            Ok(answer) => json_event("answer", &AnswerView::from(answer)),
            Err(error) => json_event("error", &brain_failed(error).payload()),
        };
        let _ = events.send(last).await;
    });
    let stream = futures::stream::unfold(received, |mut received| async move {
        let event = received.recv().await?;
        Some((Ok(event), received))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn draft_event(text: &str) -> Event {
    json_event("draft", &serde_json::json!({ "text": text }))
}

fn json_event(name: &'static str, data: &impl serde::Serialize) -> Event {
    Event::default()
        .event(name)
        .json_data(data)
        .unwrap_or_else(|_| Event::default().event(name))
}
