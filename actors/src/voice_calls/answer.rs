//! Twilio's voice request: a call rang in to a number, or a call BotWot placed was answered.
//! The call is found (or, ringing in, recorded under Twilio's id, so a repeated request finds
//! it), handed to the conversational AI with its agent's greeting, prompt, language and the
//! call's variables, and the AI's TwiML goes back to Twilio. When the agent cannot take it, the
//! caller hears the agent's fallback message and the call is recorded as failed with the
//! reason, rather than Twilio's "an application error has occurred".

use super::{VoiceCalls, VoiceError};
use botwot_engine::ids::CallId;
use botwot_engine::ports::{CallRegistration, StoreError};
use botwot_engine::voice::VoiceCall;
use botwot_engine::voice::VoiceNumber;
use botwot_engine::voice_agent::{VoiceAgent, VoiceAgentStatus};
use tracing::{info, warn};

/// What the caller hears when no agent can take the call and the agent set no fallback.
const DEFAULT_FALLBACK: &str =
    "Sorry, no one can take your call right now. Please try again later.";
/// The variable that carries BotWot's call id to the AI and back in its report.
pub const CALL_ID_VARIABLE: &str = "botwot_call_id";

/// What Twilio is told to do with a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallAnswer {
    /// The conversational AI's TwiML, which connects the call to the agent.
    Connect(String),
    /// Read `text` out (in `language`) and hang up: the agent cannot take the call.
    Apology {
        text: String,
        language: Option<String>,
    },
    /// The call is over already: hang up.
    HangUp,
}

/// Twilio's voice request, as read from its signed form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingCall {
    pub call_sid: String,
    pub from: String,
    /// BotWot's id of a call it placed (the `call` of the hook's query); `None` ringing in.
    pub call: Option<CallId>,
}

impl VoiceCalls {
    /// What answers Twilio's voice request for `number`.
    pub async fn answer(
        &self,
        number: &VoiceNumber,
        incoming: IncomingCall,
    ) -> Result<CallAnswer, VoiceError> {
        let agent = self
            .deps
            .store
            .get_voice_agent(&number.tenant, &number.agent_id)
            .await?;
        let max_duration = agent
            .as_ref()
            .map_or(600, |agent| agent.settings.max_call_duration_secs);
        let call = self.call_for(number, &incoming, max_duration).await?;
        if call.status.is_final() {
            return Ok(CallAnswer::HangUp);
        }
        let registration = match agent.as_ref().map(|agent| ready(agent, &call)) {
            Some(Ok(registration)) => Ok(registration),
            Some(Err(reason)) => Err(reason),
            None => Err("the number's voice agent was deleted".to_owned()),
        };
        let answered = match registration {
            Ok(registration) => self
                .deps
                .ai
                .register_call(&registration)
                .await
                .map_err(|error| format!("the conversational AI did not take the call: {error}")),
            Err(reason) => Err(reason),
        };
        let _lock = self.lock(&call.id).await?;
        let mut call = self
            .deps
            .store
            .get_call(&number.tenant, &call.id)
            .await?
            .unwrap_or(call);
        let now = self.deps.clock.now();
        match answered {
            Ok(twiml) => {
                // Twilio may ask before the answer to placing the call was stored.
                call.call_sid.get_or_insert(incoming.call_sid);
                call.connected(now);
                self.deps.store.save_call(&call).await?;
                info!(call = %call.id, direction = call.direction.as_str(), "call handed to its agent");
                Ok(CallAnswer::Connect(twiml))
            }
            Err(reason) => {
                warn!(call = %call.id, %reason, "call not handed to an agent");
                call.fail(reason, now);
                self.deps.store.save_call(&call).await?;
                let (fallback, language) = agent.as_ref().map_or((None, None), fallback_of);
                Ok(CallAnswer::Apology {
                    text: fallback.unwrap_or(DEFAULT_FALLBACK).to_owned(),
                    language: language.map(str::to_owned),
                })
            }
        }
    }

    /// The call Twilio asks about: the one BotWot placed, or the one ringing in (recorded on
    /// its first request).
    async fn call_for(
        &self,
        number: &VoiceNumber,
        incoming: &IncomingCall,
        max_duration: u32,
    ) -> Result<VoiceCall, VoiceError> {
        let store = &self.deps.store;
        if let Some(id) = &incoming.call {
            return store
                .get_call(&number.tenant, id)
                .await?
                .filter(|call| call.number_id == number.id)
                .ok_or(VoiceError::CallNotFound);
        }
        if let Some(call) = store
            .call_by_sid(&number.tenant, &incoming.call_sid)
            .await?
        {
            return Ok(call);
        }
        let now = self.deps.clock.now();
        let call = VoiceCall::inbound(
            number,
            incoming.from.clone(),
            incoming.call_sid.clone(),
            max_duration,
            now,
        );
        match store.insert_call(&call).await {
            Ok(()) => Ok(call),
            // The same request twice at once: the other one recorded it.
            Err(StoreError::Conflict(_)) => store
                .call_by_sid(&number.tenant, &incoming.call_sid)
                .await?
                .ok_or(VoiceError::CallNotFound),
            Err(error) => Err(error.into()),
        }
    }
}

/// The registration of `call` with `agent`, or why the agent cannot take it.
fn ready(agent: &VoiceAgent, call: &VoiceCall) -> Result<CallRegistration, String> {
    let settings = &agent.settings;
    if settings.status != VoiceAgentStatus::Active {
        return Err(format!("the voice agent {} is inactive", settings.name));
    }
    let Some(external_agent_id) = settings.external_agent_id.clone() else {
        return Err(format!(
            "the voice agent {} has no id at the conversational AI",
            settings.name
        ));
    };
    let mut variables = call.variables.clone();
    variables.insert(CALL_ID_VARIABLE.to_owned(), call.id.to_string());
    let prompts = &settings.prompt_config;
    let prompt = [&prompts.system_prompt, &prompts.behavioral_prompt]
        .iter()
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let greeting = prompts.greeting.trim();
    Ok(CallRegistration {
        external_agent_id,
        from: call.from.clone(),
        to: call.to.clone(),
        direction: call.direction,
        variables,
        first_message: (!greeting.is_empty()).then(|| greeting.to_owned()),
        prompt: (!prompt.is_empty()).then_some(prompt),
        language: settings.languages.first().cloned(),
    })
}

fn fallback_of(agent: &VoiceAgent) -> (Option<&str>, Option<&str>) {
    let message = agent.settings.prompt_config.fallback_message.trim();
    (
        (!message.is_empty()).then_some(message),
        agent.settings.languages.first().map(String::as_str),
    )
}
