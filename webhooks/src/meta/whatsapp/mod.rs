//! WhatsApp Cloud API webhooks (`object: "whatsapp_business_account"`) read into [`MetaEvent`]s.
//!
//! [`parse_webhook`] walks every entry and every change of one POST and returns one flat list,
//! in payload order: each message becomes a [`MetaEvent::WhatsAppMessage`], each status a
//! [`MetaEvent::WhatsAppStatus`], each phone-number error a [`MetaEvent::WhatsAppError`]. Other
//! webhook fields are passed on whole as [`MetaEvent::OtherChange`]; an item without the ids it
//! needs becomes [`MetaEvent::Unreadable`]. Verify the signature before calling it.

mod events;
pub mod payload;

pub use events::{
    InteractiveReply, MEDIA_SCHEME, MediaKind, StatusKind, WhatsAppAccount, WhatsAppAccountError,
    WhatsAppContent, WhatsAppInbound, WhatsAppStatus, media_id, media_reference,
};

use super::{MetaEvent, PayloadError, decode, expect_object, read, read_or_reason};
use botwot_engine::Channel;
use payload::{
    ChangeValue, Contact, MessageContext, MessageHeader, MetaError, StatusPart, WebhookPayload,
    unix_seconds,
};
use serde_json::Value;

/// The `object` of every WhatsApp Business Account webhook.
pub const OBJECT: &str = "whatsapp_business_account";

/// The webhook field that carries messages and statuses.
const MESSAGES_FIELD: &str = "messages";

/// Reads one WhatsApp webhook body (already signature-checked) into events.
pub fn parse_webhook(body: &[u8]) -> Result<Vec<MetaEvent>, PayloadError> {
    let payload: WebhookPayload = decode(body)?;
    expect_object(payload.object, OBJECT)?;
    let mut events = Vec::new();
    for entry in payload.entry {
        for change in entry.changes {
            if change.field == MESSAGES_FIELD {
                read_messages_change(&entry.id, change.value, &mut events);
            } else {
                events.push(MetaEvent::other_change(
                    Channel::WhatsApp,
                    &entry.id,
                    change,
                ));
            }
        }
    }
    Ok(events)
}

fn read_messages_change(entry_id: &str, value: Value, events: &mut Vec<MetaEvent>) {
    let change = match read_or_reason::<ChangeValue>(&value, "change") {
        Ok(change) => change,
        Err(reason) => {
            events.push(unreadable(entry_id, reason, value));
            return;
        }
    };
    let account = WhatsAppAccount {
        business_account_id: entry_id.to_owned(),
        phone_number_id: change.metadata.phone_number_id,
        display_phone_number: change.metadata.display_phone_number,
    };
    let contacts: Vec<Contact> = change.contacts.iter().filter_map(read).collect();
    for message in change.messages {
        events.push(read_message(&account, &contacts, message));
    }
    for status in change.statuses {
        events.push(read_status(&account, status));
    }
    for error in change.errors {
        events.push(match read_or_reason::<MetaError>(&error, "error") {
            Ok(error) => MetaEvent::WhatsAppError(WhatsAppAccountError {
                account: account.clone(),
                error,
            }),
            Err(reason) => unreadable(entry_id, reason, error),
        });
    }
}

fn read_message(account: &WhatsAppAccount, contacts: &[Contact], raw: Value) -> MetaEvent {
    let header = match read_or_reason::<MessageHeader>(&raw, "message") {
        Ok(header) => header,
        Err(reason) => return unreadable(&account.business_account_id, reason, raw),
    };
    let message_type = header.message_type.as_deref().unwrap_or("unknown");
    let content = WhatsAppContent::read(message_type, &raw);
    let context = raw.get("context").and_then(read::<MessageContext>);
    let errors = raw.get("errors").and_then(read).unwrap_or_default();
    let profile_name = profile_name(contacts, &header.from);
    let timestamp = unix_seconds(header.timestamp.as_ref());
    let body = content.body(raw);
    MetaEvent::WhatsAppMessage(Box::new(WhatsAppInbound {
        account: account.clone(),
        wa_id: header.from,
        profile_name,
        wamid: header.id,
        timestamp,
        context,
        errors,
        content,
        body,
    }))
}

/// The profile name of the sender: the contact with its `wa_id`, else the only contact listed.
fn profile_name(contacts: &[Contact], wa_id: &str) -> Option<String> {
    let contact = contacts
        .iter()
        .find(|contact| contact.wa_id.as_deref() == Some(wa_id))
        .or(match contacts {
            [only] => Some(only),
            _ => None,
        })?;
    contact.profile.as_ref()?.name.clone()
}

fn read_status(account: &WhatsAppAccount, raw: Value) -> MetaEvent {
    let status = match read_or_reason::<StatusPart>(&raw, "status") {
        Ok(status) => status,
        Err(reason) => return unreadable(&account.business_account_id, reason, raw),
    };
    MetaEvent::WhatsAppStatus(WhatsAppStatus {
        account: account.clone(),
        wamid: status.id,
        status: StatusKind::parse(&status.status),
        recipient_id: status.recipient_id,
        timestamp: unix_seconds(status.timestamp.as_ref()),
        errors: status.errors,
        conversation_id: status.conversation.and_then(|conversation| conversation.id),
        pricing_category: status.pricing.and_then(|pricing| pricing.category),
    })
}

fn unreadable(entry_id: &str, reason: String, raw: Value) -> MetaEvent {
    MetaEvent::unreadable(Channel::WhatsApp, entry_id, reason, raw)
}
