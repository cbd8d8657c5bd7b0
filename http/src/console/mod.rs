//! The agents' console over Socket.IO: the `/console` namespace, where signed-in agents follow
//! every conversation of their organisation live ([`socket`]), the [`ConsoleChannel`] that
//! feeds it from the node's session notices ([`channel`]), who is at a console ([`presence`]),
//! and the events it speaks ([`protocol`]).

pub mod channel;
pub mod presence;
pub mod protocol;
pub mod socket;

pub use channel::ConsoleChannel;
