//! [`ElevenLabsClient`]: the engine's [`ConversationalAi`] over ElevenLabs' Agents API, and the
//! voices its agents can speak with. Every request carries the API key in `xi-api-key` (marked
//! sensitive, so no debug output shows it), has the configured timeout and is made exactly
//! once: whoever asked decides whether to ask again.

use super::config::ElevenLabsConfig;
use super::conversations::{MAX_PAGES, Page, is_conversation_id, list_query, nearest_first};
use super::errors::read_refusal;
use super::registration::{answered_twiml, registration_body};
use super::report::call_report;
use super::voices::{VoiceList, VoiceOption};
use crate::excerpt::body_excerpt;
use crate::voice_api::{ProviderHttp, VoiceConfigError};
use async_trait::async_trait;
use botwot_engine::ports::{CallRegistration, ConversationalAi, VoiceProviderError};
use botwot_engine::time::Timestamp;
use botwot_engine::voice::CallReport;
use botwot_webhooks::elevenlabs::parse_conversation;
use reqwest::header::HeaderValue;
use reqwest::{Method, RequestBuilder};
use std::fmt;

const PROVIDER: &str = "ElevenLabs";
/// The conversation status whose analysis is finished.
const DONE: &str = "done";

/// An ElevenLabs API client: the API key, the timeout and a pooled HTTP connection set. Cheap
/// to clone.
#[derive(Clone)]
pub struct ElevenLabsClient {
    api: ProviderHttp,
    config: ElevenLabsConfig,
    key: HeaderValue,
}

impl ElevenLabsClient {
    pub fn new(config: ElevenLabsConfig) -> Result<Self, VoiceConfigError> {
        let unusable = VoiceConfigError::ApiKey { provider: PROVIDER };
        if !config.key_is_usable() {
            return Err(unusable);
        }
        let mut key = HeaderValue::from_str(&config.api_key).map_err(|_| unusable)?;
        key.set_sensitive(true);
        let api = ProviderHttp::new(PROVIDER, &config.api_url, config.timeout, read_refusal)?;
        Ok(Self { api, config, key })
    }

    pub fn config(&self) -> &ElevenLabsConfig {
        &self.config
    }

    /// The voices the account's agents can speak with.
    pub async fn list_voices(&self) -> Result<Vec<VoiceOption>, VoiceProviderError> {
        let body = self.send(self.request(Method::GET, "/v1/voices")).await?;
        let list: VoiceList = self.api.json("voice list", &body)?;
        Ok(list.options())
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.api
            .request(method, path)
            .header("xi-api-key", self.key.clone())
    }

    async fn send(&self, request: RequestBuilder) -> Result<Vec<u8>, VoiceProviderError> {
        self.api.send(request).await
    }

    /// The ids of `agent_id`'s conversations that started around `around`, nearest first.
    async fn conversations_around(
        &self,
        agent_id: &str,
        around: Timestamp,
    ) -> Result<Vec<String>, VoiceProviderError> {
        let mut listed = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let query = list_query(agent_id, around, cursor.as_deref());
            let request = self
                .request(Method::GET, "/v1/convai/conversations")
                .query(&query);
            let page: Page = self
                .api
                .json("conversation list", &self.send(request).await?)?;
            cursor = page.next().map(str::to_owned);
            listed.extend(page.conversations);
            if cursor.is_none() {
                break;
            }
        }
        Ok(nearest_first(listed, around))
    }
}

impl fmt::Debug for ElevenLabsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElevenLabsClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl ConversationalAi for ElevenLabsClient {
    async fn register_call(&self, call: &CallRegistration) -> Result<String, VoiceProviderError> {
        let request = self
            .request(Method::POST, "/v1/convai/twilio/register-call")
            .json(&registration_body(call));
        let body = self.send(request).await?;
        answered_twiml(&body).ok_or_else(|| {
            self.api.unreadable(
                "call registration",
                format_args!("the answer is not TwiML: {}", body_excerpt(&body)),
            )
        })
    }

    /// Fetches the conversations around the call, nearest first, until one is the call's. A
    /// conversation that cannot be read is passed over, but reported when none matched (it may
    /// have been the call's).
    async fn find_report(
        &self,
        external_agent_id: &str,
        call_sid: &str,
        around: Timestamp,
    ) -> Result<Option<(String, CallReport)>, VoiceProviderError> {
        let mut unreadable = None;
        for id in self.conversations_around(external_agent_id, around).await? {
            debug_assert!(is_conversation_id(&id));
            let path = format!("/v1/convai/conversations/{id}");
            let body = self.send(self.request(Method::GET, &path)).await?;
            let conversation = match parse_conversation(&body) {
                Ok(conversation) => conversation,
                Err(error) => {
                    unreadable = Some(self.api.unreadable(
                        "conversation",
                        format_args!("{id}: {error} ({})", error.code()),
                    ));
                    continue;
                }
            };
            if conversation.call_sid.as_deref() != Some(call_sid) {
                continue;
            }
            if conversation.status != DONE {
                return Ok(None);
            }
            return Ok(Some((id, call_report(conversation))));
        }
        unreadable.map_or(Ok(None), Err)
    }
}
