//! Phone calls at start: the `[voice]` section (where Twilio's API is, ElevenLabs' API key and
//! webhook secret, how often calls are checked) and the node's calls built from it, or nothing
//! when no ElevenLabs key is set. The key and the webhook secret come together or not at all:
//! calls whose reports could not be verified would never be finished.

use anyhow::{Context, Result, bail};
use botwot_actors::{NamedLocks, VoiceCalls, VoiceCallsConfig, VoiceCallsDeps};
use botwot_adapters::elevenlabs::{self, ElevenLabsClient, ElevenLabsConfig};
use botwot_adapters::meta::graph::TokenCipher;
use botwot_adapters::twilio::{self, TwilioClient, TwilioConfig};
use botwot_engine::blobs::BlobStore;
use botwot_engine::ports::Storage;
use botwot_engine::time::Clock;
use botwot_http::routes::voice::Telephone;
use botwot_http::routes::voice::voices::VoiceCatalogue;
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tracing::{info, warn};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VoiceConfig {
    /// How often calls are checked (`sweep_ms`) and how many per read (`batch`).
    pub calls: VoiceCallsConfig,
    pub twilio: TwilioSettings,
    pub elevenlabs: ElevenLabsSettings,
}

/// `[voice.twilio]`: the organisations bring their own accounts; this is only where the API is.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TwilioSettings {
    pub api_url: String,
    pub timeout_ms: u64,
}

impl Default for TwilioSettings {
    fn default() -> Self {
        Self {
            api_url: twilio::DEFAULT_API_URL.to_owned(),
            timeout_ms: 10_000,
        }
    }
}

/// `[voice.elevenlabs]`.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ElevenLabsSettings {
    pub api_url: String,
    pub api_key: String,
    pub webhook_secret: String,
    pub timeout_ms: u64,
}

impl Default for ElevenLabsSettings {
    fn default() -> Self {
        Self {
            api_url: elevenlabs::DEFAULT_API_URL.to_owned(),
            api_key: String::new(),
            webhook_secret: String::new(),
            timeout_ms: 10_000,
        }
    }
}

impl fmt::Debug for ElevenLabsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElevenLabsSettings")
            .field("api_url", &self.api_url)
            .field("api_key", &"<redacted>")
            .field("webhook_secret", &"<redacted>")
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// What the node's calls are built with besides the `[voice]` section.
pub struct VoiceParts {
    pub store: Arc<dyn Storage>,
    pub blobs: Arc<dyn BlobStore>,
    pub cipher: TokenCipher,
    pub locks: NamedLocks,
    pub clock: Arc<dyn Clock>,
    pub public_url: Option<String>,
}

/// The node's phone calls, with their checks started; `None` when no ElevenLabs key is set.
pub fn start(config: &VoiceConfig, parts: VoiceParts) -> Result<Option<Telephone>> {
    let settings = &config.elevenlabs;
    match (
        settings.api_key.is_empty(),
        settings.webhook_secret.is_empty(),
    ) {
        (true, true) => {
            info!("phone calls off: no [voice.elevenlabs] api_key");
            return Ok(None);
        }
        (false, false) => {}
        _ => bail!("voice.elevenlabs needs api_key and webhook_secret together (or neither)"),
    }
    let ai = Arc::new(
        ElevenLabsClient::new(
            ElevenLabsConfig::new(&settings.api_key)
                .with_api_url(&settings.api_url)
                .with_timeout(Duration::from_millis(settings.timeout_ms)),
        )
        .context("the [voice.elevenlabs] section is not usable")?,
    );
    let telephony = TwilioClient::new(
        TwilioConfig::default()
            .with_api_url(&config.twilio.api_url)
            .with_timeout(Duration::from_millis(config.twilio.timeout_ms)),
    )
    .context("the [voice.twilio] section is not usable")?;
    let public_url = parts.public_url.unwrap_or_default();
    if public_url.is_empty() {
        warn!(
            "phone calls on, but http.public_url is not set: Twilio cannot reach this server, so numbers cannot be connected"
        );
    }
    let calls = VoiceCalls::new(
        VoiceCallsDeps {
            store: parts.store,
            telephony: Arc::new(telephony),
            ai: ai.clone(),
            blobs: parts.blobs,
            sealer: Arc::new(parts.cipher),
            locks: parts.locks,
            clock: parts.clock,
            public_url,
        },
        config.calls,
    );
    calls.spawn();
    info!(twilio = %config.twilio.api_url, elevenlabs = %settings.api_url, "phone calls on (Twilio, ElevenLabs)");
    Ok(Some(Telephone {
        calls,
        webhook_secret: settings.webhook_secret.clone(),
        voices: Arc::new(VoiceCatalogue::new(ai)),
    }))
}
