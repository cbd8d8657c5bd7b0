//! Phone calls with voice agents (PRD §3.5), run through Twilio and the conversational AI that
//! talks on the line (ElevenLabs). A node's [`VoiceCalls`] connects numbers (points their
//! webhooks at BotWot), places outbound calls, answers Twilio's voice requests with the TwiML
//! that hands a call to its agent, applies Twilio's status callbacks and the AI's post-call
//! reports, and keeps every call's durable check: a call whose webhook never came is settled
//! by asking the provider (`keeper.rs`).
//!
//! Every change of a call happens under its named lock (`call:<id>`), read-change-write, so
//! concurrent webhooks of one call (Twilio's status callbacks, the AI's report, a check) never
//! write over each other, on one node or across a cluster. Twilio's auth tokens are stored
//! sealed and opened only for a request.

mod answer;
mod errors;
mod keeper;
mod numbers;
mod outbound;
mod reports;

pub use answer::{CALL_ID_VARIABLE, CallAnswer, IncomingCall};
pub use errors::VoiceError;
pub use reports::{CallEnded, PostCallEvent};

use crate::named_locks::{NamedGuard, NamedLocks};
use botwot_engine::blobs::BlobStore;
use botwot_engine::ids::{CallId, VoiceNumberId};
use botwot_engine::integration::SealedSecret;
use botwot_engine::ports::{
    CallHooks, ConversationalAi, Sealer, Storage, Telephony, TwilioCredentials,
};
use botwot_engine::time::Clock;
use botwot_engine::voice::VoiceNumber;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::task::JoinHandle;

/// How a node keeps its calls (the `[voice]` section).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VoiceCallsConfig {
    /// How often the node looks for calls whose check is due.
    pub sweep_ms: u64,
    /// Calls checked per read of the store.
    pub batch: usize,
}

impl Default for VoiceCallsConfig {
    fn default() -> Self {
        Self {
            sweep_ms: 30_000,
            batch: 20,
        }
    }
}

/// What the calls need.
pub struct VoiceCallsDeps {
    pub store: Arc<dyn Storage>,
    pub telephony: Arc<dyn Telephony>,
    pub ai: Arc<dyn ConversationalAi>,
    /// Where call recordings are kept.
    pub blobs: Arc<dyn BlobStore>,
    /// Seals and opens the Twilio auth tokens.
    pub sealer: Arc<dyn Sealer>,
    pub locks: NamedLocks,
    pub clock: Arc<dyn Clock>,
    /// The address Twilio reaches this server at (`http.public_url`), without a trailing `/`.
    pub public_url: String,
}

/// A node's phone calls.
#[derive(Clone)]
pub struct VoiceCalls {
    deps: Arc<VoiceCallsDeps>,
    config: VoiceCallsConfig,
}

/// The name of a call's lock.
fn call_lock_name(id: &CallId) -> String {
    format!("call:{id}")
}

impl VoiceCalls {
    pub fn new(mut deps: VoiceCallsDeps, config: VoiceCallsConfig) -> Self {
        deps.public_url = deps.public_url.trim_end_matches('/').to_owned();
        Self {
            deps: Arc::new(deps),
            config,
        }
    }

    /// Checks due calls every `sweep_ms`, until the task is aborted.
    pub fn spawn(&self) -> JoinHandle<()> {
        keeper::spawn(self.clone())
    }

    /// The number Twilio's webhook names, and its account's credentials to verify the webhook's
    /// signature with.
    pub async fn webhook_number(
        &self,
        id: &VoiceNumberId,
    ) -> Result<(VoiceNumber, TwilioCredentials), VoiceError> {
        let number = self
            .deps
            .store
            .find_voice_number(id)
            .await?
            .ok_or(VoiceError::NumberNotFound)?;
        let credentials = self.credentials(&number)?;
        Ok((number, credentials))
    }

    fn credentials(&self, number: &VoiceNumber) -> Result<TwilioCredentials, VoiceError> {
        let auth_token = self
            .deps
            .sealer
            .open(number.id.as_str(), &number.twilio.sealed_auth_token)
            .map_err(VoiceError::Sealing)?;
        Ok(TwilioCredentials {
            account_sid: number.twilio.account_sid.clone(),
            auth_token,
        })
    }

    fn seal(&self, number: &VoiceNumberId, token: &str) -> Result<SealedSecret, VoiceError> {
        self.deps
            .sealer
            .seal(number.as_str(), token)
            .map_err(VoiceError::Sealing)
    }

    /// Where Twilio sends the number's calls and their statuses; an outbound call's hooks name
    /// the call too.
    fn hooks(&self, number: &VoiceNumberId, call: Option<&CallId>) -> CallHooks {
        let base = &self.deps.public_url;
        let query = call.map(|id| format!("?call={id}")).unwrap_or_default();
        CallHooks {
            voice_url: format!("{base}/webhooks/twilio/voice/{number}{query}"),
            status_url: format!("{base}/webhooks/twilio/status/{number}{query}"),
        }
    }

    async fn lock(&self, id: &CallId) -> Result<NamedGuard<'_>, VoiceError> {
        self.deps
            .locks
            .hold(&call_lock_name(id))
            .await
            .map_err(|error| VoiceError::Busy(error.to_string()))
    }
}
