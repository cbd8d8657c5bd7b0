//! Builders of the records the cases store.

use botwot_engine::bot::{BotSettings, InactivityTimeouts};
use botwot_engine::channel::Channel;
use botwot_engine::ids::{MessageId, SessionId, TenantId};
use botwot_engine::message::{Author, Delivery, Direction, Message, MessageBody};
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::SessionCommit;
use botwot_engine::session::{SessionRules, SessionStatus};
use botwot_engine::timer::{DurableTimer, TimerKind};
use botwot_engine::{BotProfile, SessionKey, SessionState, Timestamp};

pub fn tenant(name: &str) -> TenantId {
    TenantId::new(name)
}

pub fn bot(tenant: &TenantId, name: &str, created_ms: i64) -> BotProfile {
    BotProfile::create(
        tenant.clone(),
        BotSettings::named(name),
        Timestamp(created_ms),
    )
}

pub fn key(tenant: &TenantId, channel: Channel, contact: &str) -> SessionKey {
    SessionKey::new(tenant.clone(), channel, "account-1", contact)
}

pub fn session(key: SessionKey, bot: &BotProfile, created_ms: i64) -> SessionState {
    let rules = SessionRules {
        timeouts: InactivityTimeouts::default(),
        warning_message: "still there?".to_owned(),
        closing_message: None,
        handover: Default::default(),
    };
    SessionState::new(key, bot.id.clone(), rules, Timestamp(created_ms))
}

/// A new session of `contact` on `channel`, answered by a bot of the tenant, created at 100 ms.
pub fn conversation(tenant: &TenantId, channel: Channel, contact: &str) -> SessionState {
    session(key(tenant, channel, contact), &bot(tenant, "Ava", 1), 100)
}

pub fn with_status(mut session: SessionState, status: SessionStatus) -> SessionState {
    session.status = status;
    session
}

/// A message of `session` from the contact, with the channel's own id when given.
pub fn inbound(session: &SessionState, seq: u64, text: &str, provider_id: Option<&str>) -> Message {
    Message {
        id: MessageId::generate(),
        tenant_id: session.key.tenant_id.clone(),
        session_id: session.id.clone(),
        seq,
        direction: Direction::Inbound,
        author: Author::Contact,
        body: MessageBody::text(text),
        provider_message_id: provider_id.map(str::to_owned),
        created_at: Timestamp(1_000 + seq as i64),
        delivery: Delivery::Received,
    }
}

/// A reply of the bot to the contact, not yet delivered.
pub fn outbound(session: &SessionState, seq: u64, text: &str) -> Message {
    Message {
        direction: Direction::Outbound,
        author: Author::Bot,
        provider_message_id: None,
        delivery: Delivery::Pending,
        ..inbound(session, seq, text, None)
    }
}

pub fn timer(session: &SessionState, kind: TimerKind, due_ms: i64) -> DurableTimer {
    DurableTimer::new(
        session.key.clone(),
        session.id.clone(),
        kind,
        Timestamp(due_ms),
    )
}

pub fn outbox(session: &SessionState, message: &Message, next_attempt_ms: i64) -> OutboxEntry {
    OutboxEntry::new(
        session.key.clone(),
        message.clone(),
        Timestamp(next_attempt_ms),
    )
}

/// A commit of the session state and these messages.
pub fn commit(session: &SessionState, messages: Vec<Message>) -> SessionCommit {
    SessionCommit {
        session: Some(session.clone()),
        messages,
        ..SessionCommit::default()
    }
}

/// An answered question: the contact's question (seq 1) and the bot's answer (seq 2), with the
/// answer's outbox entry and an auto-close timer, committed with `session` at `last_seq` 2.
pub struct Answered {
    pub state: SessionState,
    pub question: Message,
    pub answer: Message,
    pub commit: SessionCommit,
}

pub fn answered(
    session: &SessionState,
    question: &str,
    provider_id: &str,
    answer: &str,
) -> Answered {
    let mut state = session.clone();
    state.last_seq = 2;
    let question = inbound(&state, 1, question, Some(provider_id));
    let answer = outbound(&state, 2, answer);
    let mut commit = commit(&state, vec![question.clone(), answer.clone()]);
    commit.timers_set = vec![timer(&state, TimerKind::AutoClose, 5_000)];
    commit.outbox = vec![outbox(&state, &answer, 100)];
    Answered {
        state,
        question,
        answer,
        commit,
    }
}

/// The commit of a session's first message, from the contact.
pub fn opening(session: &SessionState, text: &str, provider_id: &str) -> SessionCommit {
    commit(session, vec![inbound(session, 1, text, Some(provider_id))])
}

pub fn seqs(messages: &[Message]) -> Vec<u64> {
    messages.iter().map(|message| message.seq).collect()
}

pub fn session_ids(sessions: &[SessionState]) -> Vec<SessionId> {
    sessions.iter().map(|session| session.id.clone()).collect()
}
