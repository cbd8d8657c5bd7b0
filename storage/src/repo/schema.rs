//! The collections of BotWot, their fields and their indexes.
//!
//! Every index that serves a tenant's reads starts with the tenant. A few lookups are global by
//! nature: a widget key (it is how a widget's tenant is found), a user's email (signing in names
//! no organisation), the node-wide scans of timers (loaded once at start), of the outbox
//! (drained by the delivery loop), of social posts due (taken up by the publisher), of shop orders due (taken up by the reminder worker; a shop is found by the domain its webhooks name) and of calls
//! due a check (taken up by the call keeper), billing's (plans are the operator's, accounts are
//! swept by when their grant runs out, and the payment provider's ids and events name no
//! organisation), and voice's (a phone number is connected by one organisation at most, and
//! Twilio's call ids are its own).

use crate::backend::{CollectionSpec, IndexSpec};

pub const TENANT: &str = "tenant";
pub const CREATED: &str = "createdMs";
pub const CHANNEL: &str = "channel";
pub const ACCOUNT: &str = "account";
pub const CONTACT: &str = "contact";
pub const STATUS: &str = "status";
pub const BOT: &str = "botId";
pub const WIDGET_KEY: &str = "widgetKey";
pub const DELETED: &str = "deleted";
pub const SESSION: &str = "sessionId";
pub const SEQ: &str = "seq";
/// Set only on inbound messages that carry a provider message id.
pub const INBOUND_PROVIDER_ID: &str = "inboundProviderId";
/// Set only on outbound messages a channel accepted and named (a `wamid`, a `mid`).
pub const OUTBOUND_PROVIDER_ID: &str = "outboundProviderId";
pub const DUE: &str = "dueMs";
pub const NEXT_ATTEMPT: &str = "nextAttemptMs";
/// The cluster shard of a session's timer or outbox entry (absent on a single node).
pub const SHARD: &str = "shard";
pub const EMAIL: &str = "email";
pub const USER: &str = "userId";
pub const ACTOR: &str = "actorId";
/// A session's console queue (`bot`, `waiting`, `agent`, `closed`).
pub const QUEUE: &str = "queue";
/// Set only on sessions an agent owns; on calls, the voice agent that speaks on them.
pub const AGENT: &str = "agentId";
pub const SHORTCUT: &str = "shortcut";
pub const KNOWLEDGE_BASE: &str = "kbId";
/// Set only on documents whose ingestion has not finished (the time they were added).
pub const UNFINISHED: &str = "unfinishedMs";
pub const RECEIVED: &str = "receivedMs";
/// The message (tenant, channel and provider id) an early delivery report is about.
pub const PARKED_FOR: &str = "parkedFor";
/// A name folded to lowercase, so listings sort the way people read them.
pub const NAME_ORDER: &str = "nameOrder";
pub const CAMPAIGN: &str = "campaignId";
/// Whether a campaign recipient's journey ended.
pub const FINISHED: &str = "finished";
/// A billing plan's tier's place in `PlanTier::ALL`, so plans list in tier order.
pub const TIER_ORDER: &str = "tierOrder";
/// When a social post was asked to appear.
pub const PUBLISH_AT: &str = "publishMs";
/// A voice number's phone number, in E.164 form.
pub const PHONE_NUMBER: &str = "phoneNumber";
/// The voice number a call is on.
pub const NUMBER: &str = "numberId";
/// Whether a call rang in or was placed (`inbound`, `outbound`).
pub const DIRECTION: &str = "direction";
/// When a call was asked for or rang in.
pub const REQUESTED: &str = "requestedMs";
/// Set only on calls Twilio has named: its `CA…` id.
pub const CALL_SID: &str = "callSid";
/// The `*.myshopify.com` domain of the shop an order is from.
pub const SHOP: &str = "shop";
/// When a shop's order was placed.
pub const PLACED: &str = "placedMs";
/// Midnight UTC of a day counted.
pub const DAY: &str = "dayMs";
/// The lead an entry of a lead's history is about.
pub const LEAD: &str = "leadId";

pub static BOTS_BY_WIDGET_KEY: IndexSpec = IndexSpec::unique("widget_key", &[WIDGET_KEY]);
pub static BOTS_BY_CREATED: IndexSpec = IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static BOTS: CollectionSpec = CollectionSpec {
    name: "bots",
    fields: &[TENANT, WIDGET_KEY, CREATED, DELETED],
    indexes: &[&BOTS_BY_WIDGET_KEY, &BOTS_BY_CREATED],
};

/// One session per key: tenant, channel, channel account, contact.
pub static SESSIONS_BY_KEY: IndexSpec =
    IndexSpec::unique("session_key", &[TENANT, CHANNEL, ACCOUNT, CONTACT]);
pub static SESSIONS_BY_CREATED: IndexSpec =
    IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static SESSIONS_BY_STATUS: IndexSpec =
    IndexSpec::ordered("tenant_status_created", &[TENANT, STATUS, CREATED]);
pub static SESSIONS_BY_CHANNEL: IndexSpec =
    IndexSpec::ordered("tenant_channel_created", &[TENANT, CHANNEL, CREATED]);
pub static SESSIONS_BY_BOT: IndexSpec =
    IndexSpec::ordered("tenant_bot_created", &[TENANT, BOT, CREATED]);
pub static SESSIONS: CollectionSpec = CollectionSpec {
    name: "sessions",
    fields: &[
        TENANT, CHANNEL, ACCOUNT, CONTACT, STATUS, BOT, CREATED, QUEUE, AGENT,
    ],
    indexes: &[
        &SESSIONS_BY_KEY,
        &SESSIONS_BY_CREATED,
        &SESSIONS_BY_STATUS,
        &SESSIONS_BY_CHANNEL,
        &SESSIONS_BY_BOT,
    ],
};

pub static MESSAGES_BY_SEQ: IndexSpec =
    IndexSpec::unique("tenant_session_seq", &[TENANT, SESSION, SEQ]);
/// A provider message id is stored once per tenant and channel: redeliveries are refused.
pub static MESSAGES_BY_PROVIDER_ID: IndexSpec = IndexSpec::unique(
    "tenant_channel_provider_id",
    &[TENANT, CHANNEL, INBOUND_PROVIDER_ID],
);
/// Status callbacks name the outbound message by the id its channel gave it.
pub static MESSAGES_BY_OUTBOUND_PROVIDER_ID: IndexSpec = IndexSpec::ordered(
    "tenant_channel_outbound_provider_id",
    &[TENANT, CHANNEL, OUTBOUND_PROVIDER_ID],
);
pub static MESSAGES: CollectionSpec = CollectionSpec {
    name: "messages",
    fields: &[
        TENANT,
        SESSION,
        SEQ,
        CHANNEL,
        INBOUND_PROVIDER_ID,
        OUTBOUND_PROVIDER_ID,
    ],
    // Unique keys are checked in this order: a redelivery that also reuses a sequence number is
    // reported as the redelivery it is.
    indexes: &[
        &MESSAGES_BY_PROVIDER_ID,
        &MESSAGES_BY_SEQ,
        &MESSAGES_BY_OUTBOUND_PROVIDER_ID,
    ],
};

pub static TIMERS_BY_DUE: IndexSpec = IndexSpec::ordered("due", &[DUE]);
/// A cluster node adopting a shard reads that shard's timers only.
pub static TIMERS_BY_SHARD: IndexSpec = IndexSpec::ordered("shard_due", &[SHARD, DUE]);
pub static TIMERS: CollectionSpec = CollectionSpec {
    name: "timers",
    fields: &[TENANT, SESSION, DUE, SHARD],
    indexes: &[&TIMERS_BY_DUE, &TIMERS_BY_SHARD],
};

pub static OUTBOX_BY_NEXT_ATTEMPT: IndexSpec = IndexSpec::ordered("next_attempt", &[NEXT_ATTEMPT]);
/// A cluster node adopting a shard reads that shard's unsent messages only.
pub static OUTBOX_BY_SHARD: IndexSpec =
    IndexSpec::ordered("shard_next_attempt", &[SHARD, NEXT_ATTEMPT]);
pub static OUTBOX: CollectionSpec = CollectionSpec {
    name: "outbox",
    fields: &[TENANT, SESSION, NEXT_ATTEMPT, SHARD],
    indexes: &[&OUTBOX_BY_NEXT_ATTEMPT, &OUTBOX_BY_SHARD],
};

/// Channel integrations; the id is the channel and account, unique across tenants.
pub static INTEGRATIONS_BY_CREATED: IndexSpec =
    IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static INTEGRATIONS: CollectionSpec = CollectionSpec {
    name: "integrations",
    fields: &[TENANT, CREATED],
    indexes: &[&INTEGRATIONS_BY_CREATED],
};

/// Organisations; the id is the tenant.
pub static ORGANISATIONS: CollectionSpec = CollectionSpec {
    name: "organisations",
    fields: &[CREATED],
    indexes: &[],
};

/// Users; an email signs in to one organisation, so it is unique across all of them.
pub static USERS_BY_EMAIL: IndexSpec = IndexSpec::unique("email", &[EMAIL]);
pub static USERS_BY_CREATED: IndexSpec = IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static USERS: CollectionSpec = CollectionSpec {
    name: "users",
    fields: &[TENANT, EMAIL, CREATED],
    indexes: &[&USERS_BY_EMAIL, &USERS_BY_CREATED],
};

/// Pending one-time codes; the id is the purpose and the email.
pub static OTP_CHALLENGES: CollectionSpec = CollectionSpec {
    name: "otp_challenges",
    fields: &[],
    indexes: &[],
};

/// Refresh-token families, found by the id their tokens carry; by user to end every sign-in.
pub static REFRESH_FAMILIES_BY_USER: IndexSpec = IndexSpec::ordered("tenant_user", &[TENANT, USER]);
pub static REFRESH_FAMILIES: CollectionSpec = CollectionSpec {
    name: "refresh_families",
    fields: &[TENANT, USER],
    indexes: &[&REFRESH_FAMILIES_BY_USER],
};

/// One document per spent refresh token (the id is its digest): inserting it is how a rotation
/// claims the token, so two rotations with one token cannot both succeed.
pub static REFRESH_SPENT: CollectionSpec = CollectionSpec {
    name: "refresh_spent",
    fields: &[],
    indexes: &[],
};

/// API keys; found by id (the presented key names it), listed newest first per tenant.
pub static API_KEYS_BY_CREATED: IndexSpec =
    IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static API_KEYS: CollectionSpec = CollectionSpec {
    name: "api_keys",
    fields: &[TENANT, CREATED],
    indexes: &[&API_KEYS_BY_CREATED],
};

/// The audit log: newest first per tenant, filtered by actor.
pub static AUDIT_BY_TIME: IndexSpec = IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static AUDIT: CollectionSpec = CollectionSpec {
    name: "audit",
    fields: &[TENANT, CREATED, ACTOR],
    indexes: &[&AUDIT_BY_TIME],
};

/// Canned responses: one shortcut per tenant, listed in shortcut order.
pub static CANNED_BY_SHORTCUT: IndexSpec =
    IndexSpec::unique("tenant_shortcut", &[TENANT, SHORTCUT]);
pub static CANNED_RESPONSES: CollectionSpec = CollectionSpec {
    name: "canned_responses",
    fields: &[TENANT, SHORTCUT],
    indexes: &[&CANNED_BY_SHORTCUT],
};

/// Knowledge bases, newest first per tenant.
pub static KNOWLEDGE_BASES_BY_CREATED: IndexSpec =
    IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static KNOWLEDGE_BASES: CollectionSpec = CollectionSpec {
    name: "knowledge_bases",
    fields: &[TENANT, CREATED],
    indexes: &[&KNOWLEDGE_BASES_BY_CREATED],
};

/// Knowledge documents: newest first per base, counted per tenant, and the node-wide scan of
/// unfinished ingestions a starting node resumes.
pub static DOCUMENTS_BY_BASE: IndexSpec =
    IndexSpec::ordered("tenant_kb_created", &[TENANT, KNOWLEDGE_BASE, CREATED]);
pub static DOCUMENTS_BY_CREATED: IndexSpec =
    IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static DOCUMENTS_UNFINISHED: IndexSpec = IndexSpec::ordered("unfinished", &[UNFINISHED]);
pub static KNOWLEDGE_DOCUMENTS: CollectionSpec = CollectionSpec {
    name: "knowledge_documents",
    fields: &[TENANT, KNOWLEDGE_BASE, CREATED, UNFINISHED],
    indexes: &[
        &DOCUMENTS_BY_BASE,
        &DOCUMENTS_BY_CREATED,
        &DOCUMENTS_UNFINISHED,
    ],
};

/// Voice agents, listed in name order (ignoring case) per tenant.
pub static VOICE_AGENTS_BY_NAME: IndexSpec =
    IndexSpec::ordered("tenant_name", &[TENANT, NAME_ORDER]);
pub static VOICE_AGENTS: CollectionSpec = CollectionSpec {
    name: "voice_agents",
    fields: &[TENANT, NAME_ORDER],
    indexes: &[&VOICE_AGENTS_BY_NAME],
};

/// Commit journals: on a backend without atomic batches, the record of a session commit being
/// written, deleted once it is (see `repo/journal.rs`); the id is the session key, so a session
/// has at most one. Scanned whole by recovery, per tenant by erasure.
pub static JOURNALS_BY_TENANT: IndexSpec = IndexSpec::ordered("tenant", &[TENANT]);
pub static COMMIT_JOURNALS: CollectionSpec = CollectionSpec {
    name: "commit_journals",
    fields: &[TENANT],
    indexes: &[&JOURNALS_BY_TENANT],
};

/// Delivery reports that arrived before the outbox recorded the provider id they name: one
/// document per reported state, its id the tenant, channel, provider id and state, found by the
/// message it is about (`PARKED_FOR`). Purged by age, erased per tenant.
pub static EARLY_DELIVERIES_BY_TENANT: IndexSpec = IndexSpec::ordered("tenant", &[TENANT]);
pub static EARLY_DELIVERIES_BY_RECEIVED: IndexSpec = IndexSpec::ordered("received", &[RECEIVED]);
pub static EARLY_DELIVERIES_BY_MESSAGE: IndexSpec = IndexSpec::ordered("parked_for", &[PARKED_FOR]);
pub static EARLY_DELIVERIES: CollectionSpec = CollectionSpec {
    name: "early_deliveries",
    fields: &[TENANT, RECEIVED, PARKED_FOR],
    indexes: &[
        &EARLY_DELIVERIES_BY_TENANT,
        &EARLY_DELIVERIES_BY_RECEIVED,
        &EARLY_DELIVERIES_BY_MESSAGE,
    ],
};

/// Campaigns, newest first per tenant, and by status.
pub static CAMPAIGNS_BY_CREATED: IndexSpec =
    IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static CAMPAIGNS_BY_STATUS: IndexSpec =
    IndexSpec::ordered("tenant_status_created", &[TENANT, STATUS, CREATED]);
/// Every tenant's campaigns in one status: the runner's work at start.
pub static CAMPAIGNS_IN_STATUS: IndexSpec =
    IndexSpec::ordered("status_created", &[STATUS, CREATED]);
pub static CAMPAIGNS: CollectionSpec = CollectionSpec {
    name: "campaigns",
    fields: &[TENANT, CREATED, STATUS],
    indexes: &[
        &CAMPAIGNS_BY_CREATED,
        &CAMPAIGNS_BY_STATUS,
        &CAMPAIGNS_IN_STATUS,
    ],
};

/// The recipients of campaigns: the id is the campaign and the phone number (`CONTACT`), one
/// per pair; listed per campaign in phone order, found per contact for data rights, by when
/// they are due (`DUE`, absent while a recipient waits for a report or is finished) for the
/// runner, and by whether they finished.
pub static RECIPIENTS_BY_CAMPAIGN: IndexSpec =
    IndexSpec::unique("tenant_campaign_contact", &[TENANT, CAMPAIGN, CONTACT]);
pub static RECIPIENTS_BY_CONTACT: IndexSpec =
    IndexSpec::ordered("tenant_contact", &[TENANT, CONTACT]);
pub static RECIPIENTS_BY_DUE: IndexSpec = IndexSpec::ordered("campaign_due", &[CAMPAIGN, DUE]);
pub static RECIPIENTS_BY_FINISHED: IndexSpec =
    IndexSpec::ordered("campaign_finished", &[CAMPAIGN, FINISHED]);
pub static CAMPAIGN_RECIPIENTS: CollectionSpec = CollectionSpec {
    name: "campaign_recipients",
    fields: &[TENANT, CAMPAIGN, CONTACT, DUE, FINISHED],
    indexes: &[
        &RECIPIENTS_BY_CAMPAIGN,
        &RECIPIENTS_BY_CONTACT,
        &RECIPIENTS_BY_DUE,
        &RECIPIENTS_BY_FINISHED,
    ],
};

/// Campaign messages the channel took, by the number they were sent from and the id the
/// channel gave them (the document id), so delivery reports find their recipient; per contact
/// and per tenant for data rights.
pub static CAMPAIGN_MESSAGES_BY_CONTACT: IndexSpec =
    IndexSpec::ordered("tenant_contact", &[TENANT, CONTACT]);
pub static CAMPAIGN_MESSAGES: CollectionSpec = CollectionSpec {
    name: "campaign_messages",
    fields: &[TENANT, CONTACT],
    indexes: &[&CAMPAIGN_MESSAGES_BY_CONTACT],
};

/// Billing plans, one per priced tier (the id is the tier's name); operator-level, so no tenant.
/// Listed whole in tier order.
pub static BILLING_PLANS_BY_TIER: IndexSpec = IndexSpec::ordered("tier_order", &[TIER_ORDER]);
pub static BILLING_PLANS: CollectionSpec = CollectionSpec {
    name: "billing_plans",
    fields: &[TIER_ORDER],
    indexes: &[&BILLING_PLANS_BY_TIER],
};

/// Organisations' billing accounts (the id is the tenant), found by when their grant runs out
/// (`DUE`, absent while nothing is granted) so lapsed grants are decided again.
pub static BILLING_ACCOUNTS_BY_DUE: IndexSpec = IndexSpec::ordered("due", &[DUE]);
pub static BILLING_ACCOUNTS: CollectionSpec = CollectionSpec {
    name: "billing_accounts",
    fields: &[TENANT, DUE],
    indexes: &[&BILLING_ACCOUNTS_BY_DUE],
};

/// The organisation each of the payment provider's subscription and order ids belongs to (the
/// id is the provider's); per tenant for erasure.
pub static BILLING_REFERENCES_BY_TENANT: IndexSpec = IndexSpec::ordered("tenant", &[TENANT]);
pub static BILLING_REFERENCES: CollectionSpec = CollectionSpec {
    name: "billing_references",
    fields: &[TENANT],
    indexes: &[&BILLING_REFERENCES_BY_TENANT],
};

/// The payment provider's events already handled (the id is the provider's event id): inserting
/// one is how a webhook claims it, so a redelivered event is handled once; by when they came
/// (`RECEIVED`), so old ones are forgotten once the provider stopped redelivering.
pub static BILLING_EVENTS_BY_RECEIVED: IndexSpec = IndexSpec::ordered("received", &[RECEIVED]);
pub static BILLING_EVENTS: CollectionSpec = CollectionSpec {
    name: "billing_events",
    fields: &[RECEIVED],
    indexes: &[&BILLING_EVENTS_BY_RECEIVED],
};

/// Posts on Facebook pages and Instagram accounts (the id is the post's): latest first per
/// tenant by when they were asked to appear (`PUBLISH_AT`), and by status; every tenant's by
/// when the publisher takes them up (`DUE`, absent once nothing is left to do).
pub static SOCIAL_POSTS_BY_PUBLISH: IndexSpec =
    IndexSpec::ordered("tenant_publish", &[TENANT, PUBLISH_AT]);
pub static SOCIAL_POSTS_BY_STATUS: IndexSpec =
    IndexSpec::ordered("tenant_status_publish", &[TENANT, STATUS, PUBLISH_AT]);
pub static SOCIAL_POSTS_BY_DUE: IndexSpec = IndexSpec::ordered("due", &[DUE]);
pub static SOCIAL_POSTS: CollectionSpec = CollectionSpec {
    name: "social_posts",
    fields: &[TENANT, STATUS, PUBLISH_AT, DUE],
    indexes: &[
        &SOCIAL_POSTS_BY_PUBLISH,
        &SOCIAL_POSTS_BY_STATUS,
        &SOCIAL_POSTS_BY_DUE,
    ],
};

/// Phone numbers connected from organisations' Twilio accounts (the id is the number's): a
/// phone number is connected once across every organisation; most recently connected first per
/// tenant.
pub static VOICE_NUMBERS_BY_PHONE: IndexSpec = IndexSpec::unique("phone_number", &[PHONE_NUMBER]);
pub static VOICE_NUMBERS_BY_CREATED: IndexSpec =
    IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static VOICE_NUMBERS: CollectionSpec = CollectionSpec {
    name: "voice_numbers",
    fields: &[TENANT, PHONE_NUMBER, CREATED],
    indexes: &[&VOICE_NUMBERS_BY_PHONE, &VOICE_NUMBERS_BY_CREATED],
};

/// Phone calls (the id is the call's): found by Twilio's id (`CALL_SID`, unique, absent until
/// Twilio named the call); latest requested first per tenant, with the direction, status, number
/// and agent checked on each entry; every tenant's by when the keeper checks them (`DUE`, absent
/// once nothing is awaited).
pub static VOICE_CALLS_BY_SID: IndexSpec = IndexSpec::unique("call_sid", &[CALL_SID]);
pub static VOICE_CALLS_BY_REQUESTED: IndexSpec =
    IndexSpec::ordered("tenant_requested", &[TENANT, REQUESTED]);
pub static VOICE_CALLS_BY_DUE: IndexSpec = IndexSpec::ordered("due", &[DUE]);
pub static VOICE_CALLS: CollectionSpec = CollectionSpec {
    name: "voice_calls",
    fields: &[
        TENANT, CALL_SID, REQUESTED, DIRECTION, STATUS, NUMBER, AGENT, DUE,
    ],
    indexes: &[
        &VOICE_CALLS_BY_SID,
        &VOICE_CALLS_BY_REQUESTED,
        &VOICE_CALLS_BY_DUE,
    ],
};

/// Analyses of sessions (conversation intelligence), one per session and kind (the id is
/// `{session}:{kind}`), newest first per tenant.
pub static INSIGHTS_BY_ANALYSED: IndexSpec =
    IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static INSIGHTS: CollectionSpec = CollectionSpec {
    name: "insights",
    fields: &[TENANT, CREATED],
    indexes: &[&INSIGHTS_BY_ANALYSED],
};

/// Shops organisations connected (the id is the shop's domain, so a shop is connected once across
/// every organisation, and a webhook finds it by the domain it names); most recently connected
/// first per tenant.
pub static SHOPS_BY_CREATED: IndexSpec = IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static SHOPS: CollectionSpec = CollectionSpec {
    name: "shops",
    fields: &[TENANT, CREATED],
    indexes: &[&SHOPS_BY_CREATED],
};

/// Orders of connected shops (the id is `{shop}:{order id}`): latest placed first per tenant, per
/// shop, per reminder status and per both; every tenant's by when the reminder worker acts on
/// them (`DUE`, absent once nothing is left to do).
pub static SHOP_ORDERS_BY_PLACED: IndexSpec =
    IndexSpec::ordered("tenant_placed", &[TENANT, PLACED]);
pub static SHOP_ORDERS_BY_SHOP: IndexSpec =
    IndexSpec::ordered("tenant_shop_placed", &[TENANT, SHOP, PLACED]);
pub static SHOP_ORDERS_BY_STATUS: IndexSpec =
    IndexSpec::ordered("tenant_status_placed", &[TENANT, STATUS, PLACED]);
pub static SHOP_ORDERS_BY_SHOP_STATUS: IndexSpec =
    IndexSpec::ordered("tenant_shop_status_placed", &[TENANT, SHOP, STATUS, PLACED]);
pub static SHOP_ORDERS_BY_DUE: IndexSpec = IndexSpec::ordered("due", &[DUE]);
/// A customer's orders (`CONTACT`, their WhatsApp number, absent when the order has none): what
/// the data-rights routes export and erase.
pub static SHOP_ORDERS_BY_CONTACT: IndexSpec =
    IndexSpec::ordered("tenant_contact_placed", &[TENANT, CONTACT, PLACED]);
pub static SHOP_ORDERS: CollectionSpec = CollectionSpec {
    name: "shop_orders",
    fields: &[TENANT, SHOP, STATUS, PLACED, DUE, CONTACT],
    indexes: &[
        &SHOP_ORDERS_BY_PLACED,
        &SHOP_ORDERS_BY_SHOP,
        &SHOP_ORDERS_BY_STATUS,
        &SHOP_ORDERS_BY_SHOP_STATUS,
        &SHOP_ORDERS_BY_DUE,
        &SHOP_ORDERS_BY_CONTACT,
    ],
};

/// The website widget's use per bot and UTC day (the id is `{bot}:{day}`), by day per tenant.
pub static WIDGET_USAGE_BY_DAY: IndexSpec = IndexSpec::ordered("tenant_day", &[TENANT, DAY]);
pub static WIDGET_USAGE: CollectionSpec = CollectionSpec {
    name: "widget_usage",
    fields: &[TENANT, DAY],
    indexes: &[&WIDGET_USAGE_BY_DAY],
};

/// Leads (the id is the lead's): one per WhatsApp number (`CONTACT`) in a tenant, newest first
/// per tenant and per stage (`STATUS`), and every tenant's by when the follow-up worker acts on
/// them (`DUE`, absent while no follow-up is planned).
pub static LEADS_BY_PHONE: IndexSpec = IndexSpec::unique("tenant_phone", &[TENANT, CONTACT]);
pub static LEADS_BY_CREATED: IndexSpec = IndexSpec::ordered("tenant_created", &[TENANT, CREATED]);
pub static LEADS_BY_STAGE: IndexSpec =
    IndexSpec::ordered("tenant_stage_created", &[TENANT, STATUS, CREATED]);
pub static LEADS_BY_DUE: IndexSpec = IndexSpec::ordered("due", &[DUE]);
pub static LEADS: CollectionSpec = CollectionSpec {
    name: "leads",
    fields: &[TENANT, CONTACT, STATUS, CREATED, DUE],
    indexes: &[
        &LEADS_BY_PHONE,
        &LEADS_BY_CREATED,
        &LEADS_BY_STAGE,
        &LEADS_BY_DUE,
    ],
};

/// Leads' histories (the id is the entry's, ordered by time): per lead, in time order.
pub static LEAD_EVENTS_BY_LEAD: IndexSpec =
    IndexSpec::ordered("tenant_lead_created", &[TENANT, LEAD, CREATED]);
pub static LEAD_EVENTS: CollectionSpec = CollectionSpec {
    name: "lead_events",
    fields: &[TENANT, LEAD, CREATED],
    indexes: &[&LEAD_EVENTS_BY_LEAD],
};

/// An organisation's lead settings (the id is the tenant's).
pub static LEAD_SETTINGS_BY_TENANT: IndexSpec = IndexSpec::ordered("tenant", &[TENANT]);
pub static LEAD_SETTINGS: CollectionSpec = CollectionSpec {
    name: "lead_settings",
    fields: &[TENANT],
    indexes: &[&LEAD_SETTINGS_BY_TENANT],
};

/// Every collection, for backends to create at open. A new collection goes last: the embedded
/// backends keep each collection at its place in this list.
pub static SCHEMA: &[&CollectionSpec] = &[
    &BOTS,
    &SESSIONS,
    &MESSAGES,
    &TIMERS,
    &OUTBOX,
    &INTEGRATIONS,
    &ORGANISATIONS,
    &USERS,
    &OTP_CHALLENGES,
    &REFRESH_FAMILIES,
    &REFRESH_SPENT,
    &AUDIT,
    &API_KEYS,
    &CANNED_RESPONSES,
    &KNOWLEDGE_BASES,
    &KNOWLEDGE_DOCUMENTS,
    &VOICE_AGENTS,
    &COMMIT_JOURNALS,
    &EARLY_DELIVERIES,
    &CAMPAIGNS,
    &CAMPAIGN_RECIPIENTS,
    &CAMPAIGN_MESSAGES,
    &BILLING_PLANS,
    &BILLING_ACCOUNTS,
    &BILLING_REFERENCES,
    &BILLING_EVENTS,
    &SOCIAL_POSTS,
    &VOICE_NUMBERS,
    &VOICE_CALLS,
    &INSIGHTS,
    &SHOPS,
    &SHOP_ORDERS,
    &WIDGET_USAGE,
    &LEADS,
    &LEAD_EVENTS,
    &LEAD_SETTINGS,
];
