//! Razorpay's refusals, the request fields it reads, and its ids, times and auth.

use super::*;

// ---- Razorpay's refusals and request fields ----

pub(super) fn error_body(code: &str, description: &str, field: Option<&str>) -> Value {
    json!({"error": {
        "code": code,
        "description": description,
        "source": if code == "BAD_REQUEST_ERROR" { "business" } else { "NA" },
        "step": if code == "BAD_REQUEST_ERROR" { "payment_initiation" } else { "NA" },
        "reason": if code == "BAD_REQUEST_ERROR" { "input_validation_failed" } else { "NA" },
        "metadata": {},
        "field": field,
    }})
}

/// Razorpay's 400 for a request it will not do as it stands.
pub(super) fn refusal(description: &str, field: Option<&str>) -> Reply {
    (
        StatusCode::BAD_REQUEST,
        error_body("BAD_REQUEST_ERROR", description, field),
    )
}

pub(super) fn no_such_id() -> Reply {
    refusal(NO_SUCH_ID, Some("id"))
}

pub(super) fn server_error() -> Reply {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        error_body(
            "SERVER_ERROR",
            "The server encountered an error. The incident has been reported to admins.",
            None,
        ),
    )
}

pub(super) fn object(body: &Value) -> Result<&Map<String, Value>, Reply> {
    body.as_object()
        .ok_or_else(|| refusal("The request body must be a JSON object.", None))
}

pub(super) fn object_or_empty(body: &Value) -> Result<&Map<String, Value>, Reply> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match body {
        Value::Null => Ok(EMPTY.get_or_init(Map::new)),
        body => object(body),
    }
}

pub(super) fn required_str<'a>(
    body: &'a Map<String, Value>,
    field: &str,
) -> Result<&'a str, Reply> {
    match body.get(field) {
        Some(Value::String(text)) if !text.is_empty() => Ok(text),
        Some(Value::String(_)) | None | Some(Value::Null) => Err(refusal(
            &format!("The {} field is required.", field.replace('_', " ")),
            Some(field),
        )),
        Some(_) => Err(refusal(
            &format!("The {} must be a string.", field.replace('_', " ")),
            Some(field),
        )),
    }
}

/// `amount`: an integer of at least 100 (INR 1.00), as Razorpay requires.
pub(super) fn amount(body: &Map<String, Value>) -> Result<u64, Reply> {
    match body.get("amount") {
        None | Some(Value::Null) => Err(refusal("The amount field is required.", Some("amount"))),
        Some(value) => match value.as_u64() {
            Some(amount) if amount >= 100 => Ok(amount),
            Some(_) => Err(refusal(
                "The amount must be atleast INR 1.00",
                Some("amount"),
            )),
            None => Err(refusal("The amount must be an integer.", Some("amount"))),
        },
    }
}

/// `currency`: three capital letters.
pub(super) fn currency(body: &Map<String, Value>) -> Result<String, Reply> {
    let currency = required_str(body, "currency")?;
    if currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(currency.to_owned())
    } else {
        Err(refusal("Currency is not supported", Some("currency")))
    }
}

/// `notes` as given (an object of at most 15 keys with short values); `[]` when absent or
/// empty, as Razorpay writes it.
pub(super) fn notes(body: &Map<String, Value>) -> Result<Value, Reply> {
    let notes = match body.get("notes") {
        None | Some(Value::Null) => return Ok(json!([])),
        Some(Value::Array(items)) if items.is_empty() => return Ok(json!([])),
        Some(Value::Object(notes)) => notes,
        Some(_) => return Err(refusal("The notes must be an object.", Some("notes"))),
    };
    if notes.len() > 15 {
        return Err(refusal(
            "Number of notes cannot be more than 15.",
            Some("notes"),
        ));
    }
    for value in notes.values() {
        let fits = match value {
            Value::String(text) => text.chars().count() <= 256,
            Value::Number(_) | Value::Bool(_) | Value::Null => true,
            _ => false,
        };
        if !fits {
            return Err(refusal(
                "Each note may be a string of at most 256 characters.",
                Some("notes"),
            ));
        }
    }
    if notes.is_empty() {
        Ok(json!([]))
    } else {
        Ok(Value::Object(notes.clone()))
    }
}

// ---- ids, time, auth ----

/// `prefix` and 14 random alphanumerics, as Razorpay's ids.
pub(super) fn fresh_id(prefix: &str) -> String {
    pub(super) const ALPHABET: &[u8] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = prefix.to_owned();
    for half in 0..2u64 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(count);
        hasher.write_u64(half);
        hasher.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos()),
        );
        let mut bits = hasher.finish();
        for _ in 0..7 {
            id.push(char::from(ALPHABET[(bits % 62) as usize]));
            bits /= 62;
        }
    }
    id
}

pub(super) fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64)
}

pub(super) fn to_i64(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// `Basic` and the base64 of `id:secret`.
pub(super) fn basic_authorization(id: &str, secret: &str) -> String {
    pub(super) const ALPHABET: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{id}:{secret}").into_bytes();
    let mut out = String::from("Basic ");
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let group = (u32::from(bytes[0]) << 16) | (u32::from(bytes[1]) << 8) | u32::from(bytes[2]);
        for index in 0..4 {
            if index <= chunk.len() {
                out.push(char::from(
                    ALPHABET[((group >> (18 - 6 * index)) & 63) as usize],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A yes/no field as Razorpay takes it: `true`/`false` or `1`/`0`; `default` when absent.
pub(super) fn flag(
    body: &Map<String, Value>,
    field: &'static str,
    default: bool,
    refused: &'static str,
) -> Result<bool, Reply> {
    match body.get(field) {
        None => Ok(default),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(value) => match value.as_u64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(refusal(refused, Some(field))),
        },
    }
}
