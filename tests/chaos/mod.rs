//! The chaos suite's parts: a seeded random source for the kill schedule, the load driver that
//! posts signed WhatsApp webhooks and redelivers until acknowledged, and the accounting that
//! compares what was acknowledged and sent with what the server stored. The cluster suite uses
//! the load driver and the accounting too.

#![allow(dead_code)] // each test binary uses its own part of the harness

pub mod load;
pub mod seed;
pub mod verify;
