//! Finding a conversation's contact messages among what is stored: the routes and sockets that
//! answer a contact's latest message (a read receipt, a typing indicator) name it by the
//! provider's id.

use botwot_engine::ports::{Storage, StoreError};
use botwot_engine::{Direction, MessageId, SessionState};

/// How many of the latest messages are looked through for the contact's last one.
const LOOKED_THROUGH: usize = 50;

/// The contact's latest message among the session's latest ones: our id and the provider's.
pub(crate) async fn latest_from_contact(
    store: &dyn Storage,
    session: &SessionState,
) -> Result<Option<(MessageId, String)>, StoreError> {
    let recent = store
        .recent_messages(&session.key.tenant_id, &session.id, LOOKED_THROUGH)
        .await?;
    Ok(recent.into_iter().rev().find_map(|message| {
        let provider_id = message.provider_message_id.clone()?;
        (message.direction == Direction::Inbound).then_some((message.id, provider_id))
    }))
}
