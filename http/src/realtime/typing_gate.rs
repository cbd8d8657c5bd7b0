//! How often a socket's typing signal is passed on. A client says "typing" on every keystroke
//! burst and "stopped" when the input goes idle; the gate passes on every change, and a
//! repeated "typing" only once per [`REFRESH`], which is what keeps an indicator on at the other
//! end (indicators go off by themselves when no refresh comes). A client that floods the event
//! costs the node a comparison per event and nothing else.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a continuing "typing" is passed on.
pub const REFRESH: Duration = Duration::from_secs(3);

/// The last signal passed on from one socket (per conversation, for an agent's socket).
#[derive(Default)]
pub struct TypingGate {
    last: Mutex<Option<Passed>>,
}

#[derive(Clone, PartialEq, Eq)]
struct Passed {
    about: String,
    typing: bool,
    at: Instant,
}

impl TypingGate {
    /// Whether the signal `typing` about conversation `about` goes on, at `now`.
    pub fn pass(&self, about: &str, typing: bool, now: Instant) -> bool {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let repeat = last.as_ref().is_some_and(|passed| {
            passed.about == about
                && passed.typing == typing
                && (!typing || now.duration_since(passed.at) < REFRESH)
        });
        if repeat {
            return false;
        }
        *last = Some(Passed {
            about: about.to_owned(),
            typing,
            at: now,
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_pass_and_repeats_pass_once_per_refresh() {
        let gate = TypingGate::default();
        let start = Instant::now();
        assert!(gate.pass("s1", true, start));
        assert!(!gate.pass("s1", true, start + Duration::from_millis(500)));
        assert!(gate.pass("s1", true, start + REFRESH));
        assert!(gate.pass("s1", false, start + REFRESH));
        assert!(
            !gate.pass("s1", false, start + REFRESH * 5),
            "stopping is said once"
        );
        assert!(gate.pass("s1", true, start + REFRESH * 5));
        assert!(
            gate.pass("s2", true, start + REFRESH * 5),
            "another conversation passes"
        );
    }
}
