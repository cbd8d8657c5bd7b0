//! Structured logs: human-readable text by default, one JSON object per line on request.

use crate::config::{LogConfig, LogFormat};
use anyhow::{Result, anyhow};
use tracing_subscriber::EnvFilter;

pub fn init(config: &LogConfig) -> Result<()> {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.filter))
        .map_err(|error| anyhow!("invalid log filter {:?}: {error}", config.filter))?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let installed = match config.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    installed.map_err(|error| anyhow!("logging could not start: {error}"))
}
