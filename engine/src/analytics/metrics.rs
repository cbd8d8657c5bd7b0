//! The dashboard's headline figures (PRD §3.10.2) over the conversations created in a range.
//!
//! - *Total conversations*: sessions created in the range.
//! - *Active sessions*: those of them not closed yet (open or warned).
//! - *Resolution rate*: resolved / closed (see [`ConversationFacts::is_resolved`]); `None` when
//!   none closed.
//! - *Average satisfaction*: the mean score (1 to 5) of the rated conversations; `None` when
//!   none was rated.
//! - *First response* and *response* times: nearest-rank p50/p90/p95 (see [`Percentiles`]) of
//!   every conversation's first response time, and of every answered contact message's wait.
//! - *Channel distribution*: conversations per channel, every channel listed.
//! - *Handling*: conversations answered only by the bot, those an agent replied in, unanswered
//!   ones, and the bot's share of the answered ones.
//! - *Agents*: per agent who replied, their conversations, resolved ones and satisfaction
//!   (see [`per_agent`]).
//! - *Top intents* and *sentiment*: of the conversations a language model analysed (see
//!   [`top_intents`] and [`sentiment_distribution`]).

use super::agents::{AgentFigures, per_agent};
use super::conversation::{ConversationFacts, Handling};
use super::insight_tally::{
    IntentCount, SentimentDistribution, sentiment_distribution, top_intents,
};
use super::percentile::Percentiles;
use super::range::ReportRange;
use super::series::TimeSeries;
use crate::channel::Channel;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardMetrics {
    pub range: ReportRange,
    pub total_conversations: u64,
    pub active_sessions: u64,
    pub closed_conversations: u64,
    pub resolved_conversations: u64,
    /// Resolved / closed, from 0 to 1.
    pub resolution_rate: Option<f64>,
    /// The mean satisfaction score (1 to 5) of the rated conversations; `null` when none was
    /// rated.
    pub average_satisfaction: Option<f64>,
    pub first_response_ms: Percentiles,
    pub response_ms: Percentiles,
    pub channels: Vec<ChannelCount>,
    pub handling: HandlingCounts,
    /// Every agent who replied in a conversation of the range, the busiest first.
    pub agents: Vec<AgentFigures>,
    pub conversations_over_time: TimeSeries,
    /// The intents analysed conversations were found to be about, the most frequent first.
    pub top_intents: Vec<IntentCount>,
    /// The mean sentiment of the analysed conversations.
    pub sentiment: SentimentDistribution,
    /// The website widget's loads and opens, and how many became conversations.
    pub widget: super::WidgetFunnel,
    /// The range held more sessions than a report reads; the figures cover the newest ones.
    pub truncated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChannelCount {
    pub channel: Channel,
    pub conversations: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandlingCounts {
    pub bot_only: u64,
    pub agent: u64,
    pub unanswered: u64,
    /// Bot-only / answered (bot-only + agent), from 0 to 1; `None` when nothing was answered.
    pub bot_share: Option<f64>,
}

impl DashboardMetrics {
    /// The figures of the `conversations` created in `range` (others are ignored).
    pub fn compute(
        range: ReportRange,
        conversations: &[ConversationFacts],
        truncated: bool,
    ) -> Self {
        let in_range: Vec<&ConversationFacts> = conversations
            .iter()
            .filter(|facts| range.contains(facts.created_at))
            .collect();
        let count = |keep: &dyn Fn(&ConversationFacts) -> bool| {
            in_range.iter().filter(|facts| keep(facts)).count() as u64
        };
        let closed = count(&ConversationFacts::is_closed);
        let resolved = count(&ConversationFacts::is_resolved);
        let handled = |handling: Handling| count(&|facts| facts.handling == handling);
        let (bot_only, agent) = (handled(Handling::Bot), handled(Handling::Agent));
        Self {
            range,
            total_conversations: in_range.len() as u64,
            active_sessions: in_range.len() as u64 - closed,
            closed_conversations: closed,
            resolved_conversations: resolved,
            resolution_rate: ratio(resolved, closed),
            average_satisfaction: mean(in_range.iter().filter_map(|facts| facts.satisfaction)),
            first_response_ms: Percentiles::of(
                in_range
                    .iter()
                    .filter_map(|facts| facts.first_response_ms)
                    .collect(),
            ),
            response_ms: Percentiles::of(
                in_range
                    .iter()
                    .flat_map(|facts| facts.response_times_ms.iter().copied())
                    .collect(),
            ),
            channels: Channel::ALL
                .into_iter()
                .map(|channel| ChannelCount {
                    channel,
                    conversations: count(&|facts| facts.channel == channel),
                })
                .collect(),
            handling: HandlingCounts {
                bot_only,
                agent,
                unanswered: handled(Handling::Unanswered),
                bot_share: ratio(bot_only, bot_only + agent),
            },
            agents: per_agent(in_range.iter().copied()),
            conversations_over_time: TimeSeries::count(
                range,
                in_range.iter().map(|facts| facts.created_at),
            ),
            top_intents: top_intents(in_range.iter().copied()),
            sentiment: sentiment_distribution(in_range.iter().copied()),
            widget: super::WidgetFunnel::default(),
            truncated,
        }
    }
}

fn mean(scores: impl Iterator<Item = u8>) -> Option<f64> {
    let (sum, count) = scores.fold((0_u64, 0_u64), |(sum, count), score| {
        (sum + u64::from(score), count + 1)
    });
    ratio(sum, count)
}

/// `part / whole`; `None` when `whole` is zero.
pub(super) fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}
