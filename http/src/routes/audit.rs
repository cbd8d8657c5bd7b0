//! `/v1/audit`: the organisation's audit log, newest first, filtered by time and actor; and the
//! same as an export, one JSON entry per line, for archiving or a SIEM.

use crate::auth::Tenant;
use crate::errors::AppError;
use crate::extract::QueryParams;
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use botwot_engine::Timestamp;
use botwot_engine::access::{AuditEntry, AuditFilter};
use botwot_engine::ports::PageRequest;
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::IntoParams;

/// The most entries one export holds; narrow the time range for more.
pub const MAX_EXPORT_ENTRIES: usize = 100_000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct AuditQuery {
    /// Entries at or after this time (RFC 3339).
    from: Option<String>,
    /// Entries before this time (RFC 3339).
    until: Option<String>,
    /// Entries of this user or API key.
    actor_id: Option<String>,
    /// Page size, 1 to 200 (default 50); not used by the export.
    limit: Option<usize>,
    /// `nextCursor` of the previous page; not used by the export.
    cursor: Option<String>,
}

impl AuditQuery {
    fn filter(&self, errors: &mut ValidationErrors) -> AuditFilter {
        let mut time = |field: &str, value: &Option<String>| {
            value.as_deref().and_then(|text| {
                let parsed = Timestamp::parse_rfc3339(text);
                if parsed.is_none() {
                    errors.add(
                        field,
                        "must be an RFC 3339 time such as 2026-11-25T10:00:00Z",
                    );
                }
                parsed
            })
        };
        AuditFilter {
            from: time("from", &self.from),
            until: time("until", &self.until),
            actor_id: self.actor_id.clone(),
        }
    }
}

/// Lists the audit log, newest first.
#[utoipa::path(
    get, path = "/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "a page of entries")),
)]
pub async fn list_audit(
    State(state): State<AppState>,
    Tenant(tenant): Tenant,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>, AppError> {
    let mut errors = ValidationErrors::default();
    let filter = query.filter(&mut errors);
    let limit = LISTING.check(query.limit, &mut errors);
    errors.into_result(())?;
    let page = PageRequest {
        limit,
        cursor: query.cursor,
    };
    Ok(Json(
        state
            .store
            .list_audit(&tenant, &filter, &page)
            .await?
            .into(),
    ))
}

/// Exports the audit log as JSON lines, newest first (at most 100 000 entries).
#[utoipa::path(
    get, path = "/v1/audit/export", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "one JSON entry per line", content_type = "application/x-ndjson")),
)]
pub async fn export_audit(
    State(state): State<AppState>,
    Tenant(tenant): Tenant,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<impl IntoResponse, AppError> {
    let mut errors = ValidationErrors::default();
    let filter = query.filter(&mut errors);
    errors.into_result(())?;
    let mut lines = String::new();
    let mut page = PageRequest {
        limit: 1_000,
        cursor: None,
    };
    let mut exported = 0;
    loop {
        let batch = state.store.list_audit(&tenant, &filter, &page).await?;
        for entry in &batch.items {
            if exported == MAX_EXPORT_ENTRIES {
                break;
            }
            lines.push_str(&serde_json::to_string(entry).unwrap_or_default());
            lines.push('\n');
            exported += 1;
        }
        match batch.next_cursor {
            Some(cursor) if exported < MAX_EXPORT_ENTRIES => page.cursor = Some(cursor),
            _ => break,
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.ndjson\"",
            ),
        ],
        lines,
    ))
}
