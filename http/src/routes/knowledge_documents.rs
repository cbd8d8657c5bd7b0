//! `/v1/knowledge-bases/{id}/documents`: uploading files and adding web pages to a knowledge
//! base, watching their ingestion, and deleting them (record, file and indexed chunks).
//!
//! An upload is the file itself as the request body, named by `?fileName=` and typed by its
//! `Content-Type`; it is read up to the plan's (and the server's) upload limit and refused with
//! `file_too_large` past it. The file is kept in the blob store before the answer (201) and
//! ingested in the background; progress shows on the document and on the console's `ingestion`
//! event.

use crate::auth::{Principal, plan_limits};
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::knowledge::DocumentView;
use crate::knowledge::upload_body::{UploadedFile, read_upload};
use crate::routes::knowledge_bases::stored_base;
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use botwot_engine::access::LimitedResource;
use botwot_engine::ids::DocumentId;
use botwot_engine::knowledge::{DocumentOrigin, KnowledgeBase, KnowledgeDocument};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The longest file name kept.
const MAX_FILE_NAME_CHARS: usize = 255;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name with its extension (`returns.pdf`); it tells the format with the
    /// `Content-Type`, and titles the document. Needed for a raw upload; a form's file part
    /// names the file itself (this overrides it).
    file_name: Option<String>,
}

/// The `{knowledgeBaseId}` path.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct DocumentsPath {
    /// The knowledge base's id.
    knowledge_base_id: String,
}

/// The `{knowledgeBaseId}/documents/{documentId}` path.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct DocumentPath {
    /// The knowledge base's id.
    knowledge_base_id: String,
    /// The document's id.
    document_id: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListDocumentsQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// A web page for the server to fetch and learn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UrlInput {
    /// An `http` or `https` address on the public internet.
    pub url: String,
}

/// Uploads a file (PDF, DOCX, XLSX, CSV, JSON, HTML, Markdown or text) to a knowledge base:
/// the raw bytes with the file's `Content-Type` and `?fileName=`, or a `multipart/form-data`
/// form whose `file` part is the file.
#[utoipa::path(
    post, path = "/v1/knowledge-bases/{knowledgeBaseId}/documents", tag = "knowledge",
    params(DocumentsPath, UploadQuery),
    request_body(content = Vec<u8>, description = "the file's bytes (or a multipart/form-data form with the file in its `file` part)", content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "stored and queued for ingestion", body = DocumentView),
        (status = 413, description = "`file_too_large`: over the plan's or the server's upload limit"),
        (status = 403, description = "`plan_limit_reached`: the plan allows no more documents"),
    ),
)]
pub async fn upload_document(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<DocumentsPath>,
    QueryParams(query): QueryParams<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<DocumentView>), AppError> {
    let base = stored_base(&state, &principal, &path.knowledge_base_id).await?;
    allow_one_more_document(&state, &principal).await?;
    let limit = upload_limit(&state, &principal);
    let UploadedFile {
        bytes,
        file_name: named_in_form,
        content_type,
    } = read_upload(&headers, body, limit).await?;
    let file_name = match (query.file_name.as_deref(), named_in_form.as_deref()) {
        (Some(name), _) | (None, Some(name)) => file_name(name)?,
        (None, None) => file_name("")?,
    };
    if bytes.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidJson, "the file is empty"));
    }
    let origin = DocumentOrigin::Upload {
        file_name: file_name.clone(),
        content_type,
    };
    let document = new_document(&state, &base, file_name, origin, bytes.len() as u64);
    state
        .knowledge
        .blobs
        .put(&document.blob_key(), bytes.to_vec())
        .await?;
    queue(&state, document).await
}

/// Adds a web page to a knowledge base; the server fetches it in the background.
#[utoipa::path(
    post, path = "/v1/knowledge-bases/{knowledgeBaseId}/urls", tag = "knowledge",
    params(DocumentsPath), request_body = UrlInput,
    responses((status = 201, description = "queued for fetching and ingestion", body = DocumentView)),
)]
pub async fn add_url(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<DocumentsPath>,
    JsonBody(input): JsonBody<UrlInput>,
) -> Result<(StatusCode, Json<DocumentView>), AppError> {
    let base = stored_base(&state, &principal, &path.knowledge_base_id).await?;
    let url = input.url.trim().to_owned();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 2_048 {
        let mut errors = botwot_engine::validation::ValidationErrors::default();
        errors.add(
            "url",
            "must be an http or https address of at most 2,048 characters",
        );
        return Err(errors.into());
    }
    allow_one_more_document(&state, &principal).await?;
    let origin = DocumentOrigin::Url { url: url.clone() };
    let document = new_document(&state, &base, url, origin, 0);
    queue(&state, document).await
}

/// The documents of a knowledge base with their ingestion progress, newest first.
#[utoipa::path(
    get, path = "/v1/knowledge-bases/{knowledgeBaseId}/documents", tag = "knowledge",
    params(DocumentsPath, ListDocumentsQuery),
    responses((status = 200, description = "a page of documents", body = Vec<DocumentView>)),
)]
pub async fn list_documents(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<DocumentsPath>,
    QueryParams(query): QueryParams<ListDocumentsQuery>,
) -> Result<Json<Page<DocumentView>>, AppError> {
    let base = stored_base(&state, &principal, &path.knowledge_base_id).await?;
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .list_documents(principal.tenant(), &base.id, &page)
        .await?;
    Ok(Json(Page {
        items: listed.items.iter().map(DocumentView::from).collect(),
        next_cursor: listed.next_cursor,
    }))
}

/// One document and its ingestion progress.
#[utoipa::path(
    get, path = "/v1/knowledge-bases/{knowledgeBaseId}/documents/{documentId}", tag = "knowledge",
    params(DocumentPath),
    responses((status = 200, description = "the document", body = DocumentView)),
)]
pub async fn get_document(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<DocumentPath>,
) -> Result<Json<DocumentView>, AppError> {
    let document = stored_document(&state, &principal, &path).await?;
    Ok(Json(DocumentView::from(&document)))
}

/// Deletes a document: its record, its file and its chunks in the index.
#[utoipa::path(
    delete, path = "/v1/knowledge-bases/{knowledgeBaseId}/documents/{documentId}", tag = "knowledge",
    params(DocumentPath),
    responses((status = 204, description = "deleted")),
)]
pub async fn delete_document(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<DocumentPath>,
) -> Result<StatusCode, AppError> {
    let document = stored_document(&state, &principal, &path).await?;
    let tenant = principal.tenant();
    state.store.delete_document(tenant, &document.id).await?;
    state
        .knowledge
        .index
        .remove_document(tenant, &document.kb_id, &document.id)
        .await?;
    state.knowledge.blobs.delete(&document.blob_key()).await?;
    tracing::info!(document_id = %document.id, "knowledge document deleted");
    Ok(StatusCode::NO_CONTENT)
}

fn file_name(raw: &str) -> Result<String, AppError> {
    let name = raw
        .trim()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_owned();
    if name.is_empty()
        || name.chars().count() > MAX_FILE_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        let mut errors = botwot_engine::validation::ValidationErrors::default();
        errors.add("fileName", "must be a file name of 1 to 255 characters");
        return Err(errors.into());
    }
    Ok(name)
}

/// The most bytes one upload may carry: the plan's limit within the server's.
fn upload_limit(state: &AppState, principal: &Principal) -> usize {
    let server = state.knowledge.max_upload_bytes;
    match principal.organisation.limits().upload_bytes {
        Some(plan) => server.min(usize::try_from(plan).unwrap_or(usize::MAX)),
        None => server,
    }
}

async fn allow_one_more_document(state: &AppState, principal: &Principal) -> Result<(), AppError> {
    let resource = LimitedResource::KnowledgeDocuments;
    if let Some(needed) = plan_limits::count_needed(principal, resource) {
        let in_use = state
            .store
            .count_documents(principal.tenant(), needed)
            .await?;
        plan_limits::allow_one_more(principal, resource, in_use)?;
    }
    Ok(())
}

fn new_document(
    state: &AppState,
    base: &KnowledgeBase,
    title: String,
    origin: DocumentOrigin,
    size_bytes: u64,
) -> KnowledgeDocument {
    KnowledgeDocument::new(
        base.tenant_id.clone(),
        base.id.clone(),
        title,
        origin,
        size_bytes,
        state.now(),
    )
}

/// Stores the record and queues its ingestion.
async fn queue(
    state: &AppState,
    document: KnowledgeDocument,
) -> Result<(StatusCode, Json<DocumentView>), AppError> {
    state.store.insert_document(&document).await?;
    state
        .knowledge
        .ingestion
        .enqueue(document.tenant_id.clone(), document.id.clone());
    tracing::info!(document_id = %document.id, knowledge_base_id = %document.kb_id, "knowledge document queued");
    Ok((StatusCode::CREATED, Json(DocumentView::from(&document))))
}

async fn stored_document(
    state: &AppState,
    principal: &Principal,
    path: &DocumentPath,
) -> Result<KnowledgeDocument, AppError> {
    state
        .store
        .get_document(
            principal.tenant(),
            &DocumentId::from(path.document_id.as_str()),
        )
        .await?
        .filter(|document| document.kb_id.as_str() == path.knowledge_base_id)
        .ok_or_else(|| AppError::not_found(format_args!("document {}", path.document_id)))
}
