//! What the dashboard needs to know about one conversation, read from its session and its
//! transcript: who answered, how fast, whether it ended resolved.
//!
//! A *reply* is an outbound message written by the bot or an agent; the engine's own notes
//! (inactivity warnings, closing notes) and agents' private notes are not replies. Messages are
//! taken in transcript order (`seq`).

use super::insight_tally::SentimentShares;
use crate::channel::Channel;
use crate::ids::SessionId;
use crate::insight::{InsightResult, Intent};
use crate::message::{Author, Direction, Message};
use crate::session::{SessionState, SessionStatus};
use crate::time::Timestamp;
use serde::Serialize;

/// Who answered a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Handling {
    /// Only the bot replied.
    Bot,
    /// An agent replied at least once (the bot may have too).
    Agent,
    /// Nobody replied.
    Unanswered,
}

impl Handling {
    pub fn as_str(self) -> &'static str {
        match self {
            Handling::Bot => "bot",
            Handling::Agent => "agent",
            Handling::Unanswered => "unanswered",
        }
    }
}

/// One conversation, as the dashboard and the report see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationFacts {
    pub id: SessionId,
    pub channel: Channel,
    pub status: SessionStatus,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub handling: Handling,
    /// From the contact's first message to the first reply after it; `None` when the contact
    /// never wrote or was never answered.
    pub first_response_ms: Option<u64>,
    /// For every contact message that a reply follows: from that message to the next reply.
    /// Contact messages after the last reply are not counted.
    pub response_times_ms: Vec<u64>,
    /// Messages the contact could see (inbound and outbound); private notes are not counted.
    pub message_count: usize,
    /// Whether the contact's last message got a reply (true when the contact never wrote).
    pub last_contact_message_answered: bool,
    /// The contact's satisfaction score (1 to 5), when they rated the conversation.
    pub satisfaction: Option<u8>,
    /// The agents who replied, each once, in the order of their first reply.
    pub agents: Vec<String>,
    /// What the contact came for, when the conversation's intent was analysed.
    pub intent: Option<Intent>,
    /// The conversation's sentiment, when it was analysed.
    pub sentiment: Option<SentimentShares>,
}

impl ConversationFacts {
    /// The facts of `session` from its transcript `messages` (in `seq` order).
    pub fn from_transcript(session: &SessionState, messages: &[Message]) -> Self {
        let mut waiting_since: Vec<Timestamp> = Vec::new();
        let mut first_contact: Option<Timestamp> = None;
        let mut first_response_ms = None;
        let mut response_times_ms = Vec::new();
        let (mut bot_replied, mut agent_replied) = (false, false);
        let mut agents: Vec<String> = Vec::new();
        for message in messages {
            if is_from_contact(message) {
                first_contact.get_or_insert(message.created_at);
                waiting_since.push(message.created_at);
                continue;
            }
            let Some(replier) = reply_author(message) else {
                continue;
            };
            match replier {
                Replier::Bot => bot_replied = true,
                Replier::Agent(agent_id) => {
                    agent_replied = true;
                    if !agents.iter().any(|known| known == agent_id) {
                        agents.push(agent_id.to_owned());
                    }
                }
            }
            if let (Some(first), None) = (first_contact, first_response_ms) {
                first_response_ms = Some(elapsed_ms(first, message.created_at));
            }
            response_times_ms.extend(
                waiting_since
                    .drain(..)
                    .map(|asked| elapsed_ms(asked, message.created_at)),
            );
        }
        let handling = match (agent_replied, bot_replied) {
            (true, _) => Handling::Agent,
            (false, true) => Handling::Bot,
            (false, false) => Handling::Unanswered,
        };
        Self {
            id: session.id.clone(),
            channel: session.key.channel,
            status: session.status,
            created_at: session.created_at,
            closed_at: session.closed_at,
            handling,
            first_response_ms,
            response_times_ms,
            message_count: messages
                .iter()
                .filter(|message| message.direction.is_visible_to_contact())
                .count(),
            last_contact_message_answered: waiting_since.is_empty(),
            satisfaction: session
                .satisfaction
                .as_ref()
                .map(|satisfaction| satisfaction.score),
            agents,
            intent: None,
            sentiment: None,
        }
    }

    /// Takes in what an analysis of the conversation found (its intent or its sentiment; other
    /// analyses are not figures of the dashboard).
    pub fn with_insight(&mut self, result: &InsightResult) {
        match *result {
            InsightResult::Intent { intent, .. } => self.intent = Some(intent),
            InsightResult::Sentiment {
                positive,
                negative,
                neutral,
            } => {
                self.sentiment = Some(SentimentShares {
                    positive,
                    negative,
                    neutral,
                })
            }
            _ => {}
        }
    }

    pub fn is_closed(&self) -> bool {
        self.status == SessionStatus::Closed
    }

    /// A conversation is *resolved* when it closed with the contact's last message answered by
    /// the bot or an agent: nobody was left waiting (for an agent, or for any reply) when it
    /// ended. Open conversations are neither resolved nor unresolved.
    pub fn is_resolved(&self) -> bool {
        self.is_closed() && self.last_contact_message_answered
    }
}

enum Replier<'a> {
    Bot,
    /// The agent's id.
    Agent(&'a str),
}

fn is_from_contact(message: &Message) -> bool {
    message.direction == Direction::Inbound && message.author == Author::Contact
}

fn reply_author(message: &Message) -> Option<Replier<'_>> {
    if message.direction != Direction::Outbound {
        return None;
    }
    match &message.author {
        Author::Bot => Some(Replier::Bot),
        Author::Agent { agent_id } => Some(Replier::Agent(agent_id)),
        Author::Contact | Author::System => None,
    }
}

/// Milliseconds from `from` to `to`; zero if the clock went backwards.
fn elapsed_ms(from: Timestamp, to: Timestamp) -> u64 {
    u64::try_from(to.millis() - from.millis()).unwrap_or(0)
}
