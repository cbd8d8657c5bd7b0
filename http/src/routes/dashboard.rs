//! `/v1/dashboard`: the managers' dashboard (PRD §3.10). `metrics` computes the headline figures
//! of a time range, `export` writes them with one row per conversation as CSV or XLSX, and
//! `layout` keeps each user's widgets. The PRD's `/dashboard/analytics`,
//! `/user/analytics/export` and `/dashboard/userWidgets` map here.

use crate::auth::{Principal, Tenant};
use crate::dashboard::report::{
    CONVERSATION_COLUMNS, Cell, SUMMARY_COLUMNS, conversation_rows, summary_rows,
};
use crate::dashboard::report_csv::write_csv;
use crate::dashboard::report_xlsx::{Sheet, write_xlsx};
use crate::dashboard::{Gathered, ReportScope, gather};
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, QueryParams};
use crate::openapi::schemas::{DashboardLayoutSchema, DashboardMetricsSchema};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use botwot_engine::analytics::{DashboardLayout, DashboardMetrics, WidgetFunnel, day_of};
use botwot_engine::{Channel, TenantId};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

const CSV: &str = "text/csv; charset=utf-8";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// Start of the range (RFC 3339 or Unix milliseconds); default: seven days before `to`.
    from: Option<String>,
    /// End of the range, excluded (RFC 3339 or Unix milliseconds); default: now. At most 366
    /// days after `from`.
    to: Option<String>,
    /// Only this channel: `web`, `whatsapp`, `messenger`, `instagram` or `voice`.
    channel: Option<String>,
}

/// The file an export writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One CSV table (see `part`).
    #[default]
    Csv,
    /// A workbook with the sheets `Summary` and `Conversations`.
    Xlsx,
}

/// Which table a CSV export holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportPart {
    /// One row per conversation.
    #[default]
    Conversations,
    /// One row per figure (`metric,value`).
    Summary,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (default) or `xlsx`.
    format: Option<ExportFormat>,
    /// For CSV: `conversations` (default) or `summary`. XLSX holds both.
    part: Option<ExportPart>,
    /// Start of the range (RFC 3339 or Unix milliseconds); default: seven days before `to`.
    from: Option<String>,
    /// End of the range, excluded; default: now. At most 366 days after `from`.
    to: Option<String>,
    /// Only this channel.
    channel: Option<String>,
}

/// The dashboard's figures over the conversations created in a range.
#[utoipa::path(
    get, path = "/v1/dashboard/metrics", tag = "dashboard", params(MetricsQuery),
    responses(
        (status = 200, description = "the figures", body = DashboardMetricsSchema),
        (status = 400, description = "`invalid_range`: `from` is not before `to`, or the range is longer than 366 days; `invalid_query`: a value does not parse"),
    ),
)]
pub async fn dashboard_metrics(
    State(state): State<AppState>,
    Tenant(tenant): Tenant,
    QueryParams(query): QueryParams<MetricsQuery>,
) -> Result<Json<DashboardMetrics>, AppError> {
    let scope = ReportScope::from_query(
        query.from.as_deref(),
        query.to.as_deref(),
        query.channel.as_deref(),
        state.now(),
    )?;
    let gathered = gather(&*state.store, &tenant, scope).await?;
    let mut metrics = metrics_of(scope, &gathered);
    metrics.widget = widget_funnel(&state, &tenant, scope, &metrics).await?;
    Ok(Json(metrics))
}

/// The widget's loads and opens on the days of the range, and the web conversations of the
/// range; nothing when the report is of another channel.
async fn widget_funnel(
    state: &AppState,
    tenant: &TenantId,
    scope: ReportScope,
    metrics: &DashboardMetrics,
) -> Result<WidgetFunnel, AppError> {
    if scope.channel.is_some_and(|channel| channel != Channel::Web) {
        return Ok(WidgetFunnel::default());
    }
    let days = state
        .store
        .widget_usage(tenant, day_of(scope.range.from), day_of(scope.range.to))
        .await?;
    let conversations = metrics
        .channels
        .iter()
        .filter(|count| count.channel == Channel::Web)
        .map(|count| count.conversations)
        .sum();
    Ok(WidgetFunnel::of(&days, conversations))
}

/// A report file of a range: CSV (conversations or summary) or XLSX (both, as two sheets).
#[utoipa::path(
    get, path = "/v1/dashboard/export", tag = "dashboard", params(ExportQuery),
    responses(
        (status = 200, description = "the report, as an attachment: `text/csv`, or an XLSX workbook (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`)", content_type = "text/csv"),
        (status = 400, description = "`invalid_range` or `invalid_query`, as for the metrics"),
    ),
)]
pub async fn export_report(
    State(state): State<AppState>,
    Tenant(tenant): Tenant,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<impl IntoResponse, AppError> {
    let scope = ReportScope::from_query(
        query.from.as_deref(),
        query.to.as_deref(),
        query.channel.as_deref(),
        state.now(),
    )?;
    let gathered = gather(&*state.store, &tenant, scope).await?;
    let summary = summary_rows(&metrics_of(scope, &gathered));
    let conversations = conversation_rows(&gathered.conversations);
    let (content_type, file, bytes) = match (query.format.unwrap_or_default(), query.part) {
        (ExportFormat::Csv, Some(ExportPart::Summary)) => (
            CSV,
            "dashboard-summary.csv",
            csv(&SUMMARY_COLUMNS, &summary)?,
        ),
        (ExportFormat::Csv, _) => (
            CSV,
            "dashboard-conversations.csv",
            csv(&CONVERSATION_COLUMNS, &conversations)?,
        ),
        (ExportFormat::Xlsx, _) => {
            let sheets = [
                Sheet {
                    name: "Summary",
                    header: &SUMMARY_COLUMNS,
                    rows: &summary,
                },
                Sheet {
                    name: "Conversations",
                    header: &CONVERSATION_COLUMNS,
                    rows: &conversations,
                },
            ];
            let bytes = write_xlsx(&sheets).map_err(|error| internal(&error))?;
            (XLSX, "dashboard-report.xlsx", bytes)
        }
    };
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}

/// The caller's dashboard widgets; the default layout until they save one.
#[utoipa::path(
    get, path = "/v1/dashboard/layout", tag = "dashboard",
    responses((status = 200, description = "the caller's widgets", body = DashboardLayoutSchema)),
)]
pub async fn get_layout(principal: Principal) -> Json<DashboardLayout> {
    Json(principal.user.dashboard_layout.unwrap_or_default())
}

/// Saves the caller's dashboard widgets. Unknown widget kinds and fields are `invalid_json`;
/// duplicate ids and widgets outside the 12-column grid are `validation_failed`.
#[utoipa::path(
    put, path = "/v1/dashboard/layout", tag = "dashboard",
    request_body = DashboardLayoutSchema,
    responses(
        (status = 200, description = "the saved widgets", body = DashboardLayoutSchema),
        (status = 403, description = "`forbidden`: API keys have no dashboard"),
    ),
)]
pub async fn put_layout(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(layout): JsonBody<DashboardLayout>,
) -> Result<Json<DashboardLayout>, AppError> {
    if principal.api_key.is_some() {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "an API key has no dashboard layout; sign in as a user",
        ));
    }
    layout.validate()?;
    // The stored record, not the one read when the request was authenticated: the layout is the
    // only field this writes.
    let mut user = state
        .store
        .get_user(principal.tenant(), &principal.user.id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    user.dashboard_layout = Some(layout.clone());
    user.updated_at = state.now();
    state.store.update_user(&user).await?;
    Ok(Json(layout))
}

fn metrics_of(scope: ReportScope, gathered: &Gathered) -> DashboardMetrics {
    DashboardMetrics::compute(scope.range, &gathered.conversations, gathered.truncated)
}

fn csv(header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
    write_csv(header, rows).map_err(|error| internal(&error))
}

fn internal(error: &dyn std::error::Error) -> AppError {
    AppError::new(ErrorCode::Internal, error.to_string())
}
