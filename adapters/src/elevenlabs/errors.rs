//! ElevenLabs' error bodies, which come in three shapes under `detail`: its own refusals
//! `{"detail": {"status": "invalid_api_key", "message": "…"}}`, a bare `{"detail": "…"}`, and
//! a request that does not validate, `{"detail": [{"loc": ["body", "agent_id"], "msg": "Field
//! required", "type": "missing"}]}`.

use crate::voice_api::Refusal;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct ErrorBody {
    detail: Value,
}

/// ElevenLabs' status (as the code, when it gave one) and message, when `body` is its error
/// format.
pub(crate) fn read_refusal(body: &[u8]) -> Option<Refusal> {
    let ErrorBody { detail } = serde_json::from_slice(body).ok()?;
    match detail {
        Value::String(message) => Some(Refusal {
            code: None,
            message,
        }),
        Value::Object(detail) => Some(Refusal {
            code: detail
                .get("status")
                .and_then(Value::as_str)
                .map(str::to_owned),
            message: detail.get("message").and_then(Value::as_str)?.to_owned(),
        }),
        Value::Array(problems) => {
            let messages: Vec<String> = problems.iter().filter_map(problem).collect();
            (!messages.is_empty()).then(|| Refusal {
                code: Some("validation_error".to_owned()),
                message: messages.join("; "),
            })
        }
        _ => None,
    }
}

/// One validation problem as `body.agent_id: Field required`.
fn problem(item: &Value) -> Option<String> {
    let message = item.get("msg").and_then(Value::as_str)?;
    let place: Vec<String> = item
        .get("loc")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|part| match part {
            Value::String(name) => name.clone(),
            other => other.to_string(),
        })
        .collect();
    Some(if place.is_empty() {
        message.to_owned()
    } else {
        format!("{}: {message}", place.join("."))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: Option<&str>, message: &str) -> Option<Refusal> {
        Some(Refusal {
            code: code.map(str::to_owned),
            message: message.to_owned(),
        })
    }

    #[test]
    fn every_shape_of_detail_is_read() {
        assert_eq!(
            read_refusal(
                br#"{"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}"#
            ),
            refusal(Some("invalid_api_key"), "Invalid API key")
        );
        assert_eq!(
            read_refusal(br#"{"detail": "Not Found"}"#),
            refusal(None, "Not Found")
        );
        assert_eq!(
            read_refusal(
                br#"{"detail": [{"loc": ["body", "agent_id"], "msg": "Field required", "type": "missing"},
                                {"loc": ["body", 0], "msg": "Bad item"}]}"#
            ),
            refusal(
                Some("validation_error"),
                "body.agent_id: Field required; body.0: Bad item"
            )
        );
        assert_eq!(read_refusal(br#"{"detail": {"status": "x"}}"#), None);
        assert_eq!(read_refusal(br#"{"detail": []}"#), None);
        assert_eq!(read_refusal(b"<html>Bad Gateway</html>"), None);
    }
}
