//! Language models behind the engine's brain: the [`ChatModel`] port and its providers
//! ([`OpenAiChat`] for OpenAI, compatible servers and Azure OpenAI; [`BedrockConverse`] for AWS
//! Bedrock, signed with [`sigv4`]), [`ResilientChat`] for timeouts, retries and a circuit
//! breaker, [`OpenAiEmbeddings`] as a remote [`Embedder`](botwot_engine::knowledge::Embedder),
//! [`LlmBrain`], which answers from retrieved knowledge and falls back to another brain
//! whenever it cannot, and [`LlmAnalyst`], which analyses conversations. [`LlmConfig`] describes the providers; [`chat_model_for`] builds one.

pub mod analyst;
pub mod backoff;
pub mod bedrock;
pub mod brain;
pub mod breaker;
pub mod chat;
pub mod config;
mod converse_body;
pub mod embeddings;
pub mod error;
pub mod event_stream;
pub mod http;
pub mod openai;
pub mod prompt;
pub mod resilient;
pub mod sigv4;
pub mod sse;

pub use analyst::LlmAnalyst;
pub use backoff::RetryPolicy;
pub use bedrock::BedrockConverse;
pub use brain::{LlmBrain, LlmBrainOptions, MAX_TOOL_ROUNDS};
pub use breaker::{BreakerPolicy, CircuitBreaker};
pub use chat::{ChatCompletion, ChatMessage, ChatModel, ChatRequest, ChatRole};
pub use config::{
    AzureConfig, BedrockConfig, EmbeddingsConfig, LlmConfig, OpenAiConfig, ResilienceConfig,
    Secret, chat_model_for,
};
pub use embeddings::{EmbeddingsTarget, OpenAiEmbeddings};
pub use error::LlmError;
pub use http::LlmHttp;
pub use openai::{OpenAiChat, OpenAiTarget};
pub use resilient::{ResiliencePolicy, ResilientChat};
pub use sigv4::AwsCredentials;
