//! Adapters between the engine's ports and the outside world.
//!
//! Brains answer for bots ([`brain::ProfileBrain`] answers from the bot's own profile until the
//! knowledge-base brain exists); channel senders deliver outbound messages, and
//! [`channels::ChannelRouter`] sends each one to the sender of its channel. The web widget's
//! sender lives in `botwot-http`, beside the Socket.IO server it emits on.

#![forbid(unsafe_code)]

pub mod brain;
pub mod channels;
