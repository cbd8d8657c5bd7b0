//! Secrets stored sealed (encrypted at rest) and opened only for the request that needs them:
//! [`Sealer`] is the cipher, bound to a context (the id of the record the secret belongs to),
//! so a sealed value copied onto another record does not open.

use crate::integration::SealedSecret;

/// Seals and opens secrets; the adapters' token cipher implements it.
pub trait Sealer: Send + Sync + 'static {
    fn seal(&self, context: &str, secret: &str) -> Result<SealedSecret, String>;
    fn open(&self, context: &str, sealed: &SealedSecret) -> Result<String, String>;
}
