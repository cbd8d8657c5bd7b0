//! The web widget channel: a Socket.IO v4 namespace that the official `socket.io-client` (and
//! the served `/widget.js`) speaks, the [`WebChannel`] that brings replies back to visitors,
//! the widget script, and the demo page.

pub mod assets;
pub mod channel;
pub mod demo;
pub mod protocol;
pub mod socket;
pub mod typing;
pub mod usage;

pub use channel::WebChannel;
