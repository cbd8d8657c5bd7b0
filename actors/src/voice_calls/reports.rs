//! What the providers report about a call after the fact: Twilio's status callbacks and the
//! conversational AI's post-call webhooks (the transcript and analysis, and the recording). Each is applied under the call's lock; repeats and late arrivals
//! change nothing (the call's own rules, `engine::voice`).

use super::{VoiceCalls, VoiceError};
use botwot_engine::ids::CallId;
use botwot_engine::voice::{CallReport, StatusUpdate, VoiceCall, VoiceNumber, recording_key};
use tracing::{info, warn};

/// A post-call webhook of the conversational AI, read and verified.
#[derive(Clone, Debug, PartialEq)]
pub enum PostCallEvent {
    /// The transcript and analysis; `call` is BotWot's id the AI echoed back.
    Report {
        call: Option<CallId>,
        conversation_id: String,
        report: CallReport,
    },
    /// The conversation's audio (kept as its recording).
    Audio {
        conversation_id: String,
        audio: Vec<u8>,
    },
}

/// What became of a webhook about a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallEnded {
    /// It changed the call.
    Applied,
    /// The call had it already, or had moved past it.
    Unchanged,
    /// No call of ours matches it (kept nowhere, answered 200 so the provider stops).
    Unknown,
}

impl CallEnded {
    pub fn as_str(self) -> &'static str {
        match self {
            CallEnded::Applied => "applied",
            CallEnded::Unchanged => "unchanged",
            CallEnded::Unknown => "unknown",
        }
    }
}

impl VoiceCalls {
    /// Applies Twilio's status callback for the call `call_sid` on `number` (`call` names
    /// BotWot's id on a call it placed).
    pub async fn apply_status(
        &self,
        number: &VoiceNumber,
        call: Option<&CallId>,
        call_sid: &str,
        update: StatusUpdate,
    ) -> Result<CallEnded, VoiceError> {
        let store = &self.deps.store;
        let found = match call {
            Some(id) => store.get_call(&number.tenant, id).await?,
            None => store.call_by_sid(&number.tenant, call_sid).await?,
        };
        let Some(found) = found.filter(|found| found.number_id == number.id) else {
            warn!(number = %number.id, call_sid, "a status callback for a call BotWot does not know");
            return Ok(CallEnded::Unknown);
        };
        self.change(&found, |call| {
            let named = call.call_sid.is_none();
            if named {
                call.call_sid = Some(call_sid.to_owned());
            }
            call.apply_status(&update) || named
        })
        .await
    }

    /// Applies a post-call webhook of the conversational AI.
    pub async fn apply_post_call(&self, event: PostCallEvent) -> Result<CallEnded, VoiceError> {
        let now = self.deps.clock.now();
        match event {
            PostCallEvent::Report {
                call,
                conversation_id,
                report,
            } => {
                let Some(found) = self.known(call).await? else {
                    return Ok(CallEnded::Unknown);
                };
                self.change(&found, move |call| {
                    call.apply_report(conversation_id, report, now);
                    true
                })
                .await
            }
            PostCallEvent::Audio {
                conversation_id,
                audio,
            } => {
                let Some(key) = recording_key(&conversation_id) else {
                    return Ok(CallEnded::Unknown);
                };
                self.deps.blobs.put(&key, audio).await.map_err(|error| {
                    VoiceError::Store(botwot_engine::ports::StoreError::Unavailable(
                        error.to_string(),
                    ))
                })?;
                info!(conversation = %conversation_id, "call recording kept");
                Ok(CallEnded::Applied)
            }
        }
    }

    async fn known(&self, call: Option<CallId>) -> Result<Option<VoiceCall>, VoiceError> {
        let Some(id) = call else {
            warn!("a post-call webhook without BotWot's call id");
            return Ok(None);
        };
        let found = self.deps.store.find_call(&id).await?;
        if found.is_none() {
            warn!(call = %id, "a post-call webhook for a call BotWot does not know");
        }
        Ok(found)
    }

    /// Re-reads `seen` under its lock, applies `apply` and stores the call when it says it
    /// changed something.
    pub(super) async fn change(
        &self,
        seen: &VoiceCall,
        apply: impl FnOnce(&mut VoiceCall) -> bool,
    ) -> Result<CallEnded, VoiceError> {
        let _lock = self.lock(&seen.id).await?;
        let mut call = self
            .deps
            .store
            .get_call(&seen.tenant, &seen.id)
            .await?
            .ok_or(VoiceError::CallNotFound)?;
        if !apply(&mut call) {
            return Ok(CallEnded::Unchanged);
        }
        self.deps.store.save_call(&call).await?;
        Ok(CallEnded::Applied)
    }
}
