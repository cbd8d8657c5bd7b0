//! Twilio, the telephony provider of phone calls with voice agents (PRD §3.5): its request
//! signature, its form bodies, and the calls its voice requests and status callbacks report.
//!
//! Twilio calls the account's URLs with a form POST: the voice URL when a call comes in or an
//! outbound call is answered (answered with TwiML), and the status callback URL as the call
//! moves on. An HTTP route reads the body with [`parse_form`], checks `X-Twilio-Signature` over
//! the URL and those parameters with [`verify_request`], then reads the call with
//! [`parse_call_event`], with no I/O. Nothing here panics on any bytes; a refused request has a
//! stable code ([`TwilioError::code`], or the signature's
//! [`SignatureError::code`](crate::meta::signature::SignatureError::code)).

mod call;
mod error;
mod form;
mod signature;

pub use call::{TwilioCallEvent, TwilioCallStatus, TwilioDirection, parse_call_event};
pub use error::TwilioError;
pub use form::{MAX_FIELDS, parse_form};
pub use signature::{SIGNATURE_HEADER, request_signature, verify_request};

#[cfg(test)]
mod call_tests;
