//! Files an agent uploads to send in a conversation. An upload is checked against what
//! WhatsApp accepts (its content types, and its size limit per kind: images 5 MB, audio and
//! video 16 MB, documents 100 MB) and kept in the blob store under the organisation's media
//! prefix (`media/<tenant>/uploads/<id>`, so erasing the organisation erases it). A message
//! names it by the body URL `botwot-upload:<id>`; the Graph sender uploads the file to Meta when
//! it sends the message (`graph/upload.rs`), so the file never needs a public address.

use super::media::{StoredMedia, frame, tenant_prefix, unframe};
use crate::auth::random::{self, RandomError};
use crate::extract::mime_essence;
use botwot_engine::blobs::{BlobError, BlobStore};
use botwot_engine::ids::TenantId;
use std::sync::Arc;
use thiserror::Error;

const UPLOAD_SCHEME: &str = "botwot-upload:";
const MB: usize = 1024 * 1024;

/// The body URL that names upload `id`.
pub fn upload_reference(id: &str) -> String {
    format!("{UPLOAD_SCHEME}{id}")
}

/// The kinds an upload is sent as; an upload's id starts with its kind.
const KINDS: [&str; 4] = ["image", "video", "audio", "document"];

/// The kind (`image`, `video`, `audio` or `document`) the upload a body URL names was checked
/// as, read from its id: telling it needs no read of the file.
pub fn uploaded_kind(url: &str) -> Option<&'static str> {
    let id = upload_id(url)?;
    KINDS.into_iter().find(|kind| {
        id.strip_prefix(kind)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

/// The upload id a body URL names, when it names one.
pub fn upload_id(url: &str) -> Option<&str> {
    url.strip_prefix(UPLOAD_SCHEME)
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[derive(Debug, Error)]
pub enum UploadError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "{0:?} cannot be sent: use an image (JPEG, PNG), a video (MP4, 3GPP), audio (AAC, MP4, MPEG, AMR, OGG) or a document (PDF, plain text, Word, Excel, PowerPoint)"
    )]
    UnsupportedType(String),
    #[error("{kind} files may be at most {limit_mb} MB; this one is {size} bytes")]
    TooLarge {
        kind: &'static str,
        limit_mb: usize,
        size: usize,
    },
    #[error("no uploaded file {0} in this organisation")]
    NotFound(String),
    #[error("the blob store failed: {0}")]
    Blobs(#[from] BlobError),
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// A kept upload, as the API reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub id: String,
    /// The body URL a media message names it by.
    pub url: String,
    /// `image`, `video`, `audio` or `document`: the message's `mediaType`.
    pub media_type: &'static str,
    pub content_type: String,
    pub size: usize,
}

/// The message kind a content type is sent as, and the most bytes WhatsApp takes of it.
pub fn kind_of(content_type: &str) -> Result<(&'static str, usize), UploadError> {
    let kind = match mime_essence(content_type).as_str() {
        "image/jpeg" | "image/png" => ("image", 5 * MB),
        "video/mp4" | "video/3gpp" => ("video", 16 * MB),
        "audio/aac" | "audio/mp4" | "audio/mpeg" | "audio/amr" | "audio/ogg" => ("audio", 16 * MB),
        "text/plain"
        | "application/pdf"
        | "application/msword"
        | "application/vnd.ms-excel"
        | "application/vnd.ms-powerpoint"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            ("document", 100 * MB)
        }
        _ => return Err(UploadError::UnsupportedType(content_type.to_owned())),
    };
    Ok(kind)
}

/// The organisation's uploads in the blob store.
#[derive(Clone)]
pub struct Uploads {
    blobs: Arc<dyn BlobStore>,
}

impl Uploads {
    pub fn new(blobs: Arc<dyn BlobStore>) -> Self {
        Self { blobs }
    }

    /// Checks and keeps a file; the largest accepted is 100 MB (a document).
    pub async fn save(
        &self,
        tenant: &TenantId,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Upload, UploadError> {
        let (kind, limit) = kind_of(content_type)?;
        if bytes.is_empty() {
            return Err(UploadError::Empty);
        }
        if bytes.len() > limit {
            return Err(UploadError::TooLarge {
                kind,
                limit_mb: limit / MB,
                size: bytes.len(),
            });
        }
        let id = format!("{kind}{}", hex::encode(random::bytes::<16>()?));
        let size = bytes.len();
        let file = StoredMedia {
            content_type: content_type.to_owned(),
            bytes,
        };
        self.blobs.put(&blob_key(tenant, &id), frame(&file)).await?;
        Ok(Upload {
            url: upload_reference(&id),
            id,
            media_type: kind,
            content_type: file.content_type,
            size,
        })
    }

    /// Whether `tenant` has the upload a body URL names, without reading it.
    pub async fn holds(&self, tenant: &TenantId, url: &str) -> Result<bool, UploadError> {
        match upload_id(url) {
            Some(id) => Ok(self.blobs.exists(&blob_key(tenant, id)).await?),
            None => Ok(false),
        }
    }

    /// The file a body URL made by [`upload_reference`] names, in `tenant`.
    pub async fn open(&self, tenant: &TenantId, url: &str) -> Result<StoredMedia, UploadError> {
        let id = upload_id(url).ok_or_else(|| UploadError::NotFound(url.to_owned()))?;
        match self.blobs.get(&blob_key(tenant, id)).await? {
            Some(framed) => Ok(unframe(framed)),
            None => Err(UploadError::NotFound(id.to_owned())),
        }
    }
}

fn blob_key(tenant: &TenantId, id: &str) -> String {
    format!("{}uploads/{id}", tenant_prefix(tenant))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_plain_ids_only() {
        assert_eq!(upload_id(&upload_reference("0a1b")), Some("0a1b"));
        assert_eq!(upload_id("botwot-upload:"), None);
        assert_eq!(upload_id("botwot-upload:../x"), None);
        assert_eq!(upload_id("https://cdn.example.com/a.jpg"), None);
    }

    #[test]
    fn an_upload_id_tells_its_kind() {
        assert_eq!(uploaded_kind("botwot-upload:image0a1b"), Some("image"));
        assert_eq!(uploaded_kind("botwot-upload:document9f"), Some("document"));
        assert_eq!(uploaded_kind("botwot-upload:image"), None);
        assert_eq!(uploaded_kind("botwot-upload:sticker0a"), None);
        assert_eq!(uploaded_kind("botwot-upload:0a1b"), None);
        assert_eq!(uploaded_kind("https://cdn.example.com/image0a"), None);
    }

    #[test]
    fn kinds_and_limits_follow_whatsapp() {
        assert_eq!(kind_of("image/jpeg").unwrap(), ("image", 5 * MB));
        assert_eq!(kind_of("Application/PDF; name=x").unwrap().0, "document");
        assert_eq!(kind_of("audio/ogg").unwrap().0, "audio");
        assert!(matches!(
            kind_of("text/html"),
            Err(UploadError::UnsupportedType(_))
        ));
        assert!(matches!(
            kind_of("image/svg+xml"),
            Err(UploadError::UnsupportedType(_))
        ));
    }
}
