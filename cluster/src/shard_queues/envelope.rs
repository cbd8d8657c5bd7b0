//! The message that carries one inbound event through a shard queue, as JSON.

use botwot_engine::SessionKey;
use serde::{Deserialize, Serialize};

/// One inbound event on its way to the node that owns its session's shard. The body is the
/// event itself in whatever JSON form the wiring step gives it; the key decides the shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundEnvelope {
    /// Unique per event and stable across redelivery (the provider's message id where there is
    /// one: `wamid`, `mid`, `CallSid`), so the consumer can drop duplicates. Also sent as the
    /// AMQP `message-id` property.
    pub message_id: String,
    /// The session the event belongs to.
    pub key: SessionKey,
    /// What kind of event the body holds (`message`, `status`, `agent_action`...).
    pub kind: String,
    /// The event.
    pub body: serde_json::Value,
    /// When the accepting node received it, in milliseconds since the Unix epoch.
    pub received_at: i64,
    /// The reply queue of a node waiting for the outcome (see [`crate::ReplyInbox`]); `None`
    /// when the sender only needed the event stored (a webhook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

impl InboundEnvelope {
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::{Channel, TenantId};

    #[test]
    fn envelopes_round_trip_through_json() {
        let envelope = InboundEnvelope {
            message_id: "wamid.1".into(),
            key: SessionKey::new(TenantId::from("org_1"), Channel::WhatsApp, "phone", "c1"),
            kind: "message".into(),
            body: serde_json::json!({"text": "hi"}),
            received_at: 1_700_000_000_000,
            reply_to: None,
        };
        let bytes = envelope.to_json().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"messageId\":\"wamid.1\""), "{text}");
        assert_eq!(InboundEnvelope::from_json(&bytes).unwrap(), envelope);
    }
}
