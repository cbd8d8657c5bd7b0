//! [`LlmConfig`]: which language-model providers are configured (OpenAI or a compatible server,
//! Azure OpenAI, AWS Bedrock), the embeddings API, and the timeout, retry and breaker settings
//! every model is wrapped in. [`chat_model_for`] builds the resilient model a bot's
//! [`LlmProvider`] names, or `None` when that provider is not configured. Keys and secrets are
//! [`Secret`]s, which `Debug` never shows.

use super::backoff::RetryPolicy;
use super::bedrock::BedrockConverse;
use super::breaker::BreakerPolicy;
use super::chat::ChatModel;
use super::embeddings::{EmbeddingsTarget, OpenAiEmbeddings};
use super::error::LlmError;
use super::http::LlmHttp;
use super::openai::{OpenAiChat, OpenAiTarget};
use super::resilient::{ResiliencePolicy, ResilientChat};
use super::sigv4::AwsCredentials;
use botwot_engine::LlmProvider;
use botwot_engine::time::Clock;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// A configured secret: read from configuration, never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("<redacted>")
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    pub openai: Option<OpenAiConfig>,
    pub azure: Option<AzureConfig>,
    pub bedrock: Option<BedrockConfig>,
    pub embeddings: Option<EmbeddingsConfig>,
    pub resilience: ResilienceConfig,
}

/// OpenAI, or any server speaking its API (Ollama, vLLM).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenAiConfig {
    #[serde(default = "openai_base_url")]
    pub base_url: String,
    #[serde(default)]
    pub api_key: Option<Secret>,
    pub model: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureConfig {
    /// `https://{resource}.openai.azure.com`
    pub endpoint: String,
    pub deployment: String,
    #[serde(default = "azure_api_version")]
    pub api_version: String,
    pub api_key: Secret,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BedrockConfig {
    pub region: String,
    /// Replaces `https://bedrock-runtime.{region}.amazonaws.com`.
    #[serde(default)]
    pub endpoint: Option<String>,
    pub model_id: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
    #[serde(default)]
    pub session_token: Option<Secret>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingsConfig {
    #[serde(default = "openai_base_url")]
    pub base_url: String,
    #[serde(default)]
    pub api_key: Option<Secret>,
    pub model: String,
    pub dimensions: usize,
    #[serde(default = "embedding_batch_size")]
    pub batch_size: usize,
}

/// Times in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResilienceConfig {
    /// The longest one attempt may take, connect to last byte.
    pub request_timeout_ms: u64,
    pub max_retries: u32,
    pub base_backoff_ms: u64,
    pub max_backoff_ms: u64,
    /// The longest `Retry-After` honoured.
    pub max_retry_after_ms: u64,
    /// Consecutive failures that open the circuit breaker.
    pub breaker_failures: u32,
    pub breaker_cooldown_ms: u64,
}

impl Default for ResilienceConfig {
    fn default() -> Self {
        Self {
            request_timeout_ms: 20_000,
            max_retries: 2,
            base_backoff_ms: 250,
            max_backoff_ms: 4_000,
            max_retry_after_ms: 10_000,
            breaker_failures: 5,
            breaker_cooldown_ms: 30_000,
        }
    }
}

impl ResilienceConfig {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_retries: self.max_retries,
            base_delay: Duration::from_millis(self.base_backoff_ms),
            max_delay: Duration::from_millis(self.max_backoff_ms),
            max_retry_after: Duration::from_millis(self.max_retry_after_ms),
        }
    }

    pub fn policy(&self) -> ResiliencePolicy {
        ResiliencePolicy {
            attempt_timeout: self.request_timeout(),
            retry: self.retry_policy(),
            breaker: BreakerPolicy {
                failure_threshold: self.breaker_failures.max(1),
                cooldown: Duration::from_millis(self.breaker_cooldown_ms),
            },
        }
    }
}

fn openai_base_url() -> String {
    "https://api.openai.com/v1".to_owned()
}

fn azure_api_version() -> String {
    "2024-10-21".to_owned()
}

fn embedding_batch_size() -> usize {
    64
}

/// The resilient chat model for `provider`, or `None` when it is not configured. Each call
/// builds a new model with its own breaker: build once per provider and share it.
pub fn chat_model_for(
    config: &LlmConfig,
    provider: LlmProvider,
    clock: Arc<dyn Clock>,
) -> Result<Option<Arc<dyn ChatModel>>, LlmError> {
    let http = || LlmHttp::new(config.resilience.request_timeout());
    let model: Arc<dyn ChatModel> = match provider {
        LlmProvider::Openai => {
            let Some(openai) = &config.openai else {
                return Ok(None);
            };
            let target = OpenAiTarget::Compatible {
                base_url: openai.base_url.clone(),
                api_key: openai.api_key.as_ref().map(|key| key.expose().to_owned()),
                model: openai.model.clone(),
            };
            Arc::new(OpenAiChat::new(target, http()?)?)
        }
        LlmProvider::Azure => {
            let Some(azure) = &config.azure else {
                return Ok(None);
            };
            let target = OpenAiTarget::Azure {
                endpoint: azure.endpoint.clone(),
                deployment: azure.deployment.clone(),
                api_version: azure.api_version.clone(),
                api_key: azure.api_key.expose().to_owned(),
            };
            Arc::new(OpenAiChat::new(target, http()?)?)
        }
        LlmProvider::Bedrock => {
            let Some(bedrock) = &config.bedrock else {
                return Ok(None);
            };
            let credentials = AwsCredentials {
                access_key_id: bedrock.access_key_id.clone(),
                secret_access_key: bedrock.secret_access_key.expose().to_owned(),
                session_token: bedrock
                    .session_token
                    .as_ref()
                    .map(|token| token.expose().to_owned()),
            };
            Arc::new(BedrockConverse::new(
                &bedrock.region,
                bedrock.endpoint.as_deref(),
                &bedrock.model_id,
                credentials,
                http()?,
            )?)
        }
    };
    Ok(Some(Arc::new(ResilientChat::new(
        model,
        config.resilience.policy(),
        clock,
    ))))
}

impl LlmConfig {
    /// The embeddings client, when configured.
    pub fn embedder(&self) -> Option<OpenAiEmbeddings> {
        let embeddings = self.embeddings.as_ref()?;
        Some(OpenAiEmbeddings::new(EmbeddingsTarget {
            base_url: embeddings.base_url.clone(),
            api_key: embeddings
                .api_key
                .as_ref()
                .map(|key| key.expose().to_owned()),
            model: embeddings.model.clone(),
            dimensions: embeddings.dimensions,
            batch_size: embeddings.batch_size,
            request_timeout: self.resilience.request_timeout(),
            retry: self.resilience.retry_policy(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::time::ManualClock;

    const CONFIG: &str = r#"{
        "openai": {"model": "gpt-4o-mini", "api_key": "sk-test"},
        "bedrock": {
            "region": "eu-west-1",
            "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
            "access_key_id": "AKID",
            "secret_access_key": "very-secret"
        },
        "resilience": {"max_retries": 1}
    }"#;

    #[test]
    fn builds_configured_providers_only() {
        let config: LlmConfig = serde_json::from_str(CONFIG).expect("config");
        assert_eq!(config.resilience.max_retries, 1);
        assert_eq!(config.resilience.breaker_failures, 5);
        let clock = Arc::new(ManualClock::default());
        let openai = chat_model_for(&config, LlmProvider::Openai, clock.clone()).expect("builds");
        assert_eq!(
            openai.map(|model| model.name().to_owned()).as_deref(),
            Some("openai")
        );
        let bedrock = chat_model_for(&config, LlmProvider::Bedrock, clock.clone()).expect("builds");
        assert_eq!(
            bedrock.map(|model| model.name().to_owned()).as_deref(),
            Some("bedrock")
        );
        assert!(
            chat_model_for(&config, LlmProvider::Azure, clock)
                .expect("builds")
                .is_none()
        );
        assert!(config.embedder().is_none());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let config: LlmConfig = serde_json::from_str(CONFIG).expect("config");
        let text = format!("{config:?}");
        assert!(
            !text.contains("sk-test") && !text.contains("very-secret"),
            "{text}"
        );
    }
}
