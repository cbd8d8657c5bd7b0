//! Chat completions over OpenAI's API shape: OpenAI itself and compatible servers (Ollama,
//! vLLM) at `POST {base_url}/chat/completions` with an optional bearer key, and Azure OpenAI at
//! `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…` with an
//! `api-key` header. Replies are read from `choices[0].message.content`; streamed replies from
//! the `choices[0].delta.content` of each server-sent event until `data: [DONE]`. Tools are
//! offered as `tools: [{type: "function", function: {name, description, parameters}}]`; the
//! model's calls come back in `choices[0].message.tool_calls`, and each result goes back as a
//! `tool` message naming its `tool_call_id`.

use super::chat::{ChatCompletion, ChatMessage, ChatModel, ChatRequest, ChatRole, StreamState};
use super::error::LlmError;
use super::http::{LlmHttp, header_value, transport_error};
use super::sse::SseDecoder;
use async_trait::async_trait;
use botwot_engine::tools::{ToolCall, ToolSpec};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName};
use serde::{Deserialize, Serialize};

/// Where an OpenAI-shaped chat API is and how to authenticate to it.
#[derive(Clone)]
pub enum OpenAiTarget {
    /// OpenAI or a compatible server; `base_url` ends before `/chat/completions`
    /// (`https://api.openai.com/v1`, `http://localhost:11434/v1`).
    Compatible {
        base_url: String,
        api_key: Option<String>,
        model: String,
    },
    /// An Azure OpenAI deployment (`endpoint` like `https://name.openai.azure.com`).
    Azure {
        endpoint: String,
        deployment: String,
        api_version: String,
        api_key: String,
    },
}

/// A chat model served with OpenAI's chat-completions API.
#[derive(Clone, Debug)]
pub struct OpenAiChat {
    http: LlmHttp,
    url: String,
    headers: HeaderMap,
    /// The `model` field; Azure names the model by its deployment in the URL instead.
    model: Option<String>,
    name: &'static str,
}

impl OpenAiChat {
    pub fn new(target: OpenAiTarget, http: LlmHttp) -> Result<Self, LlmError> {
        let mut headers = HeaderMap::new();
        match target {
            OpenAiTarget::Compatible {
                base_url,
                api_key,
                model,
            } => {
                if let Some(key) = api_key.filter(|key| !key.is_empty()) {
                    headers.insert(AUTHORIZATION, header_value(&format!("Bearer {key}"))?);
                }
                Ok(Self {
                    http,
                    url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
                    headers,
                    model: Some(model),
                    name: "openai",
                })
            }
            OpenAiTarget::Azure {
                endpoint,
                deployment,
                api_version,
                api_key,
            } => {
                headers.insert(HeaderName::from_static("api-key"), header_value(&api_key)?);
                let mut url = reqwest::Url::parse(endpoint.trim_end_matches('/'))
                    .map_err(|error| LlmError::Unavailable(format!("azure endpoint: {error}")))?;
                url.path_segments_mut()
                    .map_err(|_| LlmError::Unavailable("azure endpoint cannot be a base".into()))?
                    .pop_if_empty()
                    .extend(["openai", "deployments", &deployment, "chat", "completions"]);
                url.query_pairs_mut()
                    .append_pair("api-version", &api_version);
                Ok(Self {
                    http,
                    url: url.into(),
                    headers,
                    model: None,
                    name: "azure",
                })
            }
        }
    }

    fn body(&self, request: &ChatRequest, stream: bool) -> Result<Vec<u8>, LlmError> {
        let body = CompletionBody {
            model: self.model.as_deref(),
            messages: request.messages.iter().map(WireMessage::of).collect(),
            tools: request.tools.iter().map(WireTool::of).collect(),
            max_tokens: request.max_tokens,
            temperature: request.temperature,
            stream,
            response_format: request.json_object.then_some(ResponseFormat {
                kind: "json_object",
            }),
        };
        serde_json::to_vec(&body).map_err(|error| LlmError::Malformed(error.to_string()))
    }
}

#[derive(Serialize)]
struct CompletionBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<WireTool<'a>>,
    max_tokens: u32,
    temperature: f32,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<ResponseFormat>,
}

/// A message as OpenAI takes it: an assistant's turn that called tools carries them (and no
/// content when it said nothing), a tool's result names its call.
#[derive(Serialize)]
struct WireMessage<'a> {
    role: ChatRole,
    content: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<WireToolCall>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_call_id: Option<&'a str>,
}

impl<'a> WireMessage<'a> {
    fn of(message: &'a ChatMessage) -> Self {
        let silent = message.content.is_empty() && !message.tool_calls.is_empty();
        Self {
            role: message.role,
            content: (!silent).then_some(message.content.as_str()),
            tool_calls: message.tool_calls.iter().map(WireToolCall::of).collect(),
            tool_call_id: message.tool_call_id.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct WireTool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    function: &'a ToolSpec,
}

impl<'a> WireTool<'a> {
    fn of(spec: &'a ToolSpec) -> Self {
        Self {
            kind: "function",
            function: spec,
        }
    }
}

/// `{id, type: "function", function: {name, arguments}}`, both ways.
#[derive(Serialize, Deserialize)]
struct WireToolCall {
    id: String,
    #[serde(rename = "type", default = "function_kind")]
    kind: String,
    function: WireFunction,
}

#[derive(Serialize, Deserialize)]
struct WireFunction {
    name: String,
    /// JSON text.
    #[serde(default)]
    arguments: String,
}

fn function_kind() -> String {
    "function".to_owned()
}

impl WireToolCall {
    fn of(call: &ToolCall) -> Self {
        Self {
            id: call.id.clone(),
            kind: function_kind(),
            function: WireFunction {
                name: call.name.clone(),
                arguments: call.arguments.clone(),
            },
        }
    }

    fn into_call(self) -> ToolCall {
        ToolCall {
            id: self.id,
            name: self.function.name,
            arguments: self.function.arguments,
        }
    }
}

/// OpenAI's `response_format`: `{"type": "json_object"}` for JSON mode.
#[derive(Serialize)]
struct ResponseFormat {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<CompletionChoice>,
}

#[derive(Deserialize)]
struct CompletionChoice {
    message: AssistantMessage,
}

#[derive(Deserialize)]
struct AssistantMessage {
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<WireToolCall>,
}

#[derive(Deserialize)]
struct CompletionChunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
}

#[derive(Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: ChunkDelta,
}

#[derive(Default, Deserialize)]
struct ChunkDelta {
    content: Option<String>,
}

#[async_trait]
impl ChatModel for OpenAiChat {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatCompletion, LlmError> {
        let answer = self
            .http
            .post_json(&self.url, self.headers.clone(), self.body(request, false)?)
            .await?;
        let completion: Completion = serde_json::from_slice(&answer)
            .map_err(|error| LlmError::Malformed(error.to_string()))?;
        let message = completion
            .choices
            .into_iter()
            .next()
            .map(|choice| choice.message)
            .ok_or_else(|| LlmError::Malformed("no choices[0].message".into()))?;
        if message.content.is_none() && message.tool_calls.is_empty() {
            return Err(LlmError::Malformed(
                "no choices[0].message.content or tool_calls".into(),
            ));
        }
        Ok(ChatCompletion {
            text: message.content.unwrap_or_default(),
            tool_calls: message
                .tool_calls
                .into_iter()
                .map(WireToolCall::into_call)
                .collect(),
        })
    }

    async fn complete_streaming(
        &self,
        request: &ChatRequest,
        on_delta: &mut (dyn for<'piece> FnMut(&'piece str) + Send),
    ) -> Result<ChatCompletion, LlmError> {
        let mut response = self
            .http
            .open(&self.url, self.headers.clone(), self.body(request, true)?)
            .await?;
        let mut decoder = SseDecoder::default();
        let mut text = String::new();
        while let Some(bytes) = response.chunk().await.map_err(transport_error)? {
            for event in decoder.push(&bytes) {
                if read_event(&event, &mut text, on_delta)? == StreamState::Done {
                    return Ok(ChatCompletion::said(text));
                }
            }
        }
        if let Some(event) = decoder.finish()
            && read_event(&event, &mut text, on_delta)? == StreamState::Done
        {
            return Ok(ChatCompletion::said(text));
        }
        Err(LlmError::Malformed("stream ended before [DONE]".into()))
    }

    fn name(&self) -> &str {
        self.name
    }

    fn calls_tools(&self) -> bool {
        true
    }
}

/// Reads one event's data: `[DONE]`, or a chunk whose delta text is appended and emitted.
/// Chunks without choices (Azure's content-filter notes, usage reports) carry no text.
fn read_event(
    data: &str,
    text: &mut String,
    on_delta: &mut (dyn for<'piece> FnMut(&'piece str) + Send),
) -> Result<StreamState, LlmError> {
    if data.trim() == "[DONE]" {
        return Ok(StreamState::Done);
    }
    let chunk: CompletionChunk =
        serde_json::from_str(data).map_err(|error| LlmError::Malformed(error.to_string()))?;
    if let Some(delta) = chunk
        .choices
        .into_iter()
        .next()
        .and_then(|choice| choice.delta.content)
        .filter(|delta| !delta.is_empty())
    {
        text.push_str(&delta);
        on_delta(&delta);
    }
    Ok(StreamState::Open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn http() -> LlmHttp {
        LlmHttp::new(Duration::from_secs(1)).expect("client")
    }

    #[test]
    fn azure_urls_name_the_deployment_and_version() {
        let chat = OpenAiChat::new(
            OpenAiTarget::Azure {
                endpoint: "https://name.openai.azure.com/".into(),
                deployment: "gpt-4o".into(),
                api_version: "2024-10-21".into(),
                api_key: "k".into(),
            },
            http(),
        )
        .expect("azure");
        assert_eq!(
            chat.url,
            "https://name.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
        );
        assert!(chat.headers.contains_key("api-key"));
    }

    #[test]
    fn the_body_follows_openai_and_omits_the_model_for_azure() {
        let chat = OpenAiChat::new(
            OpenAiTarget::Compatible {
                base_url: "http://localhost:11434/v1/".into(),
                api_key: None,
                model: "llama3".into(),
            },
            http(),
        )
        .expect("openai");
        assert_eq!(chat.url, "http://localhost:11434/v1/chat/completions");
        assert!(!chat.headers.contains_key(AUTHORIZATION));
        let request = ChatRequest {
            messages: vec![ChatMessage::system("be brief"), ChatMessage::user("hi")],
            max_tokens: 50,
            temperature: 0.5,
            json_object: false,
            tools: Vec::new(),
        };
        let body: serde_json::Value =
            serde_json::from_slice(&chat.body(&request, true).expect("body")).expect("json");
        assert_eq!(
            body,
            serde_json::json!({
                "model": "llama3",
                "messages": [
                    {"role": "system", "content": "be brief"},
                    {"role": "user", "content": "hi"}
                ],
                "max_tokens": 50,
                "temperature": 0.5,
                "stream": true
            })
        );
        let json_mode = ChatRequest {
            json_object: true,
            tools: Vec::new(),
            ..request
        };
        let body: serde_json::Value =
            serde_json::from_slice(&chat.body(&json_mode, false).expect("body")).expect("json");
        assert_eq!(
            body["response_format"],
            serde_json::json!({"type": "json_object"})
        );
    }
}
