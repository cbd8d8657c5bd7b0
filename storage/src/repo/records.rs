//! How each engine record becomes a document: its id, its indexed fields and its body.

use super::schema::{
    ACCOUNT, ACTOR, AGENT, API_KEYS, AUDIT, BILLING_ACCOUNTS, BILLING_PLANS, BOT, BOTS, CALL_SID,
    CAMPAIGN, CAMPAIGN_MESSAGES, CAMPAIGN_RECIPIENTS, CAMPAIGNS, CANNED_RESPONSES, CHANNEL,
    CONTACT, CREATED, DAY, DELETED, DIRECTION, DUE, EMAIL, FINISHED, INBOUND_PROVIDER_ID, INSIGHTS,
    INTEGRATIONS, KNOWLEDGE_BASE, KNOWLEDGE_BASES, KNOWLEDGE_DOCUMENTS, LEAD, LEAD_EVENTS,
    LEAD_SETTINGS, LEADS, MESSAGES, NAME_ORDER, NEXT_ATTEMPT, NUMBER, ORGANISATIONS,
    OUTBOUND_PROVIDER_ID, OUTBOX, PHONE_NUMBER, PLACED, PUBLISH_AT, QUEUE, REFRESH_FAMILIES,
    REQUESTED, SEQ, SESSION, SESSIONS, SHARD, SHOP, SHOP_ORDERS, SHOPS, SHORTCUT, SOCIAL_POSTS,
    STATUS, TENANT, TIER_ORDER, TIMERS, UNFINISHED, USER, USERS, VOICE_AGENTS, VOICE_CALLS,
    VOICE_NUMBERS, WIDGET_KEY, WIDGET_USAGE,
};
use crate::backend::{CollectionSpec, Doc, DocumentBackend, FieldValue, Fields};
use crate::error::StorageError;
use botwot_engine::access::{
    ApiKey, AuditEntry, Organisation, PlanTier, RefreshFamily, UserAccount,
};
use botwot_engine::analytics::WidgetUsage;
use botwot_engine::billing::{BillingAccount, BillingPlan};
use botwot_engine::campaign::{Campaign, CampaignMessageRef, CampaignRecipient};
use botwot_engine::canned::CannedResponse;
use botwot_engine::channel::Channel;
use botwot_engine::commerce::{ShopConnection, TrackedOrder};
use botwot_engine::ids::TenantId;
use botwot_engine::insight::SessionInsight;
use botwot_engine::integration::ChannelIntegration;
use botwot_engine::knowledge::{KnowledgeBase, KnowledgeDocument};
use botwot_engine::leads::{Lead, LeadEvent, LeadSettings};
use botwot_engine::message::{Direction, Message};
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::social::SocialPost;
use botwot_engine::timer::DurableTimer;
use botwot_engine::voice::{VoiceCall, VoiceNumber};
use botwot_engine::voice_agent::VoiceAgent;
use botwot_engine::{BotProfile, SessionState, Timestamp};
use serde::Serialize;

pub(super) fn tenant(id: &TenantId) -> FieldValue {
    FieldValue::from(id.as_str())
}

pub(super) fn millis(at: Timestamp) -> FieldValue {
    FieldValue::I64(at.millis())
}

pub(super) fn doc<B: DocumentBackend, T: Serialize>(
    collection: &'static CollectionSpec,
    id: &str,
    fields: Fields,
    record: &T,
) -> Result<Doc<B::Body>, StorageError> {
    Ok(Doc {
        collection,
        id: id.to_owned(),
        fields,
        body: B::encode(record)?,
    })
}

pub(super) fn bot<B: DocumentBackend>(bot: &BotProfile) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(4);
    fields
        .set(TENANT, tenant(&bot.tenant_id))
        .set(WIDGET_KEY, FieldValue::from(bot.widget_key.as_str()))
        .set(CREATED, millis(bot.created_at))
        .set(DELETED, FieldValue::Bool(bot.deleted_at.is_some()));
    doc::<B, _>(&BOTS, bot.id.as_str(), fields, bot)
}

pub(super) fn integration<B: DocumentBackend>(
    integration: &ChannelIntegration,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields
        .set(TENANT, tenant(&integration.tenant_id))
        .set(CREATED, millis(integration.created_at));
    doc::<B, _>(&INTEGRATIONS, &integration.id, fields, integration)
}

pub(super) fn organisation<B: DocumentBackend>(
    organisation: &Organisation,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(1);
    fields.set(CREATED, millis(organisation.created_at));
    doc::<B, _>(
        &ORGANISATIONS,
        organisation.id.as_str(),
        fields,
        organisation,
    )
}

pub(super) fn user<B: DocumentBackend>(user: &UserAccount) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(3);
    fields
        .set(TENANT, tenant(&user.tenant_id))
        .set(EMAIL, FieldValue::from(user.email.as_str()))
        .set(CREATED, millis(user.created_at));
    doc::<B, _>(&USERS, user.id.as_str(), fields, user)
}

pub(super) fn refresh_family<B: DocumentBackend>(
    family: &RefreshFamily,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields
        .set(TENANT, tenant(&family.tenant_id))
        .set(USER, FieldValue::from(family.user_id.as_str()));
    doc::<B, _>(&REFRESH_FAMILIES, family.id.as_str(), fields, family)
}

pub(super) fn audit<B: DocumentBackend>(entry: &AuditEntry) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(3);
    fields
        .set(TENANT, tenant(&entry.tenant_id))
        .set(CREATED, millis(entry.at))
        .set(ACTOR, FieldValue::from(entry.actor.id.as_str()));
    doc::<B, _>(&AUDIT, entry.id.as_str(), fields, entry)
}

pub(super) fn api_key<B: DocumentBackend>(key: &ApiKey) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields
        .set(TENANT, tenant(&key.tenant_id))
        .set(CREATED, millis(key.created_at));
    doc::<B, _>(&API_KEYS, key.id.as_str(), fields, key)
}

pub(super) fn canned_response<B: DocumentBackend>(
    canned: &CannedResponse,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields.set(TENANT, tenant(&canned.tenant_id)).set(
        SHORTCUT,
        FieldValue::from(canned.settings.shortcut.as_str()),
    );
    doc::<B, _>(&CANNED_RESPONSES, canned.id.as_str(), fields, canned)
}

pub(super) fn insight<B: DocumentBackend>(
    insight: &SessionInsight,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields
        .set(TENANT, tenant(&insight.tenant_id))
        .set(CREATED, millis(insight.analysed_at));
    doc::<B, _>(&INSIGHTS, &insight.id(), fields, insight)
}

pub(super) fn campaign<B: DocumentBackend>(
    campaign: &Campaign,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(3);
    fields
        .set(TENANT, tenant(&campaign.tenant_id))
        .set(CREATED, millis(campaign.created_at))
        .set(STATUS, FieldValue::from(campaign.status.as_str()));
    doc::<B, _>(&CAMPAIGNS, campaign.id.as_str(), fields, campaign)
}

pub(super) fn campaign_recipient<B: DocumentBackend>(
    recipient: &CampaignRecipient,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(5);
    fields
        .set(TENANT, tenant(&recipient.tenant_id))
        .set(CAMPAIGN, FieldValue::from(recipient.campaign_id.as_str()))
        .set(CONTACT, FieldValue::from(recipient.phone.as_str()))
        .set(FINISHED, FieldValue::Bool(recipient.progress.is_finished()));
    if let Some(due) = recipient.due() {
        fields.set(DUE, millis(due));
    }
    doc::<B, _>(&CAMPAIGN_RECIPIENTS, &recipient.key(), fields, recipient)
}

pub(super) fn campaign_message<B: DocumentBackend>(
    sent: &CampaignMessageRef,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields
        .set(TENANT, tenant(&sent.tenant_id))
        .set(CONTACT, FieldValue::from(sent.phone.as_str()));
    doc::<B, _>(&CAMPAIGN_MESSAGES, &sent.key(), fields, sent)
}

/// A document with no indexed fields.
pub(super) fn plain<B: DocumentBackend, T: Serialize>(
    collection: &'static CollectionSpec,
    id: &str,
    record: &T,
) -> Result<Doc<B::Body>, StorageError> {
    doc::<B, _>(collection, id, Fields::default(), record)
}

pub(super) fn session<B: DocumentBackend>(
    session: &SessionState,
) -> Result<Doc<B::Body>, StorageError> {
    let key = &session.key;
    let mut fields = Fields::with_capacity(9);
    fields
        .set(TENANT, tenant(&key.tenant_id))
        .set(CHANNEL, FieldValue::from(key.channel.as_str()))
        .set(ACCOUNT, FieldValue::from(key.channel_account.as_str()))
        .set(CONTACT, FieldValue::from(key.contact.as_str()))
        .set(STATUS, FieldValue::from(session.status.as_str()))
        .set(BOT, FieldValue::from(session.bot_id.as_str()))
        .set(CREATED, millis(session.created_at))
        .set(QUEUE, FieldValue::from(session.queue().as_str()));
    if let Some(agent) = session.assigned_agent() {
        fields.set(AGENT, FieldValue::from(agent));
    }
    doc::<B, _>(&SESSIONS, session.id.as_str(), fields, session)
}

/// The provider id that makes `message` a redelivery when it is stored twice: inbound
/// messages only.
pub(super) fn deduplication_id(message: &Message) -> Option<&str> {
    match message.direction {
        Direction::Inbound => message.provider_message_id.as_deref(),
        Direction::Outbound | Direction::Internal => None,
    }
}

/// `channel` is needed (and kept) only for messages with a [`deduplication_id`].
pub(super) fn message<B: DocumentBackend>(
    message: &Message,
    channel: Option<Channel>,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(5);
    fields
        .set(TENANT, tenant(&message.tenant_id))
        .set(SESSION, FieldValue::from(message.session_id.as_str()))
        .set(SEQ, FieldValue::U64(message.seq));
    if let (Some(provider_id), Some(channel)) = (deduplication_id(message), channel) {
        fields
            .set(CHANNEL, FieldValue::from(channel.as_str()))
            .set(INBOUND_PROVIDER_ID, FieldValue::from(provider_id));
    }
    doc::<B, _>(&MESSAGES, message.id.as_str(), fields, message)
}

/// Indexes an outbound message under the id its channel gave it.
pub(super) fn set_outbound_provider_id(fields: &mut Fields, channel: Channel, provider_id: &str) {
    fields
        .set(CHANNEL, FieldValue::from(channel.as_str()))
        .set(OUTBOUND_PROVIDER_ID, FieldValue::from(provider_id));
}

/// A stored message with new content and the fields it was stored with.
pub(super) fn message_with_fields<B: DocumentBackend>(
    message: &Message,
    fields: Fields,
) -> Result<Doc<B::Body>, StorageError> {
    doc::<B, _>(&MESSAGES, message.id.as_str(), fields, message)
}

pub(super) fn timer<B: DocumentBackend>(
    timer: &DurableTimer,
) -> Result<Doc<B::Body>, StorageError> {
    let fields = scheduled(
        &timer.key.tenant_id,
        timer.session_id.as_str(),
        (DUE, timer.due_at),
        timer.shard,
    );
    doc::<B, _>(&TIMERS, timer.id.as_str(), fields, timer)
}

pub(super) fn outbox<B: DocumentBackend>(
    entry: &OutboxEntry,
) -> Result<Doc<B::Body>, StorageError> {
    let session = entry.message.session_id.as_str();
    let fields = scheduled(
        &entry.key.tenant_id,
        session,
        (NEXT_ATTEMPT, entry.next_attempt_at),
        entry.shard,
    );
    doc::<B, _>(&OUTBOX, entry.id(), fields, entry)
}

/// The fields of something a session schedules: its tenant, its session, when it is due and,
/// in a cluster, its shard.
fn scheduled(
    tenant_id: &TenantId,
    session: &str,
    (due, at): (&'static str, Timestamp),
    shard: Option<u32>,
) -> Fields {
    let mut fields = Fields::with_capacity(4);
    fields
        .set(TENANT, tenant(tenant_id))
        .set(SESSION, FieldValue::from(session))
        .set(due, millis(at));
    if let Some(shard) = shard {
        fields.set(SHARD, FieldValue::U64(u64::from(shard)));
    }
    fields
}

pub(super) fn knowledge_base<B: DocumentBackend>(
    base: &KnowledgeBase,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields
        .set(TENANT, tenant(&base.tenant_id))
        .set(CREATED, millis(base.created_at));
    doc::<B, _>(&KNOWLEDGE_BASES, base.id.as_str(), fields, base)
}

pub(super) fn knowledge_document<B: DocumentBackend>(
    document: &KnowledgeDocument,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(4);
    fields
        .set(TENANT, tenant(&document.tenant_id))
        .set(KNOWLEDGE_BASE, FieldValue::from(document.kb_id.as_str()))
        .set(CREATED, millis(document.created_at));
    if !document.progress.stage.is_final() {
        fields.set(UNFINISHED, millis(document.created_at));
    }
    doc::<B, _>(&KNOWLEDGE_DOCUMENTS, document.id.as_str(), fields, document)
}

pub(super) fn voice_agent<B: DocumentBackend>(
    agent: &VoiceAgent,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields.set(TENANT, tenant(&agent.tenant_id)).set(
        NAME_ORDER,
        FieldValue::from(agent.settings.name.to_lowercase().as_str()),
    );
    doc::<B, _>(&VOICE_AGENTS, agent.id.as_str(), fields, agent)
}

pub(super) fn billing_plan<B: DocumentBackend>(
    plan: &BillingPlan,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(1);
    fields.set(TIER_ORDER, tier_order(plan.tier));
    doc::<B, _>(&BILLING_PLANS, plan.tier.as_str(), fields, plan)
}

/// The tier's place in [`PlanTier::ALL`] (every tier has one).
fn tier_order(tier: PlanTier) -> FieldValue {
    let place = PlanTier::ALL
        .iter()
        .position(|candidate| *candidate == tier)
        .unwrap_or(PlanTier::ALL.len());
    FieldValue::U64(place as u64)
}

pub(super) fn billing_account<B: DocumentBackend>(
    account: &BillingAccount,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields.set(TENANT, tenant(&account.tenant_id));
    if let Some(due) = account.due() {
        fields.set(DUE, millis(due));
    }
    doc::<B, _>(
        &BILLING_ACCOUNTS,
        account.tenant_id.as_str(),
        fields,
        account,
    )
}

pub(super) fn social_post<B: DocumentBackend>(
    post: &SocialPost,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(4);
    fields
        .set(TENANT, tenant(&post.tenant_id))
        .set(STATUS, FieldValue::from(post.status.as_str()))
        .set(PUBLISH_AT, millis(post.publish_at));
    if let Some(due) = post.due() {
        fields.set(DUE, millis(due));
    }
    doc::<B, _>(&SOCIAL_POSTS, post.id.as_str(), fields, post)
}

pub(super) fn voice_number<B: DocumentBackend>(
    number: &VoiceNumber,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(3);
    fields
        .set(TENANT, tenant(&number.tenant))
        .set(PHONE_NUMBER, FieldValue::from(number.phone_number.as_str()))
        .set(CREATED, millis(number.created_at));
    doc::<B, _>(&VOICE_NUMBERS, number.id.as_str(), fields, number)
}

pub(super) fn voice_call<B: DocumentBackend>(
    call: &VoiceCall,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(8);
    fields
        .set(TENANT, tenant(&call.tenant))
        .set(REQUESTED, millis(call.requested_at))
        .set(DIRECTION, FieldValue::from(call.direction.as_str()))
        .set(STATUS, FieldValue::from(call.status.as_str()))
        .set(NUMBER, FieldValue::from(call.number_id.as_str()))
        .set(AGENT, FieldValue::from(call.agent_id.as_str()));
    if let Some(sid) = &call.call_sid {
        fields.set(CALL_SID, FieldValue::from(sid.as_str()));
    }
    if let Some(check_at) = call.check_at {
        fields.set(DUE, millis(check_at));
    }
    doc::<B, _>(&VOICE_CALLS, call.id.as_str(), fields, call)
}

pub(super) fn shop<B: DocumentBackend>(
    shop: &ShopConnection,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields
        .set(TENANT, tenant(&shop.tenant_id))
        .set(CREATED, millis(shop.created_at));
    doc::<B, _>(&SHOPS, &shop.domain, fields, shop)
}

pub(super) fn shop_order<B: DocumentBackend>(
    order: &TrackedOrder,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(6);
    fields
        .set(TENANT, tenant(&order.tenant_id))
        .set(SHOP, FieldValue::from(order.shop.as_str()))
        .set(STATUS, FieldValue::from(order.reminder_status.as_str()))
        .set(PLACED, millis(order.order.created_at));
    if let Some(due) = order.due() {
        fields.set(DUE, millis(due));
    }
    if let Some(contact) = &order.contact {
        fields.set(CONTACT, FieldValue::from(contact.as_str()));
    }
    doc::<B, _>(&SHOP_ORDERS, &order.id, fields, order)
}

pub(super) fn widget_usage<B: DocumentBackend>(
    usage: &WidgetUsage,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(2);
    fields
        .set(TENANT, tenant(&usage.tenant_id))
        .set(DAY, millis(usage.day));
    doc::<B, _>(&WIDGET_USAGE, &usage.id(), fields, usage)
}

pub(super) fn lead<B: DocumentBackend>(lead: &Lead) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(5);
    fields
        .set(TENANT, tenant(&lead.tenant_id))
        .set(CONTACT, FieldValue::from(lead.phone.as_str()))
        .set(STATUS, FieldValue::from(lead.stage.as_str()))
        .set(CREATED, millis(lead.created_at));
    if let Some(due) = lead.due() {
        fields.set(DUE, millis(due));
    }
    doc::<B, _>(&LEADS, lead.id.as_str(), fields, lead)
}

pub(super) fn lead_event<B: DocumentBackend>(
    event: &LeadEvent,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(3);
    fields
        .set(TENANT, tenant(&event.tenant_id))
        .set(LEAD, FieldValue::from(event.lead_id.as_str()))
        .set(CREATED, millis(event.at));
    doc::<B, _>(&LEAD_EVENTS, event.id.as_str(), fields, event)
}

pub(super) fn lead_settings<B: DocumentBackend>(
    settings: &LeadSettings,
) -> Result<Doc<B::Body>, StorageError> {
    let mut fields = Fields::with_capacity(1);
    fields.set(TENANT, tenant(&settings.tenant_id));
    doc::<B, _>(
        &LEAD_SETTINGS,
        settings.tenant_id.as_str(),
        fields,
        settings,
    )
}
