//! `GET /v1/dev/mailbox?email=`: the mail the development mailer kept for an address, newest
//! first, so sign-up works offline. Served only when `http.auth.dev_mailbox` is on; never in
//! production, since it shows one-time codes to anyone.

use crate::errors::AppError;
use crate::extract::QueryParams;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::access::normalise_email;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MailboxQuery {
    /// The recipient.
    email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeptMail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Mail kept for an address (development only).
#[utoipa::path(
    get, path = "/v1/dev/mailbox", tag = "auth", params(MailboxQuery),
    responses((status = 200, description = "newest first", body = Vec<KeptMail>)),
)]
pub async fn mailbox(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<MailboxQuery>,
) -> Result<Json<Vec<KeptMail>>, AppError> {
    let mailbox = state
        .auth
        .dev_mailbox
        .as_ref()
        .filter(|_| state.config.auth.dev_mailbox)
        .ok_or_else(|| AppError::not_found("the development mailbox"))?;
    let email = normalise_email(&query.email).unwrap_or(query.email);
    let kept = mailbox
        .sent_to(&email)
        .into_iter()
        .map(|mail| KeptMail {
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
        })
        .collect();
    Ok(Json(kept))
}
