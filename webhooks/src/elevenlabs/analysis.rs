//! The analysis ElevenLabs runs after a call: a verdict on the whole call, a summary, the
//! agent's evaluation criteria and the data it was asked to collect, each criterion and item
//! keyed by its id.

use super::error::ElevenLabsError;
use super::json::{kind, some_text, text};
use serde_json::Value;

pub use botwot_engine::voice::{CallSuccess, Collected, Criterion};

pub(super) struct Analysis {
    pub call_successful: Option<CallSuccess>,
    pub summary: Option<String>,
    pub evaluation: Vec<Criterion>,
    pub data_collection: Vec<Collected>,
}

/// Reads `analysis`; missing (a conversation still running) is an empty analysis.
pub(super) fn read_analysis(analysis: Option<&Value>) -> Result<Analysis, ElevenLabsError> {
    let part = |field: &str| analysis.and_then(|analysis| analysis.get(field));
    let criterion = |(id, result, rationale): Item| Criterion {
        id,
        result,
        rationale,
    };
    let collected = |(id, value, rationale): Item| Collected {
        id,
        value,
        rationale,
    };
    Ok(Analysis {
        call_successful: call_successful(part("call_successful"))?,
        summary: some_text(part("transcript_summary")),
        evaluation: by_id(part("evaluation_criteria_results"), "result")
            .map(criterion)
            .collect(),
        data_collection: by_id(part("data_collection_results"), "value")
            .map(collected)
            .collect(),
    })
}

/// An item of a map keyed by id: its id, the text of one field, and its rationale.
type Item = (String, String, String);

/// The items of a map keyed by id, in id order (whatever order the JSON map keeps, which
/// depends on serde_json's features); none when it is not an object.
fn by_id(results: Option<&Value>, field: &str) -> impl Iterator<Item = Item> {
    let items = results.and_then(Value::as_object).into_iter().flatten();
    let mut items: Vec<Item> = items
        .map(move |(id, item)| {
            (
                id.clone(),
                text(item.get(field)),
                text(item.get("rationale")),
            )
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items.into_iter()
}

fn call_successful(value: Option<&Value>) -> Result<Option<CallSuccess>, ElevenLabsError> {
    let field = "analysis.call_successful";
    match value {
        None | Some(Value::Null) => Ok(None),
        // A verdict ElevenLabs adds later is read as unknown rather than refusing the report.
        Some(Value::String(verdict)) => Ok(Some(match verdict.as_str() {
            "success" => CallSuccess::Success,
            "failure" => CallSuccess::Failure,
            _ => CallSuccess::Unknown,
        })),
        Some(other) => Err(ElevenLabsError::FieldInvalid {
            field,
            reason: format!("{} is not a string", kind(other)),
        }),
    }
}
