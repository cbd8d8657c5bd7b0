//! The audit log's writing side: every successful change under `/v1` is recorded by
//! [`audit_changes`] (who, which route, which path, the status, the client address and the
//! request id), and sign-in events by the routes that handle them through [`record`]. Bodies
//! are never recorded, so no secret reaches the log. A failed audit write is logged and counted
//! but does not undo the change it describes.

mod origin;

pub use origin::RequestOrigin;

use crate::auth::Principal;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use botwot_engine::access::{AuditActor, AuditEntry, UserAccount};
use botwot_engine::ids::{AuditId, TenantId};

/// The actor of a signed-in user.
pub fn user_actor(user: &UserAccount) -> AuditActor {
    AuditActor {
        kind: "user".to_owned(),
        id: user.id.to_string(),
        label: user.email.clone(),
    }
}

/// Records one entry for `tenant`.
pub async fn record(
    state: &AppState,
    tenant: &TenantId,
    actor: AuditActor,
    action: &str,
    target: &str,
    status: u16,
    origin: &RequestOrigin,
) {
    let entry = AuditEntry {
        id: AuditId::generate(),
        tenant_id: tenant.clone(),
        at: state.now(),
        actor,
        action: action.to_owned(),
        target: target.to_owned(),
        status,
        ip: origin.ip.clone(),
        request_id: origin.request_id.clone(),
    };
    if let Err(error) = state.store.record_audit(&entry).await {
        ::metrics::counter!("botwot_audit_write_failed_total").increment(1);
        tracing::error!(tenant_id = %tenant, action, error = %error, "audit entry not written");
    }
}

/// Routes called with `POST` because they carry a body, but that change nothing: asking the
/// knowledge, or the language model to write. They are not audited.
pub const QUESTIONS: &[&str] = &[
    "/v1/knowledge-bases/{knowledgeBaseId}/query",
    "/v1/bots/{botId}/answer",
    "/v1/answer",
    "/v1/social/posts/optimize",
    "/v1/media/prompts/enhance",
];

fn is_change(method: &Method, route: &str) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) && !QUESTIONS.contains(&route)
}

/// Middleware (after authentication): records every change that succeeded.
pub async fn audit_changes(
    State(state): State<AppState>,
    principal: Principal,
    origin: RequestOrigin,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let target = request.uri().path().to_owned();
    let response = next.run(request).await;
    let route = matched
        .as_ref()
        .map_or(target.as_str(), MatchedPath::as_str);
    if is_change(&method, route) && response.status().is_success() {
        let action = format!("{method} {route}");
        let status = response.status().as_u16();
        record(
            &state,
            principal.tenant(),
            principal.actor(),
            &action,
            &target,
            status,
            &origin,
        )
        .await;
    }
    response
}
