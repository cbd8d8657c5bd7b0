//! Why a Twilio request is refused: a form body that cannot be read, or a call event whose
//! fields are missing or not what Twilio documents. Every variant has a stable `twilio_*` code.

/// Why a Twilio form body or call event is refused. Every variant has a stable
/// [`code`](TwilioError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TwilioError {
    #[error("the body is not a readable form (application/x-www-form-urlencoded): {reason}")]
    FormMalformed { reason: String },
    #[error("the form has more than {limit} fields, more than Twilio ever sends")]
    FormTooLarge { limit: usize },
    #[error("the {field} field is missing")]
    FieldMissing { field: &'static str },
    #[error("the {field} field is invalid: {reason}")]
    FieldInvalid { field: &'static str, reason: String },
    #[error("the CallStatus {status:?} is not one Twilio documents")]
    UnknownStatus { status: String },
    #[error("the Direction {direction:?} is not one Twilio documents")]
    UnknownDirection { direction: String },
}

impl TwilioError {
    pub fn code(&self) -> &'static str {
        match self {
            TwilioError::FormMalformed { .. } => "twilio_form_malformed",
            TwilioError::FormTooLarge { .. } => "twilio_form_too_large",
            TwilioError::FieldMissing { .. } => "twilio_field_missing",
            TwilioError::FieldInvalid { .. } => "twilio_field_invalid",
            TwilioError::UnknownStatus { .. } => "twilio_status_unknown",
            TwilioError::UnknownDirection { .. } => "twilio_direction_unknown",
        }
    }
}
