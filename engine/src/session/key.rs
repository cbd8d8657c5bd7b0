use crate::channel::Channel;
use crate::ids::TenantId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What identifies a conversation: a contact writing to one channel account of one tenant.
/// The channel account is the bot id for the widget, the phone number id for WhatsApp, the page
/// id for Messenger and so on; the contact is the visitor id, `wa_id`, PSID...
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionKey {
    pub tenant_id: TenantId,
    pub channel: Channel,
    pub channel_account: String,
    pub contact: String,
}

impl SessionKey {
    pub fn new(
        tenant_id: TenantId,
        channel: Channel,
        channel_account: impl Into<String>,
        contact: impl Into<String>,
    ) -> Self {
        Self {
            tenant_id,
            channel,
            channel_account: channel_account.into(),
            contact: contact.into(),
        }
    }
}

impl fmt::Display for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.tenant_id, self.channel, self.channel_account, self.contact
        )
    }
}
