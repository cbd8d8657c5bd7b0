//! `PATCH` bodies for settings: the top-level fields a request names are put over the stored
//! settings, and the result must still fit the settings' type (unknown fields are refused the
//! way a full body's are). Validation of the merged settings is the caller's.

use crate::errors::{AppError, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// `current` with the top-level fields of `changes` put over it.
pub fn merged<T: Serialize + DeserializeOwned>(
    current: &T,
    changes: Map<String, Value>,
) -> Result<T, AppError> {
    let mut merged = match serde_json::to_value(current) {
        Ok(Value::Object(fields)) => fields,
        _ => {
            return Err(AppError::new(
                ErrorCode::Internal,
                "stored settings are not an object",
            ));
        }
    };
    merged.extend(changes);
    serde_json::from_value(Value::Object(merged)).map_err(|error| {
        AppError::new(
            ErrorCode::InvalidJson,
            format!("the request body does not fit the schema: {error}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::bot::BotSettings;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_patch_changes_only_the_fields_it_names() {
        let current = BotSettings::named("Ava");
        let merged = merged(&current, object(json!({"botGreetingMessage": "Hi"}))).unwrap();
        assert_eq!(merged.bot_name, "Ava");
        assert_eq!(merged.bot_greeting_message, "Hi");
    }

    #[test]
    fn a_patch_with_an_unknown_field_is_refused() {
        let error =
            merged(&BotSettings::named("Ava"), object(json!({"colour": "red"}))).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidJson);
        assert!(
            error.message.contains("unknown field `colour`"),
            "{}",
            error.message
        );
    }
}
