//! [`OpenAiEmbeddings`]: the engine's synchronous [`Embedder`] over an OpenAI-compatible
//! `POST {base_url}/embeddings` (`{"model","input":[...]}` answered by `data[i].embedding`,
//! put back in `index` order). Texts go in batches of a configured size; retryable failures
//! are retried with the shared [`RetryPolicy`]. It uses `reqwest::blocking`, as the engine calls
//! embedders on blocking threads; the client is built on first use, on such a thread, because
//! reqwest refuses to build a blocking client inside an async runtime.

use super::backoff::RetryPolicy;
use super::error::LlmError;
use super::http::{classify_status, retry_after_of, transport_error, user_agent};
use botwot_engine::knowledge::{EmbedError, Embedder};
use reqwest::blocking::Client;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use std::time::Duration;

/// Where the embeddings API is and what it returns.
#[derive(Clone)]
pub struct EmbeddingsTarget {
    /// Ends before `/embeddings`: `https://api.openai.com/v1`.
    pub base_url: String,
    pub api_key: Option<String>,
    pub model: String,
    /// The length of every vector the model returns; answers of another length are refused.
    pub dimensions: usize,
    /// The most texts sent in one request.
    pub batch_size: usize,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
}

pub struct OpenAiEmbeddings {
    target: EmbeddingsTarget,
    url: String,
    client: OnceLock<Result<Client, String>>,
}

impl OpenAiEmbeddings {
    pub fn new(target: EmbeddingsTarget) -> Self {
        Self {
            url: format!("{}/embeddings", target.base_url.trim_end_matches('/')),
            target: EmbeddingsTarget {
                batch_size: target.batch_size.max(1),
                ..target
            },
            client: OnceLock::new(),
        }
    }

    fn client(&self) -> Result<&Client, EmbedError> {
        self.client
            .get_or_init(|| {
                Client::builder()
                    .timeout(self.target.request_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(user_agent())
                    .build()
                    .map_err(|error| error.to_string())
            })
            .as_ref()
            .map_err(|error| EmbedError::Model(format!("embeddings client: {error}")))
    }

    /// One batch, retried while the failure is transient.
    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut retry = 0;
        loop {
            match self.request_batch(texts) {
                Ok(vectors) => return Ok(vectors),
                Err(error) if error.is_retryable() && retry < self.target.retry.max_retries => {
                    std::thread::sleep(self.target.retry.delay(retry, error.retry_after()));
                    retry += 1;
                }
                Err(error) => return Err(EmbedError::Model(error.to_string())),
            }
        }
    }

    fn request_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, LlmError> {
        let client = self
            .client()
            .map_err(|error| LlmError::Unavailable(error.to_string()))?;
        let mut request = client.post(&self.url).json(&EmbeddingsBody {
            model: &self.target.model,
            input: texts,
        });
        if let Some(key) = self.target.api_key.as_deref().filter(|key| !key.is_empty()) {
            request = request.bearer_auth(key);
        }
        let response = request.send().map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = retry_after_of(response.headers());
        let body = response.bytes().map_err(transport_error)?;
        if !(200..300).contains(&status) {
            return Err(classify_status(status, retry_after, &body));
        }
        let answer: EmbeddingsAnswer = serde_json::from_slice(&body)
            .map_err(|error| LlmError::Malformed(error.to_string()))?;
        self.in_input_order(answer, texts.len())
    }

    /// The vectors sorted by `index`, checked to be one per input of the configured length.
    fn in_input_order(
        &self,
        mut answer: EmbeddingsAnswer,
        inputs: usize,
    ) -> Result<Vec<Vec<f32>>, LlmError> {
        answer.data.sort_by_key(|item| item.index);
        let in_order = answer
            .data
            .iter()
            .enumerate()
            .all(|(position, item)| item.index == position);
        if answer.data.len() != inputs || !in_order {
            return Err(LlmError::Malformed(format!(
                "{} embeddings for {inputs} inputs, or indexes not 0..{inputs}",
                answer.data.len()
            )));
        }
        if let Some(item) = answer
            .data
            .iter()
            .find(|item| item.embedding.len() != self.target.dimensions)
        {
            return Err(LlmError::Malformed(format!(
                "an embedding has {} dimensions, {} expected",
                item.embedding.len(),
                self.target.dimensions
            )));
        }
        Ok(answer.data.into_iter().map(|item| item.embedding).collect())
    }
}

#[derive(Serialize)]
struct EmbeddingsBody<'a> {
    model: &'a str,
    input: &'a [&'a str],
}

#[derive(Deserialize)]
struct EmbeddingsAnswer {
    data: Vec<EmbeddingItem>,
}

#[derive(Deserialize)]
struct EmbeddingItem {
    index: usize,
    embedding: Vec<f32>,
}

impl Embedder for OpenAiEmbeddings {
    fn dimensions(&self) -> usize {
        self.target.dimensions
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut vectors = Vec::with_capacity(texts.len());
        for batch in texts.chunks(self.target.batch_size) {
            vectors.extend(self.embed_batch(batch)?);
        }
        Ok(vectors)
    }

    fn name(&self) -> &str {
        "openai-embeddings"
    }
}
