//! Files agents uploaded to us ([`Uploads`]), sent through Meta. On WhatsApp and Messenger the
//! file is uploaded to the account the message leaves from, then the message names it by the id
//! Meta gave it. Each file is uploaded once per account and process (WhatsApp keeps uploaded
//! media 30 days; Messenger attachments are uploaded reusable), so a send the outbox retries
//! does not upload it again. Instagram takes no uploads: the message carries a signed link
//! ([`UploadLinks`]) that Instagram fetches the file from, when the deployment has a public
//! address.

use super::client::GraphClient;
use super::errors::GraphError;
use super::token::AccessToken;
use super::upload::{upload_messaging_attachment, upload_whatsapp_media};
use crate::meta::upload_links::UploadLinks;
use crate::meta::uploads::{UploadError, Uploads, upload_id};
use botwot_engine::Channel;
use botwot_engine::ids::TenantId;
use botwot_engine::time::Clock;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// How many uploaded ids are remembered before the memory starts over.
const REMEMBERED: usize = 10_000;

/// Where a file goes: the channel, the account it leaves from, and the upload's body URL.
#[derive(Clone, Copy, Debug)]
pub struct FileDestination<'a> {
    pub channel: Channel,
    pub account: &'a str,
    pub tenant: &'a TenantId,
    pub url: &'a str,
    /// The attachment type Messenger files it under (`image`, `video`, `audio`, `file`).
    pub kind: &'a str,
}

/// How a message names an uploaded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SentFile {
    /// By the id Meta gave the file when it was uploaded to the account.
    MetaId(String),
    /// By a signed link the channel fetches it from.
    Link(String),
}

pub struct OutboundFiles {
    uploads: Uploads,
    links: Option<UploadLinks>,
    /// What links are dated by.
    clock: Arc<dyn Clock>,
    sent: Mutex<HashMap<(Channel, String, String), String>>,
}

impl OutboundFiles {
    pub fn new(uploads: Uploads, links: Option<UploadLinks>, clock: Arc<dyn Clock>) -> Self {
        Self {
            uploads,
            links,
            clock,
            sent: Mutex::new(HashMap::new()),
        }
    }

    /// A signed link to the file for a channel that fetches files (Instagram), valid from now;
    /// the file must still be kept.
    pub async fn link(&self, to: FileDestination<'_>) -> Result<String, GraphError> {
        let Some(links) = &self.links else {
            return Err(GraphError::Unsendable(format!(
                "{} fetches files from a public address, and this deployment has none: set http.public_url to send uploaded files there",
                to.channel
            )));
        };
        let id = upload_id(to.url).ok_or_else(|| {
            GraphError::Unsendable(format!("{:?} names no uploaded file", to.url))
        })?;
        if !self
            .uploads
            .holds(to.tenant, to.url)
            .await
            .map_err(unreadable)?
        {
            return Err(unreadable(UploadError::NotFound(id.to_owned())));
        }
        let now_secs = self.clock.now().millis() / 1_000;
        Ok(links.link(to.tenant.as_str(), id, now_secs))
    }

    /// The id Meta knows the file by on `to.account`, uploading it first if need be.
    pub async fn meta_id(
        &self,
        client: &GraphClient,
        token: &AccessToken,
        to: FileDestination<'_>,
    ) -> Result<String, GraphError> {
        let remembered = (to.channel, to.account.to_owned(), to.url.to_owned());
        if let Some(id) = self.sent.lock().get(&remembered) {
            return Ok(id.clone());
        }
        let file = self
            .uploads
            .open(to.tenant, to.url)
            .await
            .map_err(unreadable)?;
        let id = match to.channel {
            Channel::WhatsApp => upload_whatsapp_media(client, token, to.account, &file).await?,
            Channel::Messenger => {
                upload_messaging_attachment(client, token, to.kind, &file).await?
            }
            other => {
                return Err(GraphError::Unsendable(format!(
                    "{other} takes files by a link it fetches, not by an upload"
                )));
            }
        };
        let mut sent = self.sent.lock();
        if sent.len() >= REMEMBERED {
            sent.clear();
        }
        sent.insert(remembered, id.clone());
        Ok(id)
    }
}

fn unreadable(error: UploadError) -> GraphError {
    match error {
        UploadError::Blobs(error) => GraphError::FileUnavailable(error.to_string()),
        other => GraphError::Unsendable(other.to_string()),
    }
}
