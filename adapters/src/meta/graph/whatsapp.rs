//! WhatsApp Cloud API send requests: `POST /{phone_number_id}/messages` with
//! `messaging_product: "whatsapp"`, `recipient_type: "individual"`, `to` and one typed content
//! (text, media, template, interactive or a reaction to an earlier message, which an empty
//! emoji removes). The answer's `messages[0].id` is the `wamid` that later status webhooks name.

use super::errors::GraphError;
use super::interactive::Interactive;
use super::template::{Template, TemplateParameter};
use crate::meta::whatsapp::media_id;
use botwot_engine::MessageBody;
use botwot_engine::template_parts::{TemplateButtonKind, TemplateHeader};
use serde::{Deserialize, Serialize};

/// The body of one WhatsApp send.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatsAppRequest {
    messaging_product: &'static str,
    recipient_type: &'static str,
    /// The contact's WhatsApp id (phone number in international format, digits only).
    pub to: String,
    #[serde(flatten)]
    pub content: WhatsAppContent,
}

impl WhatsAppRequest {
    pub fn new(to: impl Into<String>, content: WhatsAppContent) -> Self {
        Self {
            messaging_product: "whatsapp",
            recipient_type: "individual",
            to: to.into(),
            content,
        }
    }
}

/// What a WhatsApp message carries, tagged by `type` as the Cloud API expects.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum WhatsAppContent {
    Text { text: TextContent },
    Image { image: MediaObject },
    Video { video: MediaObject },
    Audio { audio: MediaObject },
    Document { document: MediaObject },
    Sticker { sticker: MediaObject },
    Template { template: Template },
    Interactive { interactive: Interactive },
    Reaction { reaction: ReactionContent },
}

/// An emoji on an earlier message of the conversation; an empty one removes the reaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReactionContent {
    /// The `wamid` of the message reacted to.
    pub message_id: String,
    pub emoji: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextContent {
    pub body: String,
    /// Whether WhatsApp renders a preview of the first link in `body`.
    pub preview_url: bool,
}

/// Media by a public `link` or by the `id` of media uploaded to WhatsApp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MediaObject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Images, videos and documents only; WhatsApp refuses it on audio and stickers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl MediaObject {
    /// A body URL made by [`media_reference`](crate::meta::whatsapp::media_reference) names an
    /// uploaded media id; anything else is a link.
    pub fn from_url(url: &str, caption: Option<String>) -> Self {
        match media_id(url) {
            Some(id) => Self {
                id: Some(id.to_owned()),
                link: None,
                caption,
            },
            None => Self {
                id: None,
                link: Some(url.to_owned()),
                caption,
            },
        }
    }
}

impl WhatsAppContent {
    /// Text with a link preview when it contains a link.
    pub fn text(body: impl Into<String>) -> Self {
        let body = body.into();
        let preview_url = body.contains("https://") || body.contains("http://");
        WhatsAppContent::Text {
            text: TextContent { body, preview_url },
        }
    }

    /// The content of an engine message; `Unsendable` for what WhatsApp cannot carry.
    pub fn from_body(body: &MessageBody) -> Result<Self, GraphError> {
        match body {
            MessageBody::Text { text } => Ok(Self::text(text.clone())),
            MessageBody::Media {
                media_type,
                url,
                caption,
            } => {
                let captioned = || MediaObject::from_url(url, caption.clone());
                let bare = || MediaObject::from_url(url, None);
                match media_type.as_str() {
                    "image" => Ok(WhatsAppContent::Image { image: captioned() }),
                    "video" => Ok(WhatsAppContent::Video { video: captioned() }),
                    "document" | "file" => Ok(WhatsAppContent::Document {
                        document: captioned(),
                    }),
                    "audio" if caption.is_none() => Ok(WhatsAppContent::Audio { audio: bare() }),
                    "sticker" if caption.is_none() => {
                        Ok(WhatsAppContent::Sticker { sticker: bare() })
                    }
                    "audio" | "sticker" => Err(GraphError::Unsendable(format!(
                        "whatsapp {media_type} messages cannot carry a caption"
                    ))),
                    other => Err(GraphError::Unsendable(format!(
                        "whatsapp has no {other:?} media type"
                    ))),
                }
            }
            MessageBody::Template {
                name,
                language,
                body_parameters,
                header,
                buttons,
            } => {
                let mut template = Template::new(name.clone(), language.clone());
                if let Some(header) = header {
                    template = template.header(vec![header_parameter(header)]);
                }
                if !body_parameters.is_empty() {
                    template = template.body_texts(body_parameters.iter().cloned());
                }
                for button in buttons {
                    let value = button.value.clone();
                    template = match button.kind {
                        TemplateButtonKind::QuickReply => {
                            template.quick_reply_button(button.index, value)
                        }
                        TemplateButtonKind::Url => template.url_button(button.index, value),
                    };
                }
                Ok(WhatsAppContent::Template { template })
            }
            MessageBody::Interactive {
                text,
                header,
                footer,
                choices,
            } => {
                let mut interactive = Interactive::from_choices(text, choices)?;
                if let Some(header) = header {
                    interactive = interactive.with_header(header.clone());
                }
                if let Some(footer) = footer {
                    interactive = interactive.with_footer(footer.clone());
                }
                Ok(WhatsAppContent::Interactive { interactive })
            }
            MessageBody::Reaction {
                provider_message_id,
                emoji,
                ..
            } => Ok(WhatsAppContent::Reaction {
                reaction: ReactionContent {
                    message_id: provider_message_id.clone(),
                    emoji: emoji.clone(),
                },
            }),
            MessageBody::Unsupported { .. } => Err(GraphError::Unsendable(
                "an unsupported message body has nothing to send".into(),
            )),
        }
    }
}

/// The answer to a send: `messages[0].id` is the `wamid`.
#[derive(Debug, Deserialize)]
pub struct WhatsAppResponse {
    #[serde(default)]
    messages: Vec<SentMessageId>,
}

#[derive(Debug, Deserialize)]
struct SentMessageId {
    id: String,
}

impl WhatsAppResponse {
    /// The `wamid`, or `UnreadableResponse` when the answer names none.
    pub fn into_message_id(self) -> Result<String, GraphError> {
        self.messages
            .into_iter()
            .next()
            .map(|message| message.id)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| GraphError::UnreadableResponse {
                status: 200,
                detail: "no messages[0].id in the answer".into(),
            })
    }
}

/// A template header's parameter: its text, or its media by address (or uploaded media id).
fn header_parameter(header: &TemplateHeader) -> TemplateParameter {
    match header {
        TemplateHeader::Text { text } => TemplateParameter::text(text.clone()),
        TemplateHeader::Image { url } => TemplateParameter::Image {
            image: MediaObject::from_url(url, None),
        },
        TemplateHeader::Video { url } => TemplateParameter::Video {
            video: MediaObject::from_url(url, None),
        },
        TemplateHeader::Document { url } => TemplateParameter::Document {
            document: MediaObject::from_url(url, None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wire(content: WhatsAppContent) -> serde_json::Value {
        serde_json::to_value(WhatsAppRequest::new("16505551234", content)).unwrap()
    }

    #[test]
    fn text_matches_the_cloud_api_example() {
        assert_eq!(
            wire(WhatsAppContent::text("see https://example.com")),
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "16505551234",
                "type": "text",
                "text": {"body": "see https://example.com", "preview_url": true}
            })
        );
        let plain = wire(WhatsAppContent::text("hello"));
        assert_eq!(plain["text"]["preview_url"], json!(false));
    }

    #[test]
    fn media_goes_by_link_or_uploaded_id() {
        let image = MessageBody::Media {
            media_type: "image".into(),
            url: "https://cdn.example.com/a.jpg".into(),
            caption: Some("receipt".into()),
        };
        assert_eq!(
            wire(WhatsAppContent::from_body(&image).unwrap()),
            json!({
                "messaging_product": "whatsapp", "recipient_type": "individual",
                "to": "16505551234", "type": "image",
                "image": {"link": "https://cdn.example.com/a.jpg", "caption": "receipt"}
            })
        );
        let audio = MessageBody::Media {
            media_type: "audio".into(),
            url: "whatsapp-media:1013859600285441".into(),
            caption: None,
        };
        let sent = wire(WhatsAppContent::from_body(&audio).unwrap());
        assert_eq!(sent["type"], json!("audio"));
        assert_eq!(sent["audio"], json!({"id": "1013859600285441"}));
    }

    #[test]
    fn a_template_body_is_sent_with_its_body_texts() {
        let template = MessageBody::Template {
            name: "order_update".into(),
            language: "en_US".into(),
            body_parameters: vec!["Kerry".into(), "#1042".into()],
            header: None,
            buttons: Vec::new(),
        };
        assert_eq!(
            wire(WhatsAppContent::from_body(&template).unwrap()),
            json!({
                "messaging_product": "whatsapp", "recipient_type": "individual",
                "to": "16505551234", "type": "template",
                "template": {
                    "name": "order_update", "language": {"code": "en_US"},
                    "components": [{"type": "body", "parameters": [
                        {"type": "text", "text": "Kerry"}, {"type": "text", "text": "#1042"}
                    ]}]
                }
            })
        );
        let bare = MessageBody::Template {
            name: "hello_world".into(),
            language: "en_US".into(),
            body_parameters: Vec::new(),
            header: None,
            buttons: Vec::new(),
        };
        let sent = wire(WhatsAppContent::from_body(&bare).unwrap());
        assert!(sent["template"].get("components").is_none(), "{sent}");
    }

    #[test]
    fn a_templates_header_and_buttons_are_filled_in_meta_s_order() {
        use botwot_engine::template_parts::TemplateButton;
        let template = MessageBody::Template {
            name: "shipping_update".into(),
            language: "en_US".into(),
            body_parameters: vec!["#1042".into()],
            header: Some(TemplateHeader::Image {
                url: "https://cdn.example.com/parcel.jpg".into(),
            }),
            buttons: vec![
                TemplateButton {
                    kind: TemplateButtonKind::Url,
                    index: 0,
                    value: "1042".into(),
                },
                TemplateButton {
                    kind: TemplateButtonKind::QuickReply,
                    index: 1,
                    value: "STOP_UPDATES".into(),
                },
            ],
        };
        assert_eq!(
            wire(WhatsAppContent::from_body(&template).unwrap())["template"]["components"],
            json!([
                {"type": "header", "parameters": [
                    {"type": "image", "image": {"link": "https://cdn.example.com/parcel.jpg"}}]},
                {"type": "body", "parameters": [{"type": "text", "text": "#1042"}]},
                {"type": "button", "sub_type": "url", "index": "0",
                    "parameters": [{"type": "text", "text": "1042"}]},
                {"type": "button", "sub_type": "quick_reply", "index": "1",
                    "parameters": [{"type": "payload", "payload": "STOP_UPDATES"}]}
            ])
        );
    }

    #[test]
    fn choices_go_as_an_interactive_message_in_the_cloud_api_shape() {
        use botwot_engine::interactive::{Choice, Choices, ListRow};
        let buttons = MessageBody::Interactive {
            text: "Where is your order?".into(),
            header: Some("Orders".into()),
            footer: Some("Tap one".into()),
            choices: Choices::Buttons {
                buttons: vec![
                    Choice {
                        id: "track".into(),
                        title: "Track it".into(),
                    },
                    Choice {
                        id: "return".into(),
                        title: "Return it".into(),
                    },
                ],
            },
        };
        let sent = wire(WhatsAppContent::from_body(&buttons).unwrap());
        assert_eq!(sent["type"], "interactive");
        assert_eq!(
            sent["interactive"],
            json!({
                "type": "button",
                "header": {"type": "text", "text": "Orders"},
                "body": {"text": "Where is your order?"},
                "footer": {"text": "Tap one"},
                "action": {"buttons": [
                    {"type": "reply", "reply": {"id": "track", "title": "Track it"}},
                    {"type": "reply", "reply": {"id": "return", "title": "Return it"}}
                ]}
            })
        );
        let list = MessageBody::Interactive {
            text: "Pick a topic".into(),
            header: None,
            footer: None,
            choices: Choices::List {
                button: "Topics".into(),
                rows: vec![ListRow {
                    id: "refunds".into(),
                    title: "Refunds".into(),
                    description: Some("Money back on returns".into()),
                }],
            },
        };
        let sent = wire(WhatsAppContent::from_body(&list).unwrap());
        assert_eq!(
            sent["interactive"],
            json!({
                "type": "list",
                "body": {"text": "Pick a topic"},
                "action": {"button": "Topics", "sections": [{"rows": [
                    {"id": "refunds", "title": "Refunds", "description": "Money back on returns"}
                ]}]}
            })
        );
    }

    #[test]
    fn a_reaction_names_the_wamid_and_an_empty_emoji_removes_it() {
        let reaction = |emoji: &str| MessageBody::Reaction {
            reacts_to: "msg_1".into(),
            provider_message_id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
                .into(),
            emoji: emoji.into(),
        };
        let sent = wire(WhatsAppContent::from_body(&reaction("\u{1F44D}")).unwrap());
        assert_eq!(sent["type"], "reaction");
        assert_eq!(
            sent["reaction"],
            json!({"message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", "emoji": "\u{1F44D}"})
        );
        let removed = wire(WhatsAppContent::from_body(&reaction("")).unwrap());
        assert_eq!(removed["reaction"]["emoji"], "");
    }

    #[test]
    fn what_whatsapp_cannot_carry_is_unsendable() {
        let captioned_sticker = MessageBody::Media {
            media_type: "sticker".into(),
            url: "https://cdn.example.com/s.webp".into(),
            caption: Some("hi".into()),
        };
        let hologram = MessageBody::Media {
            media_type: "hologram".into(),
            url: "https://cdn.example.com/h".into(),
            caption: None,
        };
        let unsupported = MessageBody::Unsupported { raw: json!({}) };
        for body in [captioned_sticker, hologram, unsupported] {
            let error = WhatsAppContent::from_body(&body).unwrap_err();
            assert_eq!(error.kind(), "unsendable", "{error}");
            assert!(!error.is_retriable());
        }
    }

    #[test]
    fn the_wamid_is_read_from_the_answer() {
        let answer: WhatsAppResponse = serde_json::from_value(json!({
            "messaging_product": "whatsapp",
            "contacts": [{"input": "16505551234", "wa_id": "16505551234"}],
            "messages": [{"id": "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA", "message_status": "accepted"}]
        }))
        .unwrap();
        assert_eq!(
            answer.into_message_id().unwrap(),
            "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"
        );
        let empty: WhatsAppResponse = serde_json::from_value(json!({"messages": []})).unwrap();
        assert_eq!(
            empty.into_message_id().unwrap_err().kind(),
            "unreadable_response"
        );
    }
}
