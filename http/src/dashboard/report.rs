//! The report's content, independent of its file format: a summary (one metric per row) and one
//! row per conversation. The CSV and XLSX writers lay these rows out.

use botwot_engine::Timestamp;
use botwot_engine::analytics::{AgentFigures, ConversationFacts, DashboardMetrics, Percentiles};
use botwot_engine::insight::Choice;

/// One value of a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    fn text(text: impl Into<String>) -> Self {
        Cell::Text(text.into())
    }

    fn count(count: u64) -> Self {
        Cell::Number(count as f64)
    }

    fn maybe(value: Option<f64>) -> Self {
        value.map_or(Cell::Empty, Cell::Number)
    }

    fn maybe_ms(value: Option<u64>) -> Self {
        Cell::maybe(value.map(|ms| ms as f64))
    }

    fn time(at: Option<Timestamp>) -> Self {
        at.map_or(Cell::Empty, |at| Cell::Text(at.to_rfc3339()))
    }
}

/// The columns of the conversations table.
pub const CONVERSATION_COLUMNS: [&str; 12] = [
    "id",
    "channel",
    "created",
    "closed",
    "status",
    "handled by",
    "first response ms",
    "message count",
    "intent",
    "positive %",
    "negative %",
    "neutral %",
];

/// The columns of the summary table.
pub const SUMMARY_COLUMNS: [&str; 2] = ["metric", "value"];

/// One row per conversation, in [`CONVERSATION_COLUMNS`] order.
pub fn conversation_rows(conversations: &[ConversationFacts]) -> Vec<Vec<Cell>> {
    conversations
        .iter()
        .map(|facts| {
            vec![
                Cell::text(facts.id.as_str()),
                Cell::text(facts.channel.as_str()),
                Cell::time(Some(facts.created_at)),
                Cell::time(facts.closed_at),
                Cell::text(facts.status.as_str()),
                Cell::text(facts.handling.as_str()),
                Cell::maybe_ms(facts.first_response_ms),
                Cell::count(facts.message_count as u64),
                facts
                    .intent
                    .map_or(Cell::Empty, |intent| Cell::text(intent.name())),
                share(facts.sentiment.map(|shares| shares.positive)),
                share(facts.sentiment.map(|shares| shares.negative)),
                share(facts.sentiment.map(|shares| shares.neutral)),
            ]
        })
        .collect()
}

/// One row per figure of `metrics`: its name and its value (empty when there is none).
pub fn summary_rows(metrics: &DashboardMetrics) -> Vec<Vec<Cell>> {
    let handling = &metrics.handling;
    let mut rows: Vec<(String, Cell)> = [
        ("from", Cell::time(Some(metrics.range.from))),
        ("to", Cell::time(Some(metrics.range.to))),
        (
            "total conversations",
            Cell::count(metrics.total_conversations),
        ),
        ("active sessions", Cell::count(metrics.active_sessions)),
        (
            "closed conversations",
            Cell::count(metrics.closed_conversations),
        ),
        (
            "resolved conversations",
            Cell::count(metrics.resolved_conversations),
        ),
        ("resolution rate", Cell::maybe(metrics.resolution_rate)),
        (
            "average satisfaction",
            Cell::maybe(metrics.average_satisfaction),
        ),
        ("handled by bot only", Cell::count(handling.bot_only)),
        ("handled by an agent", Cell::count(handling.agent)),
        ("unanswered", Cell::count(handling.unanswered)),
        ("bot share", Cell::maybe(handling.bot_share)),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    rows.extend(percentile_rows(
        "first response",
        &metrics.first_response_ms,
    ));
    rows.extend(percentile_rows("response", &metrics.response_ms));
    rows.extend(metrics.channels.iter().map(|count| {
        (
            format!("channel {}", count.channel),
            Cell::count(count.conversations),
        )
    }));
    rows.extend(metrics.agents.iter().flat_map(agent_rows));
    rows.extend(metrics.top_intents.iter().map(|count| {
        (
            format!("intent {}", count.intent.name()),
            Cell::count(count.conversations),
        )
    }));
    let sentiment = &metrics.sentiment;
    rows.extend([
        (
            "sentiment analysed".to_owned(),
            Cell::count(sentiment.analysed),
        ),
        (
            "sentiment positive %".to_owned(),
            Cell::maybe(sentiment.positive),
        ),
        (
            "sentiment negative %".to_owned(),
            Cell::maybe(sentiment.negative),
        ),
        (
            "sentiment neutral %".to_owned(),
            Cell::maybe(sentiment.neutral),
        ),
    ]);
    rows.push((
        "truncated".to_owned(),
        Cell::text(metrics.truncated.to_string()),
    ));
    rows.into_iter()
        .map(|(name, value)| vec![Cell::Text(name), value])
        .collect()
}

/// A sentiment share in percent, empty when the conversation was not analysed.
fn share(percent: Option<u8>) -> Cell {
    Cell::maybe(percent.map(f64::from))
}

/// `agent {id} conversations`, `resolved` and `average satisfaction`.
fn agent_rows(agent: &AgentFigures) -> [(String, Cell); 3] {
    let name = |figure: &str| format!("agent {} {figure}", agent.agent_id);
    [
        (name("conversations"), Cell::count(agent.conversations)),
        (name("resolved"), Cell::count(agent.resolved_conversations)),
        (
            name("average satisfaction"),
            Cell::maybe(agent.average_satisfaction),
        ),
    ]
}

/// `{name} p50 ms`, `p90` and `p95`.
fn percentile_rows(name: &str, figures: &Percentiles) -> [(String, Cell); 3] {
    [
        ("p50", figures.p50),
        ("p90", figures.p90),
        ("p95", figures.p95),
    ]
    .map(|(rank, value)| (format!("{name} {rank} ms"), Cell::maybe_ms(value)))
}
