//! `/webhooks/meta`: the one URL to paste into Meta's app dashboard for WhatsApp, Messenger and
//! Instagram. GET answers the subscription handshake; POST checks `X-Hub-Signature-256` over the
//! raw body before anything is parsed, then hands every inbound message to its session and
//! answers 200 only once all of them are durably stored — or 503 `accept_timed_out` when that
//! takes longer than `http.webhook_deadline_ms` (storage or the broker away), rather than
//! leaving Meta's request hanging. Redeliveries are recognised by their
//! provider message id and stored once. WhatsApp statuses (sent, delivered, read, failed) find
//! the outbound message by the `wamid` the outbox recorded when Meta accepted it and update its
//! delivery state through its session, and so do Messenger and Instagram receipts (a Messenger
//! read receipt names a watermark: every reply sent before it is read); delivery never goes
//! backwards, so statuses may arrive in any order. Comments on Instagram posts are answered by
//! the integration's engagement mode (see `comments`). A tap on an order reminder's button also
//! answers the shop (see `order_answers`). Echoes and reactions are counted and left
//! for later.

mod comments;
mod delivery;
mod order_answers;

use self::comments::engage;
use self::delivery::{read_up_to, update_delivery};
use crate::errors::{AppError, ErrorCode};
use crate::sessions::{Envelope, SessionError};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use botwot_adapters::meta::media::MediaRef;
use botwot_adapters::meta::messenger::ReceiptKind;
use botwot_adapters::meta::signature::{SIGNATURE_HEADER, verify_signature, verify_subscription};
use botwot_adapters::meta::{MetaEvent, parse_webhook};
use botwot_engine::campaign::is_opt_out_reply;
use botwot_engine::session::{SessionEvent, SessionKey};
use botwot_engine::{BotId, Channel, MessageBody};
use serde::Deserialize;
use std::time::Duration;
use tracing::{debug, info, warn};
use utoipa::IntoParams;

/// The subscription handshake's query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Subscription {
    #[serde(rename = "hub.mode")]
    #[param(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    #[param(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    #[param(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// Meta's subscription handshake: echoes `hub.challenge` when `hub.verify_token` matches.
#[utoipa::path(get, path = "/webhooks/meta", tag = "webhooks", params(Subscription),
    responses(
        (status = 200, description = "the challenge, as plain text", body = String),
        (status = 403, description = "wrong mode or verify token", body = crate::errors::ErrorBody),
    ))]
pub async fn subscribe(
    State(state): State<AppState>,
    Query(query): Query<Subscription>,
) -> Result<String, AppError> {
    let expected = configured(
        state.config.meta_verify_token.as_deref(),
        "meta_verify_token",
    )?;
    verify_subscription(
        query.mode.as_deref(),
        query.verify_token.as_deref(),
        query.challenge.as_deref(),
        expected,
    )
    .map_err(|error| AppError::new(ErrorCode::SubscriptionRefused, error.to_string()))
}

/// Webhook events from WhatsApp, Messenger and Instagram.
#[utoipa::path(post, path = "/webhooks/meta", tag = "webhooks",
    request_body(content = String, description = "a Meta webhook body, signed with the app secret"),
    responses(
        (status = 200, description = "every inbound message is stored"),
        (status = 400, description = "not a Meta webhook body", body = crate::errors::ErrorBody),
        (status = 401, description = "missing or wrong signature", body = crate::errors::ErrorBody),
        (status = 503, description = "not stored; Meta will retry", body = crate::errors::ErrorBody),
    ))]
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(), AppError> {
    let secret = configured(state.config.meta_app_secret.as_deref(), "meta_app_secret")?;
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    verify_signature(secret.as_bytes(), signature, &body)
        .map_err(|error| AppError::new(ErrorCode::InvalidSignature, error.to_string()))?;
    let events = parse_webhook(&body)
        .map_err(|error| AppError::new(ErrorCode::InvalidPayload, error.to_string()))?;
    let deadline = Duration::from_millis(state.config.webhook_deadline_ms);
    match tokio::time::timeout(deadline, take_events(&state, events)).await {
        Ok(taken) => taken,
        Err(_) => {
            warn!(
                deadline_ms = state.config.webhook_deadline_ms,
                "webhook not accepted in time; the provider redelivers it"
            );
            ::metrics::counter!("botwot_webhooks_timed_out_total", "provider" => "meta")
                .increment(1);
            Err(AppError {
                retry_after_secs: Some(1),
                ..AppError::new(
                    ErrorCode::AcceptTimedOut,
                    format!(
                        "the webhook was not durably accepted within {} ms; deliver it again (a redelivery is recognised)",
                        deadline.as_millis()
                    ),
                )
            })
        }
    }
}

/// Hands every event of a webhook on, in order; returns once each is durably accepted.
async fn take_events(state: &AppState, events: Vec<MetaEvent>) -> Result<(), AppError> {
    for event in events {
        match event {
            MetaEvent::WhatsAppMessage(inbound) => {
                let account = &inbound.account.phone_number_id;
                let mut event = inbound.session_event();
                if let Some(reply) = order_answers::take_answer(state, &inbound).await? {
                    event = event.answered_with(reply);
                }
                deliver(state, Channel::WhatsApp, account, &inbound.wa_id, event).await?;
            }
            MetaEvent::MessagingMessage(inbound) => {
                let channel = inbound.parties.channel;
                let event = inbound.session_event();
                let parties = &inbound.parties;
                deliver(state, channel, &parties.page_id, &parties.sender_id, event).await?;
            }
            MetaEvent::WhatsAppStatus(status) => {
                let Some(delivery) = status.delivery() else {
                    debug!(status = ?status.status, "whatsapp status without a delivery state");
                    continue;
                };
                let account = &status.account.phone_number_id;
                update_delivery(state, Channel::WhatsApp, account, &status.wamid, delivery).await?;
            }
            MetaEvent::MessagingReceipt(receipt) => {
                let parties = &receipt.parties;
                for (mid, delivery) in receipt.receipt.delivery_updates() {
                    update_delivery(state, parties.channel, &parties.page_id, mid, delivery)
                        .await?;
                }
                if let ReceiptKind::Read {
                    watermark: Some(watermark),
                    mid: None,
                } = receipt.receipt
                {
                    let (account, contact) = (&parties.page_id, &parties.sender_id);
                    read_up_to(state, parties.channel, account, contact, watermark).await?;
                }
            }
            MetaEvent::PostComment(comment) => engage(state, comment).await?,
            other => {
                debug!(channel = %other.channel(), "meta event not handled yet");
                ::metrics::counter!("botwot_meta_events_unhandled_total").increment(1);
            }
        }
    }
    Ok(())
}

/// Hands one inbound message to the session of its contact on the integration's account.
async fn deliver(
    state: &AppState,
    channel: Channel,
    account: &str,
    contact: &str,
    event: SessionEvent,
) -> Result<(), AppError> {
    let Some(integration) = state.store.find_integration(channel, account).await? else {
        warn!(%channel, account, "webhook for an account no integration connects; ignored");
        ::metrics::counter!("botwot_meta_events_unrouted_total").increment(1);
        return Ok(());
    };
    if !integration.settings.accepts_contact(contact) {
        // Answered 200 all the same: Meta would only retry.
        info!(%channel, account, "message from a blocked or unlisted contact; ignored");
        ::metrics::counter!("botwot_meta_events_filtered_total").increment(1);
        return Ok(());
    }
    let key = SessionKey::new(integration.tenant_id.clone(), channel, account, contact);
    let bot_id = integration.settings.bot_id.clone();
    let media_url = match &event {
        SessionEvent::Inbound {
            body: MessageBody::Media { url, .. },
            ..
        } => Some(url.clone()),
        _ => None,
    };
    if !integration.settings.ai_enabled {
        // With the bot switched off the conversation waits for a person from the start.
        let waiting = SessionEvent::AgentRequested { announce: false };
        if !accept(state, &key, &bot_id, waiting).await? {
            return Ok(());
        }
    }
    let opts_out = matches!(
        &event,
        SessionEvent::Inbound { body: MessageBody::Text { text }, .. } if is_opt_out_reply(text)
    );
    let accepted = accept(state, &key, &bot_id, event).await?;
    if channel == Channel::WhatsApp
        && opts_out
        && let Some(runner) = &state.campaigns
    {
        runner
            .opt_out(&integration.tenant_id, contact, state.now())
            .await
            .map_err(delivery::campaign_error)?;
    }
    if accepted && let Some(url) = media_url {
        keep_media(state, key, url);
    }
    Ok(())
}

/// Hands `event` to the session of `key`; `false` when the organisation's plan refused a new
/// conversation (answered 200 all the same: Meta would retry a refusal that lasts the month).
async fn accept(
    state: &AppState,
    key: &SessionKey,
    bot_id: &BotId,
    event: SessionEvent,
) -> Result<bool, AppError> {
    let envelope = Envelope {
        key: key.clone(),
        bot_id: bot_id.clone(),
        event,
    };
    match state.sessions.accept(envelope).await {
        Ok(()) => Ok(true),
        Err(SessionError::PlanLimit(exceeded)) => {
            let channel = key.channel;
            warn!(%channel, %exceeded, "message not taken: the organisation's plan limit");
            ::metrics::counter!("botwot_sessions_refused_total", "reason" => "plan_limit")
                .increment(1);
            Ok(false)
        }
        Err(error) => Err(error.into()),
    }
}

/// Downloads the file of a stored media message into the blob store, in the background: Meta's
/// copy expires, and the webhook is answered without waiting for it. A download that fails here
/// is tried again when someone opens the file.
fn keep_media(state: &AppState, key: SessionKey, url: String) {
    let Some(library) = state.media.clone() else {
        return;
    };
    tokio::spawn(async move {
        let media = MediaRef {
            tenant: &key.tenant_id,
            channel: key.channel,
            account: &key.channel_account,
            contact: &key.contact,
            url: &url,
        };
        let outcome = match library.keep(media).await {
            Ok(()) => "kept",
            Err(error) => {
                warn!(channel = %key.channel, %error, "inbound media not downloaded; tried again when opened");
                "failed"
            }
        };
        ::metrics::counter!("botwot_media_downloads_total", "outcome" => outcome).increment(1);
    });
}

fn configured<'a>(value: Option<&'a str>, setting: &str) -> Result<&'a str, AppError> {
    value.filter(|value| !value.is_empty()).ok_or_else(|| {
        AppError::new(
            ErrorCode::WebhookNotConfigured,
            format!("Meta webhooks are off: set http.{setting}"),
        )
    })
}
