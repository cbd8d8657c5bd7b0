//! `/v1/integrations/{integrationId}/templates`: the message templates of the WhatsApp Business
//! Account behind a connected number (its `businessAccountId`), read from Meta a page at a time
//! and submitted to Meta for review. Meta keeps templates and their review status, so listing
//! is always current (there is nothing to sync). Meta's refusals are `provider_rejected` (422,
//! with Meta's reason), its silence `provider_unavailable` (502).

use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::integrations::{IntegrationPath, principals_integration};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_adapters::meta::graph::template::{is_language_code, is_template_name};
use botwot_adapters::meta::graph::template_library::{
    NewTemplate, SubmittedTemplate, TemplateLibrary, TemplatePage,
};
use botwot_engine::Channel;
use botwot_engine::integration::ChannelIntegration;
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

/// Paging of the template list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct TemplateListQuery {
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

const CATEGORIES: [&str; 3] = ["MARKETING", "UTILITY", "AUTHENTICATION"];
const MAX_COMPONENTS: usize = 10;

/// The business account's templates, as Meta has them now.
#[utoipa::path(
    get, path = "/v1/integrations/{integrationId}/templates", tag = "integrations",
    params(IntegrationPath, TemplateListQuery),
    responses((status = 200, description = "a page of templates with their review status")),
)]
pub async fn list_templates(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<IntegrationPath>,
    QueryParams(query): QueryParams<TemplateListQuery>,
) -> Result<Json<TemplatePage>, AppError> {
    let integration = principals_integration(&state, &principal, path.id()).await?;
    let (library, waba) = template_access(&state, &integration)?;
    let number = &integration.settings.account_id;
    let page = library
        .list(number, waba, query.cursor.as_deref())
        .await
        .map_err(AppError::from_meta)?;
    Ok(Json(page))
}

/// Submits a template for Meta's review; it can be sent once Meta approved it.
#[utoipa::path(
    post, path = "/v1/integrations/{integrationId}/templates", tag = "integrations",
    params(IntegrationPath),
    responses(
        (status = 201, description = "the submitted template's id, status and category"),
        (status = 422, description = "invalid, or refused by Meta", body = crate::errors::ErrorBody),
    ),
)]
pub async fn submit_template(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<IntegrationPath>,
    JsonBody(template): JsonBody<NewTemplate>,
) -> Result<(StatusCode, Json<SubmittedTemplate>), AppError> {
    validate(&template)?;
    let integration = principals_integration(&state, &principal, path.id()).await?;
    let (library, waba) = template_access(&state, &integration)?;
    let number = &integration.settings.account_id;
    let submitted = library
        .submit(number, waba, &template)
        .await
        .map_err(AppError::from_meta)?;
    Ok((StatusCode::CREATED, Json(submitted)))
}

/// The template library and the business account of a WhatsApp integration that names one.
fn template_access<'a>(
    state: &AppState,
    integration: &'a ChannelIntegration,
) -> Result<(Arc<TemplateLibrary>, &'a str), AppError> {
    let settings = &integration.settings;
    let waba = settings
        .business_account_id
        .as_deref()
        .filter(|_| settings.channel == Channel::WhatsApp);
    let Some(waba) = waba else {
        let mut errors = ValidationErrors::default();
        errors.add(
            "businessAccountId",
            "templates belong to a WhatsApp Business Account: set the integration's businessAccountId",
        );
        return Err(errors.into());
    };
    let library = state.templates.clone().ok_or_else(AppError::no_graph)?;
    Ok((library, waba))
}

fn validate(template: &NewTemplate) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if !is_template_name(&template.name) {
        errors.add("name", "lowercase letters, digits and _, at most 512");
    }
    if !CATEGORIES.contains(&template.category.as_str()) {
        errors.add("category", "MARKETING, UTILITY or AUTHENTICATION");
    }
    if !is_language_code(&template.language) {
        errors.add("language", "a language code such as en_US");
    }
    let components_ok = !template.components.is_empty()
        && template.components.len() <= MAX_COMPONENTS
        && template.components.iter().all(|component| {
            component
                .get("type")
                .and_then(|kind| kind.as_str())
                .is_some()
        });
    if !components_ok {
        errors.add(
            "components",
            format!(
                "1 to {MAX_COMPONENTS} objects, each with its type (HEADER, BODY, FOOTER, BUTTONS)"
            ),
        );
    }
    errors.into_result(())
}
