//! How a bot's website widget is used (PRD §3.4.4, `POST /bot/widget/track`): pages it loaded
//! on and visitors who opened it, counted per bot and UTC day, and the funnel from a load to a
//! conversation over a report's range.

use crate::ids::{BotId, TenantId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What a widget reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WidgetEvent {
    /// The widget loaded on a page.
    Loaded,
    /// The visitor opened the chat panel.
    Opened,
}

impl WidgetEvent {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "loaded" => Some(WidgetEvent::Loaded),
            "opened" => Some(WidgetEvent::Opened),
            _ => None,
        }
    }
}

/// A bot's widget on one UTC day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WidgetUsage {
    pub tenant_id: TenantId,
    pub bot_id: BotId,
    /// Midnight UTC of the day.
    pub day: Timestamp,
    pub loads: u64,
    pub opens: u64,
}

impl WidgetUsage {
    /// No use yet of `bot`'s widget on the day of `at`.
    pub fn empty(tenant_id: TenantId, bot_id: BotId, at: Timestamp) -> Self {
        Self {
            tenant_id,
            bot_id,
            day: day_of(at),
            loads: 0,
            opens: 0,
        }
    }

    /// The stored id of a bot's day: `{bot}:{day's millis}`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.bot_id, self.day.millis())
    }

    pub fn count(&mut self, event: WidgetEvent) {
        match event {
            WidgetEvent::Loaded => self.loads += 1,
            WidgetEvent::Opened => self.opens += 1,
        }
    }

    /// Adds what `other` (the same bot and day) counted.
    pub fn absorb(&mut self, other: &WidgetUsage) {
        self.loads += other.loads;
        self.opens += other.opens;
    }
}

/// Midnight UTC of the day of `at`.
pub fn day_of(at: Timestamp) -> Timestamp {
    Timestamp::from_millis(at.millis() - at.millis().rem_euclid(DAY_MS))
}

/// From a widget's load to a conversation, over a range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WidgetFunnel {
    pub loads: u64,
    pub opens: u64,
    /// Conversations on the web channel.
    pub conversations: u64,
    /// Opens / loads, 0 to 1; `null` with no load.
    pub open_rate: Option<f64>,
    /// Conversations / loads, 0 to 1 (at most 1); `null` with no load.
    pub conversation_rate: Option<f64>,
}

impl WidgetFunnel {
    pub fn of(days: &[WidgetUsage], conversations: u64) -> Self {
        let loads: u64 = days.iter().map(|day| day.loads).sum();
        let opens: u64 = days.iter().map(|day| day.opens).sum();
        let rate = |count: u64| (loads > 0).then(|| (count as f64 / loads as f64).min(1.0));
        Self {
            loads,
            opens,
            conversations,
            open_rate: rate(opens),
            conversation_rate: rate(conversations),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_counts_its_loads_and_opens_and_the_funnel_its_rates() {
        let at = Timestamp::from_millis(1_700_000_000_000);
        let mut day = WidgetUsage::empty(TenantId::new("org"), BotId::new("bot_1"), at);
        assert_eq!(day.day.millis() % DAY_MS, 0);
        assert_eq!(
            day_of(day.day.plus(std::time::Duration::from_secs(86_399))),
            day.day
        );
        for event in ["loaded", "loaded", "loaded", "loaded", "opened"] {
            day.count(WidgetEvent::parse(event).expect("known"));
        }
        assert_eq!(WidgetEvent::parse("clicked"), None);
        let mut other = day.clone();
        other.absorb(&day);
        assert_eq!((other.loads, other.opens), (8, 2));
        let funnel = WidgetFunnel::of(&[day, other], 3);
        assert_eq!(
            (funnel.loads, funnel.opens, funnel.conversations),
            (12, 3, 3)
        );
        assert_eq!(funnel.open_rate, Some(0.25));
        assert_eq!(funnel.conversation_rate, Some(0.25));
        assert_eq!(WidgetFunnel::of(&[], 2).open_rate, None);
    }
}
