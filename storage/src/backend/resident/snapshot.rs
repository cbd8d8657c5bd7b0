//! The snapshot: everything the store holds, written whole to a new file and renamed over the
//! previous one, so the log records it covers can be deleted.
//!
//! Layout: the magic bytes, `u64` the first log sequence *not* covered, then chunks (`u32`
//! length, a payload of `format.rs`: the schema first, then writes of at most about 1 MiB), a
//! zero length, and a CRC-32 of every byte before it. The file is read whole and checked
//! before anything of it is used: damage makes opening fail rather than lose data silently.

use super::data::Data;
use super::format::{Replayer, WritesPayload, schema_payload};
use super::layout::{Layout, Target};
use crate::error::StorageError;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

const MAGIC: &[u8; 8] = b"bwres\x00\x00\x01";
const CHUNK_BYTES: usize = 1 << 20;

/// The snapshot file in the store's directory.
pub(super) const FILE: &str = "snapshot";
const PARTIAL: &str = "snapshot.partial";

/// Writes `data` as the snapshot covering every log record below `below`, durably.
pub(super) fn write(
    dir: &Path,
    layout: &Layout,
    data: &Data,
    below: u64,
) -> Result<(), StorageError> {
    let partial = dir.join(PARTIAL);
    let io = |source| StorageError::Snapshot {
        path: partial.clone(),
        source,
    };
    let file = File::create(&partial).map_err(io)?;
    let mut out = Checksummed {
        out: BufWriter::with_capacity(CHUNK_BYTES, file),
        crc: crc32fast::Hasher::new(),
    };
    out.put(MAGIC).map_err(io)?;
    out.put(&below.to_le_bytes()).map_err(io)?;
    out.chunk(&schema_payload(layout)).map_err(io)?;
    let mut chunk = WritesPayload::with_capacity(CHUNK_BYTES);
    for (collection, trees) in data.trees.iter().enumerate() {
        for (slot, tree) in trees.iter().enumerate() {
            let number = layout.number(Target::Tree { collection, slot });
            for (key, value) in tree.entries() {
                chunk.write(number, key, Some(value));
                if chunk.len() >= CHUNK_BYTES {
                    let full =
                        std::mem::replace(&mut chunk, WritesPayload::with_capacity(CHUNK_BYTES));
                    out.chunk(&full.into_bytes()).map_err(io)?;
                }
            }
        }
    }
    let fences = layout.number(Target::Fences);
    for (shard, epoch) in &data.fences {
        chunk.fence(fences, *shard, *epoch);
    }
    out.chunk(&chunk.into_bytes()).map_err(io)?;
    out.put(&0u32.to_le_bytes()).map_err(io)?;
    let crc = out.crc.clone().finalize();
    let mut file = out
        .out
        .into_inner()
        .map_err(|error| io(error.into_error()))?;
    file.write_all(&crc.to_le_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    let path = dir.join(FILE);
    fs::rename(&partial, &path).map_err(io)?;
    // The rename itself is durable once the directory is synced.
    File::open(dir)
        .and_then(|directory| directory.sync_all())
        .map_err(io)
}

/// Reads the snapshot in `dir` into `data`: `Ok(None)` when there is none, else the first log
/// sequence it does not cover.
pub(super) fn read(dir: &Path, replayer: &mut Replayer<'_>) -> Result<Option<u64>, StorageError> {
    let path = dir.join(FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StorageError::Snapshot { path, source }),
    };
    let corrupt = |reason: String| {
        StorageError::Corrupt(format!("resident snapshot {}: {reason}", path.display()))
    };
    let Some((body, crc)) = bytes.split_last_chunk::<4>() else {
        return Err(corrupt("shorter than its checksum".to_owned()));
    };
    if crc32fast::hash(body) != u32::from_le_bytes(*crc) {
        return Err(corrupt("checksum mismatch".to_owned()));
    }
    let Some(rest) = body.strip_prefix(MAGIC) else {
        return Err(corrupt("not a resident store snapshot".to_owned()));
    };
    let (below, mut rest) = rest
        .split_first_chunk::<8>()
        .ok_or_else(|| corrupt("no sequence".to_owned()))?;
    loop {
        let (length, after) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| corrupt("a chunk length is cut".to_owned()))?;
        let length = u32::from_le_bytes(*length) as usize;
        if length == 0 {
            break;
        }
        if length > after.len() {
            return Err(corrupt("a chunk is cut".to_owned()));
        }
        let (payload, after) = after.split_at(length);
        replayer.apply(payload).map_err(&corrupt)?;
        rest = after;
    }
    Ok(Some(u64::from_le_bytes(*below)))
}

/// A writer that keeps the CRC-32 of what went through it.
struct Checksummed<W: Write> {
    out: W,
    crc: crc32fast::Hasher,
}

impl<W: Write> Checksummed<W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.out.write_all(bytes)
    }

    fn chunk(&mut self, payload: &[u8]) -> std::io::Result<()> {
        let length = u32::try_from(payload.len())
            .map_err(|_| std::io::Error::other("snapshot chunk over 4 GiB"))?;
        self.put(&length.to_le_bytes())?;
        self.put(payload)
    }
}
