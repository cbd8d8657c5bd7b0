//! What browsers send over Socket.IO, read and checked before anything acts on it: the widget's
//! connect `auth`, a visitor's `message` and `typing` ([`widget`]), an agent's `presence` and
//! `typing` at the console ([`console`]). A payload that is not what the protocol says is a
//! [`PayloadRefusal`] with a stable [`RefusalCode`] and a message a person understands.
//!
//! A crate of its own, light, so the fuzz target of these readers builds it alone (fuzz/light).
//! The Socket.IO servers in `botwot-http` re-export the readers beside the events they emit,
//! and turn a refusal into their API error.

pub mod console;
mod refusal;
pub mod widget;

pub use refusal::{PayloadRefusal, RefusalCode};
