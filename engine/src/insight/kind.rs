//! The analyses a conversation can be given (PRD §3.6), each named as the API spells it.

use serde::{Deserialize, Serialize};

/// One analysis of a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InsightKind {
    /// How much of the conversation is positive, negative and neutral.
    Sentiment,
    /// The contact's dominant emotion.
    Emotion,
    /// What the contact came for: complaint, feedback, inquiry, sales lead or other.
    Intent,
    /// The core issue, in under 20 words.
    Reason,
    /// Interest level, purchase signals, objections and next actions.
    Sales,
    /// Complaint and dissatisfaction signals, and how serious they are.
    Vulnerability,
    /// The conversation in under 50 words.
    Summary,
    /// The primary cause of the conversation, in under 20 words.
    Cause,
    /// Three action items for whoever supports the contact next.
    SupportSteps,
    /// Next steps an agent could take.
    Suggestions,
    /// How good the bot's answers were, 1 to 10, and how to improve them.
    ResponseQuality,
}

impl InsightKind {
    pub const ALL: [InsightKind; 11] = [
        InsightKind::Sentiment,
        InsightKind::Emotion,
        InsightKind::Intent,
        InsightKind::Reason,
        InsightKind::Sales,
        InsightKind::Vulnerability,
        InsightKind::Summary,
        InsightKind::Cause,
        InsightKind::SupportSteps,
        InsightKind::Suggestions,
        InsightKind::ResponseQuality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InsightKind::Sentiment => "sentiment",
            InsightKind::Emotion => "emotion",
            InsightKind::Intent => "intent",
            InsightKind::Reason => "reason",
            InsightKind::Sales => "sales",
            InsightKind::Vulnerability => "vulnerability",
            InsightKind::Summary => "summary",
            InsightKind::Cause => "cause",
            InsightKind::SupportSteps => "support-steps",
            InsightKind::Suggestions => "suggestions",
            InsightKind::ResponseQuality => "response-quality",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Every name, for error messages.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

impl std::fmt::Display for InsightKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
