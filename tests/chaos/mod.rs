//! The chaos suite's parts: a seeded random source for the kill schedule, the load driver that
//! posts signed WhatsApp webhooks and redelivers until acknowledged, and the accounting that
//! compares what was acknowledged and sent with what the server stored.

pub mod load;
pub mod seed;
pub mod verify;
