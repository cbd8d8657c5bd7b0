//! The Converse API's request body and reply (AWS Bedrock Runtime): system text apart, the
//! rest as content blocks merged so roles alternate and the first is the user's; tools offered
//! in `toolConfig.tools[].toolSpec` (`inputSchema.json`), the model's calls read from its
//! `toolUse` blocks, and each call's result sent back in a user message's `toolResult` block.
//! A conversation whose tools were withdrawn keeps its earlier calls and results as text,
//! since Converse refuses tool blocks without a `toolConfig`.

use super::chat::{ChatCompletion, ChatMessage, ChatRequest, ChatRole};
use super::error::LlmError;
use botwot_engine::tools::{ToolCall, ToolSpec};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConverseBody {
    messages: Vec<ConverseMessage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    system: Vec<Block>,
    inference_config: InferenceConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_config: Option<ToolConfig>,
}

#[derive(Serialize)]
struct ConverseMessage {
    role: &'static str,
    content: Vec<Block>,
}

/// One content block, a union as Converse spells it: `{"text": …}`, `{"toolUse": …}` or
/// `{"toolResult": …}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Block {
    Text(String),
    ToolUse(ToolUse),
    ToolResult(ToolResult),
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolUse {
    tool_use_id: String,
    name: String,
    input: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToolResult {
    tool_use_id: String,
    content: Vec<Block>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InferenceConfig {
    max_tokens: u32,
    temperature: f32,
}

#[derive(Serialize)]
struct ToolConfig {
    tools: Vec<ToolEntry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToolEntry {
    tool_spec: ConverseToolSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConverseToolSpec {
    name: String,
    description: String,
    input_schema: InputSchema,
}

#[derive(Serialize)]
struct InputSchema {
    json: Value,
}

/// The Converse body for `request`.
pub(super) fn converse_body(request: &ChatRequest) -> ConverseBody {
    let with_tools = !request.tools.is_empty();
    let mut system = Vec::new();
    let mut messages: Vec<ConverseMessage> = Vec::new();
    for message in &request.messages {
        let role = match message.role {
            ChatRole::System => {
                system.push(Block::Text(message.content.clone()));
                continue;
            }
            ChatRole::User | ChatRole::Tool => "user",
            ChatRole::Assistant if messages.is_empty() => continue,
            ChatRole::Assistant => "assistant",
        };
        let blocks = blocks_of(message, with_tools);
        match messages.last_mut() {
            Some(last) if last.role == role => last.content.extend(blocks),
            _ => messages.push(ConverseMessage {
                role,
                content: blocks,
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
        tool_config: with_tools.then(|| ToolConfig {
            tools: request.tools.iter().map(tool_entry).collect(),
        }),
    }
}

fn blocks_of(message: &ChatMessage, with_tools: bool) -> Vec<Block> {
    let mut blocks = Vec::new();
    if let Some(call_id) = &message.tool_call_id {
        let result = if with_tools {
            Block::ToolResult(ToolResult {
                tool_use_id: call_id.clone(),
                content: vec![Block::Text(message.content.clone())],
            })
        } else {
            Block::Text(format!("(the tool answered: {})", message.content))
        };
        return vec![result];
    }
    if !message.content.is_empty() {
        blocks.push(Block::Text(message.content.clone()));
    }
    for call in &message.tool_calls {
        blocks.push(if with_tools {
            Block::ToolUse(ToolUse {
                tool_use_id: call.id.clone(),
                name: call.name.clone(),
                input: serde_json::from_str(&call.arguments)
                    .unwrap_or_else(|_| Value::Object(Default::default())),
            })
        } else {
            Block::Text(format!("(called {} with {})", call.name, call.arguments))
        });
    }
    blocks
}

fn tool_entry(spec: &ToolSpec) -> ToolEntry {
    ToolEntry {
        tool_spec: ConverseToolSpec {
            name: spec.name.clone(),
            description: spec.description.clone(),
            input_schema: InputSchema {
                json: spec.parameters.clone(),
            },
        },
    }
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

/// A content block of the reply: text, a tool call, or a kind this reader does not use.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnswerBlock {
    text: Option<String>,
    tool_use: Option<ToolUse>,
}

/// The reply of a `converse` call: its text, and the tools it called.
pub(super) fn read_answer(answer: &[u8]) -> Result<ChatCompletion, LlmError> {
    let answer: ConverseAnswer =
        serde_json::from_slice(answer).map_err(|error| LlmError::Malformed(error.to_string()))?;
    let mut text = String::new();
    let mut tool_calls = Vec::new();
    for block in answer.output.message.content {
        if let Some(piece) = block.text {
            text.push_str(&piece);
        }
        if let Some(call) = block.tool_use {
            tool_calls.push(ToolCall {
                id: call.tool_use_id,
                name: call.name,
                arguments: call.input.to_string(),
            });
        }
    }
    if text.is_empty() && tool_calls.is_empty() {
        return Err(LlmError::Malformed(
            "no text or toolUse in output.message.content".into(),
        ));
    }
    Ok(ChatCompletion { text, tool_calls })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(tools: Vec<ToolSpec>) -> ChatRequest {
        let call = ToolCall {
            id: "tooluse_1".into(),
            name: "get_lead".into(),
            arguments: "{}".into(),
        };
        ChatRequest {
            messages: vec![
                ChatMessage::system("be brief"),
                ChatMessage::assistant("Hello! How can I help?"),
                ChatMessage::user("hi"),
                ChatMessage::user("are you open?"),
                ChatMessage::tool_calls("", vec![call]),
                ChatMessage::tool_result("tooluse_1", r#"{"found":false}"#),
            ],
            max_tokens: 100,
            temperature: 0.2,
            json_object: false,
            tools,
        }
    }

    #[test]
    fn the_body_follows_converse_alternates_roles_and_carries_tools() {
        let spec = ToolSpec {
            name: "get_lead".into(),
            description: "the contact's lead".into(),
            parameters: serde_json::json!({"type": "object", "properties": {}}),
        };
        let body = serde_json::to_value(converse_body(&request(vec![spec]))).expect("json");
        assert_eq!(
            body,
            serde_json::json!({
                "messages": [
                    {"role": "user", "content": [{"text": "hi"}, {"text": "are you open?"}]},
                    {"role": "assistant", "content": [
                        {"toolUse": {"toolUseId": "tooluse_1", "name": "get_lead", "input": {}}}]},
                    {"role": "user", "content": [{"toolResult": {"toolUseId": "tooluse_1",
                        "content": [{"text": "{\"found\":false}"}]}}]}
                ],
                "system": [{"text": "be brief"}],
                "inferenceConfig": {"maxTokens": 100, "temperature": 0.2f32},
                "toolConfig": {"tools": [{"toolSpec": {"name": "get_lead",
                    "description": "the contact's lead",
                    "inputSchema": {"json": {"type": "object", "properties": {}}}}}]}
            })
        );
    }

    #[test]
    fn without_tools_earlier_calls_are_kept_as_text() {
        let body = serde_json::to_value(converse_body(&request(Vec::new()))).expect("json");
        assert!(body.get("toolConfig").is_none());
        assert_eq!(
            body["messages"][1]["content"][0]["text"],
            "(called get_lead with {})"
        );
        assert_eq!(
            body["messages"][2]["content"][0]["text"],
            "(the tool answered: {\"found\":false})"
        );
    }

    #[test]
    fn tool_calls_are_read_from_tool_use_blocks() {
        // AWS's documented reply when the model asks for a tool (`stopReason: tool_use`).
        let answer = serde_json::json!({
            "output": {"message": {"role": "assistant", "content": [
                {"text": "Let me check."},
                {"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "update_lead",
                    "input": {"scope": "fullHome"}}}
            ]}},
            "stopReason": "tool_use",
            "usage": {"inputTokens": 12, "outputTokens": 30, "totalTokens": 42}
        });
        let completion = read_answer(answer.to_string().as_bytes()).expect("read");
        assert_eq!(completion.text, "Let me check.");
        assert_eq!(
            completion.tool_calls,
            vec![ToolCall {
                id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q".into(),
                name: "update_lead".into(),
                arguments: r#"{"scope":"fullHome"}"#.into(),
            }]
        );
        let empty =
            serde_json::json!({"output": {"message": {"role": "assistant", "content": []}}});
        assert!(read_answer(empty.to_string().as_bytes()).is_err());
    }
}
