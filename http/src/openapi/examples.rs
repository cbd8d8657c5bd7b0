//! Example values of every type the API returns, with every optional field set, so the schemas
//! drawn from them list every field.

use crate::routes::cluster_admin::SessionPlacement;
use crate::routes::paging::Page;
use crate::routes::sessions::Transcript;
use botwot_cluster::{
    ClusterStatus, DeadLetter, InboundEnvelope, MemberStatus, SessionLocation, ShardId, ShardStatus,
};
use botwot_engine::analytics::{ConversationFacts, DashboardLayout, DashboardMetrics, ReportRange};
use botwot_engine::bot::{BotSettings, InactivityTimeouts, LlmProvider};
use botwot_engine::insight::{InsightResult, SessionInsight};
use botwot_engine::integration::{ChannelIntegration, IntegrationSettings};
use botwot_engine::message::{Author, Delivery, Direction, MessageBody};
use botwot_engine::session::{CloseReason, SessionRules, SessionStatus};
use botwot_engine::voice_agent::{VoiceAgent, VoiceAgentSettings, VoiceAgentWebhook};
use botwot_engine::{
    BotId, BotProfile, Channel, Message, MessageId, SessionId, SessionKey, SessionState, TenantId,
    Timestamp,
};

const AT: Timestamp = Timestamp(1_764_095_000_000);

pub fn bot_settings() -> BotSettings {
    let mut settings = BotSettings::named("Ava");
    settings.bot_greeting_message = "Hi! How can I help?".to_owned();
    settings.fallback_message = "Let me find someone who knows.".to_owned();
    settings.support_email = "help@shop.example".to_owned();
    settings.allowed_origins = vec!["https://shop.example".to_owned()];
    settings.knowledge_base_ids = vec!["kb_returns".to_owned()];
    settings.agents_goals = vec!["answer order questions".to_owned()];
    settings.conversation_guidelines = vec!["be brief".to_owned()];
    settings.session_policy.warning_message = Some("Still there?".to_owned());
    settings.session_policy.closing_message = Some("Chat closed. Write again any time.".to_owned());
    settings.session_policy.per_channel.insert(
        Channel::WhatsApp,
        InactivityTimeouts {
            warn_after_secs: 0,
            close_after_secs: 3_600,
        },
    );
    settings
}

pub fn bot() -> BotProfile {
    let mut bot = BotProfile::create(TenantId::from("default"), bot_settings(), AT);
    bot.deleted_at = Some(AT);
    bot
}

/// A page holding `item`, with more to come.
fn page_of<T>(item: T) -> Page<T> {
    Page {
        items: vec![item],
        next_cursor: Some("opaque-cursor".to_owned()),
    }
}

pub fn bot_page() -> Page<BotProfile> {
    page_of(bot())
}

pub fn voice_agent_settings() -> VoiceAgentSettings {
    let mut settings = VoiceAgentSettings::named("Front desk");
    settings.external_agent_id = Some("agent_7301k2e9".to_owned());
    settings.languages = vec!["en-US".to_owned(), "es".to_owned()];
    settings.stt_config.language = Some("en-US".to_owned());
    settings.tts_config.voice = "21m00Tcm4TlvDq8ikWAM".to_owned();
    settings.knowledge_base_ids = vec!["kb_returns".into()];
    settings.prompt_config.system_prompt = "You answer the shop's phone.".to_owned();
    settings.prompt_config.behavioral_prompt = "Speak briefly; confirm before booking.".to_owned();
    settings.prompt_config.greeting = "Hello, thanks for calling!".to_owned();
    settings.prompt_config.fallback_message = "Let me put you through to someone.".to_owned();
    settings.end_call_phrases = vec!["goodbye".to_owned()];
    settings.webhooks = vec![VoiceAgentWebhook {
        name: "book_visit".to_owned(),
        url: "https://shop.example/hooks/book".to_owned(),
        description: "Books a visit; takes a date and a name.".to_owned(),
    }];
    settings
}

pub fn voice_agent() -> VoiceAgent {
    VoiceAgent::create(TenantId::from("default"), voice_agent_settings(), AT)
}

pub fn voice_agent_page() -> Page<VoiceAgent> {
    page_of(voice_agent())
}

pub fn session() -> SessionState {
    let bot = bot();
    let key = SessionKey::new(
        bot.tenant_id.clone(),
        Channel::Web,
        bot.id.as_str(),
        "v_1f3a",
    );
    let rules = SessionRules::from_bot(&bot, Channel::Web);
    let mut session = SessionState::new(key, BotId::from(bot.id.as_str()), rules, AT);
    session.status = SessionStatus::Closed;
    session.closed_at = Some(AT);
    session.close_reason = Some(CloseReason::Api);
    session.warn_due_at = Some(AT);
    session.close_due_at = Some(AT);
    session.escalated_at = Some(AT);
    session.last_seq = 2;
    session.greeted = true;
    session
}

pub fn insight() -> SessionInsight {
    let session = session();
    SessionInsight {
        tenant_id: session.key.tenant_id.clone(),
        session_id: session.id.clone(),
        result: InsightResult::Sentiment {
            positive: 20,
            negative: 65,
            neutral: 15,
        },
        through_seq: session.last_seq,
        provider: LlmProvider::Openai,
        analysed_at: AT,
    }
}

pub fn insight_result() -> InsightResult {
    insight().result
}

pub fn insights() -> Vec<SessionInsight> {
    vec![insight()]
}

pub fn session_page() -> Page<SessionState> {
    page_of(session())
}

pub fn message() -> Message {
    Message {
        id: MessageId::generate(),
        tenant_id: TenantId::from("default"),
        session_id: SessionId::generate(),
        seq: 2,
        direction: Direction::Inbound,
        author: Author::Contact,
        body: MessageBody::text("Where is my order?"),
        provider_message_id: Some("c_8e1d".to_owned()),
        created_at: AT,
        delivery: Delivery::Received,
    }
}

pub fn transcript() -> Transcript {
    Transcript {
        items: vec![message()],
        next_after_seq: Some(2),
    }
}

pub fn integration_settings() -> IntegrationSettings {
    IntegrationSettings {
        blocked_contacts: Vec::new(),
        allowed_contacts: Vec::new(),
        comment_replies: Default::default(),
        business_account_id: Some("102290129340398".to_owned()),
        channel: Channel::WhatsApp,
        account_id: "106540352242922".to_owned(),
        bot_id: bot().id,
        display_name: "Support line".to_owned(),
        ai_enabled: true,
        access_token: None,
    }
}

pub fn integration() -> ChannelIntegration {
    ChannelIntegration::create(TenantId::from("default"), integration_settings(), AT)
}

pub fn integration_page() -> Page<ChannelIntegration> {
    page_of(integration())
}

/// The figures of a day holding the example conversation, answered by the bot after 2 s and
/// then by an agent.
pub fn dashboard_metrics() -> DashboardMetrics {
    let range = ReportRange::last_days(Timestamp(AT.millis() + 60_000), 1).unwrap_or(ReportRange {
        from: AT,
        to: Timestamp(AT.millis() + 1),
    });
    let session = session();
    let mut reply = message();
    reply.seq = 3;
    reply.direction = Direction::Outbound;
    reply.author = Author::Bot;
    reply.created_at = Timestamp(AT.millis() + 2_000);
    let mut agent_reply = reply.clone();
    agent_reply.seq = 4;
    agent_reply.author = Author::Agent {
        agent_id: "usr_01a1b2c3d4e5f60718293a4b5c6d7e8f".into(),
    };
    agent_reply.created_at = Timestamp(AT.millis() + 60_000);
    let facts = ConversationFacts::from_transcript(&session, &[message(), reply, agent_reply]);
    DashboardMetrics::compute(range, &[facts], false)
}

pub fn dashboard_layout() -> DashboardLayout {
    DashboardLayout::default()
}

/// What `GET /v1/admin/cluster` shows: two members, one of them draining.
pub fn cluster_status() -> ClusterStatus {
    let member = |node_id: &str, address: &str, draining: bool| MemberStatus {
        node_id: node_id.to_owned(),
        address: address.to_owned(),
        started_at: AT.millis().unsigned_abs(),
        actors: 412,
        shards_held: 128,
        shards_placed: if draining { 0 } else { 256 },
        draining,
    };
    ClusterStatus {
        answered_by: "botwot-a-1f3a9c2e".to_owned(),
        shard_count: 256,
        members: vec![
            member("botwot-a-1f3a9c2e", "10.0.0.11:8080", false),
            member("botwot-b-77d0e5a1", "10.0.0.12:8080", true),
        ],
        // A map from shard number to node id; empty unless an operator moved a shard.
        pins: std::collections::BTreeMap::new(),
        dead_letters: 3,
    }
}

/// One shard of the map, moving: placement already puts it on `a`, `b` still holds its lease.
pub fn shard_status() -> ShardStatus {
    ShardStatus {
        shard: 17,
        placed_on: Some("botwot-a-1f3a9c2e".to_owned()),
        held_by: Some("botwot-b-77d0e5a1".to_owned()),
        epoch: Some(42),
        pinned: true,
    }
}

pub fn shard_map() -> Vec<ShardStatus> {
    vec![shard_status()]
}

pub fn session_placement() -> SessionPlacement {
    let session = session();
    SessionPlacement {
        session_id: session.id.to_string(),
        key: session.key,
        location: SessionLocation {
            shard: 17,
            placed_on: Some("botwot-a-1f3a9c2e".to_owned()),
            held_by: Some("botwot-a-1f3a9c2e".to_owned()),
            epoch: Some(42),
        },
    }
}

/// A WhatsApp message that failed on every delivery.
pub fn dead_letters() -> Vec<DeadLetter> {
    let key = SessionKey::new(
        TenantId::from("default"),
        Channel::WhatsApp,
        "106540352242922",
        "919800000001",
    );
    vec![DeadLetter {
        message_id: "wamid.HBgMOTE5ODAwMDAwMDAx".to_owned(),
        shard: Some(ShardId(17)),
        reason: Some("delivery_limit".to_owned()),
        envelope: Some(InboundEnvelope {
            message_id: "wamid.HBgMOTE5ODAwMDAwMDAx".to_owned(),
            key,
            kind: "session_event".to_owned(),
            body: serde_json::json!({"event": "inbound"}),
            received_at: AT.millis(),
            reply_to: Some("botwot.replies.botwot-a-1f3a9c2e".to_owned()),
        }),
        payload: r#"{"messageId":"wamid.HBgMOTE5ODAwMDAwMDAx"}"#.to_owned(),
    }]
}
