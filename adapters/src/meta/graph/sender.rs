//! [`MetaGraphSender`]: the engine's [`ChannelSender`] for WhatsApp, Messenger and Instagram.
//!
//! An outbox entry's session key names the channel, the channel account (phone number id or page
//! id, whose token is fetched from the [`AccessTokenSource`]) and the contact (WhatsApp id, PSID
//! or IGSID). Each `deliver` makes exactly one Graph request and never retries: the outbox retries
//! [`DeliveryError::Retryable`] failures with its own backoff (or Meta's `Retry-After`, when that
//! is longer) and gives up on [`DeliveryError::Permanent`] ones. A successful send returns Meta's
//! message id in its [`DeliveryReceipt`], which the outbox records for status webhooks. WhatsApp and the Send API take no idempotency key, so
//! duplicates are prevented by the outbox sending each entry (whose id is the message id) once
//! per attempt and recording the result; only a crash between Meta accepting a message and the
//! outbox recording it can send it twice.

use super::client::GraphClient;
use super::comments::{CommentReply, CommentReplyResponse, replies_path, reply_text};
use super::errors::GraphError;
use super::messenger::{
    ActionConfirmed, MessagingContent, MessagingRequest, MessagingResponse, ReactionRequest,
    SEND_PATH, attachment_type,
};
use super::outbound_files::{FileDestination, OutboundFiles, SentFile};
use super::throughput::{NumberPacer, NumberThroughput};
use super::token::{AccessToken, AccessTokenSource};
use super::whatsapp::{WhatsAppContent, WhatsAppRequest, WhatsAppResponse};
use crate::channels::ChannelRouter;
use crate::meta::upload_links::UploadLinks;
use crate::meta::uploads::{Uploads, upload_id};
use crate::meta::whatsapp::media_reference;
use async_trait::async_trait;
use botwot_engine::Channel;
use botwot_engine::MessageBody;
use botwot_engine::integration::commented;
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{ChannelSender, DeliveryError, DeliveryReceipt};
use botwot_engine::time::Clock;
use std::sync::Arc;
use tracing::{debug, warn};

/// A message Meta accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    pub channel: Channel,
    /// The WhatsApp `wamid` or Messenger/Instagram `mid` that status webhooks will name.
    pub provider_message_id: String,
}

/// Sends outbox entries of the three Meta channels through the Graph API, each WhatsApp number
/// at most its configured messages a second.
#[derive(Clone)]
pub struct MetaGraphSender {
    client: GraphClient,
    tokens: Arc<dyn AccessTokenSource>,
    throughput: Arc<dyn NumberPacer>,
    /// Files agents uploaded, when the sender may send them.
    files: Option<Arc<OutboundFiles>>,
}

impl MetaGraphSender {
    pub fn new(client: GraphClient, tokens: Arc<dyn AccessTokenSource>) -> Self {
        let per_second = client.config().whatsapp_messages_per_second;
        Self {
            client,
            tokens,
            throughput: Arc::new(NumberThroughput::new(per_second)),
            files: None,
        }
    }

    /// Paces each number's sends with `pacer` instead of this node's own pace (a cluster's
    /// nodes share one).
    pub fn with_pacer(mut self, pacer: Arc<dyn NumberPacer>) -> Self {
        self.throughput = pacer;
        self
    }

    /// Lets messages send files agents uploaded (`botwot-upload:` body URLs) from `uploads`;
    /// on Instagram, by `links` dated by `clock` (no links: uploaded files cannot go to
    /// Instagram).
    pub fn with_uploads(
        mut self,
        uploads: Uploads,
        links: Option<UploadLinks>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        self.files = Some(Arc::new(OutboundFiles::new(uploads, links, clock)));
        self
    }

    /// Registers this sender for WhatsApp, Messenger and Instagram on `router`.
    pub fn route_meta_channels(self: Arc<Self>, router: ChannelRouter) -> ChannelRouter {
        router
            .with(Channel::WhatsApp, self.clone())
            .with(Channel::Messenger, self.clone())
            .with(Channel::Instagram, self)
    }

    /// Sends one outbox entry, once, and says what Meta answered.
    pub async fn send(&self, entry: &OutboxEntry) -> Result<SentMessage, GraphError> {
        let key = &entry.key;
        let body = &entry.message.body;
        match key.channel {
            Channel::WhatsApp => {
                let content = match self.uploaded_file(entry, "").await? {
                    Some(SentFile::MetaId(id)) => {
                        WhatsAppContent::from_body(&with_url(body, &media_reference(&id)))?
                    }
                    Some(SentFile::Link(link)) => {
                        WhatsAppContent::from_body(&with_url(body, &link))?
                    }
                    None => WhatsAppContent::from_body(body)?,
                };
                self.send_whatsapp(&key.channel_account, &key.contact, content)
                    .await
            }
            channel @ (Channel::Messenger | Channel::Instagram) => {
                if let Some(comment_id) = commented(&key.contact) {
                    let text = reply_text(body)?;
                    return self
                        .reply_to_comment(channel, &key.channel_account, comment_id, text)
                        .await;
                }
                let kind = match body {
                    MessageBody::Media { media_type, .. } => attachment_type(channel, media_type)?,
                    _ => "",
                };
                let content = match self.uploaded_file(entry, kind).await? {
                    Some(SentFile::MetaId(id)) => {
                        MessagingContent::from_body(channel, body, Some(&id))?
                    }
                    Some(SentFile::Link(link)) => {
                        MessagingContent::from_body(channel, &with_url(body, &link), None)?
                    }
                    None => MessagingContent::from_body(channel, body, None)?,
                };
                self.send_messaging(channel, &key.channel_account, &key.contact, content)
                    .await
            }
            other => Err(GraphError::Unsendable(format!(
                "{other} is not a meta channel"
            ))),
        }
    }

    /// Sends any WhatsApp content (templates and interactive messages included) from a phone
    /// number to a contact.
    pub async fn send_whatsapp(
        &self,
        phone_number_id: &str,
        to: &str,
        content: WhatsAppContent,
    ) -> Result<SentMessage, GraphError> {
        checked_phone_number_id(phone_number_id)?;
        if let Err(retry_after) = self.throughput.admit(phone_number_id).await {
            return Err(GraphError::Throttled {
                per_second: self.throughput.per_second(),
                retry_after,
            });
        }
        let token = self
            .tokens
            .access_token(Channel::WhatsApp, phone_number_id)
            .await?;
        let request = WhatsAppRequest::new(to, content);
        let path = format!("{phone_number_id}/messages");
        let response: WhatsAppResponse = self
            .reporting_rejection(
                Channel::WhatsApp,
                phone_number_id,
                &token,
                self.client.post_json(&path, &token, &request).await,
            )
            .await?;
        Ok(SentMessage {
            channel: Channel::WhatsApp,
            provider_message_id: response.into_message_id()?,
        })
    }

    /// Sends a reply from a page (Messenger) or Instagram account to a user, with the account's
    /// page access token.
    pub async fn send_messaging(
        &self,
        channel: Channel,
        account_id: &str,
        recipient_id: &str,
        content: MessagingContent,
    ) -> Result<SentMessage, GraphError> {
        let token = self.tokens.access_token(channel, account_id).await?;
        let request = MessagingRequest::response(recipient_id, content);
        let response: MessagingResponse = self
            .reporting_rejection(
                channel,
                account_id,
                &token,
                self.client.post_json(SEND_PATH, &token, &request).await,
            )
            .await?;
        Ok(SentMessage {
            channel,
            provider_message_id: response.into_message_id()?,
        })
    }
}

impl MetaGraphSender {
    /// For a message whose file an agent uploaded to us: how the message names it on the
    /// account it leaves from (uploaded to Meta now if need be, or linked). `None` for anything
    /// else.
    async fn uploaded_file(
        &self,
        entry: &OutboxEntry,
        kind: &str,
    ) -> Result<Option<SentFile>, GraphError> {
        let MessageBody::Media { url, .. } = &entry.message.body else {
            return Ok(None);
        };
        if upload_id(url).is_none() {
            return Ok(None);
        }
        let Some(files) = &self.files else {
            return Err(GraphError::Unsendable(
                "uploaded files cannot be sent: this node has no blob store for them".into(),
            ));
        };
        let key = &entry.key;
        let destination = FileDestination {
            channel: key.channel,
            account: &key.channel_account,
            tenant: &key.tenant_id,
            url,
            kind,
        };
        if key.channel == Channel::Instagram {
            let link = files.link(destination).await?;
            return Ok(Some(SentFile::Link(link)));
        }
        if key.channel == Channel::WhatsApp {
            checked_phone_number_id(&key.channel_account)?;
        }
        let token = self
            .tokens
            .access_token(key.channel, &key.channel_account)
            .await?;
        let uploaded = files.meta_id(&self.client, &token, destination).await;
        self.reporting_rejection(key.channel, &key.channel_account, &token, uploaded)
            .await
            .map(|id| Some(SentFile::MetaId(id)))
    }

    /// Posts `text` as a public reply under the comment `comment_id` on the account's post.
    pub async fn reply_to_comment(
        &self,
        channel: Channel,
        account_id: &str,
        comment_id: &str,
        text: &str,
    ) -> Result<SentMessage, GraphError> {
        let path = replies_path(channel, comment_id)?;
        let token = self.tokens.access_token(channel, account_id).await?;
        let reply = CommentReply { message: text };
        let posted = self.client.post_json(&path, &token, &reply).await;
        let response: CommentReplyResponse = self
            .reporting_rejection(channel, account_id, &token, posted)
            .await?;
        Ok(SentMessage {
            channel,
            provider_message_id: response.id,
        })
    }

    /// Sends a reaction (or its removal) from a page or Instagram account: a sender action,
    /// which Meta confirms without a message id.
    pub async fn react_messaging(
        &self,
        channel: Channel,
        account_id: &str,
        reaction: &ReactionRequest,
    ) -> Result<(), GraphError> {
        let token = self.tokens.access_token(channel, account_id).await?;
        let posted = self.client.post_json(SEND_PATH, &token, reaction).await;
        let confirmed: ActionConfirmed = self
            .reporting_rejection(channel, account_id, &token, posted)
            .await?;
        match confirmed.recipient_id {
            Some(_) => Ok(()),
            None => Err(GraphError::UnreadableResponse {
                status: 200,
                detail: "Meta did not confirm the reaction".into(),
            }),
        }
    }

    /// Passes `sent` through, telling the token source first when Meta rejected the token.
    async fn reporting_rejection<T>(
        &self,
        channel: Channel,
        account_id: &str,
        token: &AccessToken,
        sent: Result<T, GraphError>,
    ) -> Result<T, GraphError> {
        if let Err(error @ GraphError::TokenRejected { .. }) = &sent {
            self.tokens
                .token_rejected(channel, account_id, token, &error.to_string())
                .await;
        }
        sent
    }
}

#[async_trait]
impl ChannelSender for MetaGraphSender {
    /// The receipt carries Meta's message id, which the outbox records on the message so status
    /// webhooks can find it.
    async fn deliver(&self, entry: &OutboxEntry) -> Result<DeliveryReceipt, DeliveryError> {
        let key = &entry.key;
        if matches!(key.channel, Channel::Messenger | Channel::Instagram)
            && let Some(reaction) = ReactionRequest::from_body(&key.contact, &entry.message.body)
        {
            return self
                .react_messaging(key.channel, &key.channel_account, &reaction)
                .await
                .map(|()| Delivery::Sent.into())
                .map_err(delivery_error);
        }
        match self.send(entry).await {
            Ok(sent) => {
                debug!(
                    channel = %key.channel,
                    account = %key.channel_account,
                    message_id = %entry.message.id,
                    provider_message_id = %sent.provider_message_id,
                    "graph send accepted"
                );
                Ok(DeliveryReceipt::sent(sent.provider_message_id))
            }
            Err(error) => {
                let retriable = error.is_retriable();
                warn!(
                    channel = %key.channel,
                    account = %key.channel_account,
                    message_id = %entry.message.id,
                    kind = error.kind(),
                    code = ?error.code(),
                    retry_after_secs = ?error.retry_after().map(|delay| delay.as_secs()),
                    retriable,
                    error = %error,
                    "graph send failed"
                );
                Err(delivery_error(error))
            }
        }
    }
}

/// How the outbox should treat a failed send. A retryable one carries the `Retry-After` delay
/// Meta asked for; the outbox waits at least that long, or longer when its own backoff says so.
pub fn delivery_error(error: GraphError) -> DeliveryError {
    if let GraphError::Throttled { retry_after, .. } = error {
        return DeliveryError::Deferred { retry_after };
    }
    if error.is_retriable() {
        DeliveryError::Retryable {
            retry_after: error.retry_after(),
            reason: error.to_string(),
        }
    } else {
        DeliveryError::Permanent(error.to_string())
    }
}

/// `body` (a media message) naming its file by `url` instead.
fn with_url(body: &MessageBody, url: &str) -> MessageBody {
    match body {
        MessageBody::Media {
            media_type,
            caption,
            ..
        } => MessageBody::Media {
            media_type: media_type.clone(),
            url: url.to_owned(),
            caption: caption.clone(),
        },
        other => other.clone(),
    }
}

/// Refuses a WhatsApp phone number id that is not a Graph node id (decimal): anything else
/// could change the request path.
pub(super) fn checked_phone_number_id(id: &str) -> Result<(), GraphError> {
    if is_numeric_id(id) {
        Ok(())
    } else {
        Err(GraphError::Unsendable(format!(
            "whatsapp phone number id {id:?} is not numeric"
        )))
    }
}

/// Graph node ids are decimal; anything else could change the request path.
fn is_numeric_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_digit())
}
