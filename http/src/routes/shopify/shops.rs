//! `/v1/shopify/shops`: the organisation's Shopify shops (the PRD's `POST /shopify/save`).
//! Connecting one checks its Admin API access token with Shopify, keeps the token and the app's
//! client secret sealed (never returned), and, when the server knows its public address,
//! subscribes it to the shop's order webhooks. The reminder settings say how cash-on-delivery
//! orders are confirmed on WhatsApp; changing them plans the shop's orders again. The shop's open
//! orders of the last two days are imported when it is connected, and on `.../sync`.

use super::errors::shopify_error;
use super::{Commerce, Shops, WEBHOOK_PATH, WEBHOOK_TOPICS};
use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_actors::{SyncError, shop_secret_context, shop_token_context};
use botwot_engine::Channel;
use botwot_engine::commerce::{ReminderSettings, ShopConnection, is_shop_domain};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{ShopAccess, ShopDetails, StoreError};
use botwot_engine::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A shop to connect.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShopInput {
    /// `name.myshopify.com`.
    pub shop_domain: String,
    /// The Admin API access token of BotWot's app in the shop (`shpat_…`): stored sealed.
    pub access_token: String,
    /// The app's client secret, which signs the shop's webhooks: stored sealed.
    pub webhook_secret: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub reminders: Option<ReminderSettings>,
}

/// What changes on a connected shop: new credentials (checked again) and the reminders.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShopPatch {
    pub access_token: Option<String>,
    pub webhook_secret: Option<String>,
    #[schema(value_type = Object)]
    pub reminders: Option<ReminderSettings>,
}

/// A connected shop, without its secrets.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopView {
    pub shop_domain: String,
    pub name: String,
    pub currency: String,
    #[schema(value_type = Object)]
    pub reminders: ReminderSettings,
    /// Why Shopify last refused the token, if it did.
    pub unhealthy: Option<String>,
    /// Where the shop's webhooks go: the full URL when the server knows its public address,
    /// else the path on this server.
    pub webhook_url: String,
    /// Whether the shop was just subscribed to its order webhooks (only on connecting; when
    /// `false`, add them in the app's settings: topics `orders/*` to `webhookUrl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks_subscribed: Option<bool>,
    #[schema(value_type = String)]
    pub created_at: botwot_engine::Timestamp,
    #[schema(value_type = String)]
    pub updated_at: botwot_engine::Timestamp,
}

impl ShopView {
    fn of(shop: ShopConnection, commerce: &Commerce) -> Self {
        Self {
            shop_domain: shop.domain,
            name: shop.name,
            currency: shop.currency,
            reminders: shop.reminders,
            unhealthy: shop.unhealthy,
            webhook_url: commerce
                .webhook_url()
                .unwrap_or_else(|| WEBHOOK_PATH.to_owned()),
            webhooks_subscribed: None,
            created_at: shop.created_at,
            updated_at: shop.updated_at,
        }
    }
}

/// The `{shopDomain}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct ShopPath {
    shop_domain: String,
}

/// Connects a Shopify shop.
#[utoipa::path(post, path = "/v1/shopify/shops", tag = "shopify", request_body = ShopInput,
    responses(
        (status = 201, description = "the shop, connected", body = ShopView),
        (status = 409, description = "`shop_taken`"),
        (status = 422, description = "`validation_failed` or `shopify_credentials_rejected`"),
        (status = 502, description = "`shopify_refused`"),
        (status = 503, description = "`shopify_unavailable`"),
    ))]
pub async fn connect_shop(
    State(state): State<AppState>,
    Shops(commerce): Shops,
    principal: Principal,
    JsonBody(input): JsonBody<ShopInput>,
) -> Result<(StatusCode, Json<ShopView>), AppError> {
    let domain = input.shop_domain.trim().to_ascii_lowercase();
    let reminders = input.reminders.unwrap_or_default();
    let mut errors = ValidationErrors::default();
    if !is_shop_domain(&domain) {
        errors.add(
            "shopDomain",
            "must be the shop's myshopify.com domain, such as acme.myshopify.com",
        );
    }
    errors.check_text("accessToken", &input.access_token, 512);
    errors.check_text("webhookSecret", &input.webhook_secret, 512);
    if let Err(more) = reminders.validate() {
        errors.0.extend(more.0);
    }
    errors.into_result(())?;
    check_sender(&state, principal.tenant(), &reminders).await?;
    let access = ShopAccess {
        domain: domain.clone(),
        access_token: input.access_token.trim().to_owned(),
    };
    let details = checked(&commerce, &access).await?;
    let now = state.now();
    let shop = ShopConnection {
        sealed_access_token: seal(
            &commerce,
            &shop_token_context(&domain),
            &access.access_token,
        )?,
        sealed_webhook_secret: seal(
            &commerce,
            &shop_secret_context(&domain),
            input.webhook_secret.trim(),
        )?,
        domain,
        tenant_id: principal.tenant().clone(),
        name: details.name,
        currency: details.currency,
        reminders,
        unhealthy: None,
        created_at: now,
        updated_at: now,
    };
    match state.store.insert_shop(&shop).await {
        Err(StoreError::Conflict(reason)) => {
            return Err(AppError::new(ErrorCode::ShopTaken, reason));
        }
        inserted => inserted?,
    }
    let subscribed = subscribe(&commerce, &access).await;
    tracing::info!(shop = %shop.domain, subscribed, "shopify shop connected");
    import_in_background(&commerce, shop.clone());
    let mut view = ShopView::of(shop, &commerce);
    view.webhooks_subscribed = Some(subscribed);
    Ok((StatusCode::CREATED, Json(view)))
}

/// The organisation's shops, the most recently connected first.
#[utoipa::path(get, path = "/v1/shopify/shops", tag = "shopify",
    responses((status = 200, description = "the shops", body = [ShopView])))]
pub async fn list_shops(
    State(state): State<AppState>,
    Shops(commerce): Shops,
    principal: Principal,
) -> Result<Json<Vec<ShopView>>, AppError> {
    let shops = state.store.list_shops(principal.tenant()).await?;
    Ok(Json(
        shops
            .into_iter()
            .map(|shop| ShopView::of(shop, &commerce))
            .collect(),
    ))
}

/// One shop.
#[utoipa::path(get, path = "/v1/shopify/shops/{shopDomain}", tag = "shopify", params(ShopPath),
    responses((status = 200, description = "the shop", body = ShopView)))]
pub async fn get_shop(
    State(state): State<AppState>,
    Shops(commerce): Shops,
    principal: Principal,
    PathParams(path): PathParams<ShopPath>,
) -> Result<Json<ShopView>, AppError> {
    let shop = find(&state, principal.tenant(), &path.shop_domain).await?;
    Ok(Json(ShopView::of(shop, &commerce)))
}

/// Changes a shop's credentials (checked with Shopify again) or its reminders (its orders are
/// planned again).
#[utoipa::path(patch, path = "/v1/shopify/shops/{shopDomain}", tag = "shopify", params(ShopPath),
    request_body = ShopPatch,
    responses(
        (status = 200, description = "the shop", body = ShopView),
        (status = 422, description = "`validation_failed` or `shopify_credentials_rejected`"),
    ))]
pub async fn update_shop(
    State(state): State<AppState>,
    Shops(commerce): Shops,
    principal: Principal,
    PathParams(path): PathParams<ShopPath>,
    JsonBody(patch): JsonBody<ShopPatch>,
) -> Result<Json<ShopView>, AppError> {
    let mut shop = find(&state, principal.tenant(), &path.shop_domain).await?;
    let mut errors = ValidationErrors::default();
    if let Some(token) = &patch.access_token {
        errors.check_text("accessToken", token, 512);
    }
    if let Some(secret) = &patch.webhook_secret {
        errors.check_text("webhookSecret", secret, 512);
    }
    if let Some(reminders) = &patch.reminders
        && let Err(more) = reminders.validate()
    {
        errors.0.extend(more.0);
    }
    errors.into_result(())?;
    if let Some(token) = patch.access_token {
        let access = ShopAccess {
            domain: shop.domain.clone(),
            access_token: token.trim().to_owned(),
        };
        let details = checked(&commerce, &access).await?;
        shop.sealed_access_token = seal(
            &commerce,
            &shop_token_context(&shop.domain),
            &access.access_token,
        )?;
        shop.name = details.name;
        shop.currency = details.currency;
        shop.unhealthy = None;
    }
    if let Some(secret) = patch.webhook_secret {
        shop.sealed_webhook_secret =
            seal(&commerce, &shop_secret_context(&shop.domain), secret.trim())?;
    }
    let replan = patch.reminders.is_some();
    if let Some(reminders) = patch.reminders {
        check_sender(&state, principal.tenant(), &reminders).await?;
        shop.reminders = reminders;
    }
    shop.updated_at = state.now();
    state.store.save_shop(&shop).await?;
    if replan {
        commerce.orders.replan_shop(&shop).await?;
    }
    Ok(Json(ShopView::of(shop, &commerce)))
}

/// What a sync took in.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncView {
    /// The shop's open orders of the last two days, each taken in like a webhook's.
    pub imported: usize,
}

/// Imports the shop's open orders of the last two days (what its webhooks may have missed; done
/// once by itself when the shop is connected). An order known already is only brought up to
/// date, never reminded twice.
#[utoipa::path(post, path = "/v1/shopify/shops/{shopDomain}/sync", tag = "shopify", params(ShopPath),
    responses(
        (status = 200, description = "the orders imported", body = SyncView),
        (status = 422, description = "`shopify_credentials_rejected`"),
        (status = 503, description = "`shopify_unavailable`"),
    ))]
pub async fn sync_shop(
    State(state): State<AppState>,
    Shops(commerce): Shops,
    principal: Principal,
    PathParams(path): PathParams<ShopPath>,
) -> Result<Json<SyncView>, AppError> {
    let shop = find(&state, principal.tenant(), &path.shop_domain).await?;
    let imported = commerce.orders.sync_shop(&shop).await.map_err(sync_error)?;
    Ok(Json(SyncView { imported }))
}

fn sync_error(error: SyncError) -> AppError {
    match error {
        SyncError::Shopify(error) => shopify_error(error),
        SyncError::Store(error) => error.into(),
        SyncError::Token(reason) => AppError::new(ErrorCode::Internal, reason),
    }
}

/// Imports a newly connected shop's open orders without keeping its caller waiting.
fn import_in_background(commerce: &Commerce, shop: ShopConnection) {
    let orders = commerce.orders.clone();
    tokio::spawn(async move {
        if let Err(error) = orders.sync_shop(&shop).await {
            tracing::warn!(shop = %shop.domain, %error, "a connected shop's open orders could not be imported; POST .../sync tries again");
        }
    });
}

/// Disconnects a shop: its webhooks are refused from now on, and the orders followed for it are
/// forgotten.
#[utoipa::path(delete, path = "/v1/shopify/shops/{shopDomain}", tag = "shopify", params(ShopPath),
    responses((status = 204, description = "disconnected")))]
pub async fn disconnect_shop(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<ShopPath>,
) -> Result<StatusCode, AppError> {
    if state
        .store
        .delete_shop(principal.tenant(), &path.shop_domain)
        .await?
    {
        tracing::info!(shop = %path.shop_domain, "shopify shop disconnected");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found("shop"))
    }
}

async fn find(
    state: &AppState,
    tenant: &TenantId,
    domain: &str,
) -> Result<ShopConnection, AppError> {
    state
        .store
        .get_shop(tenant, domain)
        .await?
        .ok_or_else(|| AppError::not_found("shop"))
}

/// What the shop says about itself, which proves the token works.
async fn checked(commerce: &Commerce, access: &ShopAccess) -> Result<ShopDetails, AppError> {
    commerce
        .orders
        .deps()
        .shopify
        .shop(access)
        .await
        .map_err(shopify_error)
}

/// Reminders that are on go from one of the organisation's WhatsApp numbers.
async fn check_sender(
    state: &AppState,
    tenant: &TenantId,
    reminders: &ReminderSettings,
) -> Result<(), AppError> {
    if !reminders.enabled {
        return Ok(());
    }
    let integration = state
        .store
        .find_integration(Channel::WhatsApp, &reminders.channel_account)
        .await?;
    if integration.is_some_and(|integration| &integration.tenant_id == tenant) {
        return Ok(());
    }
    let mut errors = ValidationErrors::default();
    errors.add(
        "reminders.channelAccount",
        "must be the phone number id of a WhatsApp number connected to the organisation",
    );
    Err(errors.into())
}

fn seal(
    commerce: &Commerce,
    context: &str,
    secret: &str,
) -> Result<botwot_engine::integration::SealedSecret, AppError> {
    commerce
        .orders
        .deps()
        .sealer
        .seal(context, secret)
        .map_err(|error| AppError::new(ErrorCode::Internal, format!("sealing failed: {error}")))
}

/// Subscribes the shop to its order webhooks when the server knows where they go; whether it
/// did.
async fn subscribe(commerce: &Commerce, access: &ShopAccess) -> bool {
    let Some(url) = commerce.webhook_url() else {
        return false;
    };
    match commerce
        .orders
        .deps()
        .shopify
        .subscribe_webhooks(access, &url, &WEBHOOK_TOPICS)
        .await
    {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(shop = %access.domain, %error, "the shop's webhooks could not be subscribed");
            false
        }
    }
}
