//! The conversation state machine: `apply(state, event, now) -> Transition`.
//!
//! A session moves open → warned → closed on inactivity and reopens on the contact's next
//! message; beside that it records who answers (the bot, nobody while waiting for an agent, or
//! one agent), and the contact's satisfaction rating once given. `apply` is pure: it returns the next state and the effects (messages to append and
//! deliver, timers to set or cancel, questions for the brain, notices for subscribers) that the
//! session actor then carries out.

mod answer_watchdog;
mod apply;
mod effect;
mod escalation;
mod event;
mod key;
mod satisfaction;
mod state;

#[cfg(test)]
mod answer_watchdog_tests;
#[cfg(test)]
mod escalation_tests;
#[cfg(test)]
mod tests;

pub use apply::{Transition, apply};
pub use effect::{Effect, Rejection, SessionNotice};
pub use event::SessionEvent;
pub use key::SessionKey;
pub use satisfaction::{MAX_COMMENT_CHARS, Rating, SCORES, Satisfaction};
pub use state::{
    CloseReason, PendingAnswer, Responder, SessionQueue, SessionRules, SessionState, SessionStatus,
};
