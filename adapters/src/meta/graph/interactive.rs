//! WhatsApp interactive messages: up to three reply buttons, or a list of rows behind one
//! button, built from an engine [`MessageBody::Interactive`](botwot_engine::MessageBody) by
//! [`Interactive::from_choices`]. The contact's choice comes back as an `interactive` webhook
//! with the chosen id. The builders refuse what the Cloud API documents it would refuse (too
//! many buttons or rows, titles too long), with the engine's limits.

use super::errors::GraphError;
use botwot_engine::interactive::{
    Choices as EngineChoices, MAX_BUTTON_TITLE_CHARS, MAX_BUTTONS, MAX_LIST_ROWS,
    MAX_PROMPT_CHARS as MAX_BODY_CHARS, MAX_ROW_DESCRIPTION_CHARS, MAX_ROW_TITLE_CHARS,
};
use serde::Serialize;

/// `interactive`: the prompt and its buttons or list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interactive {
    #[serde(flatten)]
    pub choices: Choices,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<TextHeader>,
    pub body: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<Text>,
}

/// Buttons or a list, tagged by the interactive `type`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Choices {
    Button { action: ButtonAction },
    List { action: ListAction },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Text {
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextHeader {
    #[serde(rename = "type")]
    kind: &'static str,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ButtonAction {
    pub buttons: Vec<ReplyButton>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplyButton {
    #[serde(rename = "type")]
    kind: &'static str,
    pub reply: Choice,
}

/// One choice: the `id` comes back in the reply webhook, the `title` is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListAction {
    /// The label of the button that opens the list.
    pub button: String,
    pub sections: Vec<ListSection>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListSection {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub rows: Vec<ListRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Interactive {
    /// A prompt with one to three reply buttons.
    pub fn buttons(body: impl Into<String>, buttons: Vec<Choice>) -> Result<Self, GraphError> {
        if buttons.is_empty() || buttons.len() > MAX_BUTTONS {
            return Err(unsendable(format!(
                "an interactive message has 1 to {MAX_BUTTONS} buttons, not {}",
                buttons.len()
            )));
        }
        for button in &buttons {
            check_len("button title", &button.title, MAX_BUTTON_TITLE_CHARS)?;
        }
        let buttons = buttons
            .into_iter()
            .map(|reply| ReplyButton {
                kind: "reply",
                reply,
            })
            .collect();
        Self::with_choices(
            body,
            Choices::Button {
                action: ButtonAction { buttons },
            },
        )
    }

    /// A prompt with a list of up to ten rows, in sections, opened by `button`.
    pub fn list(
        body: impl Into<String>,
        button: impl Into<String>,
        sections: Vec<ListSection>,
    ) -> Result<Self, GraphError> {
        let button = button.into();
        check_len("list button", &button, MAX_BUTTON_TITLE_CHARS)?;
        let rows: usize = sections.iter().map(|section| section.rows.len()).sum();
        if rows == 0 || rows > MAX_LIST_ROWS {
            return Err(unsendable(format!(
                "an interactive list has 1 to {MAX_LIST_ROWS} rows, not {rows}"
            )));
        }
        for row in sections.iter().flat_map(|section| &section.rows) {
            check_len("row title", &row.title, MAX_ROW_TITLE_CHARS)?;
            if let Some(description) = &row.description {
                check_len("row description", description, MAX_ROW_DESCRIPTION_CHARS)?;
            }
        }
        Self::with_choices(
            body,
            Choices::List {
                action: ListAction { button, sections },
            },
        )
    }

    /// The buttons or the list (in one untitled section) of an engine message's choices.
    pub fn from_choices(body: &str, choices: &EngineChoices) -> Result<Self, GraphError> {
        match choices {
            EngineChoices::Buttons { buttons } => Self::buttons(
                body,
                buttons
                    .iter()
                    .map(|b| Choice::new(b.id.clone(), b.title.clone()))
                    .collect(),
            ),
            EngineChoices::List { button, rows } => {
                let rows = rows
                    .iter()
                    .map(|row| ListRow {
                        id: row.id.clone(),
                        title: row.title.clone(),
                        description: row.description.clone(),
                    })
                    .collect();
                let section = ListSection { title: None, rows };
                Self::list(body, button.clone(), vec![section])
            }
        }
    }

    pub fn with_header(mut self, text: impl Into<String>) -> Self {
        self.header = Some(TextHeader {
            kind: "text",
            text: text.into(),
        });
        self
    }

    pub fn with_footer(mut self, text: impl Into<String>) -> Self {
        self.footer = Some(Text { text: text.into() });
        self
    }

    fn with_choices(body: impl Into<String>, choices: Choices) -> Result<Self, GraphError> {
        let body = body.into();
        check_len("interactive body", &body, MAX_BODY_CHARS)?;
        if body.trim().is_empty() {
            return Err(unsendable(
                "an interactive message needs a body text".into(),
            ));
        }
        Ok(Self {
            choices,
            header: None,
            body: Text { text: body },
            footer: None,
        })
    }
}

impl Choice {
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
        }
    }
}

fn check_len(what: &str, text: &str, max: usize) -> Result<(), GraphError> {
    let chars = text.chars().count();
    if chars > max {
        return Err(unsendable(format!(
            "{what} is {chars} characters, at most {max}"
        )));
    }
    Ok(())
}

fn unsendable(reason: String) -> GraphError {
    GraphError::Unsendable(reason)
}

#[cfg(test)]
mod tests {
    use super::super::whatsapp::{WhatsAppContent, WhatsAppRequest};
    use super::*;
    use serde_json::json;

    fn wire(interactive: Interactive) -> serde_json::Value {
        let content = WhatsAppContent::Interactive { interactive };
        serde_json::to_value(WhatsAppRequest::new("16505551234", content)).unwrap()
    }

    #[test]
    fn reply_buttons_match_the_cloud_api_example() {
        let buttons = Interactive::buttons(
            "Would you like to talk to an agent?",
            vec![
                Choice::new("agent_yes", "Yes"),
                Choice::new("agent_no", "No"),
            ],
        )
        .unwrap()
        .with_footer("Support");
        assert_eq!(
            wire(buttons),
            json!({
                "messaging_product": "whatsapp", "recipient_type": "individual",
                "to": "16505551234", "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": "Would you like to talk to an agent?"},
                    "footer": {"text": "Support"},
                    "action": {"buttons": [
                        {"type": "reply", "reply": {"id": "agent_yes", "title": "Yes"}},
                        {"type": "reply", "reply": {"id": "agent_no", "title": "No"}}
                    ]}
                }
            })
        );
    }

    #[test]
    fn a_list_matches_the_cloud_api_example() {
        let list = Interactive::list(
            "Pick a delivery slot",
            "Slots",
            vec![ListSection {
                title: Some("Tomorrow".into()),
                rows: vec![ListRow {
                    id: "slot_am".into(),
                    title: "Morning".into(),
                    description: Some("9:00 to 12:00".into()),
                }],
            }],
        )
        .unwrap()
        .with_header("Delivery");
        assert_eq!(
            wire(list)["interactive"],
            json!({
                "type": "list",
                "header": {"type": "text", "text": "Delivery"},
                "body": {"text": "Pick a delivery slot"},
                "action": {"button": "Slots", "sections": [
                    {"title": "Tomorrow", "rows": [
                        {"id": "slot_am", "title": "Morning", "description": "9:00 to 12:00"}
                    ]}
                ]}
            })
        );
    }

    #[test]
    fn limits_are_refused_before_sending() {
        let four: Vec<Choice> = (0..4).map(|i| Choice::new(format!("b{i}"), "Ok")).collect();
        assert!(Interactive::buttons("Pick", four).is_err());
        let long = vec![Choice::new("b", "a title far too long for a button")];
        assert!(Interactive::buttons("Pick", long).is_err());
        assert!(Interactive::buttons(" ", vec![Choice::new("b", "Ok")]).is_err());
        assert!(Interactive::list("Pick", "Open", vec![]).is_err());
    }
}
