//! AWS event-stream framing (`application/vnd.amazon.eventstream`), as Bedrock's ConverseStream
//! answers: bytes in any chunking, out come whole [`EventMessage`]s. A message is a prelude
//! (total length, headers length, both big-endian `u32`, then a CRC32 of those 8 bytes), typed
//! headers, a payload and a CRC32 of everything before it. Both checksums are verified and a
//! message may be at most [`MAX_MESSAGE_BYTES`] long, so a corrupt or hostile stream fails with
//! an [`EventStreamError`] instead of being misread or buffered without bound.

use thiserror::Error;

/// The longest message accepted; Bedrock's events are a few kilobytes.
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;
/// Total length and headers length.
const PRELUDE_BYTES: usize = 8;
/// The prelude and its CRC, before the headers.
const PRELUDE_WITH_CRC_BYTES: usize = PRELUDE_BYTES + 4;
/// The smallest message: a prelude, its CRC and the message CRC, with no headers or payload.
const MIN_MESSAGE_BYTES: usize = PRELUDE_WITH_CRC_BYTES + 4;

/// Why a stream cannot be decoded; nothing after such a failure can be trusted.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum EventStreamError {
    #[error(
        "event-stream prelude checksum mismatch (sent {sent:#010x}, computed {computed:#010x})"
    )]
    PreludeChecksum { sent: u32, computed: u32 },
    #[error(
        "event-stream message checksum mismatch (sent {sent:#010x}, computed {computed:#010x})"
    )]
    MessageChecksum { sent: u32, computed: u32 },
    #[error(
        "event-stream message of {total} bytes with {headers} bytes of headers is out of bounds \
         ({MIN_MESSAGE_BYTES} to {MAX_MESSAGE_BYTES} bytes)"
    )]
    Length { total: usize, headers: usize },
    #[error("event-stream header is malformed: {0}")]
    Header(String),
}

/// A header's typed value; the number is the wire type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderValue {
    /// 0 (true) and 1 (false), with no value bytes.
    Bool(bool),
    /// 2.
    Byte(i8),
    /// 3.
    Short(i16),
    /// 4.
    Int(i32),
    /// 5.
    Long(i64),
    /// 6: a `u16` length, then the bytes.
    Bytes(Vec<u8>),
    /// 7: a `u16` length, then UTF-8.
    String(String),
    /// 8: milliseconds since the Unix epoch.
    Timestamp(i64),
    /// 9: 16 bytes.
    Uuid([u8; 16]),
}

/// One decoded message: its headers in wire order and its payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventMessage {
    pub headers: Vec<(String, HeaderValue)>,
    pub payload: Vec<u8>,
}

impl EventMessage {
    /// The first header called `name` if it is a string (`:message-type`, `:event-type`).
    pub fn string_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .and_then(|(_, value)| match value {
                HeaderValue::String(text) => Some(text.as_str()),
                _ => None,
            })
    }
}

/// Reassembles messages from a byte stream cut anywhere.
#[derive(Debug, Default)]
pub struct EventStreamDecoder {
    pending: Vec<u8>,
}

impl EventStreamDecoder {
    /// Takes the next bytes and returns every message they complete, in order. After an error
    /// the stream is corrupt and the decoder should be dropped.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<EventMessage>, EventStreamError> {
        self.pending.extend_from_slice(bytes);
        let mut messages = Vec::new();
        while let Some((total, headers_length)) = self.next_message_lengths()? {
            let message = decode_message(&self.pending[..total], headers_length)?;
            self.pending.drain(..total);
            messages.push(message);
        }
        Ok(messages)
    }

    /// Whether bytes of an unfinished message are waiting for the rest.
    pub fn is_mid_message(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The total and headers lengths of the first pending message once all of it has arrived.
    /// The prelude is checked as soon as it is whole, so a corrupt length is refused before
    /// anything waits for it.
    fn next_message_lengths(&self) -> Result<Option<(usize, usize)>, EventStreamError> {
        let Some(prelude) = self.pending.get(..PRELUDE_WITH_CRC_BYTES) else {
            return Ok(None);
        };
        let (total, headers_length) = read_prelude(prelude)?;
        Ok((self.pending.len() >= total).then_some((total, headers_length)))
    }
}

/// The total and headers lengths of a 12-byte prelude, its CRC verified and its lengths bounded.
fn read_prelude(prelude: &[u8]) -> Result<(usize, usize), EventStreamError> {
    let sent = be_u32(&prelude[PRELUDE_BYTES..PRELUDE_WITH_CRC_BYTES]);
    let computed = crc32fast::hash(&prelude[..PRELUDE_BYTES]);
    if sent != computed {
        return Err(EventStreamError::PreludeChecksum { sent, computed });
    }
    let total = be_u32(&prelude[0..4]) as usize;
    let headers = be_u32(&prelude[4..8]) as usize;
    if !(MIN_MESSAGE_BYTES..=MAX_MESSAGE_BYTES).contains(&total)
        || headers > total - MIN_MESSAGE_BYTES
    {
        return Err(EventStreamError::Length { total, headers });
    }
    Ok((total, headers))
}

/// One whole message, its prelude already verified by [`read_prelude`].
fn decode_message(message: &[u8], headers_length: usize) -> Result<EventMessage, EventStreamError> {
    let crc_at = message.len() - 4;
    let sent = be_u32(&message[crc_at..]);
    let computed = crc32fast::hash(&message[..crc_at]);
    if sent != computed {
        return Err(EventStreamError::MessageChecksum { sent, computed });
    }
    let payload_at = PRELUDE_WITH_CRC_BYTES + headers_length;
    Ok(EventMessage {
        headers: decode_headers(&message[PRELUDE_WITH_CRC_BYTES..payload_at])?,
        payload: message[payload_at..crc_at].to_vec(),
    })
}

fn decode_headers(mut bytes: &[u8]) -> Result<Vec<(String, HeaderValue)>, EventStreamError> {
    let mut headers = Vec::new();
    while !bytes.is_empty() {
        let name_length = usize::from(take(&mut bytes, 1)?[0]);
        let name = utf8(take(&mut bytes, name_length)?, "name")?;
        let value = match take(&mut bytes, 1)?[0] {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(i8::from_be_bytes(take_array(&mut bytes)?)),
            3 => HeaderValue::Short(i16::from_be_bytes(take_array(&mut bytes)?)),
            4 => HeaderValue::Int(i32::from_be_bytes(take_array(&mut bytes)?)),
            5 => HeaderValue::Long(i64::from_be_bytes(take_array(&mut bytes)?)),
            6 => HeaderValue::Bytes(take_sized(&mut bytes)?.to_vec()),
            7 => HeaderValue::String(utf8(take_sized(&mut bytes)?, "string value")?),
            8 => HeaderValue::Timestamp(i64::from_be_bytes(take_array(&mut bytes)?)),
            9 => HeaderValue::Uuid(take_array(&mut bytes)?),
            other => {
                return Err(EventStreamError::Header(format!(
                    "header {name:?} has unknown value type {other}"
                )));
            }
        };
        headers.push((name, value));
    }
    Ok(headers)
}

/// The next `count` bytes of `bytes`, which then start after them.
fn take<'a>(bytes: &mut &'a [u8], count: usize) -> Result<&'a [u8], EventStreamError> {
    if bytes.len() < count {
        return Err(EventStreamError::Header(
            "a header runs past the headers length".into(),
        ));
    }
    let (taken, rest) = bytes.split_at(count);
    *bytes = rest;
    Ok(taken)
}

fn take_array<const N: usize>(bytes: &mut &[u8]) -> Result<[u8; N], EventStreamError> {
    let mut array = [0; N];
    array.copy_from_slice(take(bytes, N)?);
    Ok(array)
}

/// A value preceded by its `u16` length.
fn take_sized<'a>(bytes: &mut &'a [u8]) -> Result<&'a [u8], EventStreamError> {
    let length = u16::from_be_bytes(take_array(bytes)?);
    take(bytes, usize::from(length))
}

fn utf8(bytes: &[u8], what: &str) -> Result<String, EventStreamError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| EventStreamError::Header(format!("a header {what} is not UTF-8")))
}

fn be_u32(bytes: &[u8]) -> u32 {
    let mut array = [0; 4];
    array.copy_from_slice(&bytes[..4]);
    u32::from_be_bytes(array)
}

/// Encodes one message. Only test servers (this crate's tests and its integration tests)
/// speak event-stream; the adapters themselves only decode it. Fails on a header name, string
/// or byte value too long for its length field, or a message over [`MAX_MESSAGE_BYTES`].
#[doc(hidden)]
pub fn encode_message(
    headers: &[(&str, HeaderValue)],
    payload: &[u8],
) -> Result<Vec<u8>, EventStreamError> {
    let too_long = |what: &str| EventStreamError::Header(format!("{what} is too long to encode"));
    let mut encoded_headers = Vec::new();
    for (name, value) in headers {
        encoded_headers.push(u8::try_from(name.len()).map_err(|_| too_long(name))?);
        encoded_headers.extend_from_slice(name.as_bytes());
        let (wire_type, bytes): (u8, Vec<u8>) = match value {
            HeaderValue::Bool(true) => (0, Vec::new()),
            HeaderValue::Bool(false) => (1, Vec::new()),
            HeaderValue::Byte(value) => (2, value.to_be_bytes().to_vec()),
            HeaderValue::Short(value) => (3, value.to_be_bytes().to_vec()),
            HeaderValue::Int(value) => (4, value.to_be_bytes().to_vec()),
            HeaderValue::Long(value) => (5, value.to_be_bytes().to_vec()),
            HeaderValue::Bytes(value) => (6, sized(value, || too_long(name))?),
            HeaderValue::String(value) => (7, sized(value.as_bytes(), || too_long(name))?),
            HeaderValue::Timestamp(value) => (8, value.to_be_bytes().to_vec()),
            HeaderValue::Uuid(value) => (9, value.to_vec()),
        };
        encoded_headers.push(wire_type);
        encoded_headers.extend_from_slice(&bytes);
    }
    let total = MIN_MESSAGE_BYTES + encoded_headers.len() + payload.len();
    let length_error = || EventStreamError::Length {
        total,
        headers: encoded_headers.len(),
    };
    if total > MAX_MESSAGE_BYTES {
        return Err(length_error());
    }
    let mut message = Vec::with_capacity(total);
    message.extend_from_slice(
        &u32::try_from(total)
            .map_err(|_| length_error())?
            .to_be_bytes(),
    );
    message.extend_from_slice(
        &u32::try_from(encoded_headers.len())
            .map_err(|_| length_error())?
            .to_be_bytes(),
    );
    message.extend_from_slice(&crc32fast::hash(&message).to_be_bytes());
    message.extend_from_slice(&encoded_headers);
    message.extend_from_slice(payload);
    message.extend_from_slice(&crc32fast::hash(&message).to_be_bytes());
    Ok(message)
}

/// `bytes` preceded by their `u16` length.
fn sized(
    bytes: &[u8],
    too_long: impl Fn() -> EventStreamError,
) -> Result<Vec<u8>, EventStreamError> {
    let length = u16::try_from(bytes.len()).map_err(|_| too_long())?;
    let mut encoded = length.to_be_bytes().to_vec();
    encoded.extend_from_slice(bytes);
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(value: &str) -> HeaderValue {
        HeaderValue::String(value.to_owned())
    }

    fn bedrock_delta() -> Vec<u8> {
        encode_message(
            &[
                (":event-type", string("contentBlockDelta")),
                (":content-type", string("application/json")),
                (":message-type", string("event")),
            ],
            br#"{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcd"}"#,
        )
        .expect("encode")
    }

    #[test]
    fn a_message_matches_the_published_layout_and_checksums() {
        // No headers and a 14-byte payload: 30 bytes in all. The CRCs are zlib's CRC32 of the
        // prelude and of everything before the message CRC.
        let message = encode_message(&[], br#"{"foo": "bar"}"#).expect("encode");
        assert_eq!(
            &message[..12],
            &[0, 0, 0, 30, 0, 0, 0, 0, 0xba, 0xf2, 0xf6, 0x8a]
        );
        assert_eq!(&message[26..], &[0xae, 0x72, 0x58, 0xe4]);
        let decoded = EventStreamDecoder::default()
            .push(&message)
            .expect("decode");
        assert_eq!(
            decoded,
            vec![EventMessage {
                headers: Vec::new(),
                payload: br#"{"foo": "bar"}"#.to_vec()
            }]
        );
    }

    #[test]
    fn messages_cut_at_any_byte_decode_the_same() {
        let stream = [bedrock_delta(), encode_message(&[], b"").expect("encode")].concat();
        let whole = EventStreamDecoder::default().push(&stream).expect("whole");
        assert_eq!(whole.len(), 2);
        assert_eq!(
            whole[0].string_header(":event-type"),
            Some("contentBlockDelta")
        );
        assert_eq!(whole[0].string_header(":message-type"), Some("event"));
        for cut in 0..=stream.len() {
            let mut decoder = EventStreamDecoder::default();
            let mut messages = decoder.push(&stream[..cut]).expect("first part");
            messages.extend(decoder.push(&stream[cut..]).expect("second part"));
            assert_eq!(messages, whole, "cut at {cut}");
            assert!(!decoder.is_mid_message());
        }
        let mut decoder = EventStreamDecoder::default();
        let mut messages = Vec::new();
        for byte in &stream {
            messages.extend(decoder.push(std::slice::from_ref(byte)).expect("byte"));
        }
        assert_eq!(messages, whole, "one byte at a time");
    }

    #[test]
    fn any_flipped_bit_fails_a_checksum() {
        let message = bedrock_delta();
        for at in 0..message.len() {
            let mut corrupt = message.clone();
            corrupt[at] ^= 0x20;
            let outcome = EventStreamDecoder::default().push(&corrupt);
            if at < PRELUDE_WITH_CRC_BYTES {
                assert!(
                    matches!(outcome, Err(EventStreamError::PreludeChecksum { .. })),
                    "byte {at}: {outcome:?}"
                );
            } else {
                assert!(
                    matches!(outcome, Err(EventStreamError::MessageChecksum { .. })),
                    "byte {at}: {outcome:?}"
                );
            }
        }
    }

    #[test]
    fn absurd_lengths_are_refused_before_waiting_for_them() {
        let prelude = |total: u32, headers: u32| {
            let mut bytes = [total.to_be_bytes(), headers.to_be_bytes()].concat();
            bytes.extend_from_slice(&crc32fast::hash(&bytes).to_be_bytes());
            bytes
        };
        for (total, headers) in [(u32::MAX, 0), (17 << 20, 0), (15, 0), (100, 90)] {
            assert_eq!(
                EventStreamDecoder::default().push(&prelude(total, headers)),
                Err(EventStreamError::Length {
                    total: total as usize,
                    headers: headers as usize
                }),
                "{total}/{headers}"
            );
        }
        let mut decoder = EventStreamDecoder::default();
        assert_eq!(decoder.push(&prelude(1 << 20, 0)), Ok(Vec::new()));
        assert!(decoder.is_mid_message());
    }

    #[test]
    fn headers_of_every_type_parse() {
        let headers = vec![
            ("true", HeaderValue::Bool(true)),
            ("false", HeaderValue::Bool(false)),
            ("byte", HeaderValue::Byte(-2)),
            ("short", HeaderValue::Short(-300)),
            ("int", HeaderValue::Int(70_000)),
            ("long", HeaderValue::Long(-5_000_000_000)),
            ("bytes", HeaderValue::Bytes(vec![0, 255, 7])),
            ("string", string("application/json")),
            ("timestamp", HeaderValue::Timestamp(1_700_000_000_123)),
            ("uuid", HeaderValue::Uuid(*b"0123456789abcdef")),
        ];
        let borrowed: Vec<(&str, HeaderValue)> = headers
            .iter()
            .map(|(name, value)| (*name, value.clone()))
            .collect();
        let message = encode_message(&borrowed, b"payload").expect("encode");
        let decoded = EventStreamDecoder::default()
            .push(&message)
            .expect("decode");
        let expected: Vec<(String, HeaderValue)> = headers
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        assert_eq!(decoded[0].headers, expected);
        assert_eq!(decoded[0].payload, b"payload");
        assert_eq!(decoded[0].string_header("string"), Some("application/json"));
        assert_eq!(decoded[0].string_header("int"), None);
    }

    #[test]
    fn header_bytes_are_read_as_the_wire_spells_them() {
        // Written by hand: a short (type 3), a timestamp (8) and a string (7).
        let headers: Vec<u8> = [
            &[1, b's', 3, 0xff, 0xfe][..],
            &[1, b't', 8, 0, 0, 0, 0, 0, 0, 0x01, 0x00],
            &[1, b'n', 7, 0, 2, b'o', b'k'],
        ]
        .concat();
        assert_eq!(
            decode_headers(&headers),
            Ok(vec![
                ("s".to_owned(), HeaderValue::Short(-2)),
                ("t".to_owned(), HeaderValue::Timestamp(256)),
                ("n".to_owned(), string("ok")),
            ])
        );
        assert!(matches!(
            decode_headers(&[1, b'x', 7, 0, 9, b'a']),
            Err(EventStreamError::Header(_))
        ));
        assert!(matches!(
            decode_headers(&[1, b'x', 10]),
            Err(EventStreamError::Header(_))
        ));
    }
}
