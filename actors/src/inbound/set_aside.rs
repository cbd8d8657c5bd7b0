//! Events the node gave up on are not dropped: each is appended, with the reason, to
//! `set-aside.jsonl` beside the inbound log, one JSON object a line, for an operator to read
//! and replay by hand. Rare by nature (a deleted bot, a used-up plan, an actor that keeps
//! failing on one event), so each line is synced on its own.

use serde::Serialize;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

const FILE_NAME: &str = "set-aside.jsonl";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    sequence: u64,
    reason: &'a str,
    event: &'a serde_json::Value,
}

/// The set-aside file of the log in `log_dir`.
pub(super) fn path_in(log_dir: &Path) -> PathBuf {
    log_dir.join(FILE_NAME)
}

/// Appends one event (as stored in the log, or as read back) and syncs it.
pub(super) fn record(
    file: &Path,
    sequence: u64,
    reason: &str,
    event: &serde_json::Value,
) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(&Line {
        sequence,
        reason,
        event,
    })
    .map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut out = OpenOptions::new().create(true).append(true).open(file)?;
    out.write_all(&line)?;
    out.sync_data()
}
