//! What an agent's reply carries: text, one attachment by its public `https` address or as a
//! file uploaded with `POST /v1/media` (an image, a video, an audio file or a document) with an
//! optional caption, or a prompt with choices (`reply_choices`). Checked against the
//! conversation's channel before it is stored, so nothing is accepted that the channel would
//! refuse later: Messenger and Instagram attachments have no caption, WhatsApp audio neither,
//! Instagram takes no documents, and under a comment only text can be posted.

use super::reply_choices::AgentInteractive;
use crate::errors::AppError;
use botwot_adapters::meta::graph::messenger::attachment_type;
use botwot_adapters::meta::uploads::upload_id;
use botwot_engine::integration::commented;
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{Channel, MessageBody, SessionKey};
use serde::Deserialize;
use utoipa::ToSchema;

/// The longest reply text, in characters.
pub const MAX_TEXT_CHARS: usize = 4_096;
/// The longest caption (WhatsApp's limit), in characters.
pub const MAX_CAPTION_CHARS: usize = 1_024;
const MAX_URL_CHARS: usize = 2_048;
const MEDIA_TYPES: [&str; 4] = ["image", "video", "audio", "document"];

/// An agent's reply: `text`, `media` or `interactive`, one of them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentReply {
    /// Up to 4,096 characters, not blank.
    #[serde(default)]
    pub text: Option<String>,
    /// One attachment, instead of text.
    #[serde(default)]
    pub media: Option<AgentMedia>,
    /// A prompt with buttons or a list the contact taps, instead of text.
    #[serde(default)]
    pub interactive: Option<AgentInteractive>,
    /// The console's own id for a reply, echoed back in the stored message.
    #[serde(default)]
    pub client_message_id: Option<String>,
}

/// An attachment by its address, which the channel fetches.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentMedia {
    /// `image`, `video`, `audio` or `document`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A public `https` address of at most 2,048 characters, or the `url` `POST /v1/media`
    /// gave an uploaded file (WhatsApp, Messenger, and Instagram when the server has a
    /// `public_url` to link it under).
    pub url: String,
    /// Up to 1,024 characters (WhatsApp images, videos and documents only).
    #[serde(default)]
    pub caption: Option<String>,
}

/// Whether `url` can be given to a channel to fetch: `https`, at most 2,048 characters, no
/// spaces.
pub fn is_public_https_address(url: &str) -> bool {
    url.starts_with("https://")
        && url.chars().count() <= MAX_URL_CHARS
        && !url.contains(char::is_whitespace)
}

/// The text rule shared by replies and notes: not blank, at most 4,096 characters.
pub fn check_text(text: &str, field: &str, errors: &mut ValidationErrors) {
    if text.trim().is_empty() {
        errors.add(field, "must not be blank");
    } else if text.chars().count() > MAX_TEXT_CHARS {
        errors.add(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters"),
        );
    }
}

impl AgentReply {
    /// The message body this reply sends on the conversation of `key`.
    pub fn body_for(&self, key: &SessionKey) -> Result<MessageBody, AppError> {
        let mut errors = ValidationErrors::default();
        let body = match (&self.text, &self.media, &self.interactive) {
            (Some(text), None, None) => {
                check_text(text, "text", &mut errors);
                MessageBody::text(text.clone())
            }
            (None, Some(media), None) => media.body_for(key, &mut errors),
            (None, None, Some(interactive)) => interactive.body_for(key, &mut errors),
            _ => {
                errors.add("text", "send one of text, media or interactive");
                MessageBody::text(String::new())
            }
        };
        errors.into_result(())?;
        Ok(body)
    }
}

impl AgentMedia {
    fn body_for(&self, key: &SessionKey, errors: &mut ValidationErrors) -> MessageBody {
        if !MEDIA_TYPES.contains(&self.kind.as_str()) {
            errors.add("media.type", "must be image, video, audio or document");
        } else if matches!(key.channel, Channel::Messenger | Channel::Instagram)
            && attachment_type(key.channel, &self.kind).is_err()
        {
            errors.add(
                "media.type",
                format!(
                    "{} takes images, video and audio, not {}s",
                    key.channel, self.kind
                ),
            );
        }
        let url = self.url.trim();
        if upload_id(url).is_some() {
            if !matches!(
                key.channel,
                Channel::WhatsApp | Channel::Messenger | Channel::Instagram
            ) {
                errors.add(
                    "media.url",
                    format!(
                        "uploaded files can be sent on WhatsApp, Messenger and Instagram; on {} send a public https address",
                        key.channel
                    ),
                );
            }
        } else if !is_public_https_address(url) {
            errors.add(
                "media.url",
                "must be a public https address of at most 2,048 characters, or the url of a file uploaded with POST /v1/media",
            );
        }
        let caption = self
            .caption
            .as_deref()
            .map(str::trim)
            .filter(|caption| !caption.is_empty());
        if let Some(caption) = caption {
            if caption.chars().count() > MAX_CAPTION_CHARS {
                errors.add(
                    "media.caption",
                    format!("must be at most {MAX_CAPTION_CHARS} characters"),
                );
            }
            let uncaptioned = match key.channel {
                Channel::Messenger | Channel::Instagram => {
                    Some("Messenger and Instagram attachments")
                }
                Channel::WhatsApp if self.kind == "audio" => Some("WhatsApp audio"),
                _ => None,
            };
            if let Some(what) = uncaptioned {
                errors.add(
                    "media.caption",
                    format!("{what} carry no caption: send the words as a reply of their own"),
                );
            }
        }
        if commented(&key.contact).is_some() {
            errors.add("media", "only text can be posted under a comment");
        }
        MessageBody::Media {
            media_type: self.kind.clone(),
            url: url.to_owned(),
            caption: caption.map(str::to_owned),
        }
    }
}
