//! Every error the HTTP surface reports, REST and widget alike: a stable code, a readable
//! message and, for validation, the fields at fault.
//!
//! The `error_codes!` table below is the one place that maps each kind to its HTTP status and
//! wire code; [`AppError`] carries a code to the client as `{"error": {"code", "message", ...}}`.

use crate::sessions::SessionError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use botwot_adapters::meta::graph::GraphError;
use botwot_cluster::ClusterError;
use botwot_engine::campaign::{CampaignEditError, CampaignRefusal};
use botwot_engine::ports::StoreError;
use botwot_engine::session::Rejection;
use botwot_engine::validation::ValidationErrors;
use botwot_socket_payloads::{PayloadRefusal, RefusalCode};
use serde::Serialize;
use utoipa::ToSchema;

/// Declares [`ErrorCode`] from its table: variant, HTTP status, wire code.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $status:ident, $code:literal;)+) => {
        /// What went wrong, as clients match on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The HTTP status and the wire code of this kind.
            pub fn describe(self) -> (StatusCode, &'static str) {
                match self {
                    $(ErrorCode::$variant => (StatusCode::$status, $code),)+
                }
            }
        }
    };
}

error_codes! {
    InvalidJson => BAD_REQUEST, "invalid_json";
    InvalidQuery => BAD_REQUEST, "invalid_query";
    InvalidRequest => BAD_REQUEST, "invalid_request";
    /// A report's time range: `from` is not before `to`, or it is longer than 366 days.
    InvalidRange => BAD_REQUEST, "invalid_range";
    UnsupportedMediaType => UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type";
    ValidationFailed => UNPROCESSABLE_ENTITY, "validation_failed";
    /// A widget event whose payload is not what the protocol says.
    InvalidPayload => BAD_REQUEST, "invalid_payload";
    /// A widget message longer than `max_message_chars`.
    MessageTooLong => UNPROCESSABLE_ENTITY, "message_too_long";
    /// No credentials were sent.
    Unauthorized => UNAUTHORIZED, "unauthorized";
    /// The access token is malformed, forged, signed with an unknown key or algorithm, or
    /// names a user or organisation that no longer exists.
    InvalidToken => UNAUTHORIZED, "invalid_token";
    /// The access token has expired: refresh it.
    TokenExpired => UNAUTHORIZED, "token_expired";
    /// The refresh token is unknown, expired, revoked or was used before.
    InvalidRefreshToken => UNAUTHORIZED, "invalid_refresh_token";
    /// Wrong email or password (never says which).
    InvalidCredentials => UNAUTHORIZED, "invalid_credentials";
    /// The one-time code is wrong, expired, used or was never sent.
    InvalidCode => BAD_REQUEST, "invalid_code";
    /// Too many wrong codes: the address is locked for a while; sent with `Retry-After`.
    CodeLocked => TOO_MANY_REQUESTS, "code_locked";
    /// The caller's role and grants do not include the module of the route.
    Forbidden => FORBIDDEN, "forbidden";
    AccountDisabled => FORBIDDEN, "account_disabled";
    OrganisationSuspended => FORBIDDEN, "organisation_suspended";
    /// A cluster administration route called without the operator token, or with another
    /// token (a tenant user's access token is not one).
    InvalidOperatorToken => UNAUTHORIZED, "invalid_operator_token";
    /// Creating organisations is turned off on this server.
    SignupClosed => FORBIDDEN, "signup_closed";
    /// The organisation's plan allows no more of a resource; the message names the limit.
    PlanLimitReached => FORBIDDEN, "plan_limit_reached";
    /// The email belongs to a user already.
    EmailTaken => CONFLICT, "email_taken";
    /// The mailer could not send; retrying later may work.
    MailUnavailable => SERVICE_UNAVAILABLE, "mail_unavailable";
    /// A webhook whose signature is missing, malformed or wrong.
    InvalidSignature => UNAUTHORIZED, "invalid_signature";
    /// A link to an uploaded file whose signature does not match it.
    InvalidLink => FORBIDDEN, "invalid_link";
    /// A link to an uploaded file past its expiry.
    LinkExpired => GONE, "link_expired";
    /// A webhook subscription handshake with the wrong mode or verify token.
    SubscriptionRefused => FORBIDDEN, "subscription_refused";
    /// A provider webhook this server has no secret for.
    WebhookNotConfigured => NOT_FOUND, "webhook_not_configured";
    UnknownWidgetKey => NOT_FOUND, "unknown_widget_key";
    /// The cluster administration routes are off: no `http.admin_token` is configured.
    AdminDisabled => NOT_FOUND, "admin_disabled";
    /// No live cluster member has this node id.
    UnknownMember => NOT_FOUND, "unknown_member";
    OriginNotAllowed => FORBIDDEN, "origin_not_allowed";
    NotFound => NOT_FOUND, "not_found";
    MethodNotAllowed => METHOD_NOT_ALLOWED, "method_not_allowed";
    Conflict => CONFLICT, "conflict";
    SessionRejected => CONFLICT, "session_rejected";
    /// Another agent owns the conversation; the message names them.
    SessionTaken => CONFLICT, "session_taken";
    /// Only the agent who owns the conversation may do this (reply, hand back, transfer).
    NotAssigned => CONFLICT, "not_assigned";
    /// A canned response with this shortcut exists in the organisation.
    ShortcutTaken => CONFLICT, "shortcut_taken";
    BotUnavailable => CONFLICT, "bot_unavailable";
    /// Campaigns (`/v1/campaigns`): the campaign is no longer a draft, so its definition is
    /// frozen and it cannot be scheduled or launched again.
    NotADraft => CONFLICT, "not_a_draft";
    /// The campaign completed or was cancelled: nothing moves it any more.
    AlreadyFinished => CONFLICT, "already_finished";
    /// A campaign without recipients cannot be scheduled or launched.
    NoAudience => CONFLICT, "no_audience";
    /// A campaign's start time, or a post's publishing time, must be in the future.
    StartInThePast => UNPROCESSABLE_ENTITY, "start_in_the_past";
    NotScheduled => CONFLICT, "not_scheduled";
    /// A scheduled campaign is not started before its time.
    NotDueYet => CONFLICT, "not_due_yet";
    NotRunning => CONFLICT, "not_running";
    NotPaused => CONFLICT, "not_paused";
    /// Recipients are added only before a campaign starts.
    AudienceClosed => CONFLICT, "audience_closed";
    AudienceTooLarge => UNPROCESSABLE_ENTITY, "audience_too_large";
    /// A contact list that cannot be read; `details` names each line at fault.
    InvalidContactList => UNPROCESSABLE_ENTITY, "invalid_contact_list";
    /// A scheduled, running or paused campaign cannot be deleted: cancel it first.
    CampaignActive => CONFLICT, "campaign_active";
    /// Another request is changing the campaign; sent with `Retry-After`.
    CampaignBusy => SERVICE_UNAVAILABLE, "campaign_busy";
    /// Payments (`/v1/billing`, `/webhooks/razorpay`) are off: no `[payments.razorpay]` keys
    /// are configured on this server.
    PaymentsDisabled => NOT_FOUND, "payments_disabled";
    /// The tier has no price yet (an operator prices it with `POST /v1/admin/billing/plans`).
    TierNotPriced => CONFLICT, "tier_not_priced";
    /// ENTERPRISE is priced per organisation: it is neither sold here nor changed by payments.
    TierNotPurchasable => UNPROCESSABLE_ENTITY, "tier_not_purchasable";
    /// The organisation is on ENTERPRISE, which is billed by agreement.
    EnterpriseBilledSeparately => CONFLICT, "enterprise_billed_separately";
    /// The organisation has a subscription that can still charge: cancel it first.
    SubscriptionExists => CONFLICT, "subscription_exists";
    /// The subscription was cancelled, completed or expired.
    SubscriptionEnded => CONFLICT, "subscription_ended";
    /// `razorpay_signature` from the checkout does not sign this payment.
    InvalidCheckoutSignature => BAD_REQUEST, "invalid_checkout_signature";
    /// The payment failed at the provider; the message gives its reason.
    PaymentFailed => PAYMENT_REQUIRED, "payment_failed";
    /// The payment is for another order, or of another amount or currency.
    PaymentMismatch => CONFLICT, "payment_mismatch";
    /// The payment provider refused the request (its message says why), or BotWot's API keys.
    PaymentProviderRefused => BAD_GATEWAY, "payment_provider_refused";
    /// The payment provider did not answer, or not in time; sent with `Retry-After`.
    PaymentProviderUnavailable => SERVICE_UNAVAILABLE, "payment_provider_unavailable";
    /// Another request is changing the organisation's billing; sent with `Retry-After`.
    BillingBusy => SERVICE_UNAVAILABLE, "billing_busy";
    /// Only a scheduled post is cancelled or moved (it is published, failed, cancelled or
    /// being published).
    PostNotScheduled => CONFLICT, "post_not_scheduled";
    /// Phone calls (`/v1/voice`, `/webhooks/twilio`, `/webhooks/elevenlabs`) are off: no
    /// `[voice.elevenlabs]` keys are configured on this server.
    VoiceDisabled => NOT_FOUND, "voice_disabled";
    /// The phone number is connected already (by this or another organisation).
    NumberTaken => CONFLICT, "number_taken";
    /// The number's voice agent cannot take calls as it stands (inactive, or without its id at
    /// the conversational AI); the message says which.
    VoiceAgentNotReady => CONFLICT, "voice_agent_not_ready";
    /// Twilio (or the conversational AI) rejected the credentials given.
    VoiceCredentialsRejected => UNPROCESSABLE_ENTITY, "voice_credentials_rejected";
    /// Twilio or the conversational AI refused the request; the message gives its reason.
    VoiceProviderRefused => BAD_GATEWAY, "voice_provider_refused";
    /// Twilio or the conversational AI did not answer, or not in time.
    VoiceProviderUnavailable => SERVICE_UNAVAILABLE, "voice_provider_unavailable";
    /// Shops (`/v1/shopify`, `/webhooks/shopify`) are not served by this node.
    CommerceDisabled => NOT_FOUND, "commerce_disabled";
    /// The shop is connected already (by this or another organisation).
    ShopTaken => CONFLICT, "shop_taken";
    /// Shopify refused the shop's access token (wrong, revoked, or the app uninstalled).
    ShopifyCredentialsRejected => UNPROCESSABLE_ENTITY, "shopify_credentials_rejected";
    /// Shopify refused the request; the message gives its reason.
    ShopifyRefused => BAD_GATEWAY, "shopify_refused";
    /// Shopify did not answer, or not in time, or asked to slow down; sent with `Retry-After`.
    ShopifyUnavailable => SERVICE_UNAVAILABLE, "shopify_unavailable";
    /// Leads (`/v1/leads`) are not kept by this node.
    LeadsDisabled => NOT_FOUND, "leads_disabled";
    /// The organisation has a lead with this WhatsApp number already.
    LeadExists => CONFLICT, "lead_exists";
    /// The server has no public address for a provider to call back (`http.public_url`).
    PublicUrlMissing => CONFLICT, "public_url_missing";
    /// A cluster administration route called on a node that runs alone (not `serve --cluster`).
    NotClustered => CONFLICT, "not_clustered";
    PayloadTooLarge => PAYLOAD_TOO_LARGE, "payload_too_large";
    /// An uploaded file is larger than the plan or the server allows; the message says the limit.
    FileTooLarge => PAYLOAD_TOO_LARGE, "file_too_large";
    /// The blob store or a knowledge index could not be reached; retrying later may work.
    KnowledgeUnavailable => SERVICE_UNAVAILABLE, "knowledge_unavailable";
    /// A message's file is not kept yet and could not be fetched from the channel now (its
    /// servers did not answer, or the account's token was refused); retrying later may work.
    MediaUnavailable => BAD_GATEWAY, "media_unavailable";
    /// A free-form reply on WhatsApp, Messenger or Instagram more than 24 hours after the
    /// contact last wrote: Meta allows only an approved template then.
    MessagingWindowClosed => UNPROCESSABLE_ENTITY, "messaging_window_closed";
    /// Meta refused the request (its message says why: a template name taken, a token to
    /// renew, a permission missing).
    ProviderRejected => UNPROCESSABLE_ENTITY, "provider_rejected";
    /// Meta did not answer, or not in time; retrying later may work.
    ProviderUnavailable => BAD_GATEWAY, "provider_unavailable";
    /// The session's bot uses a language-model provider this server has no model for
    /// (`[knowledge.llm]`), so its conversations cannot be analysed.
    LanguageModelNotConfigured => CONFLICT, "language_model_not_configured";
    /// The language model did not answer, or not in time, or refused; retrying later may work.
    LanguageModelUnavailable => SERVICE_UNAVAILABLE, "language_model_unavailable";
    /// The language model answered with something other than the analysis asked for.
    LanguageModelMalformed => BAD_GATEWAY, "language_model_malformed";
    /// The conversation has nothing anyone said in it yet to analyse.
    NothingToAnalyse => UNPROCESSABLE_ENTITY, "nothing_to_analyse";
    /// Too many requests from one client; sent with `Retry-After`.
    RateLimited => TOO_MANY_REQUESTS, "rate_limited";
    /// Sent with `Retry-After`.
    Overloaded => SERVICE_UNAVAILABLE, "overloaded";
    StorageUnavailable => SERVICE_UNAVAILABLE, "storage_unavailable";
    /// A webhook was not durably accepted within `http.webhook_deadline_ms` (storage or the
    /// broker is slow or away); sent with `Retry-After`. It may still be applied, and its
    /// redelivery is then recognised.
    AcceptTimedOut => SERVICE_UNAVAILABLE, "accept_timed_out";
    /// The conversation moved to another cluster node while the request ran; sent with
    /// `Retry-After` (the retry reaches the new owner).
    SessionMoved => SERVICE_UNAVAILABLE, "session_moved";
    /// The cluster's broker or the node running the conversation did not answer; sent with
    /// `Retry-After`. An event that reached the broker is still applied.
    ClusterUnavailable => SERVICE_UNAVAILABLE, "cluster_unavailable";
    /// A background task of the node (timers, deliveries) has stopped.
    NodeUnhealthy => SERVICE_UNAVAILABLE, "node_unhealthy";
    ShuttingDown => SERVICE_UNAVAILABLE, "shutting_down";
    Internal => INTERNAL_SERVER_ERROR, "internal";
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        self.describe().0
    }

    pub fn as_str(self) -> &'static str {
        self.describe().1
    }
}

/// An error on its way to a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// The fields at fault, for `validation_failed`.
    pub details: Vec<FieldProblem>,
    /// For `overloaded`: when to try again (also sent as `Retry-After`).
    pub retry_after_secs: Option<u64>,
}

/// One field at fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorPayload,
}

/// What an error says; the widget's `error` event carries this object as it is.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorPayload {
    /// Stable, machine-readable: `invalid_json`, `validation_failed`, `not_found`, ...
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// A Socket.IO payload the widget or console protocol refuses, as the API's error.
impl From<PayloadRefusal> for AppError {
    fn from(refusal: PayloadRefusal) -> Self {
        let code = match refusal.code {
            RefusalCode::InvalidPayload => ErrorCode::InvalidPayload,
            RefusalCode::MessageTooLong => ErrorCode::MessageTooLong,
        };
        AppError::new(code, refusal.message)
    }
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: Vec::new(),
            retry_after_secs: None,
        }
    }

    /// `what` (a bot, a session, a route) does not exist here.
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code.as_str(),
            message: self.message.clone(),
            details: self.details.clone(),
            retry_after_secs: self.retry_after_secs,
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for AppError {}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        if status.is_server_error() {
            tracing::warn!(code = self.code.as_str(), message = %self.message, "request failed");
        }
        let retry_after = self.retry_after_secs;
        let mut response = (
            status,
            axum::Json(ErrorBody {
                error: self.payload(),
            }),
        )
            .into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        let mut error = Self::new(ErrorCode::ValidationFailed, errors.to_string());
        error.details = errors
            .0
            .into_iter()
            .map(|e| FieldProblem {
                field: e.field,
                message: e.message,
            })
            .collect();
        error
    }
}

impl From<CampaignRefusal> for AppError {
    fn from(refusal: CampaignRefusal) -> Self {
        let code = match refusal {
            CampaignRefusal::NotADraft { .. } => ErrorCode::NotADraft,
            CampaignRefusal::AlreadyFinished { .. } => ErrorCode::AlreadyFinished,
            CampaignRefusal::NoAudience => ErrorCode::NoAudience,
            CampaignRefusal::StartInThePast { .. } => ErrorCode::StartInThePast,
            CampaignRefusal::NotScheduled { .. } => ErrorCode::NotScheduled,
            CampaignRefusal::NotDueYet { .. } => ErrorCode::NotDueYet,
            CampaignRefusal::NotRunning { .. } => ErrorCode::NotRunning,
            CampaignRefusal::NotPaused { .. } => ErrorCode::NotPaused,
            CampaignRefusal::AudienceClosed { .. } => ErrorCode::AudienceClosed,
            CampaignRefusal::AudienceTooLarge => ErrorCode::AudienceTooLarge,
        };
        Self::new(code, refusal.to_string())
    }
}

impl From<CampaignEditError> for AppError {
    fn from(error: CampaignEditError) -> Self {
        match error {
            CampaignEditError::Refused(refusal) => refusal.into(),
            CampaignEditError::Invalid(errors) => errors.into(),
        }
    }
}

impl From<botwot_engine::knowledge::KnowledgeIndexError> for AppError {
    fn from(error: botwot_engine::knowledge::KnowledgeIndexError) -> Self {
        Self::new(ErrorCode::KnowledgeUnavailable, error.to_string())
    }
}

impl From<botwot_engine::blobs::BlobError> for AppError {
    fn from(error: botwot_engine::blobs::BlobError) -> Self {
        Self::new(ErrorCode::KnowledgeUnavailable, error.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(reason) => Self::new(ErrorCode::StorageUnavailable, reason),
            StoreError::Corrupt(reason) => Self::new(
                ErrorCode::Internal,
                format!("stored data is corrupt: {reason}"),
            ),
            StoreError::Conflict(reason) => Self::new(ErrorCode::Conflict, reason),
            StoreError::NotFound => Self::not_found("record"),
            StoreError::InvalidInput(reason) => Self::new(ErrorCode::InvalidQuery, reason),
            StoreError::Fenced(reason) => Self {
                retry_after_secs: Some(1),
                ..Self::new(ErrorCode::SessionMoved, reason)
            },
        }
    }
}

impl From<ClusterError> for AppError {
    fn from(error: ClusterError) -> Self {
        let unavailable = |reason: String| Self {
            retry_after_secs: Some(2),
            ..Self::new(ErrorCode::ClusterUnavailable, reason)
        };
        match error {
            ClusterError::UnknownMember(node_id) => Self::new(
                ErrorCode::UnknownMember,
                format!("no live cluster member is called {node_id}"),
            ),
            // What an operator asked for cannot be (a shard that does not exist).
            ClusterError::InvalidConfig(reason) => Self::new(ErrorCode::InvalidRequest, reason),
            ClusterError::Malformed(reason) => Self::new(
                ErrorCode::Internal,
                format!("a cluster record is malformed: {reason}"),
            ),
            error @ (ClusterError::Redis(_)
            | ClusterError::Broker(_)
            | ClusterError::NotConfirmed { .. }
            | ClusterError::NoReply { .. }
            | ClusterError::LeaseLost { .. }
            | ClusterError::StaleEpoch { .. }) => unavailable(error.to_string()),
        }
    }
}

impl From<SessionError> for AppError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::Overloaded { retry_after_secs } => Self {
                retry_after_secs: Some(retry_after_secs),
                ..Self::new(ErrorCode::Overloaded, "the server is busy, try again later")
            },
            SessionError::BotUnavailable => {
                Self::new(ErrorCode::BotUnavailable, "the bot is deleted or inactive")
            }
            SessionError::PlanLimit(exceeded) => Self::new(
                ErrorCode::PlanLimitReached,
                format!(
                    "{exceeded}; no new conversation starts until next month or a plan upgrade"
                ),
            ),
            SessionError::Storage(reason) => Self::new(ErrorCode::StorageUnavailable, reason),
            SessionError::ActorFailed => Self::new(
                ErrorCode::Internal,
                "the conversation could not take the event; nothing was stored, try again",
            ),
            SessionError::Stopped => {
                Self::new(ErrorCode::ShuttingDown, "the server is shutting down")
            }
            SessionError::Moved => Self {
                retry_after_secs: Some(1),
                ..Self::new(
                    ErrorCode::SessionMoved,
                    "the conversation moved to another node; nothing was stored, try again",
                )
            },
            SessionError::Unreachable(reason) => Self {
                retry_after_secs: Some(2),
                ..Self::new(
                    ErrorCode::ClusterUnavailable,
                    format!("the node running the conversation did not answer: {reason}"),
                )
            },
        }
    }
}

impl AppError {
    /// A call to Meta on a node that has no Graph API configured.
    pub fn no_graph() -> Self {
        Self::new(
            ErrorCode::ProviderUnavailable,
            "this node has no Graph API configured",
        )
    }

    /// Meta's refusal (`provider_rejected`), or its silence (`provider_unavailable`).
    pub fn from_meta(error: GraphError) -> Self {
        let code = if error.is_retriable() {
            ErrorCode::ProviderUnavailable
        } else {
            ErrorCode::ProviderRejected
        };
        Self::new(code, error.to_string())
    }
}

impl From<Rejection> for AppError {
    fn from(rejection: Rejection) -> Self {
        let code = match &rejection {
            Rejection::OwnedByAnotherAgent { .. } => ErrorCode::SessionTaken,
            Rejection::NotTheOwner { .. } => ErrorCode::NotAssigned,
            Rejection::SessionClosed | Rejection::EmptyMessage | Rejection::NotWaiting => {
                ErrorCode::SessionRejected
            }
            Rejection::MessagingWindowClosed { .. } => ErrorCode::MessagingWindowClosed,
            Rejection::InvalidRating => ErrorCode::ValidationFailed,
        };
        Self::new(code, rejection.to_string())
    }
}

/// The innermost message of a rejection: serde's words ("unknown field `botColour`, expected
/// one of ...") rather than axum's generic heading.
fn cause(error: &dyn std::error::Error) -> String {
    let mut inner = error;
    while let Some(source) = inner.source() {
        inner = source;
    }
    inner.to_string()
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match &rejection {
            JsonRejection::JsonDataError(error) => Self::new(
                ErrorCode::InvalidJson,
                format!("the request body does not fit the schema: {}", cause(error)),
            ),
            JsonRejection::JsonSyntaxError(error) => Self::new(
                ErrorCode::InvalidJson,
                format!("the request body is not valid JSON: {}", cause(error)),
            ),
            JsonRejection::MissingJsonContentType(_) => Self::new(
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with `Content-Type: application/json`",
            ),
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                ErrorCode::PayloadTooLarge,
                "the request body is larger than the server accepts",
            ),
            _ => Self::new(ErrorCode::InvalidRequest, rejection.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        Self::new(
            ErrorCode::InvalidQuery,
            format!("the query string is not valid: {}", cause(&rejection)),
        )
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        Self::new(ErrorCode::InvalidRequest, rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn a_campaign_refusal_answers_with_the_engine_code() {
        use botwot_engine::Timestamp;
        use botwot_engine::campaign::CampaignStatus;
        let status = CampaignStatus::Running;
        let at = Timestamp(1_000);
        for refusal in [
            CampaignRefusal::NotADraft { status },
            CampaignRefusal::AlreadyFinished { status },
            CampaignRefusal::NoAudience,
            CampaignRefusal::StartInThePast { at },
            CampaignRefusal::NotScheduled { status },
            CampaignRefusal::NotDueYet { starts_at: at },
            CampaignRefusal::NotRunning { status },
            CampaignRefusal::NotPaused { status },
            CampaignRefusal::AudienceClosed { status },
            CampaignRefusal::AudienceTooLarge,
        ] {
            let error = AppError::from(refusal.clone());
            assert_eq!(error.code.as_str(), refusal.code());
            assert_eq!(error.message, refusal.to_string());
        }
    }

    #[test]
    fn every_code_is_listed_once_with_its_own_wire_name() {
        let names: HashSet<&str> = ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        assert!(
            names
                .iter()
                .all(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
    }

    #[test]
    fn cluster_errors_have_their_own_codes() {
        let code = |error: ClusterError| AppError::from(error).code;
        assert_eq!(
            code(ClusterError::UnknownMember("node-b".into())),
            ErrorCode::UnknownMember
        );
        assert_eq!(
            code(ClusterError::InvalidConfig("shard 9 does not exist".into())),
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            code(ClusterError::Malformed("member record".into())),
            ErrorCode::Internal
        );
        for down in [
            ClusterError::Redis("connection refused".into()),
            ClusterError::Broker("connection reset".into()),
        ] {
            let response = AppError::from(down).into_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()[header::RETRY_AFTER], "2");
        }
    }

    #[test]
    fn a_closed_messaging_window_is_unprocessable_and_says_why() {
        let reason = "the 24 hour customer service window closed at 2026-11-25T10:00:00.000Z: send a template";
        let error = AppError::from(Rejection::MessagingWindowClosed {
            reason: reason.into(),
        });
        assert_eq!(error.code, ErrorCode::MessagingWindowClosed);
        assert_eq!(error.message, reason);
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn overload_carries_retry_after() {
        let response = AppError::from(SessionError::Overloaded {
            retry_after_secs: 7,
        })
        .into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
    }
}
