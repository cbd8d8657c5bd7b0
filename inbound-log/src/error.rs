//! What can go wrong with the log.

use std::path::PathBuf;

/// An inbound log error.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// A file operation failed; the message names the operation and the file.
    #[error("inbound log I/O failed: {0}")]
    Io(#[from] std::io::Error),
    /// A payload over [`LogOptions::max_record_bytes`](crate::LogOptions::max_record_bytes):
    /// refused, nothing written.
    #[error("inbound log record of {size} bytes is over the {limit}-byte limit")]
    TooLarge {
        /// The payload's length.
        size: usize,
        /// The configured limit.
        limit: u32,
    },
    /// Damage that is not a torn tail (not at the end of the last segment), or an unreadable
    /// checkpoint file: [`InboundLog::open`](crate::InboundLog::open) refuses the directory.
    #[error("inbound log file {} is damaged at byte {offset}: {reason}", segment.display())]
    Corrupt {
        /// The damaged file (a segment, or the checkpoint file).
        segment: PathBuf,
        /// Where in it the damage starts.
        offset: u64,
        /// What is wrong there.
        reason: String,
    },
    /// The log stopped after an earlier write or sync failure (the reason); nothing more is
    /// appended until it is opened again.
    #[error("inbound log stopped after an earlier failure: {0}")]
    Failed(String),
    /// A checkpoint above [`InboundLog::next_sequence`](crate::InboundLog::next_sequence):
    /// it would skip records not yet appended. Refused, nothing written.
    #[error("inbound log checkpoint {below} is above the next sequence {next}")]
    CheckpointAhead {
        /// The checkpoint asked for.
        below: u64,
        /// The sequence the next append will get.
        next: u64,
    },
}
