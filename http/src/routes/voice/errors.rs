//! Voice errors as the API's stable codes.

use crate::errors::{AppError, ErrorCode};
use botwot_actors::VoiceError;
use botwot_engine::ports::VoiceProviderError;

impl From<VoiceError> for AppError {
    fn from(error: VoiceError) -> Self {
        let message = error.to_string();
        match error {
            VoiceError::Invalid(errors) => errors.into(),
            VoiceError::NumberNotFound => AppError::not_found("phone number"),
            VoiceError::CallNotFound => AppError::not_found("call"),
            VoiceError::AgentNotFound => AppError::not_found("voice agent"),
            VoiceError::NumberTaken(_) => AppError::new(ErrorCode::NumberTaken, message),
            VoiceError::AgentNotReady(_) => AppError::new(ErrorCode::VoiceAgentNotReady, message),
            VoiceError::Provider(provider) => provider_error(provider),
            VoiceError::Store(store) => store.into(),
            VoiceError::Sealing(_) => AppError::new(ErrorCode::Internal, message),
            VoiceError::Busy(_) => AppError::new(ErrorCode::StorageUnavailable, message),
            VoiceError::NoPublicUrl => AppError::new(ErrorCode::PublicUrlMissing, message),
        }
    }
}

fn provider_error(error: VoiceProviderError) -> AppError {
    let message = error.to_string();
    match error {
        VoiceProviderError::Unauthorised(_) => {
            AppError::new(ErrorCode::VoiceCredentialsRejected, message)
        }
        VoiceProviderError::NotFound(_) => AppError::new(ErrorCode::NotFound, message),
        VoiceProviderError::Refused { .. } => {
            AppError::new(ErrorCode::VoiceProviderRefused, message)
        }
        VoiceProviderError::Unavailable { .. } => {
            AppError::new(ErrorCode::VoiceProviderUnavailable, message)
        }
    }
}
