//! Reading Shopify's JSON by hand, field by field, with the path of each field for the error:
//! `null` is the same as absent, an empty text is no text, and a field of the wrong type is
//! refused rather than guessed at.

use super::error::OrderError;
pub(super) use crate::untrusted::json_kind as kind;
use botwot_engine::Timestamp;
use serde_json::{Map, Value};

/// A JSON object of the body and where it sits (`order.customer`).
pub(super) struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Fields<'a> {
    /// `value` as an object at `path`; anything else is refused.
    pub(super) fn of(value: &'a Value, path: String) -> Result<Self, OrderError> {
        match value {
            Value::Object(map) => Ok(Fields { map, path }),
            other => Err(OrderError::invalid(
                path,
                format!("{}, not an object", kind(other)),
            )),
        }
    }

    /// The field's value; `None` when absent or `null`.
    pub(super) fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|value| !value.is_null())
    }

    /// Where the field `name` of this object is.
    pub(super) fn path_of(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }

    pub(super) fn missing(&self, name: &str) -> OrderError {
        OrderError::invalid(self.path_of(name), "missing")
    }

    pub(super) fn invalid(&self, name: &str, reason: impl Into<String>) -> OrderError {
        OrderError::invalid(self.path_of(name), reason)
    }

    /// A text: a string, trimmed; `None` when absent, `null` or empty.
    pub(super) fn text(&self, name: &str) -> Result<Option<String>, OrderError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(non_empty(text)),
            Some(other) => Err(self.invalid(name, not_a_string(other))),
        }
    }

    /// A text that must be there.
    pub(super) fn required_text(&self, name: &str) -> Result<String, OrderError> {
        self.text(name)?.ok_or_else(|| self.missing(name))
    }

    /// A time in RFC 3339 (`2024-01-08T10:00:00-05:00`); `None` when absent, `null` or empty.
    pub(super) fn time(&self, name: &str) -> Result<Option<Timestamp>, OrderError> {
        let Some(text) = self.text(name)? else {
            return Ok(None);
        };
        Timestamp::parse_rfc3339(&text)
            .map(Some)
            .ok_or_else(|| self.invalid(name, "a string that is not an RFC 3339 time"))
    }

    /// A time that must be there.
    pub(super) fn required_time(&self, name: &str) -> Result<Timestamp, OrderError> {
        self.time(name)?.ok_or_else(|| self.missing(name))
    }

    /// A nested object; `None` when absent or `null`.
    pub(super) fn object(&self, name: &str) -> Result<Option<Fields<'a>>, OrderError> {
        self.get(name)
            .map(|value| Fields::of(value, self.path_of(name)))
            .transpose()
    }

    /// An array's elements; none when absent or `null`.
    pub(super) fn array(&self, name: &str) -> Result<&'a [Value], OrderError> {
        match self.get(name) {
            None => Ok(&[]),
            Some(Value::Array(values)) => Ok(values),
            Some(other) => Err(self.invalid(name, format!("{}, not an array", kind(other)))),
        }
    }

    /// Where the element `index` of the array `name` is.
    pub(super) fn element_path(&self, name: &str, index: usize) -> String {
        format!("{}[{index}]", self.path_of(name))
    }
}

/// `text` trimmed, or `None` when nothing is left.
pub(super) fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

pub(super) fn not_a_string(value: &Value) -> String {
    format!("{}, not a string", kind(value))
}
