//! What the conversational AI reports after a call: the transcript turn by turn and its own
//! analysis (a summary, whether the call met its goal, the evaluation criteria and the data it
//! was asked to collect).

use serde::{Deserialize, Serialize};

/// The longest transcript kept, in turns.
pub const MAX_TURNS: usize = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Agent,
    User,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptTurn {
    pub role: Speaker,
    pub message: String,
    /// Seconds from the start of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_in_call_secs: Option<u32>,
}

/// Whether the call met the goal its agent was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallSuccess {
    Success,
    Failure,
    Unknown,
}

/// One evaluation criterion and its verdict (`success`, `failure`, `unknown`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criterion {
    pub id: String,
    pub result: String,
    #[serde(default)]
    pub rationale: String,
}

/// One item the agent was asked to collect during the call, as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collected {
    pub id: String,
    pub value: String,
    #[serde(default)]
    pub rationale: String,
}

/// The conversational AI's account of one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CallReport {
    pub transcript: Vec<TranscriptTurn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful: Option<CallSuccess>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluation: Vec<Criterion>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_collection: Vec<Collected>,
    /// Why the conversation ended, in the provider's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_reason: Option<String>,
    /// How long the conversation lasted by the provider's count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<u32>,
}

/// Where the recording of the conversation `conversation_id` is kept in the blob store;
/// `None` for an id that is not 1 to 128 letters, digits, `_` or `-`.
pub fn recording_key(conversation_id: &str) -> Option<String> {
    let fits = (1..=128).contains(&conversation_id.len())
        && conversation_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    fits.then(|| format!("voice/recordings/{conversation_id}"))
}
