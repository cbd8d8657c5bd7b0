//! Inbound media of Meta's channels, kept in the blob store. A WhatsApp message names its file by
//! a media id (the body URL `whatsapp-media:<id>`), which the Graph API turns into a short-lived
//! download URL that wants the account's token; a Messenger or Instagram attachment comes with
//! a CDN URL that expires after a while. [`MediaLibrary::keep`] downloads the file once (the
//! webhook starts it as soon as the message is stored) and keeps it under
//! `media/<tenant>/<channel>/<contact>/<hash of the URL>`, so the file outlives Meta's copy and
//! erasing a contact or an organisation erases its files by prefix. [`MediaLibrary::open`]
//! serves the kept copy, downloading it first when the early download did not happen (the
//! node stopped, Meta was down).
//!
//! A WhatsApp download is checked against the SHA-256 Meta states for it; every download is
//! bounded in size. A kept blob is the content type, a newline, then the file's bytes.

use crate::meta::graph::{AccessToken, AccessTokenSource, GraphClient, GraphError, TokenError};
use crate::meta::whatsapp::media_id;
use base64::Engine;
use botwot_engine::Channel;
use botwot_engine::blobs::{BlobError, BlobStore};
use botwot_engine::ids::TenantId;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use thiserror::Error;

/// The largest file kept by default: WhatsApp's own limit for documents is 100 MB.
pub const DEFAULT_MAX_MEDIA_BYTES: usize = 100 * 1024 * 1024;
const FALLBACK_CONTENT_TYPE: &str = "application/octet-stream";

#[derive(Debug, Error)]
pub enum MediaError {
    #[error("the file could not be downloaded from Meta: {0}")]
    Download(#[from] GraphError),
    #[error("no access token for the account: {0}")]
    Token(#[from] TokenError),
    #[error("the downloaded file does not match the SHA-256 Meta gave for it")]
    Corrupt,
    #[error("not a media reference: {0}")]
    NotMedia(String),
    #[error("the blob store failed: {0}")]
    Blobs(#[from] BlobError),
}

/// A kept file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMedia {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Where a message's media comes from: the conversation's channel account and contact, and the
/// body's URL.
#[derive(Clone, Copy, Debug)]
pub struct MediaRef<'a> {
    pub tenant: &'a TenantId,
    pub channel: Channel,
    pub account: &'a str,
    pub contact: &'a str,
    pub url: &'a str,
}

impl MediaRef<'_> {
    /// The blob key of the kept file.
    pub fn blob_key(&self) -> String {
        let hash = hex::encode(Sha256::digest(self.url.as_bytes()));
        format!(
            "{}{hash}",
            contact_prefix(self.tenant, self.channel, self.contact)
        )
    }
}

/// Every kept file of an organisation.
pub fn tenant_prefix(tenant: &TenantId) -> String {
    format!("media/{}/", tenant.as_str())
}

/// Every kept file of one contact on one channel.
pub fn contact_prefix(tenant: &TenantId, channel: Channel, contact: &str) -> String {
    let contact = hex::encode(Sha256::digest(contact.as_bytes()));
    format!("{}{channel}/{contact}/", tenant_prefix(tenant))
}

/// The Graph API's answer about a WhatsApp media id.
#[derive(Deserialize)]
struct MediaInfo {
    url: String,
    mime_type: Option<String>,
    sha256: Option<String>,
}

/// Downloads Meta's media with the accounts' tokens and keeps them in the blob store.
pub struct MediaLibrary {
    client: GraphClient,
    tokens: Arc<dyn AccessTokenSource>,
    blobs: Arc<dyn BlobStore>,
    max_bytes: usize,
}

impl MediaLibrary {
    pub fn new(
        client: GraphClient,
        tokens: Arc<dyn AccessTokenSource>,
        blobs: Arc<dyn BlobStore>,
    ) -> Self {
        Self {
            client,
            tokens,
            blobs,
            max_bytes: DEFAULT_MAX_MEDIA_BYTES,
        }
    }

    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The kept file, downloaded and kept first if it is not kept yet.
    pub async fn open(&self, media: MediaRef<'_>) -> Result<StoredMedia, MediaError> {
        let key = media.blob_key();
        if let Some(kept) = self.blobs.get(&key).await? {
            return Ok(unframe(kept));
        }
        let downloaded = self.download(&media).await?;
        self.blobs.put(&key, frame(&downloaded)).await?;
        Ok(downloaded)
    }

    /// Makes sure the file is kept.
    pub async fn keep(&self, media: MediaRef<'_>) -> Result<(), MediaError> {
        self.open(media).await.map(drop)
    }

    async fn download(&self, media: &MediaRef<'_>) -> Result<StoredMedia, MediaError> {
        if let Some(id) = media_id(media.url) {
            return self.download_whatsapp(media.account, id).await;
        }
        if !(media.url.starts_with("https://") || media.url.starts_with("http://")) {
            return Err(MediaError::NotMedia(media.url.chars().take(80).collect()));
        }
        let answer = self
            .client
            .download(media.url, None, self.max_bytes)
            .await?;
        Ok(StoredMedia {
            content_type: answer
                .content_type
                .unwrap_or_else(|| FALLBACK_CONTENT_TYPE.to_owned()),
            bytes: answer.bytes,
        })
    }

    async fn download_whatsapp(
        &self,
        phone_number_id: &str,
        id: &str,
    ) -> Result<StoredMedia, MediaError> {
        if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(MediaError::NotMedia(format!("whatsapp media id {id:?}")));
        }
        let token: AccessToken = self
            .tokens
            .access_token(Channel::WhatsApp, phone_number_id)
            .await?;
        let info: MediaInfo = self.client.get_json(id, &token).await?;
        let answer = self
            .client
            .download(&info.url, Some(&token), self.max_bytes)
            .await?;
        if let Some(stated) = info.sha256.as_deref()
            && !matches_digest(stated, &answer.bytes)
        {
            return Err(MediaError::Corrupt);
        }
        Ok(StoredMedia {
            content_type: info
                .mime_type
                .or(answer.content_type)
                .unwrap_or_else(|| FALLBACK_CONTENT_TYPE.to_owned()),
            bytes: answer.bytes,
        })
    }
}

/// Whether `stated` (hex or base64, as Meta's examples vary) is the SHA-256 of `bytes`.
fn matches_digest(stated: &str, bytes: &[u8]) -> bool {
    let digest = Sha256::digest(bytes);
    let stated = stated.trim();
    stated.eq_ignore_ascii_case(&hex::encode(digest))
        || stated == base64::engine::general_purpose::STANDARD.encode(digest)
}

pub(crate) fn frame(media: &StoredMedia) -> Vec<u8> {
    let content_type = media.content_type.replace(['\r', '\n'], " ");
    let mut framed = Vec::with_capacity(content_type.len() + 1 + media.bytes.len());
    framed.extend_from_slice(content_type.as_bytes());
    framed.push(b'\n');
    framed.extend_from_slice(&media.bytes);
    framed
}

pub(crate) fn unframe(mut framed: Vec<u8>) -> StoredMedia {
    let Some(end) = framed.iter().position(|byte| *byte == b'\n') else {
        return StoredMedia {
            content_type: FALLBACK_CONTENT_TYPE.to_owned(),
            bytes: framed,
        };
    };
    let bytes = framed.split_off(end + 1);
    framed.truncate(end);
    StoredMedia {
        content_type: String::from_utf8_lossy(&framed).into_owned(),
        bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_file_reads_back_whole() {
        let media = StoredMedia {
            content_type: "image/jpeg".into(),
            bytes: b"\n\x00binary\nwith newlines".to_vec(),
        };
        assert_eq!(unframe(frame(&media)), media);
    }

    #[test]
    fn digests_are_matched_in_hex_and_base64() {
        let bytes = b"a picture";
        let digest = Sha256::digest(bytes);
        assert!(matches_digest(&hex::encode(digest), bytes));
        assert!(matches_digest(&hex::encode(digest).to_uppercase(), bytes));
        let base64 = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(matches_digest(&base64, bytes));
        assert!(!matches_digest(&hex::encode(digest), b"another picture"));
    }

    #[test]
    fn files_are_kept_per_organisation_channel_and_contact() {
        let tenant = TenantId::from("acme");
        let media = MediaRef {
            tenant: &tenant,
            channel: Channel::WhatsApp,
            account: "106540352242922",
            contact: "16315551181",
            url: "whatsapp-media:1234",
        };
        let key = media.blob_key();
        assert!(key.starts_with(&contact_prefix(&tenant, Channel::WhatsApp, "16315551181")));
        assert!(key.starts_with(&tenant_prefix(&tenant)));
        let other = MediaRef {
            url: "whatsapp-media:1235",
            ..media
        };
        assert_ne!(other.blob_key(), key);
    }
}
