//! Messenger Platform and Instagram messaging send requests: `POST /me/messages` with the page
//! access token, `recipient: {id}` (a PSID or IGSID), `messaging_type: "RESPONSE"` (a reply
//! within the 24-hour window) and a `message` of text, one attachment by URL, or text with quick
//! replies (an engine interactive message: its header, prompt and footer as the text, each
//! choice a quick reply whose payload is the choice's id). The answer's `message_id` is the `mid`
//! that later delivery and read webhooks name.

use super::errors::GraphError;
use crate::meta::uploads::upload_id;
use botwot_engine::{Channel, MessageBody};
use serde::{Deserialize, Serialize};

/// The Send API path, relative to the version: the page is the one the token belongs to.
pub const SEND_PATH: &str = "me/messages";

/// The body of one Messenger or Instagram send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessagingRequest {
    pub recipient: Recipient,
    messaging_type: &'static str,
    pub message: MessagingContent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// The user's page-scoped id (Messenger) or Instagram-scoped id.
    pub id: String,
}

/// Text, one attachment, or text with quick replies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MessagingContent {
    QuickReplies {
        text: String,
        quick_replies: Vec<QuickReply>,
    },
    Text {
        text: String,
    },
    Attachment {
        attachment: Attachment,
    },
}

/// A button under the text that sends its title back, with `payload` in the webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuickReply {
    content_type: &'static str,
    pub title: String,
    pub payload: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// `image`, `video`, `audio` or `file`.
    #[serde(rename = "type")]
    pub kind: String,
    pub payload: AttachmentPayload,
}

/// The file by its URL, or by the id the Attachment Upload API gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttachmentPayload {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// Lets Meta keep the file for reuse instead of fetching it on every send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_reusable: Option<bool>,
}

impl MessagingRequest {
    /// A reply to a user who wrote within the last 24 hours.
    pub fn response(recipient_id: impl Into<String>, message: MessagingContent) -> Self {
        Self {
            recipient: Recipient {
                id: recipient_id.into(),
            },
            messaging_type: "RESPONSE",
            message,
        }
    }
}

impl MessagingContent {
    /// The content of an engine message on `channel` (Messenger or Instagram). Attachments are
    /// sent by URL, or, for a file an agent uploaded to us, by the attachment id `uploaded`
    /// that Meta gave it; the Send API has no caption, so a captioned attachment is
    /// `Unsendable` rather than sent without its words.
    pub fn from_body(
        channel: Channel,
        body: &MessageBody,
        uploaded: Option<&str>,
    ) -> Result<Self, GraphError> {
        match body {
            MessageBody::Text { text } => Ok(MessagingContent::Text { text: text.clone() }),
            MessageBody::Interactive {
                text,
                header,
                footer,
                choices,
            } => {
                let text = [header.as_deref(), Some(text.as_str()), footer.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n\n");
                let quick_replies = choices
                    .options()
                    .into_iter()
                    .map(|(id, title)| QuickReply {
                        content_type: "text",
                        title: title.to_owned(),
                        payload: id.to_owned(),
                    })
                    .collect();
                Ok(MessagingContent::QuickReplies {
                    text,
                    quick_replies,
                })
            }
            MessageBody::Media {
                media_type,
                url,
                caption,
            } => {
                if caption
                    .as_deref()
                    .is_some_and(|caption| !caption.trim().is_empty())
                {
                    return Err(GraphError::Unsendable(format!(
                        "{channel} attachments cannot carry a caption; send the text separately"
                    )));
                }
                if crate::meta::whatsapp::media_id(url).is_some() {
                    return Err(GraphError::Unsendable(format!(
                        "a whatsapp media id cannot be sent on {channel}"
                    )));
                }
                let kind = attachment_type(channel, media_type)?;
                let payload = match upload_id(url) {
                    Some(_) => AttachmentPayload {
                        url: None,
                        attachment_id: uploaded.map(str::to_owned),
                        is_reusable: None,
                    },
                    None => AttachmentPayload {
                        url: Some(url.clone()),
                        attachment_id: None,
                        is_reusable: Some(true),
                    },
                };
                if payload.url.is_none() && payload.attachment_id.is_none() {
                    return Err(GraphError::Unsendable(format!(
                        "an uploaded file must be uploaded to {channel} before it is sent"
                    )));
                }
                Ok(MessagingContent::Attachment {
                    attachment: Attachment {
                        kind: kind.to_owned(),
                        payload,
                    },
                })
            }
            MessageBody::Reaction { .. } => Err(GraphError::Unsendable(
                "a reaction is a sender action on Messenger and Instagram, not a message".into(),
            )),
            MessageBody::Template { .. } => Err(GraphError::Unsendable(
                "message templates are WhatsApp's; Messenger and Instagram have none".into(),
            )),
            MessageBody::Unsupported { .. } => Err(GraphError::Unsendable(
                "an unsupported message body has nothing to send".into(),
            )),
        }
    }
}

/// The Send API attachment `type` a media message of `media_type` goes as on `channel`:
/// `image`, `video` and `audio` as they are; a document as a `file`, on Messenger only.
pub fn attachment_type(channel: Channel, media_type: &str) -> Result<&'static str, GraphError> {
    match (channel, media_type) {
        (_, "image") => Ok("image"),
        (_, "video") => Ok("video"),
        (_, "audio") => Ok("audio"),
        (Channel::Messenger, "file" | "document") => Ok("file"),
        (_, other) => Err(GraphError::Unsendable(format!(
            "{channel} has no {other:?} attachment type"
        ))),
    }
}

/// A reaction on Messenger or Instagram is a sender action, not a message: `sender_action:
/// "react"` with `payload: {message_id, reaction}` (any emoji), or `"unreact"` with the message id
/// alone. Meta confirms it with `recipient_id` and no message id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReactionRequest {
    pub recipient: Recipient,
    sender_action: &'static str,
    pub payload: ReactionPayload,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReactionPayload {
    /// The `mid` of the message reacted to.
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction: Option<String>,
}

/// Meta's confirmation of a sender action.
#[derive(Debug, Deserialize)]
pub struct ActionConfirmed {
    #[serde(default)]
    pub recipient_id: Option<String>,
}

impl ReactionRequest {
    /// The request for an engine reaction to `recipient_id`; `None` for any other body.
    pub fn from_body(recipient_id: &str, body: &MessageBody) -> Option<Self> {
        let MessageBody::Reaction {
            provider_message_id,
            emoji,
            ..
        } = body
        else {
            return None;
        };
        let removing = emoji.is_empty();
        Some(Self {
            recipient: Recipient {
                id: recipient_id.to_owned(),
            },
            sender_action: if removing { "unreact" } else { "react" },
            payload: ReactionPayload {
                message_id: provider_message_id.clone(),
                reaction: (!removing).then(|| emoji.clone()),
            },
        })
    }
}

/// The answer to a send.
#[derive(Debug, Deserialize)]
pub struct MessagingResponse {
    #[serde(default)]
    message_id: Option<String>,
}

impl MessagingResponse {
    /// The `mid`, or `UnreadableResponse` when the answer names none.
    pub fn into_message_id(self) -> Result<String, GraphError> {
        self.message_id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| GraphError::UnreadableResponse {
                status: 200,
                detail: "no message_id in the answer".into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_reaction_is_a_react_or_unreact_sender_action() {
        let reaction = |emoji: &str| MessageBody::Reaction {
            reacts_to: "msg_1".into(),
            provider_message_id: "m_1457764197618:41d102a3e1ae206a38".into(),
            emoji: emoji.into(),
        };
        let react = ReactionRequest::from_body("1254477777772919", &reaction("\u{1F60A}"));
        assert_eq!(
            serde_json::to_value(react).unwrap(),
            json!({"recipient": {"id": "1254477777772919"}, "sender_action": "react",
                "payload": {"message_id": "m_1457764197618:41d102a3e1ae206a38", "reaction": "\u{1F60A}"}})
        );
        let unreact = ReactionRequest::from_body("1254477777772919", &reaction(""));
        assert_eq!(
            serde_json::to_value(unreact).unwrap(),
            json!({"recipient": {"id": "1254477777772919"}, "sender_action": "unreact",
                "payload": {"message_id": "m_1457764197618:41d102a3e1ae206a38"}})
        );
        assert_eq!(
            ReactionRequest::from_body("1254477777772919", &MessageBody::text("hi")),
            None
        );
    }

    #[test]
    fn choices_go_as_quick_replies_under_the_text() {
        use botwot_engine::interactive::{Choice, Choices};
        let body = MessageBody::Interactive {
            text: "Where is your order?".into(),
            header: Some("Orders".into()),
            footer: None,
            choices: Choices::Buttons {
                buttons: vec![Choice {
                    id: "track".into(),
                    title: "Track it".into(),
                }],
            },
        };
        let content = MessagingContent::from_body(Channel::Instagram, &body, None).unwrap();
        assert_eq!(
            serde_json::to_value(content).unwrap(),
            json!({
                "text": "Orders\n\nWhere is your order?",
                "quick_replies": [{"content_type": "text", "title": "Track it", "payload": "track"}]
            })
        );
    }

    #[test]
    fn text_matches_the_send_api_example() {
        let content =
            MessagingContent::from_body(Channel::Messenger, &MessageBody::text("hello"), None);
        let request = MessagingRequest::response("1254477777772919", content.unwrap());
        assert_eq!(
            serde_json::to_value(request).unwrap(),
            json!({
                "recipient": {"id": "1254477777772919"},
                "messaging_type": "RESPONSE",
                "message": {"text": "hello"}
            })
        );
    }

    #[test]
    fn attachments_go_by_url() {
        let file = MessageBody::Media {
            media_type: "document".into(),
            url: "https://cdn.example.com/invoice.pdf".into(),
            caption: None,
        };
        let content = MessagingContent::from_body(Channel::Messenger, &file, None).unwrap();
        assert_eq!(
            serde_json::to_value(content).unwrap(),
            json!({"attachment": {"type": "file", "payload": {
                "url": "https://cdn.example.com/invoice.pdf", "is_reusable": true
            }}})
        );
        let on_instagram =
            MessagingContent::from_body(Channel::Instagram, &file, None).unwrap_err();
        assert_eq!(on_instagram.kind(), "unsendable");
    }

    #[test]
    fn uploaded_files_go_by_their_attachment_id_once_uploaded() {
        let photo = MessageBody::Media {
            media_type: "image".into(),
            url: crate::meta::uploads::upload_reference("0a1b"),
            caption: None,
        };
        let content =
            MessagingContent::from_body(Channel::Messenger, &photo, Some("1857777774821032"))
                .unwrap();
        assert_eq!(
            serde_json::to_value(content).unwrap(),
            json!({"attachment": {"type": "image", "payload": {"attachment_id": "1857777774821032"}}})
        );
        let not_uploaded =
            MessagingContent::from_body(Channel::Messenger, &photo, None).unwrap_err();
        assert_eq!(not_uploaded.kind(), "unsendable");
    }

    #[test]
    fn captions_and_whatsapp_media_are_unsendable() {
        let captioned = MessageBody::Media {
            media_type: "image".into(),
            url: "https://cdn.example.com/a.jpg".into(),
            caption: Some("look".into()),
        };
        let whatsapp_media = MessageBody::Media {
            media_type: "image".into(),
            url: "whatsapp-media:1013859600285441".into(),
            caption: None,
        };
        for body in [captioned, whatsapp_media] {
            let error = MessagingContent::from_body(Channel::Instagram, &body, None).unwrap_err();
            assert!(!error.is_retriable(), "{error}");
        }
    }

    #[test]
    fn the_mid_is_read_from_the_answer() {
        let answer: MessagingResponse = serde_json::from_value(json!({
            "recipient_id": "1254477777772919",
            "message_id": "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"
        }))
        .unwrap();
        assert!(answer.into_message_id().unwrap().starts_with("m_AG5Hz2"));
        let empty: MessagingResponse = serde_json::from_value(json!({})).unwrap();
        assert!(empty.into_message_id().unwrap_err().is_retriable());
    }
}
