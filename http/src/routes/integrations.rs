//! `/v1/integrations`: connecting provider accounts (WhatsApp phone numbers, Facebook pages,
//! Instagram accounts) to a tenant's bot, so their webhooks reach the right conversations and
//! its replies are sent with the account's access token. The token (`accessToken`) is
//! write-only: it is sealed with the integration secret key before it is stored and never
//! returned or logged. `health` says whether sending works: Meta rejecting the token turns it
//! unhealthy, and saving a new token with `PUT /v1/integrations/{integrationId}` (token
//! rotation) makes it healthy again.

use crate::auth::{Principal, Tenant};
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::openapi::schemas::{
    IntegrationPageSchema, IntegrationSchema, IntegrationSettingsSchema,
};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use botwot_adapters::meta::graph::{AccessToken, TokenCipher};
use botwot_engine::Channel;
use botwot_engine::TenantId;
use botwot_engine::access::Module;
use botwot_engine::integration::{
    ChannelIntegration, IntegrationHealth, IntegrationSettings, SealedSecret, WriteOnlySecret,
};
use botwot_engine::ports::StoreError;
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use tracing::warn;
use utoipa::IntoParams;

/// Paging of `GET /v1/integrations`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListIntegrationsQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// Connects a provider account to one of the tenant's bots.
#[utoipa::path(
    post, path = "/v1/integrations", tag = "integrations",
    request_body = IntegrationSettingsSchema,
    responses(
        (status = 201, description = "the new integration", body = IntegrationSchema),
        (status = 409, description = "the account is already connected", body = crate::errors::ErrorBody),
    ),
)]
pub async fn create_integration(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(settings): JsonBody<IntegrationSettings>,
) -> Result<impl IntoResponse, AppError> {
    settings.validate()?;
    if let Some(module) = module_of(settings.channel) {
        principal.require(module)?;
    }
    let tenant = principal.tenant().clone();
    require_live_bot(&state, &tenant, &settings).await?;
    let mut integration = ChannelIntegration::create(tenant, settings, state.now());
    if let Some(token) = integration.settings.access_token.take() {
        integration.sealed_access_token = Some(seal(&state, &integration.id, &token)?);
    }
    match state.store.insert_integration(&integration).await {
        Ok(()) => Ok((StatusCode::CREATED, Json(integration.without_secrets()))),
        Err(StoreError::Conflict(_)) => Err(AppError::new(
            ErrorCode::Conflict,
            format!(
                "{} account {} is already connected",
                integration.settings.channel, integration.settings.account_id
            ),
        )),
        Err(error) => Err(error.into()),
    }
}

/// The `{integrationId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct IntegrationPath {
    /// The integration's id: its channel and account, as `whatsapp:106540352242922`.
    integration_id: String,
}

impl IntegrationPath {
    pub fn id(&self) -> &str {
        &self.integration_id
    }
}

/// One integration, with its health.
#[utoipa::path(
    get, path = "/v1/integrations/{integrationId}", tag = "integrations",
    params(IntegrationPath),
    responses((status = 200, description = "the integration", body = IntegrationSchema)),
)]
pub async fn get_integration(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<IntegrationPath>,
) -> Result<Json<ChannelIntegration>, AppError> {
    let integration = principals_integration(&state, &principal, &path.integration_id).await?;
    Ok(Json(integration.without_secrets()))
}

/// Replaces an integration's settings. With `accessToken`, the new token replaces the stored
/// one (rotation) and the integration is healthy again; without it, the stored token stays.
/// `channel` and `accountId` name the account and cannot change.
#[utoipa::path(
    put, path = "/v1/integrations/{integrationId}", tag = "integrations",
    params(IntegrationPath),
    request_body = IntegrationSettingsSchema,
    responses(
        (status = 200, description = "the updated integration", body = IntegrationSchema),
        (status = 422, description = "invalid settings, or another channel or account", body = crate::errors::ErrorBody),
    ),
)]
pub async fn replace_integration(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<IntegrationPath>,
    JsonBody(mut settings): JsonBody<IntegrationSettings>,
) -> Result<Json<ChannelIntegration>, AppError> {
    settings.validate()?;
    let mut integration = principals_integration(&state, &principal, &path.integration_id).await?;
    let current = &integration.settings;
    let mut fixed = ValidationErrors::default();
    let cannot_change =
        "names the account and cannot change; connect another account as a new integration";
    if settings.channel != current.channel {
        fixed.add("channel", cannot_change);
    }
    if settings.account_id != current.account_id {
        fixed.add("accountId", cannot_change);
    }
    fixed.into_result(())?;
    require_live_bot(&state, principal.tenant(), &settings).await?;
    if let Some(token) = settings.access_token.take() {
        integration.sealed_access_token = Some(seal(&state, &integration.id, &token)?);
        integration.health = IntegrationHealth::Healthy;
    }
    integration.settings = settings;
    integration.updated_at = state.now();
    state.store.update_integration(&integration).await?;
    Ok(Json(integration.without_secrets()))
}

/// The integration `id` of the caller's organisation, which the caller's modules cover;
/// `not_found` for another organisation's or a malformed id.
pub(crate) async fn principals_integration(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<ChannelIntegration, AppError> {
    let not_found = || AppError::not_found(format_args!("integration {id}"));
    let (channel, account) = id.split_once(':').ok_or_else(not_found)?;
    let channel = Channel::parse(channel).ok_or_else(not_found)?;
    let integration = state
        .store
        .find_integration(channel, account)
        .await?
        .filter(|integration| integration.tenant_id == *principal.tenant())
        .ok_or_else(not_found)?;
    if let Some(module) = module_of(channel) {
        principal.require(module)?;
    }
    Ok(integration)
}

async fn require_live_bot(
    state: &AppState,
    tenant: &TenantId,
    settings: &IntegrationSettings,
) -> Result<(), AppError> {
    let bot = state.store.get_bot(tenant, &settings.bot_id).await?;
    if bot.filter(|bot| bot.deleted_at.is_none()).is_none() {
        return Err(AppError::not_found(format_args!("bot {}", settings.bot_id)));
    }
    Ok(())
}

/// Seals an access token for the integration `integration_id` with the configured key.
fn seal(
    state: &AppState,
    integration_id: &str,
    token: &WriteOnlySecret,
) -> Result<SealedSecret, AppError> {
    let unavailable = |reason: String| {
        warn!(error = %reason, "access token not sealed");
        AppError::new(
            ErrorCode::Internal,
            "the access token could not be stored securely: set http.integration_secret_key",
        )
    };
    let key = state
        .config
        .integration_secret_key
        .as_ref()
        .ok_or_else(|| unavailable("no integration secret key".into()))?;
    let cipher = TokenCipher::from_base64_key(key.expose_secret())
        .map_err(|error| unavailable(error.to_string()))?;
    cipher
        .seal(integration_id, &AccessToken::new(token.expose_secret()))
        .map_err(|error| unavailable(error.to_string()))
}

/// The module that manages integrations of `channel`: WhatsApp (7), Facebook (8.1) or
/// Instagram (8.2).
fn module_of(channel: Channel) -> Option<Module> {
    let social = |minor| Module {
        major: Module::SOCIAL_MEDIA.major,
        minor: Some(minor),
    };
    match channel {
        Channel::WhatsApp => Some(Module::WHATSAPP),
        Channel::Messenger => Some(social(1)),
        Channel::Instagram => Some(social(2)),
        Channel::Web | Channel::Voice => None,
    }
}

/// The tenant's integrations, newest first.
#[utoipa::path(
    get, path = "/v1/integrations", tag = "integrations",
    params(ListIntegrationsQuery),
    responses((status = 200, description = "a page of integrations", body = IntegrationPageSchema)),
)]
pub async fn list_integrations(
    State(state): State<AppState>,
    Tenant(tenant): Tenant,
    QueryParams(query): QueryParams<ListIntegrationsQuery>,
) -> Result<Json<Page<ChannelIntegration>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let mut integrations = state.store.list_integrations(&tenant, &page).await?;
    integrations.items = integrations
        .items
        .into_iter()
        .map(ChannelIntegration::without_secrets)
        .collect();
    Ok(Json(integrations.into()))
}
