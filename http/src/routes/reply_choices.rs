//! An agent's reply with choices the contact taps: a prompt with up to three reply buttons, or
//! a list of up to ten rows behind one button, with an optional header and footer. Checked
//! against the conversation's channel before it is stored (see
//! [`botwot_engine::interactive`]): WhatsApp shows them as an interactive message, Messenger and
//! Instagram as quick replies, the web widget as buttons; nothing of it goes under a comment.

use super::reply_body::MAX_TEXT_CHARS;
use botwot_engine::MessageBody;
use botwot_engine::SessionKey;
use botwot_engine::channel::Channel;
use botwot_engine::integration::commented;
use botwot_engine::interactive::{Choice, Choices, ListRow, MAX_HEADER_CHARS, MAX_PROMPT_CHARS};
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::ToSchema;

/// A prompt with `buttons` or a `list`, one of them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentInteractive {
    /// The prompt above the choices: up to 1,024 characters (4,096 on the web), not blank.
    pub text: String,
    /// A text header: up to 60 characters.
    #[serde(default)]
    pub header: Option<String>,
    /// A footer: up to 60 characters.
    #[serde(default)]
    pub footer: Option<String>,
    /// One to three reply buttons.
    #[serde(default)]
    pub buttons: Option<Vec<ChoiceInput>>,
    /// A list of one to ten rows opened by a button.
    #[serde(default)]
    pub list: Option<ListInput>,
}

/// A button: `id` comes back with the tap (up to 200 characters), `title` is shown (up to 20).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceInput {
    pub id: String,
    pub title: String,
}

/// A list: the label of its button (up to 20 characters) and its rows.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInput {
    pub button: String,
    pub rows: Vec<RowInput>,
}

/// A row: `title` up to 24 characters (20 on Messenger and Instagram), `description` up to 72
/// (shown on WhatsApp only).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RowInput {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl AgentInteractive {
    /// The message body on the conversation of `key`; its problems go to `errors`.
    pub fn body_for(&self, key: &SessionKey, errors: &mut ValidationErrors) -> MessageBody {
        let prompt_max = match key.channel {
            Channel::Web => MAX_TEXT_CHARS,
            _ => MAX_PROMPT_CHARS,
        };
        errors.check_text("interactive.text", &self.text, prompt_max);
        let header = optional(&self.header, "interactive.header", errors);
        let footer = optional(&self.footer, "interactive.footer", errors);
        let choices = match (&self.buttons, &self.list) {
            (Some(buttons), None) => Choices::Buttons {
                buttons: buttons
                    .iter()
                    .map(|b| Choice {
                        id: b.id.trim().to_owned(),
                        title: b.title.trim().to_owned(),
                    })
                    .collect(),
            },
            (None, Some(list)) => Choices::List {
                button: list.button.trim().to_owned(),
                rows: list
                    .rows
                    .iter()
                    .map(|row| ListRow {
                        id: row.id.trim().to_owned(),
                        title: row.title.trim().to_owned(),
                        description: row.description.clone(),
                    })
                    .collect(),
            },
            _ => {
                errors.add(
                    "interactive.buttons",
                    "give either buttons or a list, one of them",
                );
                Choices::Buttons {
                    buttons: Vec::new(),
                }
            }
        };
        if self.buttons.is_some() != self.list.is_some() {
            choices.check(key.channel, "interactive", errors);
        }
        if commented(&key.contact).is_some() {
            errors.add("interactive", "only text can be posted under a comment");
        }
        MessageBody::Interactive {
            text: self.text.trim().to_owned(),
            header,
            footer,
            choices,
        }
    }
}

/// A trimmed optional text of at most 60 characters; blank is none.
fn optional(value: &Option<String>, field: &str, errors: &mut ValidationErrors) -> Option<String> {
    let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    errors.check_max_len(field, value, MAX_HEADER_CHARS);
    Some(value.to_owned())
}
