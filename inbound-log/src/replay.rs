//! Reading the segments back at open: every record checked, a torn tail of the last segment
//! cut off, damage anywhere else refused.

use std::fs::{self, OpenOptions};
use std::path::Path;

use crate::error::LogError;
use crate::segments::{self, context};
use crate::{Record, record};

/// What replaying the segments found.
pub(crate) struct Replay {
    /// Intact records at or above the checkpoint, in sequence order.
    pub(crate) records: Vec<Record>,
    /// Bytes cut off the end of the last segment.
    pub(crate) cut_bytes: u64,
    /// The sequence the next append gets.
    pub(crate) next_sequence: u64,
    /// The last segment's length after any cut (0 when there is none).
    pub(crate) last_len: u64,
}

/// Replays `segments` (first sequences, ascending, none of them deletable under `checkpoint`).
pub(crate) fn replay(
    dir: &Path,
    segments: &[u64],
    checkpoint: u64,
    max_record_bytes: u32,
) -> Result<Replay, LogError> {
    let mut replay = Replay {
        records: Vec::new(),
        cut_bytes: 0,
        next_sequence: checkpoint,
        last_len: 0,
    };
    let mut expected = None;
    for (index, &first) in segments.iter().enumerate() {
        let path = segments::path(dir, first);
        let corrupt = |offset: usize, reason: String| LogError::Corrupt {
            segment: path.clone(),
            offset: offset as u64,
            reason,
        };
        match expected {
            None if first > checkpoint => {
                return Err(corrupt(
                    0,
                    format!(
                        "the first segment starts at sequence {first} but the checkpoint is \
                         {checkpoint}: records in between are missing"
                    ),
                ));
            }
            Some(expected) if first != expected => {
                return Err(corrupt(
                    0,
                    format!(
                        "the segment starts at sequence {first} but the previous one ends \
                         before {expected}"
                    ),
                ));
            }
            _ => {}
        }
        let last = index + 1 == segments.len();
        let bytes = fs::read(&path).map_err(|e| context(e, "reading", &path))?;
        let mut offset = 0;
        let mut sequence = first;
        while offset < bytes.len() {
            let checked = record::decode(&bytes[offset..], max_record_bytes).and_then(|decoded| {
                if decoded.sequence == sequence {
                    Ok(decoded)
                } else {
                    Err(format!(
                        "record has sequence {} where {sequence} was expected",
                        decoded.sequence
                    ))
                }
            });
            match checked {
                Ok(decoded) => {
                    if decoded.sequence >= checkpoint {
                        replay.records.push(Record {
                            sequence: decoded.sequence,
                            payload: decoded.payload.to_vec(),
                        });
                    }
                    offset += decoded.len;
                    sequence += 1;
                }
                Err(reason) if last => {
                    cut(&path, offset, bytes.len(), &reason)?;
                    replay.cut_bytes = (bytes.len() - offset) as u64;
                    break;
                }
                Err(reason) => return Err(corrupt(offset, reason)),
            }
        }
        if last {
            replay.last_len = offset as u64;
        }
        expected = Some(sequence);
    }
    if let Some(expected) = expected {
        replay.next_sequence = replay.next_sequence.max(expected);
    }
    Ok(replay)
}

/// Truncates a torn tail off the last segment, durably.
fn cut(path: &Path, offset: usize, len: usize, reason: &str) -> Result<(), LogError> {
    tracing::warn!(
        segment = %path.display(),
        offset,
        cut_bytes = len - offset,
        reason,
        "inbound log: cutting a torn record off the end of the last segment"
    );
    OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|file| {
            file.set_len(offset as u64)?;
            file.sync_all()
        })
        .map_err(|e| context(e, "truncating", path))?;
    Ok(())
}
