//! Property-style checks: no byte string and no JSON value, random or mutated from a real
//! fixture, makes a Meta parser (WhatsApp, Messenger, Instagram or the dispatcher) panic.

use crate::{fixture, fixture_names};
use botwot_adapters::meta::{MetaEvent, PayloadError, instagram, messenger, whatsapp};
use serde_json::{Map, Value, json};

type Parser = fn(&[u8]) -> Result<Vec<MetaEvent>, PayloadError>;

const PARSERS: [Parser; 4] = [
    whatsapp::parse_webhook,
    messenger::parse_webhook,
    instagram::parse_webhook,
    botwot_adapters::meta::parse_webhook,
];

/// Runs every parser on `body`; the errors they answered.
fn parse_all(body: &[u8]) -> Vec<PayloadError> {
    PARSERS
        .iter()
        .filter_map(|parse| parse(body).err())
        .collect()
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: [&str; 32] = [
    "object",
    "entry",
    "changes",
    "value",
    "messages",
    "statuses",
    "metadata",
    "type",
    "id",
    "from",
    "text",
    "image",
    "whatsapp_business_account",
    "interactive",
    "errors",
    "timestamp",
    "page",
    "instagram",
    "messaging",
    "sender",
    "recipient",
    "message",
    "mid",
    "postback",
    "attachments",
    "payload",
    "url",
    "reaction",
    "read",
    "delivery",
    "comments",
    "field",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth == 0 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.next() as i64),
        3 => json!(f64::from(rng.below(1000) as u32) / 7.0),
        4 => Value::String(WORDS[rng.below(WORDS.len())].to_owned()),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(5))
                .map(|_| {
                    (
                        WORDS[rng.below(WORDS.len())].to_owned(),
                        random_value(rng, depth - 1),
                    )
                })
                .collect::<Map<_, _>>(),
        ),
    }
}

/// Replaces one random node of `value` with a random value.
fn mutate(rng: &mut Rng, value: &mut Value) {
    let children: Vec<&mut Value> = match value {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(fields) => fields.values_mut().collect(),
        _ => Vec::new(),
    };
    if children.is_empty() || rng.below(4) == 0 {
        *value = random_value(rng, 3);
        return;
    }
    let count = children.len();
    if let Some(child) = children.into_iter().nth(rng.below(count)) {
        mutate(rng, child);
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds = [
        fixture("whatsapp_text"),
        fixture("messenger_text"),
        fixture("instagram_comment"),
    ];
    for round in 0..3000 {
        let seed = &seeds[round % seeds.len()];
        let bytes: Vec<u8> = if round % 2 == 0 {
            (0..rng.below(300)).map(|_| rng.next() as u8).collect()
        } else {
            let mut bytes = seed.clone();
            for _ in 0..=rng.below(8) {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
            bytes.truncate(rng.below(bytes.len() + 1).max(bytes.len() / 2));
            bytes
        };
        let _ = parse_all(&bytes);
    }
}

#[test]
fn arbitrary_json_never_panics() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..3000 {
        let value = random_value(&mut rng, 5);
        let _ = parse_all(value.to_string().as_bytes());
    }
}

#[test]
fn mutated_fixtures_never_panic_and_keep_their_shape_errors_clear() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let seeds: Vec<Value> = fixture_names()
        .iter()
        .map(|name| serde_json::from_slice(&fixture(name)).unwrap())
        .collect();
    for round in 0..5000 {
        let mut value = seeds[round % seeds.len()].clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut rng, &mut value);
        }
        for error in parse_all(value.to_string().as_bytes()) {
            assert_ne!(
                error.code(),
                "payload_invalid_json",
                "valid json read as invalid: {error}"
            );
        }
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for parse in PARSERS {
        assert!(parse(body.as_bytes()).is_err());
    }
}
