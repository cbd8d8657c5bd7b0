//! A user's dashboard layout (PRD §3.10.1 widgets): which widgets they see, where and how large,
//! on a grid [`GRID_COLUMNS`] wide. Kept on the user's account.

use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Width of the dashboard grid, in columns.
pub const GRID_COLUMNS: u32 = 12;
/// The most widgets one layout holds.
pub const MAX_WIDGETS: usize = 32;
/// The tallest widget and the lowest row a widget may start on.
const MAX_HEIGHT: u32 = 12;
const MAX_ROW: u32 = 1_000;
const MAX_ID_CHARS: usize = 64;

/// What a widget shows: the PRD's widget types and the headline figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WidgetKind {
    TotalConversations,
    ActiveSessions,
    ConversationVolume,
    ResolutionRate,
    ResponseTime,
    Satisfaction,
    ChannelBreakdown,
    BotVsAgent,
    TopIntents,
    SentimentDistribution,
    /// The website widget's loads, opens and the web conversations they led to.
    WidgetFunnel,
}

impl WidgetKind {
    pub const ALL: [WidgetKind; 11] = [
        WidgetKind::TotalConversations,
        WidgetKind::ActiveSessions,
        WidgetKind::ConversationVolume,
        WidgetKind::ResolutionRate,
        WidgetKind::ResponseTime,
        WidgetKind::Satisfaction,
        WidgetKind::ChannelBreakdown,
        WidgetKind::BotVsAgent,
        WidgetKind::TopIntents,
        WidgetKind::SentimentDistribution,
        WidgetKind::WidgetFunnel,
    ];

    /// The kind named `text` on the wire (`conversationVolume`, ...).
    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }
}

/// One widget on the grid: its own id in the layout, its kind, its top-left cell and size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WidgetPlacement {
    pub id: String,
    pub kind: WidgetKind,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DashboardLayout {
    pub widgets: Vec<WidgetPlacement>,
}

impl Default for DashboardLayout {
    /// The headline figures in a row of four, then the charts two by two.
    fn default() -> Self {
        let tile = |n: u32, kind: WidgetKind, (x, y, width, height)| WidgetPlacement {
            id: format!("w{n}"),
            kind,
            x,
            y,
            width,
            height,
        };
        Self {
            widgets: vec![
                tile(1, WidgetKind::TotalConversations, (0, 0, 3, 2)),
                tile(2, WidgetKind::ActiveSessions, (3, 0, 3, 2)),
                tile(3, WidgetKind::ResolutionRate, (6, 0, 3, 2)),
                tile(4, WidgetKind::Satisfaction, (9, 0, 3, 2)),
                tile(5, WidgetKind::ConversationVolume, (0, 2, 6, 4)),
                tile(6, WidgetKind::ResponseTime, (6, 2, 6, 4)),
                tile(7, WidgetKind::ChannelBreakdown, (0, 6, 6, 4)),
                tile(8, WidgetKind::BotVsAgent, (6, 6, 6, 4)),
            ],
        }
    }
}

impl DashboardLayout {
    /// Checks ids (1 to 64 characters, unique), sizes and positions (inside the grid).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.widgets.len() > MAX_WIDGETS {
            errors.add("widgets", format!("at most {MAX_WIDGETS} widgets"));
        }
        let mut seen = HashSet::new();
        for (n, widget) in self.widgets.iter().enumerate() {
            let field = |name: &str| format!("widgets[{n}].{name}");
            let id = widget.id.trim();
            if id.is_empty() || id.chars().count() > MAX_ID_CHARS {
                errors.add(&field("id"), format!("1 to {MAX_ID_CHARS} characters"));
            } else if !seen.insert(id) {
                errors.add(&field("id"), "another widget has this id");
            }
            if widget.width == 0 || widget.x.saturating_add(widget.width) > GRID_COLUMNS {
                errors.add(
                    &field("width"),
                    format!("at least 1, and x + width at most {GRID_COLUMNS}"),
                );
            }
            if widget.height == 0 || widget.height > MAX_HEIGHT {
                errors.add(&field("height"), format!("between 1 and {MAX_HEIGHT}"));
            }
            if widget.y > MAX_ROW {
                errors.add(&field("y"), format!("at most {MAX_ROW}"));
            }
        }
        errors.into_result(())
    }
}
