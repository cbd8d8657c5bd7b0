//! Choices a contact taps instead of typing: up to three reply buttons, or a list of up to ten
//! rows behind one button. WhatsApp sends them as interactive messages; Messenger and Instagram
//! as quick replies (a list's rows become quick replies, their descriptions dropped); the web
//! widget as buttons. A tap comes back as the contact's next message, with the choice's title.
//! The limits are WhatsApp's documented ones (Messenger's quick-reply titles share the 20
//! characters of a button's); [`Choices::check`] says what breaks them, field by field.

use crate::channel::Channel;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const MAX_BUTTONS: usize = 3;
pub const MAX_BUTTON_TITLE_CHARS: usize = 20;
pub const MAX_LIST_ROWS: usize = 10;
pub const MAX_ROW_TITLE_CHARS: usize = 24;
pub const MAX_ROW_DESCRIPTION_CHARS: usize = 72;
/// The prompt above the choices.
pub const MAX_PROMPT_CHARS: usize = 1_024;
/// A text header or footer.
pub const MAX_HEADER_CHARS: usize = 60;
/// A choice's id, which comes back with the tap (WhatsApp allows 200 for a list row).
pub const MAX_CHOICE_ID_CHARS: usize = 200;

/// Reply buttons, or a list opened by a button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Choices {
    Buttons {
        buttons: Vec<Choice>,
    },
    List {
        /// The label of the button that opens the list.
        button: String,
        rows: Vec<ListRow>,
    },
}

/// One button: `id` comes back with the tap, `title` is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub title: String,
}

/// One row of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Choices {
    /// Every choice as `(id, title)`, in order.
    pub fn options(&self) -> Vec<(&str, &str)> {
        match self {
            Choices::Buttons { buttons } => buttons
                .iter()
                .map(|b| (b.id.as_str(), b.title.as_str()))
                .collect(),
            Choices::List { rows, .. } => rows
                .iter()
                .map(|r| (r.id.as_str(), r.title.as_str()))
                .collect(),
        }
    }

    /// Adds to `errors`, under `field`, what `channel` would refuse: counts, lengths, blank or
    /// repeated ids and titles.
    pub fn check(&self, channel: Channel, field: &str, errors: &mut ValidationErrors) {
        let (count, max, title_max) = match self {
            Choices::Buttons { buttons } => (buttons.len(), MAX_BUTTONS, MAX_BUTTON_TITLE_CHARS),
            Choices::List { button, rows } => {
                errors.check_text(&format!("{field}.button"), button, MAX_BUTTON_TITLE_CHARS);
                for (n, row) in rows.iter().enumerate() {
                    if let Some(description) = &row.description {
                        errors.check_text(
                            &format!("{field}.rows[{n}].description"),
                            description,
                            MAX_ROW_DESCRIPTION_CHARS,
                        );
                    }
                }
                (rows.len(), MAX_LIST_ROWS, MAX_ROW_TITLE_CHARS)
            }
        };
        let (items, what) = match self {
            Choices::Buttons { .. } => ("buttons", "buttons"),
            Choices::List { .. } => ("rows", "rows"),
        };
        if count == 0 || count > max {
            errors.add(
                &format!("{field}.{items}"),
                format!("must hold 1 to {max} {what}"),
            );
        }
        // Messenger and Instagram show every choice as a quick reply, titled in 20 characters.
        let title_max = match channel {
            Channel::Messenger | Channel::Instagram => title_max.min(MAX_BUTTON_TITLE_CHARS),
            _ => title_max,
        };
        let (mut ids, mut titles) = (HashSet::new(), HashSet::new());
        for (n, (id, title)) in self.options().into_iter().enumerate() {
            let at = format!("{field}.{items}[{n}]");
            errors.check_text(&format!("{at}.id"), id, MAX_CHOICE_ID_CHARS);
            errors.check_text(&format!("{at}.title"), title, title_max);
            if !ids.insert(id) {
                errors.add(&format!("{at}.id"), "is used by another choice");
            }
            if !titles.insert(title.trim().to_lowercase()) {
                errors.add(&format!("{at}.title"), "is used by another choice");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buttons(titles: &[&str]) -> Choices {
        Choices::Buttons {
            buttons: titles
                .iter()
                .enumerate()
                .map(|(n, title)| Choice {
                    id: format!("b{n}"),
                    title: (*title).to_owned(),
                })
                .collect(),
        }
    }

    fn problems(choices: &Choices, channel: Channel) -> Vec<String> {
        let mut errors = ValidationErrors::default();
        choices.check(channel, "interactive", &mut errors);
        errors.0.into_iter().map(|error| error.field).collect()
    }

    #[test]
    fn three_short_distinct_buttons_pass_and_a_fourth_does_not() {
        let three = buttons(&["Track my order", "Returns", "Talk to us"]);
        assert!(problems(&three, Channel::WhatsApp).is_empty());
        let four = buttons(&["A", "B", "C", "D"]);
        assert_eq!(problems(&four, Channel::WhatsApp), ["interactive.buttons"]);
    }

    #[test]
    fn repeated_titles_and_long_ones_are_named() {
        let twice = buttons(&["Returns", "returns"]);
        assert_eq!(
            problems(&twice, Channel::Web),
            ["interactive.buttons[1].title"]
        );
        let long = buttons(&["A title far longer than twenty"]);
        assert_eq!(
            problems(&long, Channel::WhatsApp),
            ["interactive.buttons[0].title"]
        );
    }

    #[test]
    fn list_rows_may_be_longer_on_whatsapp_than_as_messenger_quick_replies() {
        let list = Choices::List {
            button: "Options".into(),
            rows: vec![ListRow {
                id: "r1".into(),
                title: "Twenty-two characters!".into(),
                description: Some("Shown under the title on WhatsApp".into()),
            }],
        };
        assert!(problems(&list, Channel::WhatsApp).is_empty());
        assert_eq!(
            problems(&list, Channel::Messenger),
            ["interactive.rows[0].title"]
        );
    }
}
