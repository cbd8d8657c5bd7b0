//! Applying one logged event to its session, trying again while the node cannot take it.
//!
//! An event meets three kinds of failure. Storage that is down, a node past its load or an
//! actor being restarted are passing: the event is kept and tried again, the pause doubling
//! from half a second to five (as the cluster's shard consumer does, ADR 0015). A refusal that
//! retrying cannot change (the organisation's plan is used up, the bot was deleted) ends the
//! event: it is counted and set aside, as a webhook answered synchronously would have been. An
//! actor that fails on the event itself is tried a few times, then set aside too.

use crate::sessions::{Envelope, SessionError, Sessions};
use std::time::Duration;
use tracing::{debug, warn};

const FIRST_PAUSE: Duration = Duration::from_millis(500);
const LONGEST_PAUSE: Duration = Duration::from_secs(5);
/// Attempts of an event its session actor keeps failing on.
const ACTOR_ATTEMPTS: u32 = 5;

/// What became of a logged event.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Committed (or found committed already: a redelivery or a replay).
    Applied,
    /// Refused for good; the reason is recorded beside the event.
    SetAside(String),
}

/// How a failure is handled.
enum Failure {
    Passing,
    Refused,
    ActorFailed,
}

fn failure_of(error: &SessionError) -> Failure {
    match error {
        error if error.is_passing() => Failure::Passing,
        SessionError::ActorFailed => Failure::ActorFailed,
        _ => Failure::Refused,
    }
}

/// Applies `envelope`, trying again as long as the failure is passing; returns how it ended.
pub(super) async fn deliver(sessions: &Sessions, sequence: u64, envelope: &Envelope) -> Verdict {
    let mut pause = FIRST_PAUSE;
    let mut actor_failures = 0;
    let mut warned = false;
    loop {
        let error = match sessions.dispatch(envelope.clone()).await {
            Ok(_) => return Verdict::Applied,
            Err(error) => error,
        };
        match failure_of(&error) {
            Failure::Refused => return Verdict::SetAside(error.to_string()),
            Failure::ActorFailed => {
                actor_failures += 1;
                if actor_failures >= ACTOR_ATTEMPTS {
                    return Verdict::SetAside(error.to_string());
                }
            }
            Failure::Passing => {}
        }
        if !warned {
            warned = true;
            warn!(sequence, %error, "a logged event could not be applied; kept and tried again");
        } else {
            debug!(sequence, %error, "a logged event still cannot be applied");
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}
