//! Phone calls (PRD §3.5): [`VoiceStore`] keeps the connected numbers and every call,
//! [`Telephony`] is Twilio (numbers, placing calls, a call's status), [`ConversationalAi`] is the
//! provider that talks on the line (ElevenLabs: it takes the call over and reports after it).

use super::{PageRequest, Paged, StoreError};
use crate::ids::{CallId, TenantId, VoiceAgentId, VoiceNumberId};
use crate::time::Timestamp;
use crate::voice::{CallDirection, CallReport, CallStatus, StatusUpdate, VoiceCall, VoiceNumber};
use async_trait::async_trait;
use std::collections::BTreeMap;
use thiserror::Error;

#[async_trait]
pub trait VoiceStore: Send + Sync + 'static {
    /// `Conflict` when the phone number is connected already (by any organisation).
    async fn insert_voice_number(&self, number: &VoiceNumber) -> Result<(), StoreError>;
    /// Replaces a stored number; `NotFound` when it is not in that tenant.
    async fn save_voice_number(&self, number: &VoiceNumber) -> Result<(), StoreError>;
    async fn get_voice_number(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
    ) -> Result<Option<VoiceNumber>, StoreError>;
    /// A number by its id alone: Twilio's webhooks name the number, not the organisation.
    async fn find_voice_number(
        &self,
        id: &VoiceNumberId,
    ) -> Result<Option<VoiceNumber>, StoreError>;
    /// A tenant's numbers, most recently connected first.
    async fn list_voice_numbers(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<VoiceNumber>, StoreError>;
    /// `false` when there was no such number.
    async fn delete_voice_number(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
    ) -> Result<bool, StoreError>;

    /// `Conflict` when a call with the same `call_sid` is stored (a redelivered webhook).
    async fn insert_call(&self, call: &VoiceCall) -> Result<(), StoreError>;
    /// Replaces a stored call; `NotFound` when it is not in that tenant.
    async fn save_call(&self, call: &VoiceCall) -> Result<(), StoreError>;
    async fn get_call(
        &self,
        tenant: &TenantId,
        id: &CallId,
    ) -> Result<Option<VoiceCall>, StoreError>;
    /// A call by its id alone: the conversational AI's webhooks carry our id, not the tenant.
    async fn find_call(&self, id: &CallId) -> Result<Option<VoiceCall>, StoreError>;
    async fn call_by_sid(
        &self,
        tenant: &TenantId,
        call_sid: &str,
    ) -> Result<Option<VoiceCall>, StoreError>;
    /// A tenant's calls that pass `filter`, most recently requested first.
    async fn list_calls(
        &self,
        tenant: &TenantId,
        filter: &CallFilter,
        page: &PageRequest,
    ) -> Result<Paged<VoiceCall>, StoreError>;
    /// Every tenant's calls whose check is due by `by`, earliest first.
    async fn due_calls(&self, by: Timestamp, limit: usize) -> Result<Vec<VoiceCall>, StoreError>;
}

/// Which of a tenant's calls a listing holds; every field given must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallFilter {
    pub direction: Option<CallDirection>,
    pub status: Option<CallStatus>,
    pub number_id: Option<VoiceNumberId>,
    pub agent_id: Option<VoiceAgentId>,
    /// Requested at or after.
    pub since: Option<Timestamp>,
    /// Requested before.
    pub until: Option<Timestamp>,
}

impl CallFilter {
    /// Whether `call` passes (what every backend must agree with).
    pub fn matches(&self, call: &VoiceCall) -> bool {
        self.direction
            .is_none_or(|direction| call.direction == direction)
            && self.status.is_none_or(|status| call.status == status)
            && self
                .number_id
                .as_ref()
                .is_none_or(|id| &call.number_id == id)
            && self.agent_id.as_ref().is_none_or(|id| &call.agent_id == id)
            && self.since.is_none_or(|since| call.requested_at >= since)
            && self.until.is_none_or(|until| call.requested_at < until)
    }
}

/// Why a voice provider could not do what was asked.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VoiceProviderError {
    /// The provider rejected the credentials (a wrong Twilio auth token, a revoked API key).
    #[error("{0} rejected the credentials")]
    Unauthorised(&'static str),
    /// What was asked for is not there (a number not in the Twilio account).
    #[error("{0}")]
    NotFound(String),
    /// The provider refused the request as it stands; retrying it will not help.
    #[error("{provider} refused: {message} ({code})")]
    Refused {
        provider: &'static str,
        code: String,
        message: String,
    },
    /// The provider could not be reached, timed out or failed; retrying may help.
    #[error("{provider} is unavailable: {detail}")]
    Unavailable {
        provider: &'static str,
        detail: String,
    },
}

/// A Twilio account's credentials, the auth token unsealed for one request.
#[derive(Clone, PartialEq, Eq)]
pub struct TwilioCredentials {
    pub account_sid: String,
    pub auth_token: String,
}

impl std::fmt::Debug for TwilioCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TwilioCredentials({}, <token>)", self.account_sid)
    }
}

/// Where Twilio asks what to do with a call (`voice_url`) and reports its statuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallHooks {
    pub voice_url: String,
    pub status_url: String,
}

/// Twilio: the numbers of an account, placing calls, a call's status.
#[async_trait]
pub trait Telephony: Send + Sync + 'static {
    /// Finds `phone_number` in the account and points its calls and statuses at `hooks`;
    /// answers the number's `PN…` id.
    async fn connect_number(
        &self,
        account: &TwilioCredentials,
        phone_number: &str,
        hooks: &CallHooks,
    ) -> Result<String, VoiceProviderError>;
    /// Stops the number sending its calls to BotWot.
    async fn disconnect_number(
        &self,
        account: &TwilioCredentials,
        number_sid: &str,
    ) -> Result<(), VoiceProviderError>;
    /// Places a call from `from` to `to` that ends after `time_limit_secs` at the latest;
    /// answers Twilio's `CA…` id.
    async fn place_call(
        &self,
        account: &TwilioCredentials,
        from: &str,
        to: &str,
        hooks: &CallHooks,
        time_limit_secs: u32,
    ) -> Result<String, VoiceProviderError>;
    async fn call_status(
        &self,
        account: &TwilioCredentials,
        call_sid: &str,
    ) -> Result<StatusUpdate, VoiceProviderError>;
}

/// A call handed to the conversational AI, and how its agent should open it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRegistration {
    /// The agent's id at the provider.
    pub external_agent_id: String,
    pub from: String,
    pub to: String,
    pub direction: CallDirection,
    /// What the agent's prompts may refer to; includes `botwot_call_id`, which its report
    /// echoes back.
    pub variables: BTreeMap<String, String>,
    pub first_message: Option<String>,
    pub prompt: Option<String>,
    pub language: Option<String>,
}

/// The provider that talks on the line.
#[async_trait]
pub trait ConversationalAi: Send + Sync + 'static {
    /// Registers the call and answers the TwiML that connects it to the agent.
    async fn register_call(&self, call: &CallRegistration) -> Result<String, VoiceProviderError>;
    /// The report of the agent's conversation on the Twilio call `call_sid`, which started
    /// about `around`; `None` while the provider has none.
    async fn find_report(
        &self,
        external_agent_id: &str,
        call_sid: &str,
        around: Timestamp,
    ) -> Result<Option<(String, CallReport)>, VoiceProviderError>;
}
