//! Outbound calls (the PRD's `POST /twilio/outbound-call`): the call is stored as `requested`
//! before Twilio is asked, so a node that stops in between leaves a record its check settles
//! (failed, never placed twice); Twilio's id is stored as soon as it answers.

use super::{VoiceCalls, VoiceError};
use botwot_engine::ids::{TenantId, VoiceNumberId};
use botwot_engine::voice::{VoiceCall, validate_outbound};
use botwot_engine::voice_agent::VoiceAgentStatus;
use std::collections::BTreeMap;
use tracing::info;

impl VoiceCalls {
    /// Calls `to` from the number `number_id`; its agent talks once the callee answers.
    pub async fn place_call(
        &self,
        tenant: &TenantId,
        number_id: &VoiceNumberId,
        to: &str,
        variables: BTreeMap<String, String>,
    ) -> Result<VoiceCall, VoiceError> {
        validate_outbound(to, &variables).map_err(VoiceError::Invalid)?;
        if self.deps.public_url.is_empty() {
            return Err(VoiceError::NoPublicUrl);
        }
        let number = self.number_of(tenant, number_id).await?;
        let agent = self.agent_of(tenant, &number.agent_id).await?;
        if agent.settings.status != VoiceAgentStatus::Active {
            return Err(VoiceError::AgentNotReady(format!(
                "the voice agent {} is inactive: activate it to place calls",
                agent.settings.name
            )));
        }
        if agent.settings.external_agent_id.is_none() {
            return Err(VoiceError::AgentNotReady(format!(
                "the voice agent {} has no externalAgentId: set its id at the conversational AI first",
                agent.settings.name
            )));
        }
        let credentials = self.credentials(&number)?;
        let now = self.deps.clock.now();
        let mut call = VoiceCall::outbound(
            &number,
            to.to_owned(),
            variables,
            agent.settings.max_call_duration_secs,
            now,
        );
        self.deps.store.insert_call(&call).await?;
        let hooks = self.hooks(&number.id, Some(&call.id));
        let placed = self
            .deps
            .telephony
            .place_call(
                &credentials,
                &call.from,
                &call.to,
                &hooks,
                call.max_duration_secs,
            )
            .await;
        let _lock = self.lock(&call.id).await?;
        // Re-read: a status callback may have come already.
        if let Some(stored) = self.deps.store.get_call(tenant, &call.id).await? {
            call = stored;
        }
        let now = self.deps.clock.now();
        match placed {
            Ok(call_sid) => {
                call.placed(call_sid, now);
                self.deps.store.save_call(&call).await?;
                info!(call = %call.id, "outbound call placed");
                Ok(call)
            }
            Err(error) => {
                call.fail(format!("Twilio did not place the call: {error}"), now);
                self.deps.store.save_call(&call).await?;
                Err(error.into())
            }
        }
    }
}
