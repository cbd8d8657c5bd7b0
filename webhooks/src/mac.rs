//! HMAC-SHA256, the signature every provider here uses: computed over the bytes exactly as they
//! arrived and compared in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The MAC of `parts` joined in order under `key`; `None` when the key is empty.
pub(crate) fn mac_of(key: &[u8], parts: &[&[u8]]) -> Option<Hmac<Sha256>> {
    if key.is_empty() {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac)
}

/// Whether `claimed_hex` (64 hex digits, either case) is the MAC of `parts` under `key`; the
/// comparison takes the same time wherever the digits differ.
pub(crate) fn hex_matches(key: &[u8], claimed_hex: &str, parts: &[&[u8]]) -> bool {
    let mut claimed = [0u8; 32];
    if hex::decode_to_slice(claimed_hex.trim(), &mut claimed).is_err() {
        return false;
    }
    mac_of(key, parts).is_some_and(|mac| mac.verify_slice(&claimed).is_ok())
}

/// The MAC of `parts` under `key` as 64 lower-case hex digits; `None` when the key is empty.
pub(crate) fn hex_of(key: &[u8], parts: &[&[u8]]) -> Option<String> {
    mac_of(key, parts).map(|mac| hex::encode(mac.finalize().into_bytes()))
}
