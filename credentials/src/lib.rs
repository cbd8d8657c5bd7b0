//! Authentication building blocks for the API (PRD §4.7.1): API key strings ([`api_keys`]), HS256 access tokens signed by a
//! rotating key ring ([`tokens`], [`keys`]), opaque refresh tokens kept only as digests with reuse
//! detection ([`refresh`]), argon2id password hashes ([`passwords`]) and six-digit one-time codes
//! for the engine's `OtpChallenge` ([`codes`]). Everything here is pure or needs only the OS
//! random generator; time always comes in as a parameter. Middleware and storage live elsewhere.
//!
//! A crate of its own, light, so the fuzz targets of the credential readers build it alone
//! (fuzz/light); `botwot-adapters` re-exports it as `auth`.

pub mod api_keys;
pub mod codes;
pub mod keys;
pub mod passwords;
pub mod random;
pub mod refresh;
pub mod tokens;

pub use random::RandomError;
