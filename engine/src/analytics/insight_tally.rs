//! The dashboard's view of conversation intelligence (ADR 0026): how many conversations of the
//! range were found to be about each intent, and their mean sentiment. Only analysed
//! conversations count; `analysed` says how many that was.

use super::conversation::ConversationFacts;
use super::metrics::ratio;
use crate::insight::{Choice, Intent};
use serde::Serialize;

/// A conversation's sentiment, in whole percentages summing to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentimentShares {
    pub positive: u8,
    pub negative: u8,
    pub neutral: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntentCount {
    pub intent: Intent,
    pub conversations: u64,
}

/// The mean sentiment of the analysed conversations, in percent; `None` when none was analysed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentimentDistribution {
    pub analysed: u64,
    pub positive: Option<f64>,
    pub negative: Option<f64>,
    pub neutral: Option<f64>,
}

/// The intents found, the most frequent first (ties in the order intents are listed); intents
/// found in no conversation are left out.
pub fn top_intents<'a>(facts: impl Iterator<Item = &'a ConversationFacts>) -> Vec<IntentCount> {
    let found: Vec<Intent> = facts.filter_map(|facts| facts.intent).collect();
    let mut counts: Vec<IntentCount> = Intent::ALL
        .iter()
        .map(|&intent| IntentCount {
            intent,
            conversations: found.iter().filter(|&&seen| seen == intent).count() as u64,
        })
        .filter(|count| count.conversations > 0)
        .collect();
    counts.sort_by_key(|count| std::cmp::Reverse(count.conversations));
    counts
}

pub fn sentiment_distribution<'a>(
    facts: impl Iterator<Item = &'a ConversationFacts>,
) -> SentimentDistribution {
    let shares: Vec<SentimentShares> = facts.filter_map(|facts| facts.sentiment).collect();
    let analysed = shares.len() as u64;
    let mean = |share: fn(&SentimentShares) -> u8| {
        let total: u64 = shares.iter().map(|s| u64::from(share(s))).sum();
        ratio(total, analysed)
    };
    SentimentDistribution {
        analysed,
        positive: mean(|s| s.positive),
        negative: mean(|s| s.negative),
        neutral: mean(|s| s.neutral),
    }
}
