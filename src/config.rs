//! The server's configuration: a TOML file (optional) overlaid with `BOTWOT__SECTION__FIELD`
//! environment variables, read into documented serde structs. Every field has a default, so the
//! engine starts with no file at all.

use crate::commerce::CommerceConfig;
use crate::payments::PaymentsConfig;
use crate::voice::VoiceConfig;
use anyhow::{Context, Result, bail};
use botwot_actors::{
    CampaignRunnerConfig, InboundLogConfig, LeadsConfig, NodeConfig, PostPublisherConfig,
};
use botwot_adapters::meta::graph::GraphConfig;
use botwot_cluster::ClusterConfig;
use botwot_http::HttpConfig;
use botwot_http::auth::JwtKey;
use botwot_http::knowledge::KnowledgeConfig;
use botwot_storage::StorageConfig;
use serde::Deserialize;
use std::path::Path;

/// The PRD's name for the access-token secret; when set it becomes the signing key `default`
/// (unless a configured key already has that id).
pub const JWT_SECRET_ENV: &str = "JWT_SECRET_KEY";
const JWT_SECRET_KID: &str = "default";

/// The prefix of environment overrides: `BOTWOT__HTTP__LISTEN=127.0.0.1:9000` sets `http.listen`.
pub const ENV_PREFIX: &str = "BOTWOT__";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub storage: StorageConfig,
    pub http: HttpConfig,
    pub node: NodeConfig,
    /// The single node's inbound log: webhooks acknowledged once their events are appended to
    /// it (embedded storage, no cluster).
    pub inbound_log: InboundLogConfig,
    /// How the node sends campaigns.
    pub campaigns: CampaignRunnerConfig,
    /// How the node publishes posts on Facebook pages and Instagram accounts.
    pub social: PostPublisherConfig,
    /// Payments through Razorpay (off until its keys are set).
    pub payments: PaymentsConfig,
    /// Shops: Shopify's Admin API and how often order reminders are looked for.
    pub commerce: CommerceConfig,
    /// Leads: how often due follow-ups are looked for (`sweep_ms`), how long an attempt holds a
    /// lead (`lease_ms`) and how many per read (`batch`).
    pub leads: LeadsConfig,
    /// Phone calls through Twilio and ElevenLabs (off until ElevenLabs' key is set).
    pub voice: VoiceConfig,
    /// Where the Meta Graph API is (`base_url`, `api_version`, `request_timeout_ms`): replies on
    /// WhatsApp, Messenger and Instagram are sent there.
    pub meta: GraphConfig,
    pub knowledge: KnowledgeConfig,
    /// Joining a cluster of nodes that share MongoDB, Redis and RabbitMQ (off by default).
    pub cluster: ClusterConfig,
    pub log: LogConfig,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A tracing filter such as `info` or `botwot_actors=debug,info`; `RUST_LOG` wins when set.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info".to_owned(),
        }
    }
}

impl Config {
    /// Reads `file` (when given) and applies the environment's overrides.
    pub fn load(file: Option<&Path>, env: impl Iterator<Item = (String, String)>) -> Result<Self> {
        let mut tree = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?;
                text.parse::<toml::Table>()
                    .with_context(|| format!("config file {} is not valid TOML", path.display()))?
            }
            None => toml::Table::new(),
        };
        let mut jwt_secret = None;
        for (name, value) in env {
            if let Some(path) = name.strip_prefix(ENV_PREFIX) {
                set_path(&mut tree, path, &value).with_context(|| format!("in {name}"))?;
            } else if name == JWT_SECRET_ENV {
                jwt_secret = Some(value);
            }
        }
        let mut config: Config = toml::Value::Table(tree)
            .try_into()
            .context("invalid configuration")?;
        if let Some(secret) = jwt_secret {
            let keys = &mut config.http.auth.jwt_keys;
            if !keys.iter().any(|key| key.kid == JWT_SECRET_KID) {
                keys.insert(
                    0,
                    JwtKey {
                        kid: JWT_SECRET_KID.to_owned(),
                        secret,
                    },
                );
            }
        }
        Ok(config)
    }
}

/// Sets `a__b__c` in the tree, reading the value as a TOML scalar or array when it parses as
/// one (`8080`, `true`, `["a"]`) and as a string otherwise.
fn set_path(tree: &mut toml::Table, path: &str, raw: &str) -> Result<()> {
    let parts: Vec<String> = path.split("__").map(str::to_ascii_lowercase).collect();
    let Some((last, parents)) = parts.split_last() else {
        bail!("empty setting name");
    };
    let mut table = tree;
    for part in parents {
        let entry = table
            .entry(part.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(next) = entry else {
            bail!("{part} is not a section");
        };
        table = next;
    }
    let value = format!("v = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut parsed| parsed.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()));
    table.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod deploy_files;

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_need_no_file() {
        let config = Config::load(None, env(&[])).expect("defaults");
        assert_eq!(config.storage, StorageConfig::default());
        assert_eq!(config.http.listen.port(), 8080);
    }

    #[test]
    fn environment_overrides_file_values() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("botwot.toml");
        std::fs::write(
            &file,
            "[http]\nlisten = \"127.0.0.1:1\"\n[node]\npassivate_after_secs = 5\n",
        )
        .expect("write");
        let config = Config::load(
            Some(&file),
            env(&[
                ("BOTWOT__HTTP__LISTEN", "127.0.0.1:9090"),
                ("BOTWOT__STORAGE__BACKEND", "mongo"),
                ("BOTWOT__STORAGE__URI", "mongodb://db:27017"),
                ("BOTWOT__STORAGE__DATABASE", "botwot"),
                ("BOTWOT__HTTP__AUTH__OPEN_SIGNUP", "false"),
                ("JWT_SECRET_KEY", "a-secret-from-the-environment-32-bytes"),
                ("UNRELATED", "x"),
            ]),
        )
        .expect("loads");
        assert_eq!(config.http.listen.port(), 9090);
        assert_eq!(
            config.storage,
            StorageConfig::Mongo {
                uri: "mongodb://db:27017".into(),
                database: "botwot".into()
            }
        );
        assert!(!config.http.auth.open_signup);
        assert_eq!(config.http.auth.jwt_keys[0].kid, "default");
        assert_eq!(
            config.http.auth.jwt_keys[0].secret,
            "a-secret-from-the-environment-32-bytes"
        );
        assert_eq!(config.node.passivate_after_secs, 5);
    }

    #[test]
    fn the_graph_api_is_configured_in_the_meta_section() {
        let defaults = Config::load(None, env(&[])).expect("defaults");
        assert_eq!(defaults.meta, GraphConfig::default());
        let config = Config::load(
            None,
            env(&[
                ("BOTWOT__META__BASE_URL", "http://127.0.0.1:9999"),
                ("BOTWOT__META__API_VERSION", "v22.0"),
                ("BOTWOT__META__REQUEST_TIMEOUT_MS", "2500"),
                (
                    "BOTWOT__HTTP__INTEGRATION_SECRET_KEY",
                    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                ),
            ]),
        )
        .expect("loads");
        assert_eq!(config.meta.base_url, "http://127.0.0.1:9999");
        assert_eq!(config.meta.api_version, "v22.0");
        assert_eq!(config.meta.request_timeout_ms, 2_500);
        let key = config.http.integration_secret_key.expect("a key");
        assert_eq!(
            key.expose_secret(),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        );
    }

    #[test]
    fn the_operator_token_comes_from_the_environment() {
        let defaults = Config::load(None, env(&[])).expect("defaults");
        assert!(defaults.http.admin_token.is_none());
        let config = Config::load(
            None,
            env(&[("BOTWOT__HTTP__ADMIN_TOKEN", "an-operator-token")]),
        )
        .expect("loads");
        let token = config.http.admin_token.expect("a token");
        assert_eq!(token.expose_secret(), "an-operator-token");
    }

    #[test]
    fn unknown_settings_are_refused() {
        let error = Config::load(None, env(&[("BOTWOT__HTTP__LISTN", "x")])).unwrap_err();
        assert!(format!("{error:#}").contains("listn"), "{error:#}");
    }
}
