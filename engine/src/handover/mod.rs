//! Escalation to a human agent: the bot's handover policy (keywords, low confidence, the SLA of
//! a waiting conversation, auto-assignment), the keyword matcher, and the pure round-robin choice
//! of the next agent behind the [`AgentDirectory`] port.
//!
//! The session state machine reads the policy from its copied rules; the node's assigner asks an
//! `AgentDirectory` who is available and lets [`round_robin`] pick, so every decision here is
//! tested without a runtime.

mod assignment;
mod keywords;
mod policy;

pub use assignment::{AgentDirectory, AgentLoad, round_robin};
pub use keywords::mentions_any;
pub use policy::{DEFAULT_HANDOFF_MESSAGE, HandoverPolicy, MAX_KEYWORDS};
