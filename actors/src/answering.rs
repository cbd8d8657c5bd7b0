//! Asking the brain for an answer, on a task of its own so a slow brain never blocks a
//! session's mailbox; the answer comes back to the session through the registry like any other
//! message. On channels that show drafts ([`Channel::shows_drafts`]) the answer is passed to
//! the node's observer while it is written, at most one draft per
//! [`NodeConfig::draft_interval`](crate::NodeConfig::draft_interval).

use crate::registry::LocalRegistry;
use crate::session_actor::{BrainAnswered, SessionMsg};
use botwot_engine::brain::{AnswerDraft, BrainRequest, fallback_text, limit_words};
use botwot_engine::ports::SessionObserver;
use botwot_engine::session::SessionKey;
use botwot_engine::{BotId, SessionId};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::warn;

/// The question of one inbound message, to be answered.
pub(crate) struct Question {
    pub(crate) key: SessionKey,
    pub(crate) session_id: SessionId,
    pub(crate) bot_id: BotId,
    /// The sequence number of the inbound message.
    pub(crate) in_reply_to: u64,
    pub(crate) text: String,
}

/// Starts answering `question`.
pub(crate) fn ask_brain(registry: Arc<LocalRegistry>, question: Question) {
    tokio::spawn(async move {
        let deps = registry.deps().clone();
        let Question {
            key,
            session_id,
            bot_id,
            in_reply_to,
            text: question,
        } = question;
        let Ok(Some(bot)) = deps.bots.get(&key.tenant_id, &bot_id).await else {
            return;
        };
        let history = if deps.brain.uses_history() {
            deps.store
                .recent_messages(&key.tenant_id, &session_id, deps.config.brain_history)
                .await
                .unwrap_or_default()
                .into_iter()
                // The team's private notes are not the brain's business.
                .filter(|message| message.direction.is_visible_to_contact())
                .collect()
        } else {
            Vec::new()
        };
        let request = BrainRequest {
            bot: bot.clone(),
            channel: key.channel,
            question,
            history,
            contact: Some(key.contact.clone()),
        };
        let answering = async {
            if !key.channel.shows_drafts() {
                return deps.brain.answer(request).await;
            }
            let mut drafts = Drafts {
                observer: deps.observer.as_ref(),
                key: &key,
                session_id: &session_id,
                in_reply_to,
                interval: deps.config.draft_interval(),
                last_shown: None,
            };
            let mut show = |text: &str| drafts.offer(text);
            deps.brain.answer_drafting(request, &mut show).await
        };
        let answered = tokio::time::timeout(deps.config.brain_timeout(), answering).await;
        let (text, wants_human) = match answered {
            Ok(Ok(answer)) => (answer.text, answer.wants_human),
            Ok(Err(error)) => {
                warn!(session_key = %key, error = %error, "brain failed, using the fallback");
                (fallback_text(&bot), false)
            }
            Err(_) => {
                warn!(session_key = %key, "brain timed out, using the fallback");
                (fallback_text(&bot), false)
            }
        };
        let text = limit_words(&text, bot.settings.word_limit_per_message);
        let message = SessionMsg::BrainAnswered(Box::new(BrainAnswered {
            in_reply_to,
            text,
            wants_human,
        }));
        if let Err(error) = registry.route_message(&key, message) {
            warn!(session_key = %key, error = %error, "brain answer could not be routed");
        }
    });
}

/// Passes an answer's drafts to the observer, no more often than `interval`. Drafts in between
/// are dropped, not queued: each draft holds the whole answer so far.
struct Drafts<'a> {
    observer: &'a dyn SessionObserver,
    key: &'a SessionKey,
    session_id: &'a SessionId,
    in_reply_to: u64,
    interval: Duration,
    last_shown: Option<Instant>,
}

impl Drafts<'_> {
    fn offer(&mut self, text: &str) {
        let now = Instant::now();
        if self
            .last_shown
            .is_some_and(|shown| now.duration_since(shown) < self.interval)
        {
            return;
        }
        self.last_shown = Some(now);
        let draft = AnswerDraft {
            session_id: self.session_id.clone(),
            in_reply_to: self.in_reply_to,
            text: text.to_owned(),
        };
        self.observer.answer_drafted(self.key, &draft);
    }
}
