//! The answer watchdog: every question the bot is asked is remembered in the session, with a
//! durable timer, until its answer is stored. The brain is asked off the actor's mailbox and its
//! answer comes back as a later event; if the node stops in between, nothing else would ever
//! answer the contact. The timer outlives the stop, fires after the restart (late rather than
//! never), and the brain is asked again for every question waiting longer than the watchdog's
//! period, a few times at most. A node that takes a session on (after a restart, or from another
//! node) knows the calls in flight were lost with their node and asks again at once
//! ([`SessionEvent::AnswersLost`](super::SessionEvent::AnswersLost)).

use super::apply::Step;
use super::effect::Effect;
use super::state::{PendingAnswer, Responder};
use crate::time::Timestamp;
use crate::timer::TimerKind;
use std::time::Duration;

/// How long an answer may take before the watchdog asks again: longer than the node's brain
/// timeout (20 s by default), after which the actor answers with the fallback itself.
pub const ANSWER_WATCHDOG: Duration = Duration::from_secs(45);

/// Times the brain is asked for one question before the watchdog gives up on it.
pub const MAX_ASKS: u32 = 3;

/// Questions remembered at once; past it the oldest is forgotten.
pub const MAX_PENDING: usize = 8;

/// Whether asking again spends one of a question's [`MAX_ASKS`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attempt {
    /// The watchdog: the brain had its chance.
    Counted,
    /// The ask was lost with its node: the same attempt, made again.
    Repeated,
}

impl Step {
    /// Asks the brain for `question` (message `in_reply_to`) and remembers it.
    pub(super) fn ask_brain(&mut self, in_reply_to: u64, question: String) {
        if self.state.pending_answers.len() >= MAX_PENDING {
            self.state.pending_answers.remove(0);
        }
        self.state.pending_answers.push(PendingAnswer {
            in_reply_to,
            question: question.clone(),
            asked_at: self.now,
            attempts: 1,
        });
        if self.state.answer_due_at.is_none() {
            self.arm_answer_watchdog();
        }
        self.effects.push(Effect::AskBrain {
            in_reply_to,
            question,
        });
    }

    /// Whether the bot still owes the contact an answer.
    pub(super) fn owes_an_answer(&self) -> bool {
        self.state.responder == Responder::Bot && !self.state.pending_answers.is_empty()
    }

    /// The answer to message `in_reply_to` arrived.
    pub(super) fn answer_arrived(&mut self, in_reply_to: u64) {
        self.state
            .pending_answers
            .retain(|pending| pending.in_reply_to != in_reply_to);
        if self.state.pending_answers.is_empty() {
            self.forget_pending_answers();
        }
    }

    /// The bot no longer answers (a person does, or the session closed): nothing is pending.
    pub(super) fn forget_pending_answers(&mut self) {
        self.state.pending_answers.clear();
        if self.state.answer_due_at.take().is_some() {
            self.effects.push(Effect::CancelTimer {
                kind: TimerKind::AnswerWatchdog,
            });
        }
    }

    /// The watchdog fired: every question waiting longer than its period is asked again.
    pub(super) fn answers_overdue(&mut self) {
        self.ask_again(Attempt::Counted, |now, pending| {
            now >= pending.asked_at.plus(ANSWER_WATCHDOG)
        });
    }

    /// The brain calls for the pending questions were lost with the node that made them: every
    /// pending question is asked again now, without waiting for the watchdog. These asks do
    /// not count against [`MAX_ASKS`]: the brain did not fail them, so a node restarted again
    /// and again still gets every question answered.
    pub(super) fn answers_lost(&mut self) {
        if self.state.pending_answers.is_empty() {
            return;
        }
        self.ask_again(Attempt::Repeated, |_, _| true);
    }

    /// Asks the brain again for the pending questions `due` picks (a counted ask a few times
    /// at most), and arms the watchdog for the rest.
    fn ask_again(&mut self, attempt: Attempt, due: impl Fn(Timestamp, &PendingAnswer) -> bool) {
        self.state.answer_due_at = None;
        if self.state.responder != Responder::Bot || self.state.is_closed() {
            self.forget_pending_answers();
            return;
        }
        let now = self.now;
        let mut asks = Vec::new();
        self.state.pending_answers.retain_mut(|pending| {
            if !due(now, pending) {
                return true;
            }
            if attempt == Attempt::Counted {
                if pending.attempts >= MAX_ASKS {
                    return false;
                }
                pending.attempts += 1;
            }
            pending.asked_at = now;
            asks.push(Effect::AskBrain {
                in_reply_to: pending.in_reply_to,
                question: pending.question.clone(),
            });
            true
        });
        if self.state.pending_answers.is_empty() {
            self.effects.push(Effect::CancelTimer {
                kind: TimerKind::AnswerWatchdog,
            });
        } else {
            self.arm_answer_watchdog();
        }
        self.effects.extend(asks);
    }

    /// Arms the watchdog for the question asked longest ago.
    fn arm_answer_watchdog(&mut self) {
        let Some(oldest) = self.state.pending_answers.iter().map(|p| p.asked_at).min() else {
            return;
        };
        let due_at = oldest.plus(ANSWER_WATCHDOG);
        self.state.answer_due_at = Some(due_at);
        self.effects.push(Effect::SetTimer {
            kind: TimerKind::AnswerWatchdog,
            due_at,
        });
    }
}
