//! The voice dashboard's figures (PRD §3.10.3) over a set of calls: how many, which way, how
//! many were answered (the connect rate, over calls that ended), how many met their agent's
//! goal by the AI's analysis, the average length of an answered call, the volume per day, and
//! the engagement curve: how many answered calls were still connected after each of a few
//! lengths (the PRD's `GET /dashboard/conversations/engagement`).

use super::call::{CallDirection, VoiceCall};
use super::report::CallSuccess;
use serde::Serialize;
use std::collections::BTreeMap;

/// The lengths the engagement curve is read at, in seconds.
pub const ENGAGEMENT_CHECKPOINTS: [u32; 9] = [0, 15, 30, 60, 120, 180, 300, 600, 900];

/// One point of the engagement curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementPoint {
    pub after_secs: u32,
    /// Answered calls of known length that lasted at least `after_secs`.
    pub still_connected: u64,
    /// `still_connected` over every answered call of known length, 0 to 1.
    pub share: f64,
}

/// Calls of one UTC day.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DayVolume {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub calls: u64,
    pub answered: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallStats {
    pub total: u64,
    pub inbound: u64,
    pub outbound: u64,
    /// Calls someone answered.
    pub answered: u64,
    /// Answered calls over calls that ended; absent when none ended.
    pub connect_rate: Option<f64>,
    /// Calls the AI's analysis judged a success.
    pub successful: u64,
    /// Over answered calls whose length is known; absent when there are none.
    pub average_duration_secs: Option<f64>,
    /// Calls per status (`completed`, `no-answer`, ...).
    pub by_status: BTreeMap<&'static str, u64>,
    /// Per UTC day of the request, in order.
    pub by_day: Vec<DayVolume>,
    /// At each of [`ENGAGEMENT_CHECKPOINTS`]; empty when no answered call's length is known.
    pub engagement: Vec<EngagementPoint>,
}

impl CallStats {
    /// The figures of `calls`.
    pub fn of<'a>(calls: impl IntoIterator<Item = &'a VoiceCall>) -> Self {
        let mut stats = CallStats::default();
        let mut ended = 0u64;
        let mut durations = (0u64, 0u64);
        let mut lengths = Vec::new();
        let mut days: BTreeMap<String, DayVolume> = BTreeMap::new();
        for call in calls {
            stats.total += 1;
            match call.direction {
                CallDirection::Inbound => stats.inbound += 1,
                CallDirection::Outbound => stats.outbound += 1,
            }
            *stats.by_status.entry(call.status.as_str()).or_default() += 1;
            let answered = call.answered_at.is_some();
            if call.status.is_final() {
                ended += 1;
            }
            if answered {
                stats.answered += 1;
                if let Some(duration) = call.duration_secs {
                    durations.0 += u64::from(duration);
                    durations.1 += 1;
                    lengths.push(duration);
                }
            }
            let success = call.report.as_ref().and_then(|report| report.successful);
            if success == Some(CallSuccess::Success) {
                stats.successful += 1;
            }
            let day = call
                .requested_at
                .to_rfc3339()
                .chars()
                .take(10)
                .collect::<String>();
            let volume = days.entry(day.clone()).or_insert_with(|| DayVolume {
                day,
                ..DayVolume::default()
            });
            volume.calls += 1;
            volume.answered += u64::from(answered);
        }
        stats.connect_rate = (ended > 0).then(|| stats.answered.min(ended) as f64 / ended as f64);
        stats.average_duration_secs =
            (durations.1 > 0).then(|| durations.0 as f64 / durations.1 as f64);
        stats.by_day = days.into_values().collect();
        stats.engagement = engagement_curve(&lengths);
        stats
    }
}

/// The share of `lengths` (seconds) at least as long as each checkpoint.
fn engagement_curve(lengths: &[u32]) -> Vec<EngagementPoint> {
    if lengths.is_empty() {
        return Vec::new();
    }
    ENGAGEMENT_CHECKPOINTS
        .iter()
        .map(|&after_secs| {
            let still_connected = lengths
                .iter()
                .filter(|&&length| length >= after_secs)
                .count();
            EngagementPoint {
                after_secs,
                still_connected: still_connected as u64,
                share: still_connected as f64 / lengths.len() as f64,
            }
        })
        .collect()
}
