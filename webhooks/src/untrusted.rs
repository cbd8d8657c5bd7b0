//! Untrusted values quoted in error messages, cut short: a refusal names what it refused without
//! repeating a body's worth of it into a log.

/// The JSON type of a value, for an error message (`a number`, `an object`, `null`).
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The most of an untrusted value an error message repeats.
const SHOWN_CHARS: usize = 40;

/// The start of an untrusted value: at most [`SHOWN_CHARS`] characters, with `...` when cut.
pub(crate) fn shown(value: &str) -> String {
    excerpt(value, SHOWN_CHARS)
}

/// The first `limit` characters of `text`, cut on a character boundary, with `...` when there
/// were more.
pub fn excerpt(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_on_a_char_boundary() {
        assert_eq!(shown("CA12"), "CA12");
        assert_eq!(shown(&"a".repeat(40)), "a".repeat(40));
        let long = "é".repeat(50);
        assert_eq!(shown(&long), format!("{}...", "é".repeat(40)));
    }
}
