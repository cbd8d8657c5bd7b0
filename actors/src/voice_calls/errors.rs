//! Why a voice operation was refused or failed, for the HTTP layer to turn into a stable code.

use botwot_engine::ports::{StoreError, VoiceProviderError};
use botwot_engine::validation::ValidationErrors;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum VoiceError {
    #[error("invalid request: {0}")]
    Invalid(ValidationErrors),
    #[error("no such phone number")]
    NumberNotFound,
    #[error("no such call")]
    CallNotFound,
    #[error("no such voice agent")]
    AgentNotFound,
    #[error("{0} is connected already")]
    NumberTaken(String),
    /// The agent cannot take calls as it stands (inactive, or not set up at its provider).
    #[error("{0}")]
    AgentNotReady(String),
    #[error(transparent)]
    Provider(#[from] VoiceProviderError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the Twilio auth token could not be sealed or opened: {0}")]
    Sealing(String),
    #[error("{0}")]
    Busy(String),
    /// The server has no public address for Twilio to reach (`http.public_url`).
    #[error(
        "Twilio reaches BotWot at its public address, and none is configured (http.public_url)"
    )]
    NoPublicUrl,
}
