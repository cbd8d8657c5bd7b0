//! The HTTP settings the binary embeds in its configuration file.

use crate::auth::AuthConfig;
use botwot_adapters::meta::upload_links::UploadLinks;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// How the HTTP surface listens and what it accepts. Every field has a default, so an empty
/// `[http]` table is a working configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Address the server binds to.
    pub listen: SocketAddr,
    /// Sign-in, tokens, one-time codes and mail.
    pub auth: AuthConfig,
    /// The organisation the demo bot on `/` belongs to.
    pub default_tenant: String,
    /// Longest text (in characters) a widget visitor may send in one message.
    pub max_message_chars: usize,
    /// Largest request body accepted, in bytes; larger ones get 413 `payload_too_large`.
    pub body_limit_bytes: usize,
    /// Web origins allowed to call the REST API from a browser (CORS). Empty: no cross-origin
    /// REST calls. The widget's Socket.IO endpoint accepts any origin here and checks each bot's
    /// own `allowedOrigins` instead.
    pub cors_allowed_origins: Vec<String>,
    /// The Meta app secret that signs WhatsApp, Messenger and Instagram webhooks
    /// (`X-Hub-Signature-256`). Unset: `/webhooks/meta` refuses every call.
    pub meta_app_secret: Option<String>,
    /// The verify token entered in Meta's dashboard for the subscription handshake.
    pub meta_verify_token: Option<String>,
    /// How long a webhook may take to be durably accepted, in milliseconds, before it is
    /// answered 503 `accept_timed_out` (the provider redelivers it, and the redelivery is
    /// recognised), rather than left hanging while storage or the broker does not answer.
    pub webhook_deadline_ms: u64,
    /// How often the widget's counted loads and opens are added to the stored ones.
    pub widget_usage_flush_ms: u64,
    /// The key that encrypts integrations' access tokens at rest (AES-256-GCM): 32 bytes in
    /// standard base64 (`openssl rand -base64 32`). Every node of a cluster needs the same one.
    /// Unset: a random key of this process, so stored tokens stop opening after a restart.
    pub integration_secret_key: Option<ConfiguredSecret>,
    /// The operators' token for the cluster administration routes (`/v1/admin/...`), sent as
    /// `Authorization: Bearer <token>`. These are platform operations: no tenant user reaches
    /// them, whatever their role. Unset: every admin route answers 404 `admin_disabled`.
    pub admin_token: Option<ConfiguredSecret>,
    /// Requests per client IP on `/v1`.
    pub rate_limit: RateLimitConfig,
    /// Sockets and presence across the nodes of a cluster.
    pub realtime: RealtimeConfig,
    /// Create the demo bot shown on `/` when it does not exist yet.
    pub demo_bot: bool,
    /// The address visitors reach this server at, used in the snippet `/` shows (for example
    /// `https://chat.example.com`). When unset, the request's `Host` header is used. Files
    /// agents upload reach Instagram only by signed links under this address
    /// (`/media/uploads/...`), so without it they cannot be sent there.
    pub public_url: Option<String>,
}

impl HttpConfig {
    /// The signed links to uploaded files, when this deployment has a public address; signed
    /// with a key derived from `integration_secret_key`, which every node shares.
    pub fn upload_links(&self) -> Option<UploadLinks> {
        let public_url = self.public_url.as_deref().filter(|url| !url.is_empty())?;
        let secret = self.integration_secret_key.as_ref()?;
        Some(UploadLinks::new(
            public_url,
            secret.expose_secret().as_bytes(),
        ))
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            auth: AuthConfig::default(),
            default_tenant: "default".to_owned(),
            max_message_chars: 4_000,
            body_limit_bytes: 1024 * 1024,
            cors_allowed_origins: Vec::new(),
            meta_app_secret: None,
            meta_verify_token: None,
            webhook_deadline_ms: 4_000,
            widget_usage_flush_ms: 5_000,
            integration_secret_key: None,
            admin_token: None,
            rate_limit: RateLimitConfig::default(),
            realtime: RealtimeConfig::default(),
            demo_bot: true,
            public_url: None,
        }
    }
}

/// How many requests one client IP, user or organisation may make; past it, 429 with
/// `Retry-After`. Any budget set to 0 is off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained requests a minute per IP; 0 turns the limit off.
    pub per_ip_per_minute: u32,
    /// Sustained requests a minute per signed-in user.
    pub per_user_per_minute: u32,
    /// Sustained requests a minute per organisation, all its users together.
    pub per_org_per_minute: u32,
    /// Passwords or one-time codes tried a minute for one email address.
    pub attempts_per_email_per_minute: u32,
    /// Requests a client may send at once before the sustained rate applies.
    pub burst: u32,
    /// Share the budget between nodes through this Redis (`redis://host:6379`); unset: this
    /// node counts alone.
    pub redis_url: Option<String>,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_ip_per_minute: 600,
            per_user_per_minute: 600,
            per_org_per_minute: 6_000,
            attempts_per_email_per_minute: 10,
            burst: 120,
            redis_url: None,
        }
    }
}

/// The realtime surface (widget and console sockets, agent presence) across nodes. It is
/// switched on by the binary when the node joins a cluster (`HttpBuilder::cross_node_realtime`
/// with the `[cluster]` Redis, prefix and node id); alone, a node keeps it all in memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RealtimeConfig {
    /// How long an agent stays listed at the console of a node that stopped heartbeating
    /// (crashed or cut off), in ms; nodes heartbeat every third of it.
    pub presence_ttl_ms: u64,
    /// The member id this node's realtime surface is cross-node as: set by
    /// `HttpBuilder::cross_node_realtime`, never read from the file. `None`: this node only.
    #[serde(skip)]
    pub cross_node_id: Option<String>,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        Self {
            presence_ttl_ms: 15_000,
            cross_node_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_table_is_the_default() {
        let config: HttpConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(config, HttpConfig::default());
        assert_eq!(config.max_message_chars, 4_000);
    }

    #[test]
    fn misspelt_fields_are_refused() {
        assert!(serde_json::from_str::<HttpConfig>(r#"{"apiToken": "x"}"#).is_err());
    }
}

/// A secret read from configuration (a key); `Debug` does not print it, so a logged
/// configuration keeps it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConfiguredSecret(String);

impl ConfiguredSecret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, to build the key from and for nothing else.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ConfiguredSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfiguredSecret(<redacted>)")
    }
}

#[cfg(test)]
mod secret_tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_integration_secret_key_or_the_admin_token() {
        let config = HttpConfig {
            integration_secret_key: Some(ConfiguredSecret::new("c2VjcmV0LWtleS1ieXRlcw==")),
            admin_token: Some(ConfiguredSecret::new("operator-token-in-the-clear")),
            ..HttpConfig::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("c2VjcmV0LWtleS1ieXRlcw=="), "{printed}");
        assert!(
            !printed.contains("operator-token-in-the-clear"),
            "{printed}"
        );
        assert!(printed.contains("<redacted>"), "{printed}");
    }
}
