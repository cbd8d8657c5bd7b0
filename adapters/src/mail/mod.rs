//! Mailers behind the engine's `Mailer` port. [`DevMailbox`] keeps what it is asked to send in
//! memory and writes it to the log, so signing up works offline and in tests; production sends
//! through SMTP.

mod dev;

pub use dev::DevMailbox;
