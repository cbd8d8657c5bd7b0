//! The agents' console: the `/console` Socket.IO namespace, where signed-in agents follow
//! every conversation of their organisation live ([`socket`]), the [`ConsoleChannel`] that
//! feeds it from the node's session notices ([`channel`]), who is at a console on this node
//! ([`presence`]) and on any node ([`board`]),
//! the events it speaks ([`protocol`]), the web page agents use it from ([`page`]), and the
//! directory of available agents that auto-assignment picks from ([`directory`]), which waiting
//! conversations are offered again when an agent comes online ([`offers`]).

pub mod board;
pub mod channel;
pub mod directory;
pub mod offers;
pub mod page;
pub mod presence;
pub mod protocol;
pub mod socket;
pub mod typing;

pub use board::PresenceBoard;
pub use channel::ConsoleChannel;
pub use directory::ConsoleAgentDirectory;
