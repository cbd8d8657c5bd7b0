//! Sales leads (PRD §3.8.1, the Decorpot CRM, and the lead tools of §3.3.3): a person who asked
//! about a project, known by their WhatsApp number, with what they want, a stage
//! ([`LeadStage`]: unreal, real, hold), the organisation's qualification rules that say whether
//! they are worth a salesperson's time, a history of everything that happened to them, and
//! automated follow-ups: approved WhatsApp templates sent on a schedule until the lead answers,
//! qualifies, is rejected or the schedule runs out.
//!
//! Everything here is data and rules; the follow-up worker in `actors` stores and sends.

mod event;
mod follow_up;
mod lead;
mod qualification;
mod settings;

pub use event::{InteractionChannel, LeadEvent, LeadEventKind, LoggedInteraction};
pub use follow_up::{FollowUp, FollowUpOutcome, FollowUpWork, SentFollowUp, StopReason};
pub use lead::{Lead, LeadDetails, LeadPatch, LeadStage, ProjectScope};
pub use qualification::{Assessment, QualificationRules};
pub use settings::{FollowUpProgram, FollowUpStep, LeadSettings, MAX_FOLLOW_UP_STEPS};

#[cfg(test)]
mod follow_up_tests;
