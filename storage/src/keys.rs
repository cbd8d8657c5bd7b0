//! Order-preserving encoding of field values into bytes.
//!
//! Index keys of the embedded backend, the field header of its stored documents and page cursors
//! are tuples of [`FieldValue`]s encoded here. Comparing two encoded tuples byte by byte gives the
//! same answer as comparing the tuples field by field, and no encoded tuple is a prefix of another
//! with different values, so a range of keys that share an encoded prefix `p` is exactly
//! `p ..< p + [PREFIX_END]`.
//!
//! Layout of one value (a type tag, then the payload):
//! - `bool`: `0x10`, then `0` or `1`;
//! - `i64`: `0x20`, then the value with its sign bit flipped, big endian (negatives sort first);
//! - `u64`: `0x21`, then the value big endian;
//! - string: `0x30`, then its UTF-8 bytes with `0x00` written as `0x00 0xFF`, then `0x00 0x01`.
//!
//! Every tag and every byte that can follow a complete value is below [`PREFIX_END`].

use crate::backend::FieldValue;
use thiserror::Error;

const TAG_BOOL: u8 = 0x10;
const TAG_I64: u8 = 0x20;
const TAG_U64: u8 = 0x21;
const TAG_STR: u8 = 0x30;
const STR_ESCAPE: u8 = 0xFF;
const STR_END: u8 = 0x01;

/// Appended to an encoded prefix, gives a key above every key that starts with that prefix.
pub const PREFIX_END: u8 = 0xFF;

#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
#[error("malformed key at byte {offset}")]
pub struct MalformedKey {
    pub offset: usize,
}

/// Appends one value to `out`.
pub fn encode_value(out: &mut Vec<u8>, value: &FieldValue) {
    match value {
        FieldValue::Bool(flag) => out.extend_from_slice(&[TAG_BOOL, u8::from(*flag)]),
        FieldValue::I64(number) => {
            out.push(TAG_I64);
            out.extend_from_slice(&((*number as u64) ^ (1 << 63)).to_be_bytes());
        }
        FieldValue::U64(number) => {
            out.push(TAG_U64);
            out.extend_from_slice(&number.to_be_bytes());
        }
        FieldValue::Str(text) => encode_str(out, text),
    }
}

/// Appends one string value to `out` (the same bytes as `FieldValue::Str`, without the copy).
pub fn encode_str(out: &mut Vec<u8>, text: &str) {
    out.reserve(text.len() + 3);
    out.push(TAG_STR);
    for &byte in text.as_bytes() {
        out.push(byte);
        if byte == 0 {
            out.push(STR_ESCAPE);
        }
    }
    out.extend_from_slice(&[0, STR_END]);
}

/// How many bytes [`encode_str`] writes for `text`.
pub fn encoded_str_len(text: &str) -> usize {
    3 + text.len() + text.bytes().filter(|byte| *byte == 0).count()
}

/// Appends every value of a tuple to `out`.
pub fn encode_tuple<'a>(out: &mut Vec<u8>, values: impl IntoIterator<Item = &'a FieldValue>) {
    for value in values {
        encode_value(out, value);
    }
}

/// Reads the values of an encoded tuple, in order.
pub fn decode_tuple(bytes: &[u8]) -> Result<Vec<FieldValue>, MalformedKey> {
    let mut values = Vec::new();
    let mut offset = 0;
    while offset < bytes.len() {
        let (value, next) = decode_value(bytes, offset)?;
        values.push(value);
        offset = next;
    }
    Ok(values)
}

/// Reads the value that starts at `offset`; returns it and the offset just after it.
pub fn decode_value(bytes: &[u8], offset: usize) -> Result<(FieldValue, usize), MalformedKey> {
    let malformed = MalformedKey { offset };
    let tag = *bytes.get(offset).ok_or(malformed)?;
    let body = offset + 1;
    match tag {
        TAG_BOOL => match bytes.get(body) {
            Some(0) => Ok((FieldValue::Bool(false), body + 1)),
            Some(1) => Ok((FieldValue::Bool(true), body + 1)),
            _ => Err(malformed),
        },
        TAG_I64 => {
            let raw = read_u64(bytes, body).ok_or(malformed)?;
            Ok((FieldValue::I64((raw ^ (1 << 63)) as i64), body + 8))
        }
        TAG_U64 => {
            let raw = read_u64(bytes, body).ok_or(malformed)?;
            Ok((FieldValue::U64(raw), body + 8))
        }
        TAG_STR => decode_str_body(bytes, body)
            .map(|(text, next)| (FieldValue::Str(text), next))
            .ok_or(malformed),
        _ => Err(malformed),
    }
}

fn read_u64(bytes: &[u8], offset: usize) -> Option<u64> {
    let raw: [u8; 8] = bytes.get(offset..offset + 8)?.try_into().ok()?;
    Some(u64::from_be_bytes(raw))
}

fn decode_str_body(bytes: &[u8], mut offset: usize) -> Option<(String, usize)> {
    let mut text = Vec::new();
    loop {
        let byte = *bytes.get(offset)?;
        if byte != 0 {
            text.push(byte);
            offset += 1;
            continue;
        }
        match *bytes.get(offset + 1)? {
            STR_ESCAPE => text.push(0),
            STR_END => return String::from_utf8(text).ok().map(|text| (text, offset + 2)),
            _ => return None,
        }
        offset += 2;
    }
}

/// Lower-case hexadecimal, for cursors that travel in URLs.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0F)]));
    }
    text
}

pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(values: &[FieldValue]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_tuple(&mut out, values);
        out
    }

    /// A small deterministic generator, so failures reproduce.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 11
        }
        fn string(&mut self) -> String {
            const ALPHABET: [char; 6] = ['\0', 'a', 'b', 'z', 'é', '\u{7f}'];
            let len = (self.next() % 5) as usize;
            (0..len)
                .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize])
                .collect()
        }
    }

    #[test]
    fn strings_sort_like_their_bytes() {
        let mut rng = Lcg(7);
        let mut texts: Vec<String> = (0..300).map(|_| rng.string()).collect();
        texts.sort();
        texts.dedup();
        let keys: Vec<Vec<u8>> = texts
            .iter()
            .map(|text| encoded(&[FieldValue::Str(text.clone())]))
            .collect();
        for pair in keys.windows(2) {
            assert!(pair[0] < pair[1], "{pair:?}");
        }
    }

    #[test]
    fn signed_and_unsigned_numbers_keep_their_order() {
        let signed = [i64::MIN, -1_000, -1, 0, 1, 42, i64::MAX];
        let keys: Vec<Vec<u8>> = signed
            .iter()
            .map(|n| encoded(&[FieldValue::I64(*n)]))
            .collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        let unsigned = [0, 1, 255, 256, u64::MAX];
        let keys: Vec<Vec<u8>> = unsigned
            .iter()
            .map(|n| encoded(&[FieldValue::U64(*n)]))
            .collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn tuples_sort_field_by_field() {
        let mut rng = Lcg(11);
        let mut tuples: Vec<(String, i64, String)> = (0..400)
            .map(|_| (rng.string(), (rng.next() % 7) as i64 - 3, rng.string()))
            .collect();
        tuples.sort();
        tuples.dedup();
        let keys: Vec<Vec<u8>> = tuples
            .iter()
            .map(|(a, n, b)| {
                encoded(&[
                    FieldValue::Str(a.clone()),
                    FieldValue::I64(*n),
                    FieldValue::Str(b.clone()),
                ])
            })
            .collect();
        for (pair, originals) in keys.windows(2).zip(tuples.windows(2)) {
            assert!(pair[0] < pair[1], "{originals:?}");
        }
    }

    #[test]
    fn a_prefix_range_holds_exactly_the_keys_that_extend_it() {
        let prefix = encoded(&[FieldValue::Str("ab".into())]);
        let mut end = prefix.clone();
        end.push(PREFIX_END);
        let inside = encoded(&[
            FieldValue::Str("ab".into()),
            FieldValue::Str("\u{10ffff}".into()),
        ]);
        let longer = encoded(&[FieldValue::Str("ab\0".into())]);
        let after = encoded(&[FieldValue::Str("ac".into())]);
        assert!(prefix <= inside && inside < end);
        assert!(longer >= end && after >= end);
    }

    #[test]
    fn decoding_returns_what_was_encoded() {
        let values = vec![
            FieldValue::Str("te\0nant".into()),
            FieldValue::I64(-5),
            FieldValue::U64(9),
            FieldValue::Bool(true),
            FieldValue::Str(String::new()),
        ];
        assert_eq!(decode_tuple(&encoded(&values)), Ok(values));
        assert_eq!(
            encoded_str_len("te\0nant"),
            encoded(&[FieldValue::from("te\0nant")]).len()
        );
        assert!(decode_tuple(&[TAG_STR, b'a', 0]).is_err());
        assert!(decode_tuple(&[TAG_I64, 1, 2]).is_err());
        assert!(decode_tuple(&[0x99]).is_err());
    }

    #[test]
    fn hex_round_trips_and_refuses_garbage() {
        let bytes = [0u8, 1, 0x7f, 0x80, 0xff];
        assert_eq!(to_hex(&bytes), "00017f80ff");
        assert_eq!(from_hex(&to_hex(&bytes)), Some(bytes.to_vec()));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }
}
