//! Who may do what: roles and the PRD's module map (§3.11.2), plan tiers and their limits
//! (§3.12), and one-time-code challenges with attempt limits. Pure rules; the HTTP layer and
//! storage enforce them.

mod modules;
mod otp;
mod plan;
mod role;

pub use modules::{Module, ModuleParseError};
pub use otp::{OtpChallenge, OtpError, OtpPolicy};
pub use plan::{LimitExceeded, LimitedResource, PlanLimits, PlanTier};
pub use role::{Permissions, Role};
