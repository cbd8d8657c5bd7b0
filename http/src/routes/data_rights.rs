//! Data rights (PRD §5): everything held about one contact, or about the whole organisation, as
//! one JSON document, and erasing a contact or the whole organisation. Sessions come with their
//! full transcripts and analyses; users and API keys as the API shows them (never a password
//! hash or key digest). Each session is erased by its actor: it closes the session without a closing
//! message (so no timer or bot reply writes to it afterwards), deletes it with its messages,
//! pending deliveries and timers, and forgets it, so the contact's next message starts a new
//! session. A WhatsApp contact is also taken out of every campaign audience, and their shop
//! orders and their lead (with its history) are exported and forgotten with the rest.

use crate::auth::Principal;
use crate::auth::views::{OrganisationView, UserView};
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, QueryParams};
use crate::routes::api_keys::ApiKeyView;
use crate::routes::voice::numbers::NumberView;
use crate::sessions::{Envelope, Outcome};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_adapters::meta::media;
use botwot_engine::access::{AuditEntry, AuditFilter, Role};
use botwot_engine::billing::BillingAccount;
use botwot_engine::campaign::{Campaign, CampaignRecipient};
use botwot_engine::canned::CannedResponse;
use botwot_engine::commerce::TrackedOrder;
use botwot_engine::insight::SessionInsight;
use botwot_engine::integration::ChannelIntegration;
use botwot_engine::knowledge::base::blob_keys;
use botwot_engine::leads::{Lead, LeadEvent};
use botwot_engine::ports::{CallFilter, PageRequest, Paged, SessionFilter, StoreError};
use botwot_engine::validation::ValidationErrors;
use botwot_engine::voice::{VoiceCall, recording_key};
use botwot_engine::voice_agent::VoiceAgent;
use botwot_engine::{BotProfile, Channel, Message, SessionEvent, SessionState, TenantId};
use serde::{Deserialize, Serialize};
use std::future::Future;
use utoipa::{IntoParams, ToSchema};

/// Messages read per transcript page while exporting.
const TRANSCRIPT_PAGE: usize = 1_000;
/// Items read per listing page while exporting.
const LISTING_PAGE: usize = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ContactQuery {
    /// `web`, `whatsapp`, `messenger`, `instagram` or `voice`.
    channel: String,
    /// The contact's id on that channel: a WhatsApp number, a PSID, a widget visitor id.
    contact: String,
}

/// One session, everything said in it and every analysis of it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedSession {
    pub session: SessionState,
    pub messages: Vec<Message>,
    /// What a language model found in it (ADR 0026).
    pub insights: Vec<SessionInsight>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactExport {
    pub channel: Channel,
    pub contact: String,
    pub exported_at: String,
    pub sessions: Vec<ExportedSession>,
    /// The campaign audiences a WhatsApp contact is in, with its journey in each.
    pub campaigns: Vec<CampaignRecipient>,
    /// A WhatsApp contact's shop orders followed for confirmation (ADR 0027).
    pub orders: Vec<TrackedOrder>,
    /// A WhatsApp contact's lead, if they are one, with its whole history.
    pub lead: Option<ExportedLead>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedLead {
    pub lead: Lead,
    pub history: Vec<LeadEvent>,
}

/// Everything held about one contact of the organisation.
#[utoipa::path(
    get, path = "/v1/data/contact-export", tag = "data rights", params(ContactQuery),
    responses((status = 200, description = "the contact's sessions and transcripts")),
)]
pub async fn export_contact(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ContactQuery>,
) -> Result<Json<ContactExport>, AppError> {
    let filter = contact_filter(&query)?;
    let channel = filter.channel.unwrap_or(Channel::Web);
    let tenant = principal.tenant();
    let (store, filter) = (&state.store, &filter);
    let sessions =
        all_pages(|page| async move { store.list_sessions(tenant, filter, &page).await }).await?;
    let sessions = with_transcripts(&state, tenant, sessions).await?;
    let (campaigns, orders, lead) = match channel {
        Channel::WhatsApp => (
            store.contact_recipients(tenant, &query.contact).await?,
            store.contact_orders(tenant, &query.contact).await?,
            exported_lead(&state, tenant, &query.contact).await?,
        ),
        _ => (Vec::new(), Vec::new(), None),
    };
    tracing::info!(tenant_id = %tenant, sessions = sessions.len(), "contact data exported");
    Ok(Json(ContactExport {
        channel,
        contact: query.contact,
        exported_at: state.now().to_rfc3339(),
        sessions,
        campaigns,
        orders,
        lead,
    }))
}

/// The contact's lead and its history, if the WhatsApp number is a lead's.
async fn exported_lead(
    state: &AppState,
    tenant: &TenantId,
    phone: &str,
) -> Result<Option<ExportedLead>, StoreError> {
    let store = &state.store;
    let Some(lead) = store.find_lead_by_phone(tenant, phone).await? else {
        return Ok(None);
    };
    let id = &lead.id;
    let history =
        all_pages(|page| async move { store.lead_history(tenant, id, &page).await }).await?;
    Ok(Some(ExportedLead { lead, history }))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactErased {
    pub erased_sessions: usize,
    pub erased_messages: usize,
    /// Campaign audiences a WhatsApp contact was taken out of.
    pub erased_from_campaigns: usize,
    /// A WhatsApp contact's shop orders forgotten.
    pub erased_orders: usize,
    /// Whether the WhatsApp contact's lead (and its history) was forgotten.
    pub erased_lead: bool,
}

/// Erases everything held about one contact of the organisation.
#[utoipa::path(
    delete, path = "/v1/data/contact", tag = "data rights", params(ContactQuery),
    responses((status = 200, description = "what was erased")),
)]
pub async fn erase_contact(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ContactQuery>,
) -> Result<Json<ContactErased>, AppError> {
    let filter = contact_filter(&query)?;
    let tenant = principal.tenant();
    let (store, filter) = (&state.store, &filter);
    let sessions =
        all_pages(|page| async move { store.list_sessions(tenant, filter, &page).await }).await?;
    let mut erased = ContactErased {
        erased_sessions: 0,
        erased_messages: 0,
        erased_from_campaigns: 0,
        erased_orders: 0,
        erased_lead: false,
    };
    if filter.channel == Some(Channel::WhatsApp) {
        erased.erased_from_campaigns = store.erase_campaign_contact(tenant, &query.contact).await?;
        erased.erased_orders = store.erase_contact_orders(tenant, &query.contact).await?;
        if let Some(lead) = store.find_lead_by_phone(tenant, &query.contact).await? {
            erased.erased_lead = store.delete_lead(tenant, &lead.id).await?;
        }
    }
    for session in sessions {
        erased.erased_messages += erase_through_actor(&state, &session).await?;
        erased.erased_sessions += 1;
        let key = &session.key;
        let files = media::contact_prefix(tenant, key.channel, &key.contact);
        state.knowledge.blobs.delete_prefix(&files).await?;
    }
    tracing::info!(tenant_id = %tenant, sessions = erased.erased_sessions, "contact data erased");
    Ok(Json(erased))
}

/// Erasing the organisation must name it, so a stray call cannot do it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EraseOrganisation {
    /// The organisation's name, exactly.
    pub confirm: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationErased {
    pub erased_records: usize,
}

/// Erases the whole organisation and everything in it; SUPERADMIN only. Open sessions are
/// closed through their actors first. The audit log goes with the rest, except the one entry
/// that records this erasure (who and when, nothing of the data).
#[utoipa::path(
    delete, path = "/v1/data/organisation", tag = "data rights", request_body = EraseOrganisation,
    responses((status = 200, description = "how many records were erased")),
)]
pub async fn erase_organisation(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(request): JsonBody<EraseOrganisation>,
) -> Result<Json<OrganisationErased>, AppError> {
    if principal.user.permissions.role != Role::SuperAdmin || principal.api_key.is_some() {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "only a SUPERADMIN signed in as a user can erase the organisation",
        ));
    }
    if request.confirm != principal.organisation.name {
        let mut errors = ValidationErrors::default();
        errors.add("confirm", "must be the organisation's name, exactly");
        return Err(errors.into());
    }
    let tenant = principal.tenant();
    let (store, filter) = (&state.store, &SessionFilter::default());
    let sessions =
        all_pages(|page| async move { store.list_sessions(tenant, filter, &page).await }).await?;
    for session in &sessions {
        erase_through_actor(&state, session).await?;
    }
    erase_knowledge(&state, tenant).await?;
    erase_recordings(&state, tenant).await?;
    let erased_records = state.store.erase_organisation(tenant).await?;
    tracing::info!(tenant_id = %tenant, erased_records, "organisation erased");
    Ok(Json(OrganisationErased { erased_records }))
}

/// Forgets every knowledge base of the organisation in the index and removes all of its
/// knowledge files and saved indexes from the blob store (the records go with the rest).
async fn erase_knowledge(state: &AppState, tenant: &TenantId) -> Result<(), AppError> {
    let store = &state.store;
    let bases =
        all_pages(|page| async move { store.list_knowledge_bases(tenant, &page).await }).await?;
    for base in &bases {
        state.knowledge.index.drop_base(tenant, &base.id).await?;
    }
    let blobs = &state.knowledge.blobs;
    let removed = blobs.delete_prefix(&blob_keys::tenant(tenant)).await?;
    let media = blobs.delete_prefix(&media::tenant_prefix(tenant)).await?;
    tracing::info!(tenant_id = %tenant, bases = bases.len(), blobs = removed, media, "knowledge and media erased");
    Ok(())
}

/// Every call of the organisation.
async fn every_call(state: &AppState, tenant: &TenantId) -> Result<Vec<VoiceCall>, StoreError> {
    let (store, every) = (&state.store, &CallFilter::default());
    all_pages(|page| async move { store.list_calls(tenant, every, &page).await }).await
}

/// Removes the recordings of the organisation's calls from the blob store (the calls go with
/// the rest of its records).
async fn erase_recordings(state: &AppState, tenant: &TenantId) -> Result<(), AppError> {
    let calls = every_call(state, tenant).await?;
    let keys = calls
        .iter()
        .filter_map(|call| call.conversation_id.as_deref().and_then(recording_key));
    let mut removed = 0;
    for key in keys {
        state.knowledge.blobs.delete(&key).await?;
        removed += 1;
    }
    tracing::info!(tenant_id = %tenant, calls = calls.len(), recordings = removed, "call recordings erased");
    Ok(())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationExport {
    pub organisation: OrganisationView,
    pub exported_at: String,
    pub users: Vec<UserView>,
    pub api_keys: Vec<ApiKeyView>,
    pub bots: Vec<BotProfile>,
    pub integrations: Vec<ChannelIntegration>,
    pub canned_responses: Vec<CannedResponse>,
    pub voice_agents: Vec<VoiceAgent>,
    /// Its connected phone numbers (without their Twilio tokens) and every call.
    pub voice_numbers: Vec<NumberView>,
    pub calls: Vec<VoiceCall>,
    pub sessions: Vec<ExportedSession>,
    pub campaigns: Vec<ExportedCampaign>,
    /// Its billing: subscriptions, orders and the tier paid for (null when it never paid).
    pub billing: Option<BillingAccount>,
    pub audit: Vec<AuditEntry>,
}

/// One campaign and its whole audience.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedCampaign {
    pub campaign: Campaign,
    pub recipients: Vec<CampaignRecipient>,
}

/// Everything the organisation holds: its users, keys, bots, integrations, canned responses,
/// voice agents, phone numbers and calls, every session with its transcript, every campaign
/// with its audience, its billing, and its audit log.
#[utoipa::path(
    get, path = "/v1/data/organisation-export", tag = "data rights",
    responses((status = 200, description = "the whole organisation")),
)]
pub async fn export_organisation(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<OrganisationExport>, AppError> {
    let store = &state.store;
    let tenant = principal.tenant();
    let users = all_pages(|page| async move { store.list_users(tenant, &page).await }).await?;
    let keys = all_pages(|page| async move { store.list_api_keys(tenant, &page).await }).await?;
    let bots = all_pages(|page| async move { store.list_bots(tenant, true, &page).await }).await?;
    let integrations =
        all_pages(|page| async move { store.list_integrations(tenant, &page).await }).await?;
    let canned_responses =
        all_pages(|page| async move { store.list_canned_responses(tenant, &page).await }).await?;
    let voice_agents =
        all_pages(|page| async move { store.list_voice_agents(tenant, &page).await }).await?;
    let voice_numbers =
        all_pages(|page| async move { store.list_voice_numbers(tenant, &page).await }).await?;
    let calls = every_call(&state, tenant).await?;
    let no_filter = &SessionFilter::default();
    let sessions =
        all_pages(|page| async move { store.list_sessions(tenant, no_filter, &page).await })
            .await?;
    let every_entry = &AuditFilter::default();
    let audit =
        all_pages(|page| async move { store.list_audit(tenant, every_entry, &page).await }).await?;
    let sessions = with_transcripts(&state, tenant, sessions).await?;
    let campaigns =
        all_pages(|page| async move { store.list_campaigns(tenant, None, &page).await }).await?;
    let mut exported_campaigns = Vec::with_capacity(campaigns.len());
    for campaign in campaigns {
        let id = &campaign.id;
        let recipients =
            all_pages(|page| async move { store.list_recipients(tenant, id, &page).await }).await?;
        exported_campaigns.push(ExportedCampaign {
            campaign,
            recipients,
        });
    }
    let billing = store.billing_account(tenant).await?;
    tracing::info!(tenant_id = %tenant, sessions = sessions.len(), "organisation data exported");
    Ok(Json(OrganisationExport {
        organisation: OrganisationView::from(&principal.organisation),
        exported_at: state.now().to_rfc3339(),
        users: users.iter().map(UserView::from).collect(),
        api_keys: keys.iter().map(ApiKeyView::from).collect(),
        bots,
        integrations,
        canned_responses,
        voice_agents,
        voice_numbers: voice_numbers.into_iter().map(NumberView::from).collect(),
        calls,
        sessions,
        campaigns: exported_campaigns,
        billing,
        audit,
    }))
}

/// Erases a session through its actor, which closes it without a word to the contact, erases
/// it and forgets it: no timer, bot reply or delivery writes to it afterwards, and the contact's
/// next message starts a new session instead of reopening one the actor remembered. How many
/// messages went with it.
async fn erase_through_actor(state: &AppState, session: &SessionState) -> Result<usize, AppError> {
    let envelope = Envelope {
        key: session.key.clone(),
        bot_id: session.bot_id.clone(),
        event: SessionEvent::EraseRequested,
    };
    match state.sessions.dispatch(envelope).await? {
        Outcome::Erased {
            session: Some(erased),
            messages_erased,
        } if erased.id == session.id => Ok(messages_erased),
        // The actor holds another session of the key (or none): the listed one is not live.
        _ => Ok(state
            .store
            .erase_session(&session.key.tenant_id, &session.id)
            .await?),
    }
}

/// The sessions of the contact `query` names; `validation_failed` when it names none.
fn contact_filter(query: &ContactQuery) -> Result<SessionFilter, AppError> {
    let mut errors = ValidationErrors::default();
    let channel = Channel::parse(&query.channel);
    if channel.is_none() {
        errors.add(
            "channel",
            "must be web, whatsapp, messenger, instagram or voice",
        );
    }
    errors.check_text("contact", &query.contact, 256);
    errors.into_result(())?;
    Ok(SessionFilter {
        channel,
        contact: Some(query.contact.clone()),
        ..SessionFilter::default()
    })
}

/// Every item of a paged listing.
async fn all_pages<T, F, Fut>(mut read: F) -> Result<Vec<T>, StoreError>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Paged<T>, StoreError>>,
{
    let mut items = Vec::new();
    let mut page = PageRequest {
        limit: LISTING_PAGE,
        cursor: None,
    };
    loop {
        let batch = read(page.clone()).await?;
        items.extend(batch.items);
        match batch.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return Ok(items),
        }
    }
}

async fn with_transcripts(
    state: &AppState,
    tenant: &TenantId,
    sessions: Vec<SessionState>,
) -> Result<Vec<ExportedSession>, StoreError> {
    let mut exported = Vec::with_capacity(sessions.len());
    for session in sessions {
        let mut messages = Vec::new();
        loop {
            let after = messages.last().map_or(0, |message: &Message| message.seq);
            let batch = state
                .store
                .transcript(tenant, &session.id, after, TRANSCRIPT_PAGE)
                .await?;
            let done = batch.len() < TRANSCRIPT_PAGE;
            messages.extend(batch);
            if done {
                break;
            }
        }
        let insights = state.store.session_insights(tenant, &session.id).await?;
        exported.push(ExportedSession {
            session,
            messages,
            insights,
        });
    }
    Ok(exported)
}
