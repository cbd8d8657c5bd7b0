//! Signed, expiring links to uploaded files, for a channel that takes a file only by an address
//! it fetches (Instagram's Send API has no attachment upload). A link is
//! `<public url>/media/uploads/<tenant>/<upload id>?expires=<unix seconds>&signature=<hex>`,
//! where the signature is an HMAC-SHA256 over the tenant, the upload id and the expiry under a
//! key derived from the node's secret; every node of a deployment shares that secret, so any of
//! them serves a link another minted. Without the signature nobody can read an upload: its id
//! is not guessable, and the link names the organisation it must belong to.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How long a link works: Meta fetches the file when the message is sent, and a send the outbox
/// retries mints a new link.
pub const LINK_LIFETIME_SECS: i64 = 24 * 60 * 60;

/// What the key of the links is derived under, so it differs from every other use of the
/// secret.
const KEY_PURPOSE: &[u8] = b"botwot upload links v1";

/// Why a link is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefused {
    #[error("the link's signature does not match it")]
    BadSignature,
    #[error("the link has expired")]
    Expired,
}

/// Mints and checks upload links.
#[derive(Clone)]
pub struct UploadLinks {
    base: String,
    key: [u8; 32],
}

impl std::fmt::Debug for UploadLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadLinks")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl UploadLinks {
    /// Links under `public_url` (the address the world reaches this deployment at), signed with
    /// a key derived from `secret`.
    pub fn new(public_url: &str, secret: &[u8]) -> Self {
        let mut derive = mac(secret);
        derive.update(KEY_PURPOSE);
        Self {
            base: public_url.trim_end_matches('/').to_owned(),
            key: derive.finalize().into_bytes().into(),
        }
    }

    /// The link to upload `id` of `tenant`, working until `now_secs + LINK_LIFETIME_SECS`.
    pub fn link(&self, tenant: &str, id: &str, now_secs: i64) -> String {
        let expires = now_secs + LINK_LIFETIME_SECS;
        let signature = hex::encode(self.signed(tenant, id, expires).finalize().into_bytes());
        format!(
            "{}/media/uploads/{tenant}/{id}?expires={expires}&signature={signature}",
            self.base
        )
    }

    /// Whether a link's parts are one this deployment minted and it still works at `now_secs`.
    /// The signature is compared in constant time, before the expiry is looked at.
    pub fn check(
        &self,
        tenant: &str,
        id: &str,
        expires: i64,
        signature: &str,
        now_secs: i64,
    ) -> Result<(), LinkRefused> {
        let given = hex::decode(signature).map_err(|_| LinkRefused::BadSignature)?;
        self.signed(tenant, id, expires)
            .verify_slice(&given)
            .map_err(|_| LinkRefused::BadSignature)?;
        if now_secs > expires {
            return Err(LinkRefused::Expired);
        }
        Ok(())
    }

    fn signed(&self, tenant: &str, id: &str, expires: i64) -> Hmac<Sha256> {
        let mut signed = mac(&self.key);
        // Lengths first, so no two different (tenant, id) pairs sign the same bytes.
        for part in [tenant.as_bytes(), id.as_bytes()] {
            signed.update(&(part.len() as u64).to_be_bytes());
            signed.update(part);
        }
        signed.update(&expires.to_be_bytes());
        signed
    }
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(link: &str) -> (String, String, i64, String) {
        let (path, query) = link.split_once('?').expect("a query");
        let mut segments = path.rsplit('/');
        let id = segments.next().unwrap().to_owned();
        let tenant = segments.next().unwrap().to_owned();
        let mut expires = 0;
        let mut signature = String::new();
        for pair in query.split('&') {
            match pair.split_once('=').unwrap() {
                ("expires", value) => expires = value.parse().unwrap(),
                ("signature", value) => signature = value.to_owned(),
                other => panic!("unexpected {other:?}"),
            }
        }
        (tenant, id, expires, signature)
    }

    #[test]
    fn a_minted_link_checks_until_it_expires() {
        let links = UploadLinks::new("https://chat.example.com/", b"secret");
        let link = links.link("t1", "image0a1b", 1_000);
        assert!(link.starts_with(
            "https://chat.example.com/media/uploads/t1/image0a1b?expires=87400&signature="
        ));
        let (tenant, id, expires, signature) = parts(&link);
        assert_eq!(
            links.check(&tenant, &id, expires, &signature, 1_000),
            Ok(())
        );
        assert_eq!(
            links.check(&tenant, &id, expires, &signature, expires),
            Ok(())
        );
        assert_eq!(
            links.check(&tenant, &id, expires, &signature, expires + 1),
            Err(LinkRefused::Expired)
        );
    }

    #[test]
    fn any_changed_part_breaks_the_signature() {
        let links = UploadLinks::new("https://chat.example.com", b"secret");
        let (tenant, id, expires, signature) = parts(&links.link("t1", "image0a1b", 1_000));
        let refused = Err(LinkRefused::BadSignature);
        assert_eq!(links.check("t2", &id, expires, &signature, 0), refused);
        assert_eq!(
            links.check(&tenant, "image0a1c", expires, &signature, 0),
            refused
        );
        assert_eq!(
            links.check(&tenant, &id, expires + 1, &signature, 0),
            refused
        );
        assert_eq!(links.check(&tenant, &id, expires, "00", 0), refused);
        assert_eq!(links.check(&tenant, &id, expires, "not hex", 0), refused);
        // The tenant/id boundary is part of what is signed.
        let (_, _, expires, shifted) = parts(&links.link("t1i", "mage0a1b", 1_000));
        assert_eq!(
            links.check("t1", "image0a1b", expires, &shifted, 0),
            refused
        );
        // Another deployment's secret signs differently.
        let other = UploadLinks::new("https://chat.example.com", b"other secret");
        assert_eq!(other.check(&tenant, &id, expires, &signature, 0), refused);
    }
}
