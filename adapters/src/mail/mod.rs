//! Mailers behind the engine's `Mailer` port. [`SmtpMailer`] sends through an SMTP server in
//! production; [`DevMailbox`] keeps what it is asked to send in memory and writes it to the log,
//! so signing up works offline and in tests.

mod dev;
mod smtp;

pub use dev::DevMailbox;
pub use smtp::{SmtpConfig, SmtpMailer, SmtpSecurity};
