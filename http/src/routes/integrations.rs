//! `/v1/integrations`: connecting provider accounts (WhatsApp phone numbers, Facebook pages,
//! Instagram accounts) to a tenant's bot, so their webhooks reach the right conversations and
//! its replies are sent with the account's access token. The token (`accessToken`) is
//! write-only: it is sealed with the integration secret key before it is stored and never
//! returned or logged.

use crate::auth::{Principal, Tenant};
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, QueryParams};
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
use botwot_engine::access::Module;
use botwot_engine::integration::{
    ChannelIntegration, IntegrationSettings, SealedSecret, WriteOnlySecret,
};
use botwot_engine::ports::StoreError;
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
    let bot = state.store.get_bot(&tenant, &settings.bot_id).await?;
    let live = bot.filter(|bot| bot.deleted_at.is_none());
    if live.is_none() {
        return Err(AppError::not_found(format_args!("bot {}", settings.bot_id)));
    }
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
