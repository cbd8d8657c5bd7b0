//! Reading ElevenLabs' JSON leniently where it may grow and strictly where it must not: an
//! object must be an object (serde would also read a struct from an array, field by field), ids
//! and required texts must be non-empty strings, and the values a person reads (results,
//! rationales, collected data, dynamic variables) are rendered as text whatever their JSON type.

use super::error::ElevenLabsError;
pub(super) use crate::untrusted::json_kind as kind;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// A JSON object read as `T`; an array or any other value is refused.
pub(super) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(Object)
    }
}

/// A JSON body read as the object `T`, or why not.
pub(super) fn object<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ElevenLabsError> {
    serde_json::from_slice::<Object<T>>(body)
        .map(|Object(value)| value)
        .map_err(ElevenLabsError::malformed)
}

/// A required id or text: a non-empty string.
pub(super) fn required(
    value: Option<&Value>,
    field: &'static str,
) -> Result<String, ElevenLabsError> {
    match value {
        None | Some(Value::Null) => Err(ElevenLabsError::FieldMissing { field }),
        Some(Value::String(text)) if text.is_empty() => {
            Err(ElevenLabsError::FieldMissing { field })
        }
        Some(Value::String(text)) => Ok(text.clone()),
        Some(other) => Err(ElevenLabsError::FieldInvalid {
            field,
            reason: format!("{} is not a string", kind(other)),
        }),
    }
}

/// An optional text: a non-empty string, or `None` for anything else.
pub(super) fn some_text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// Any value as a person reads it: a string as itself, a number or boolean as written, `null`
/// (or nothing) as empty, an array or object as compact JSON.
pub(super) fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// A count of seconds: a non-negative number, fractions dropped; `None` for anything else,
/// including a number too large for `T`.
pub(super) fn whole<T: TryFrom<u64>>(value: Option<&Value>) -> Option<T> {
    let Value::Number(number) = value? else {
        return None;
    };
    let whole = match number.as_u64() {
        Some(whole) => whole,
        None => {
            let float = number.as_f64()?;
            if !(0.0..1.8e19).contains(&float) {
                return None;
            }
            // In range and not negative: the cast only drops the fraction.
            float as u64
        }
    };
    T::try_from(whole).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug)]
    struct Pair {
        a: Option<Value>,
    }

    #[test]
    fn only_objects_are_objects() {
        let read: Pair = object(br#"{"a": 1, "b": 2}"#).unwrap();
        assert_eq!(read.a, Some(json!(1)));
        for body in [&b"[1]"[..], b"\"a\"", b"1", b"null", b"{", b""] {
            let error = object::<Pair>(body).unwrap_err();
            assert_eq!(error.code(), "elevenlabs_body_malformed", "{body:?}");
        }
    }

    #[test]
    fn values_render_as_a_person_reads_them() {
        let cases = [
            (json!("thursday"), "thursday"),
            (json!(2), "2"),
            (json!(2.5), "2.5"),
            (json!(false), "false"),
            (json!(null), ""),
            (json!([1, "a"]), r#"[1,"a"]"#),
            (json!({"k": "v"}), r#"{"k":"v"}"#),
        ];
        for (value, expected) in cases {
            assert_eq!(text(Some(&value)), expected);
        }
        assert_eq!(text(None), "");
    }

    #[test]
    fn seconds_are_whole_and_in_range() {
        assert_eq!(whole::<u32>(Some(&json!(12))), Some(12));
        assert_eq!(whole::<u32>(Some(&json!(12.8))), Some(12));
        assert_eq!(whole::<u32>(Some(&json!(-1))), None);
        assert_eq!(whole::<u32>(Some(&json!(-0.5))), None);
        assert_eq!(whole::<u32>(Some(&json!(5_000_000_000u64))), None);
        assert_eq!(
            whole::<u64>(Some(&json!(5_000_000_000u64))),
            Some(5_000_000_000)
        );
        assert_eq!(whole::<u64>(Some(&json!(1e300))), None);
        assert_eq!(whole::<u32>(Some(&json!("12"))), None);
        assert_eq!(whole::<u32>(None), None);
    }

    #[test]
    fn ids_are_non_empty_strings() {
        assert_eq!(
            required(Some(&json!("conv_1")), "conversation_id").unwrap(),
            "conv_1"
        );
        let missing = [None, Some(json!(null)), Some(json!(""))];
        for value in missing {
            let error = required(value.as_ref(), "conversation_id").unwrap_err();
            assert_eq!(error.code(), "elevenlabs_field_missing");
            assert!(error.to_string().contains("conversation_id"));
        }
        let error = required(Some(&json!(7)), "agent_id").unwrap_err();
        assert_eq!(error.code(), "elevenlabs_field_invalid");
        assert_eq!(
            error.to_string(),
            "the agent_id field is invalid: a number is not a string"
        );
    }
}
