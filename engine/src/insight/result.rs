//! What each analysis finds, and how a model's JSON answer becomes one: the fields the prompt
//! asked for are required, values outside their range are refused, and texts over their word
//! limit are cut at it. A model that answers something else gets a clear error, never a
//! half-filled result.

use super::kind::InsightKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

/// Words allowed in a reason or a cause.
pub const SHORT_TEXT_WORDS: usize = 20;
/// Words allowed in a summary.
pub const SUMMARY_WORDS: usize = 50;
/// Items kept of a list (signals, objections, suggestions...).
pub const MAX_LIST_ITEMS: usize = 5;
/// Characters kept of each list item.
const MAX_ITEM_CHARS: usize = 300;

/// Why a model's answer is not an analysis.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("the model's answer is not a usable {kind} analysis: {reason}")]
pub struct MalformedInsight {
    pub kind: InsightKind,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Emotion {
    Joy,
    Sadness,
    Anger,
    Fear,
    Surprise,
    Disgust,
    Normal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Intent {
    Complaint,
    Feedback,
    Inquiry,
    SalesLead,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    Low,
    Medium,
    High,
}

/// A value the model picks from a fixed set.
pub trait Choice: Copy + Serialize + 'static {
    const ALL: &'static [Self];

    /// The value as the API spells it.
    fn name(&self) -> String {
        match serde_json::to_value(self) {
            Ok(Value::String(name)) => name,
            _ => String::new(),
        }
    }
}

impl Choice for Emotion {
    const ALL: &'static [Self] = &[
        Emotion::Joy,
        Emotion::Sadness,
        Emotion::Anger,
        Emotion::Fear,
        Emotion::Surprise,
        Emotion::Disgust,
        Emotion::Normal,
    ];
}

impl Choice for Intent {
    const ALL: &'static [Self] = &[
        Intent::Complaint,
        Intent::Feedback,
        Intent::Inquiry,
        Intent::SalesLead,
        Intent::Other,
    ];
}

impl Choice for Level {
    const ALL: &'static [Self] = &[Level::Low, Level::Medium, Level::High];
}

/// One analysis's finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InsightResult {
    /// Percentages of the conversation, summing to 100.
    #[serde(rename_all = "camelCase")]
    Sentiment {
        positive: u8,
        negative: u8,
        neutral: u8,
    },
    #[serde(rename_all = "camelCase")]
    Emotion { dominant: Emotion },
    /// `confidence` from 0 to 1.
    #[serde(rename_all = "camelCase")]
    Intent { intent: Intent, confidence: f32 },
    #[serde(rename_all = "camelCase")]
    Reason { reason: String },
    #[serde(rename_all = "camelCase")]
    Sales {
        interest: Level,
        purchase_signals: Vec<String>,
        objections: Vec<String>,
        next_actions: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Vulnerability {
        at_risk: bool,
        severity: Level,
        signals: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Summary { summary: String },
    #[serde(rename_all = "camelCase")]
    Cause { cause: String },
    /// Exactly three.
    #[serde(rename_all = "camelCase")]
    SupportSteps { steps: Vec<String> },
    #[serde(rename_all = "camelCase")]
    Suggestions { suggestions: Vec<String> },
    /// `score` from 1 to 10.
    #[serde(rename_all = "camelCase")]
    ResponseQuality {
        score: u8,
        improvements: Vec<String>,
    },
}

impl InsightResult {
    pub fn kind(&self) -> InsightKind {
        match self {
            InsightResult::Sentiment { .. } => InsightKind::Sentiment,
            InsightResult::Emotion { .. } => InsightKind::Emotion,
            InsightResult::Intent { .. } => InsightKind::Intent,
            InsightResult::Reason { .. } => InsightKind::Reason,
            InsightResult::Sales { .. } => InsightKind::Sales,
            InsightResult::Vulnerability { .. } => InsightKind::Vulnerability,
            InsightResult::Summary { .. } => InsightKind::Summary,
            InsightResult::Cause { .. } => InsightKind::Cause,
            InsightResult::SupportSteps { .. } => InsightKind::SupportSteps,
            InsightResult::Suggestions { .. } => InsightKind::Suggestions,
            InsightResult::ResponseQuality { .. } => InsightKind::ResponseQuality,
        }
    }

    /// Reads a model's answer to the `kind` prompt: a JSON object, possibly inside a Markdown
    /// code fence.
    pub fn from_model(kind: InsightKind, answer: &str) -> Result<Self, MalformedInsight> {
        let malformed = |reason: String| MalformedInsight { kind, reason };
        let value: Value = serde_json::from_str(unfenced(answer))
            .map_err(|error| malformed(format!("not JSON ({error})")))?;
        let Value::Object(fields) = value else {
            return Err(malformed("not a JSON object".into()));
        };
        Answer { kind, fields }.read().map_err(malformed)
    }
}

/// The JSON inside a Markdown code fence, or the whole answer (models fence JSON now and then,
/// JSON mode or not); the writing tasks read their answers with it too.
pub(crate) fn unfenced(answer: &str) -> &str {
    let trimmed = answer.trim();
    let Some(inner) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

/// A model's JSON object, read field by field.
struct Answer {
    kind: InsightKind,
    fields: Map<String, Value>,
}

impl Answer {
    fn read(&self) -> Result<InsightResult, String> {
        Ok(match self.kind {
            InsightKind::Sentiment => self.sentiment()?,
            InsightKind::Emotion => InsightResult::Emotion {
                dominant: self.choice("dominant")?,
            },
            InsightKind::Intent => InsightResult::Intent {
                intent: self.choice("intent")?,
                confidence: self.fraction("confidence")?,
            },
            InsightKind::Reason => InsightResult::Reason {
                reason: self.words("reason", SHORT_TEXT_WORDS)?,
            },
            InsightKind::Sales => InsightResult::Sales {
                interest: self.choice("interest")?,
                purchase_signals: self.list("purchaseSignals")?,
                objections: self.list("objections")?,
                next_actions: self.list("nextActions")?,
            },
            InsightKind::Vulnerability => InsightResult::Vulnerability {
                at_risk: self.flag("atRisk")?,
                severity: self.choice("severity")?,
                signals: self.list("signals")?,
            },
            InsightKind::Summary => InsightResult::Summary {
                summary: self.words("summary", SUMMARY_WORDS)?,
            },
            InsightKind::Cause => InsightResult::Cause {
                cause: self.words("cause", SHORT_TEXT_WORDS)?,
            },
            InsightKind::SupportSteps => self.support_steps()?,
            InsightKind::Suggestions => {
                let suggestions = self.list("suggestions")?;
                if suggestions.is_empty() {
                    return Err("`suggestions` is empty".into());
                }
                InsightResult::Suggestions { suggestions }
            }
            InsightKind::ResponseQuality => InsightResult::ResponseQuality {
                score: self.whole_in("score", 1, 10)?,
                improvements: self.list("improvements")?,
            },
        })
    }

    fn field(&self, name: &str) -> Result<&Value, String> {
        self.fields
            .get(name)
            .filter(|value| !value.is_null())
            .ok_or_else(|| format!("`{name}` is missing"))
    }

    /// Three percentages, rounded to whole numbers that sum to exactly 100.
    fn sentiment(&self) -> Result<InsightResult, String> {
        let mut shares = [0.0; 3];
        for (share, name) in shares.iter_mut().zip(["positive", "negative", "neutral"]) {
            *share = self.number(name)?;
            if !(0.0..=100.0).contains(share) {
                return Err(format!("`{name}` must be a percentage from 0 to 100"));
            }
        }
        let total: f64 = shares.iter().sum();
        if total <= 0.0 {
            return Err("the percentages are all zero".into());
        }
        let [positive, negative, neutral] = whole_percentages(shares.map(|s| s * 100.0 / total));
        Ok(InsightResult::Sentiment {
            positive,
            negative,
            neutral,
        })
    }

    fn support_steps(&self) -> Result<InsightResult, String> {
        let steps = self.list("steps")?;
        if steps.len() < 3 {
            return Err(format!("`steps` has {} items, not 3", steps.len()));
        }
        Ok(InsightResult::SupportSteps {
            steps: steps.into_iter().take(3).collect(),
        })
    }

    fn number(&self, name: &str) -> Result<f64, String> {
        self.field(name)?
            .as_f64()
            .ok_or_else(|| format!("`{name}` is not a number"))
    }

    fn fraction(&self, name: &str) -> Result<f32, String> {
        let value = self.number(name)?;
        // A model that answers in percent means the same.
        let value = if value > 1.0 && value <= 100.0 {
            value / 100.0
        } else {
            value
        };
        if !(0.0..=1.0).contains(&value) {
            return Err(format!("`{name}` must be from 0 to 1"));
        }
        Ok(value as f32)
    }

    fn whole_in(&self, name: &str, low: u8, high: u8) -> Result<u8, String> {
        let value = self.number(name)?.round();
        if value < f64::from(low) || value > f64::from(high) {
            return Err(format!("`{name}` must be from {low} to {high}"));
        }
        Ok(value as u8)
    }

    fn flag(&self, name: &str) -> Result<bool, String> {
        self.field(name)?
            .as_bool()
            .ok_or_else(|| format!("`{name}` is not true or false"))
    }

    /// One of the values of `T`, matched without regard to case, spaces or underscores.
    fn choice<T: Choice>(&self, name: &str) -> Result<T, String> {
        let text = self
            .field(name)?
            .as_str()
            .ok_or_else(|| format!("`{name}` is not text"))?;
        let wanted = normalised(text);
        T::ALL
            .iter()
            .copied()
            .find(|value| normalised(&value.name()) == wanted)
            .ok_or_else(|| format!("`{name}` is not one of the allowed values: {text:?}"))
    }

    fn words(&self, name: &str, limit: usize) -> Result<String, String> {
        let text = self
            .field(name)?
            .as_str()
            .ok_or_else(|| format!("`{name}` is not text"))?;
        let words: Vec<&str> = text.split_whitespace().take(limit).collect();
        if words.is_empty() {
            return Err(format!("`{name}` is empty"));
        }
        Ok(words.join(" "))
    }

    /// A list of texts: blank items dropped, each cut to a length, at most a few kept.
    fn list(&self, name: &str) -> Result<Vec<String>, String> {
        let items = self
            .field(name)?
            .as_array()
            .ok_or_else(|| format!("`{name}` is not a list"))?;
        let mut texts = Vec::new();
        for item in items {
            let text = item
                .as_str()
                .ok_or_else(|| format!("an item of `{name}` is not text"))?
                .trim();
            if !text.is_empty() && texts.len() < MAX_LIST_ITEMS {
                texts.push(text.chars().take(MAX_ITEM_CHARS).collect());
            }
        }
        Ok(texts)
    }
}

/// Lowercase letters and digits only: `Sales_Lead`, `sales lead` and `salesLead` read alike.
fn normalised(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Shares that sum to 100, rounded to whole numbers summing to exactly 100 (the largest
/// remainders get the points rounding lost).
fn whole_percentages(shares: [f64; 3]) -> [u8; 3] {
    let mut whole = shares.map(|share| share.floor() as u8);
    let lost = 100 - whole.iter().map(|&n| u32::from(n)).sum::<u32>();
    let mut order = [0, 1, 2];
    order.sort_by(|&a, &b| {
        let remainder = |i: usize| shares[i] - shares[i].floor();
        remainder(b).total_cmp(&remainder(a))
    });
    for &i in order.iter().take(lost as usize) {
        whole[i] += 1;
    }
    whole
}
