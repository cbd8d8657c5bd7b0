//! Chat through the AWS Bedrock Runtime Converse API: `POST {endpoint}/model/{modelId}/converse`
//! signed with Signature Version 4 (service `bedrock`), with the body and reply of
//! the `converse_body` module (tools included). Streamed replies
//! come from ConverseStream, `POST {endpoint}/model/{modelId}/converse-stream` with the same body
//! and signing, answered in AWS's binary event-stream encoding ([`super::event_stream`]): each
//! `contentBlockDelta` event's text is a piece of the reply and `messageStop` ends it; exception
//! messages become the [`LlmError`] their documented HTTP status stands for.

use super::chat::{ChatCompletion, ChatModel, ChatRequest, StreamState};
use super::converse_body::{converse_body, read_answer};
use super::error::LlmError;
use super::event_stream::{EventMessage, EventStreamDecoder};
use super::http::{LlmHttp, header_value, transport_error};
use super::sigv4::{AwsCredentials, SignableRequest, SigningScope, authorization, uri_encode};
use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName};
use serde::Deserialize;

const SERVICE: &str = "bedrock";

/// A Bedrock model answering through Converse.
#[derive(Clone, Debug)]
pub struct BedrockConverse {
    http: LlmHttp,
    region: String,
    credentials: AwsCredentials,
    converse_url: reqwest::Url,
    converse_stream_url: reqwest::Url,
    host: String,
}

impl BedrockConverse {
    /// `endpoint` overrides `https://bedrock-runtime.{region}.amazonaws.com` (a VPC endpoint or a
    /// test server).
    pub fn new(
        region: &str,
        endpoint: Option<&str>,
        model_id: &str,
        credentials: AwsCredentials,
        http: LlmHttp,
    ) -> Result<Self, LlmError> {
        let endpoint = endpoint
            .map(|endpoint| endpoint.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("https://bedrock-runtime.{region}.amazonaws.com"));
        // The model id may hold `:` (`...-v1:0`): it is sent percent-encoded.
        let model_url = format!("{endpoint}/model/{}", uri_encode(model_id));
        let parse = |action: &str| {
            reqwest::Url::parse(&format!("{model_url}/{action}"))
                .map_err(|error| LlmError::Unavailable(format!("bedrock endpoint: {error}")))
        };
        let converse_url = parse("converse")?;
        let converse_stream_url = parse("converse-stream")?;
        let host = match (converse_url.host_str(), converse_url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(LlmError::Unavailable("bedrock endpoint has no host".into())),
        };
        Ok(Self {
            http,
            region: region.to_owned(),
            credentials,
            converse_url,
            converse_stream_url,
            host,
        })
    }

    /// The Converse body for `request` and the headers that sign it for a POST to `url`.
    fn signed_post(
        &self,
        url: &reqwest::Url,
        request: &ChatRequest,
    ) -> Result<(HeaderMap, Vec<u8>), LlmError> {
        let body = serde_json::to_vec(&converse_body(request))
            .map_err(|error| LlmError::Malformed(error.to_string()))?;
        let amz_date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let headers = self.signed_headers(url.path(), &body, &amz_date)?;
        Ok((headers, body))
    }

    /// The signed headers for `body` sent to `path` at `amz_date`.
    fn signed_headers(
        &self,
        path: &str,
        body: &[u8],
        amz_date: &str,
    ) -> Result<HeaderMap, LlmError> {
        let mut signed = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("host".to_owned(), self.host.clone()),
            ("x-amz-date".to_owned(), amz_date.to_owned()),
        ];
        if let Some(token) = &self.credentials.session_token {
            signed.push(("x-amz-security-token".to_owned(), token.clone()));
        }
        let request = SignableRequest {
            method: "POST",
            path,
            query: "",
            headers: &signed,
            payload: body,
        };
        let scope = SigningScope {
            region: &self.region,
            service: SERVICE,
            amz_date,
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            header_value(&authorization(&request, &scope, &self.credentials))?,
        );
        for (name, value) in signed {
            // reqwest sets `host` and `content-type` itself, to the same values.
            if name.starts_with("x-amz-") {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|error| LlmError::Unavailable(error.to_string()))?;
                headers.insert(name, header_value(&value)?);
            }
        }
        Ok(headers)
    }
}

/// A ConverseStream `contentBlockDelta` event; its `p` padding is ignored.
#[derive(Deserialize)]
struct ContentBlockDeltaEvent {
    delta: ContentBlockDelta,
}

/// A union: only text deltas carry the reply (tool-use and reasoning deltas do not).
#[derive(Deserialize)]
struct ContentBlockDelta {
    text: Option<String>,
}

/// The payload of a ConverseStream exception message.
#[derive(Deserialize)]
struct StreamException {
    message: Option<String>,
}

#[async_trait]
impl ChatModel for BedrockConverse {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatCompletion, LlmError> {
        let (headers, body) = self.signed_post(&self.converse_url, request)?;
        let answer = self
            .http
            .post_json(self.converse_url.as_str(), headers, body)
            .await?;
        read_answer(&answer)
    }

    async fn complete_streaming(
        &self,
        request: &ChatRequest,
        on_delta: &mut (dyn for<'piece> FnMut(&'piece str) + Send),
    ) -> Result<ChatCompletion, LlmError> {
        let url = &self.converse_stream_url;
        let (headers, body) = self.signed_post(url, request)?;
        let mut response = self.http.open(url.as_str(), headers, body).await?;
        let mut decoder = EventStreamDecoder::default();
        let mut text = String::new();
        while let Some(bytes) = response.chunk().await.map_err(transport_error)? {
            let messages = decoder
                .push(&bytes)
                .map_err(|error| LlmError::Malformed(error.to_string()))?;
            for message in &messages {
                if read_stream_message(message, &mut text, on_delta)? == StreamState::Done {
                    // Like `complete`, an answer without text is not a reply.
                    if text.is_empty() {
                        return Err(LlmError::Malformed("no text before messageStop".into()));
                    }
                    return Ok(ChatCompletion::said(text));
                }
            }
        }
        let where_ended = if decoder.is_mid_message() {
            "inside a message"
        } else {
            "between messages"
        };
        Err(LlmError::Malformed(format!(
            "stream ended {where_ended}, before messageStop"
        )))
    }

    fn name(&self) -> &str {
        SERVICE
    }

    fn calls_tools(&self) -> bool {
        true
    }
}

/// Reads one ConverseStream message: a `contentBlockDelta`'s text is appended and emitted,
/// `messageStop` ends the reply, an exception or error fails it. `messageStart`,
/// `contentBlockStart`, `contentBlockStop`, `metadata` (usage and latency) and event types
/// added later carry no reply text and are skipped.
fn read_stream_message(
    message: &EventMessage,
    text: &mut String,
    on_delta: &mut (dyn for<'piece> FnMut(&'piece str) + Send),
) -> Result<StreamState, LlmError> {
    match message.string_header(":message-type") {
        Some("event") => {}
        Some("exception") => {
            let exception = message.string_header(":exception-type").unwrap_or_default();
            return Err(stream_exception(exception, &message.payload));
        }
        Some("error") => {
            // An error the API does not model; AWS's SDKs treat it as a service failure.
            tracing::warn!(
                code = message.string_header(":error-code").unwrap_or_default(),
                detail = message.string_header(":error-message").unwrap_or_default(),
                "bedrock stream error"
            );
            return Err(LlmError::Server(500));
        }
        other => {
            return Err(LlmError::Malformed(format!(
                "event-stream message of type {other:?}"
            )));
        }
    }
    match message.string_header(":event-type") {
        Some("contentBlockDelta") => {
            let event: ContentBlockDeltaEvent = serde_json::from_slice(&message.payload)
                .map_err(|error| LlmError::Malformed(format!("contentBlockDelta: {error}")))?;
            if let Some(piece) = event.delta.text.filter(|piece| !piece.is_empty()) {
                text.push_str(&piece);
                on_delta(&piece);
            }
            Ok(StreamState::Open)
        }
        Some("messageStop") => Ok(StreamState::Done),
        _ => Ok(StreamState::Open),
    }
}

/// The error for a ConverseStream exception, by the HTTP status Bedrock documents for it:
/// `throttlingException` (429) is rate limiting, `internalServerException` (500) and
/// `serviceUnavailableException` (503) are server failures, and `modelStreamErrorException`
/// (424, "retry your request": the model failed mid-stream) is kept as a retryable server
/// failure with its own status. `validationException` (400) and anything unknown are refusals
/// retrying will not fix.
fn stream_exception(exception: &str, payload: &[u8]) -> LlmError {
    let detail = serde_json::from_slice::<StreamException>(payload)
        .ok()
        .and_then(|body| body.message)
        .unwrap_or_default();
    tracing::debug!(exception, detail, "bedrock stream exception");
    match exception {
        "throttlingException" => LlmError::RateLimited { retry_after: None },
        "internalServerException" => LlmError::Server(500),
        "serviceUnavailableException" => LlmError::Server(503),
        "modelStreamErrorException" => LlmError::Server(424),
        _ => LlmError::Unavailable(format!("bedrock {exception}: {detail}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_are_percent_encoded_in_the_path() {
        let bedrock = BedrockConverse::new(
            "us-east-1",
            None,
            "anthropic.claude-3-haiku-20240307-v1:0",
            AwsCredentials {
                access_key_id: "AKID".into(),
                secret_access_key: "secret".into(),
                session_token: None,
            },
            LlmHttp::new(std::time::Duration::from_secs(1)).expect("client"),
        )
        .expect("bedrock");
        assert_eq!(
            bedrock.converse_url.as_str(),
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
        );
        assert_eq!(
            bedrock.converse_stream_url.as_str(),
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream"
        );
        assert_eq!(bedrock.host, "bedrock-runtime.us-east-1.amazonaws.com");
    }

    #[test]
    fn stream_exceptions_map_onto_their_documented_statuses() {
        let payload = br#"{"message":"Too many requests, please wait before trying again."}"#;
        assert_eq!(
            stream_exception("throttlingException", payload),
            LlmError::RateLimited { retry_after: None }
        );
        assert_eq!(
            stream_exception("internalServerException", b"{}"),
            LlmError::Server(500)
        );
        assert_eq!(
            stream_exception("serviceUnavailableException", b""),
            LlmError::Server(503)
        );
        assert!(stream_exception("modelStreamErrorException", b"{}").is_retryable());
        let refusal = stream_exception("validationException", br#"{"message":"maxTokens high"}"#);
        assert!(
            matches!(&refusal, LlmError::Unavailable(text) if text.contains("maxTokens high")),
            "{refusal:?}"
        );
    }
}
