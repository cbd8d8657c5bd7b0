//! Sending a file Meta does not have yet. WhatsApp's media upload (`POST /{phone-number-id}/media`,
//! multipart with `messaging_product=whatsapp`, `type` and `file`) answers `{"id"}`, a media id a
//! message then names; Messenger's Attachment Upload API (`POST /me/message_attachments`,
//! multipart with `message` = `{"attachment":{"type","payload":{"is_reusable":true}}}` and
//! `filedata`) answers `{"attachment_id"}`. The bodies are `multipart/form-data` (RFC 7578),
//! built here: the text fields, then the file.

use super::client::GraphClient;
use super::errors::GraphError;
use super::token::AccessToken;
use crate::meta::media::StoredMedia;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::json;

/// Where Messenger's Attachment Upload API is, below the version.
pub const ATTACHMENTS_PATH: &str = "me/message_attachments";

/// A `multipart/form-data` body being built.
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    /// An empty form with a random boundary (24 random bytes: no file repeats it by chance).
    pub fn new() -> Result<Self, GraphError> {
        let random = crate::auth::random::bytes::<24>()
            .map_err(|error| GraphError::Unbuildable(error.to_string()))?;
        Ok(Self {
            boundary: format!("botwot-{}", URL_SAFE_NO_PAD.encode(random)),
            body: Vec::new(),
        })
    }

    /// Adds a text field.
    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.part_header(name, None, None);
        self.body.extend_from_slice(value.as_bytes());
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// Adds a file field.
    pub fn file(mut self, name: &str, filename: &str, content_type: &str, bytes: &[u8]) -> Self {
        self.part_header(name, Some(filename), Some(content_type));
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The `Content-Type` header value and the whole body.
    pub fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body,
        )
    }

    fn part_header(&mut self, name: &str, filename: Option<&str>, content_type: Option<&str>) {
        let mut header = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"",
            self.boundary,
            quoted(name)
        );
        if let Some(filename) = filename {
            header.push_str(&format!("; filename=\"{}\"", quoted(filename)));
        }
        header.push_str("\r\n");
        if let Some(content_type) = content_type {
            header.push_str(&format!("Content-Type: {}\r\n", one_line(content_type)));
        }
        header.push_str("\r\n");
        self.body.extend_from_slice(header.as_bytes());
    }
}

/// A header parameter value: no quote, backslash or line break can end it early.
fn quoted(value: &str) -> String {
    value.replace(['"', '\\', '\r', '\n'], "_")
}

fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

#[derive(Deserialize)]
struct MediaUploaded {
    id: String,
}

#[derive(Deserialize)]
struct AttachmentUploaded {
    attachment_id: String,
}

/// Uploads `file` to a WhatsApp number's media; returns the media id.
pub async fn upload_whatsapp_media(
    client: &GraphClient,
    token: &AccessToken,
    phone_number_id: &str,
    file: &StoredMedia,
) -> Result<String, GraphError> {
    let form = Multipart::new()?
        .text("messaging_product", "whatsapp")
        .text("type", &file.content_type)
        .file("file", "upload", &file.content_type, &file.bytes);
    let path = format!("{phone_number_id}/media");
    let uploaded: MediaUploaded = client.post_multipart(&path, token, form).await?;
    Ok(uploaded.id)
}

/// Uploads `file` as a reusable Messenger attachment of `kind` (`image`, `video`, `audio` or
/// `file`); returns the attachment id.
pub async fn upload_messaging_attachment(
    client: &GraphClient,
    token: &AccessToken,
    kind: &str,
    file: &StoredMedia,
) -> Result<String, GraphError> {
    let message = json!({"attachment": {"type": kind, "payload": {"is_reusable": true}}});
    let form = Multipart::new()?
        .text("message", &message.to_string())
        .file("filedata", "upload", &file.content_type, &file.bytes);
    let uploaded: AttachmentUploaded = client.post_multipart(ATTACHMENTS_PATH, token, form).await?;
    Ok(uploaded.attachment_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_has_its_fields_then_the_file_between_boundaries() {
        let form = Multipart::new()
            .unwrap()
            .text("messaging_product", "whatsapp")
            .file("file", "a\"b", "image/png", b"\x89PNG");
        let (content_type, body) = form.finish();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a_b\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG\r\n\
             --{boundary}--\r\n"
        );
        assert_eq!(text, expected);
        assert_ne!(
            Multipart::new().unwrap().finish().0,
            Multipart::new().unwrap().finish().0,
            "a fresh boundary per form"
        );
    }
}
