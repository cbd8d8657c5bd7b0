//! Chat through the AWS Bedrock Runtime Converse API: `POST {endpoint}/model/{modelId}/converse`
//! signed with Signature Version 4 (service `bedrock`). System messages go to `system`, the rest
//! to `messages` as text content blocks, merged so roles alternate and the first is the user's,
//! as Converse requires; the reply is the text of `output.message.content`. Streaming
//! (ConverseStream) uses AWS's binary event-stream encoding and is not implemented: the default
//! single-piece [`ChatModel::complete_streaming`] applies.

use super::chat::{ChatCompletion, ChatModel, ChatRequest, ChatRole};
use super::error::LlmError;
use super::http::{LlmHttp, header_value};
use super::sigv4::{AwsCredentials, SignableRequest, SigningScope, authorization, uri_encode};
use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName};
use serde::{Deserialize, Serialize};

const SERVICE: &str = "bedrock";

/// A Bedrock model answering through Converse.
#[derive(Clone, Debug)]
pub struct BedrockConverse {
    http: LlmHttp,
    region: String,
    credentials: AwsCredentials,
    url: reqwest::Url,
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
        let url = reqwest::Url::parse(&format!(
            "{endpoint}/model/{}/converse",
            uri_encode(model_id)
        ))
        .map_err(|error| LlmError::Unavailable(format!("bedrock endpoint: {error}")))?;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(LlmError::Unavailable("bedrock endpoint has no host".into())),
        };
        Ok(Self {
            http,
            region: region.to_owned(),
            credentials,
            url,
            host,
        })
    }

    /// The signed headers for `body` sent at `amz_date`.
    fn signed_headers(&self, body: &[u8], amz_date: &str) -> Result<HeaderMap, LlmError> {
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
            path: self.url.path(),
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConverseBody {
    messages: Vec<ConverseMessage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    system: Vec<TextBlock>,
    inference_config: InferenceConfig,
}

#[derive(Serialize, Deserialize)]
struct ConverseMessage {
    role: &'static str,
    content: Vec<TextBlock>,
}

#[derive(Serialize, Deserialize)]
struct TextBlock {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InferenceConfig {
    max_tokens: u32,
    temperature: f32,
}

#[derive(Deserialize)]
struct ConverseAnswer {
    output: ConverseOutput,
}

#[derive(Deserialize)]
struct ConverseOutput {
    message: AnswerMessage,
}

#[derive(Deserialize)]
struct AnswerMessage {
    content: Vec<AnswerBlock>,
}

/// A content block; only text blocks carry the reply.
#[derive(Deserialize)]
struct AnswerBlock {
    text: Option<String>,
}

/// The Converse body for `request`: system text apart, and consecutive messages of one role
/// merged, leading assistant messages dropped.
fn converse_body(request: &ChatRequest) -> ConverseBody {
    let mut system = Vec::new();
    let mut messages: Vec<ConverseMessage> = Vec::new();
    for message in &request.messages {
        let role = match message.role {
            ChatRole::System => {
                system.push(TextBlock {
                    text: message.content.clone(),
                });
                continue;
            }
            ChatRole::User => "user",
            ChatRole::Assistant if messages.is_empty() => continue,
            ChatRole::Assistant => "assistant",
        };
        match messages.last_mut() {
            Some(last) if last.role == role => last.content.push(TextBlock {
                text: message.content.clone(),
            }),
            _ => messages.push(ConverseMessage {
                role,
                content: vec![TextBlock {
                    text: message.content.clone(),
                }],
            }),
        }
    }
    ConverseBody {
        messages,
        system,
        inference_config: InferenceConfig {
            max_tokens: request.max_tokens,
            temperature: request.temperature,
        },
    }
}

#[async_trait]
impl ChatModel for BedrockConverse {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatCompletion, LlmError> {
        let body = serde_json::to_vec(&converse_body(request))
            .map_err(|error| LlmError::Malformed(error.to_string()))?;
        let amz_date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let headers = self.signed_headers(&body, &amz_date)?;
        let answer = self
            .http
            .post_json(self.url.as_str(), headers, body)
            .await?;
        let answer: ConverseAnswer = serde_json::from_slice(&answer)
            .map_err(|error| LlmError::Malformed(error.to_string()))?;
        let text: Vec<String> = answer
            .output
            .message
            .content
            .into_iter()
            .filter_map(|block| block.text)
            .collect();
        if text.is_empty() {
            return Err(LlmError::Malformed(
                "no text in output.message.content".into(),
            ));
        }
        Ok(ChatCompletion {
            text: text.join(""),
        })
    }

    fn name(&self) -> &str {
        SERVICE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::chat::ChatMessage;

    #[test]
    fn the_body_follows_converse_and_alternates_roles() {
        let request = ChatRequest {
            messages: vec![
                ChatMessage::system("be brief"),
                ChatMessage::assistant("Hello! How can I help?"),
                ChatMessage::user("hi"),
                ChatMessage::user("are you open?"),
                ChatMessage::assistant("Yes."),
            ],
            max_tokens: 100,
            temperature: 0.2,
        };
        let body = serde_json::to_value(converse_body(&request)).expect("json");
        assert_eq!(
            body,
            serde_json::json!({
                "messages": [
                    {"role": "user", "content": [{"text": "hi"}, {"text": "are you open?"}]},
                    {"role": "assistant", "content": [{"text": "Yes."}]}
                ],
                "system": [{"text": "be brief"}],
                "inferenceConfig": {"maxTokens": 100, "temperature": 0.2f32}
            })
        );
    }

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
            bedrock.url.as_str(),
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
        );
        assert_eq!(bedrock.host, "bedrock-runtime.us-east-1.amazonaws.com");
    }
}
