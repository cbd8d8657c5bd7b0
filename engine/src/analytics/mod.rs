//! Dashboard analytics (PRD §3.10): the figures managers watch, computed from a set of sessions
//! and their transcripts, with no I/O. The HTTP layer gathers the sessions of a time range and
//! hands them here; every definition (what "resolved" means, which percentile) lives in the
//! module that computes it.

mod agents;
mod conversation;
mod insight_tally;
mod layout;
mod metrics;
mod percentile;
mod range;
mod series;
mod widget_usage;

#[cfg(test)]
mod tests;

pub use agents::{AgentFigures, per_agent};
pub use conversation::{ConversationFacts, Handling};
pub use insight_tally::{
    IntentCount, SentimentDistribution, SentimentShares, sentiment_distribution, top_intents,
};
pub use layout::{DashboardLayout, WidgetKind, WidgetPlacement};
pub use metrics::{ChannelCount, DashboardMetrics, HandlingCounts};
pub use percentile::{Percentiles, nearest_rank};
pub use range::{MAX_RANGE_DAYS, RangeError, ReportRange};
pub use series::{Bucket, SeriesPoint, TimeSeries};
pub use widget_usage::{WidgetEvent, WidgetFunnel, WidgetUsage, day_of};
