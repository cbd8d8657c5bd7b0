//! HMAC-SHA256, the signature every provider here uses: computed over the bytes exactly as they
//! arrived and compared in constant time.

use crate::meta::signature::SignatureError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
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
    bytes_match(key, &claimed, parts)
}

/// Whether `claimed` (the 32 bytes of a MAC, however the provider wrote them) is the MAC of
/// `parts` under `key`; the comparison takes the same time wherever the bytes differ.
pub(crate) fn bytes_match(key: &[u8], claimed: &[u8], parts: &[&[u8]]) -> bool {
    mac_of(key, parts).is_some_and(|mac| mac.verify_slice(claimed).is_ok())
}

/// The MAC of `parts` under `key` as 64 lower-case hex digits; `None` when the key is empty.
pub(crate) fn hex_of(key: &[u8], parts: &[&[u8]]) -> Option<String> {
    mac_of(key, parts).map(|mac| hex::encode(mac.finalize().into_bytes()))
}

/// The digest a provider claims in `header` as padded standard Base64 of `len` bytes (Twilio's
/// HMAC-SHA1, Shopify's HMAC-SHA256), checked before any MAC is computed: no secret, no header,
/// or a header that is not that many bytes of Base64 is refused with its reason.
pub(crate) fn claimed_base64(
    secret: &[u8],
    header: Option<&str>,
    len: usize,
) -> Result<Vec<u8>, SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let header = header.ok_or(SignatureError::MissingHeader)?.trim();
    if header.len() != len.div_ceil(3) * 4 {
        return Err(SignatureError::MalformedHeader);
    }
    match STANDARD.decode(header) {
        Ok(claimed) if claimed.len() == len => Ok(claimed),
        _ => Err(SignatureError::MalformedHeader),
    }
}

/// The MAC of `parts` under `key` in padded standard Base64 (44 characters); `None` when the key
/// is empty.
pub(crate) fn base64_of(key: &[u8], parts: &[&[u8]]) -> Option<String> {
    mac_of(key, parts).map(|mac| STANDARD.encode(mac.finalize().into_bytes()))
}
