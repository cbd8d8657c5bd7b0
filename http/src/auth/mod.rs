//! Signing in and being allowed: access tokens verified on every `/v1` call ([`principal`]),
//! the route-to-module table every call is checked against ([`access_map`]), token pairs with
//! rotating refresh tokens ([`sign_in`]), emailed one-time codes ([`codes`]), and what the API
//! shows of accounts ([`views`]). Settings in `config`; the pieces built from them in
//! `authenticator`. The cluster administration routes take the operators' token instead of
//! any of these ([`operator`]).

pub mod access_map;
mod authenticator;
pub mod codes;
mod config;
pub mod operator;
pub mod plan_limits;
pub mod principal;
pub mod sign_in;
pub mod views;

pub use access_map::authorize;
pub use authenticator::{AuthSetupError, Authenticator};
pub use config::{AuthConfig, JwtKey, PasswordHashing};
pub use principal::{Principal, Tenant, authenticate};
