//! Twilio's request bodies: `application/x-www-form-urlencoded`, `Name=Value` pairs joined by
//! `&`, with `+` for a space and `%XX` for any other byte. Read strictly: a `%` not followed by
//! two hex digits, or bytes that do not decode to UTF-8, refuse the body rather than being
//! guessed at, since the signature is computed over the decoded values. Pairs keep their order
//! and duplicates, and a body with more fields than Twilio ever sends is refused.

use super::error::TwilioError;
use crate::untrusted::shown;

/// The most fields a body may have: Twilio's voice requests and status callbacks carry about 35.
pub const MAX_FIELDS: usize = 200;

/// Reads a form body into its `(name, value)` pairs, in order. Empty pieces (`a=1&&b=2`) are
/// skipped; a piece without `=` is a name with an empty value.
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, TwilioError> {
    let mut fields = Vec::new();
    for piece in body
        .split(|&byte| byte == b'&')
        .filter(|piece| !piece.is_empty())
    {
        if fields.len() == MAX_FIELDS {
            return Err(TwilioError::FormTooLarge { limit: MAX_FIELDS });
        }
        let (name, value) = match piece.iter().position(|&byte| byte == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &[][..]),
        };
        fields.push((decode(name)?, decode(value)?));
    }
    Ok(fields)
}

/// One name or value, `+` and `%XX` decoded, as UTF-8.
fn decode(encoded: &[u8]) -> Result<String, TwilioError> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let escape = rest.get(..2).and_then(hex_byte).ok_or_else(|| {
                    let after = String::from_utf8_lossy(&rest[..rest.len().min(2)]);
                    TwilioError::FormMalformed {
                        reason: format!("%{} is not a %XX escape", shown(&after)),
                    }
                })?;
                bytes.push(escape);
                rest = &rest[2..];
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).map_err(|error| TwilioError::FormMalformed {
        reason: format!(
            "a name or value is not UTF-8 (at byte {})",
            error.utf8_error().valid_up_to()
        ),
    })
}

/// The byte two hex digits spell.
fn hex_byte(digits: &[u8]) -> Option<u8> {
    let digit = |byte: u8| char::from(byte).to_digit(16);
    let (high, low) = (digit(*digits.first()?)?, digit(*digits.get(1)?)?);
    u8::try_from(high * 16 + low).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(body: &str) -> Vec<(String, String)> {
        parse_form(body.as_bytes()).unwrap()
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn names_and_values_are_decoded_in_order_with_duplicates_kept() {
        assert_eq!(
            pairs("From=%2B14155550100&Body=hi+there%21&Body=again&Empty=&Bare"),
            vec![
                pair("From", "+14155550100"),
                pair("Body", "hi there!"),
                pair("Body", "again"),
                pair("Empty", ""),
                pair("Bare", ""),
            ]
        );
        assert_eq!(
            pairs("a=1&&b=%3D%26&"),
            vec![pair("a", "1"), pair("b", "=&")]
        );
        assert_eq!(
            pairs("City=S%C3%A3o+Paulo"),
            vec![pair("City", "São Paulo")]
        );
        assert_eq!(pairs("Raw=é"), vec![pair("Raw", "é")]);
        assert_eq!(pairs(""), vec![]);
    }

    #[test]
    fn bad_escapes_and_bad_utf8_are_refused() {
        for body in ["a=%", "a=%4", "a=%zz", "a=%4g&b=1", "%=1"] {
            let error = parse_form(body.as_bytes()).unwrap_err();
            assert_eq!(error.code(), "twilio_form_malformed", "{body}");
            assert!(error.to_string().contains("escape"), "{error}");
        }
        for body in [&b"a=%C3"[..], b"a=%FF%FE", b"\xff=1"] {
            let error = parse_form(body).unwrap_err();
            assert_eq!(error.code(), "twilio_form_malformed");
            assert!(error.to_string().contains("UTF-8"), "{error}");
        }
    }

    #[test]
    fn too_many_fields_are_refused() {
        let at_limit = vec!["a=1"; MAX_FIELDS].join("&");
        assert_eq!(parse_form(at_limit.as_bytes()).unwrap().len(), MAX_FIELDS);
        let over = format!("{at_limit}&b=2");
        assert_eq!(
            parse_form(over.as_bytes()).unwrap_err(),
            TwilioError::FormTooLarge { limit: MAX_FIELDS }
        );
    }
}
