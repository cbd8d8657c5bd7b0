//! The snapshot: everything the store holds, written whole to a new file and renamed over the
//! previous one, so the log records it covers can be deleted.
//!
//! It is written while the writer goes on (a *fuzzy* snapshot): each tree is read a chunk of
//! entries at a time under a short shared lock, so what it holds of a key may be older or newer
//! than the moment it started. That is enough, because it names the first log record *not*
//! applied when it started, and opening replays every record from there over it: writes are
//! absolute, so each key written since ends as its last write says, and every other key was
//! the same all along.
//!
//! Layout: the magic bytes, `u64` the first log sequence *not* covered, then chunks (`u32`
//! length, a payload of `format.rs`: the schema first, then writes of at most about 1 MiB), a
//! zero length, and a CRC-32 of every byte before it. The file is read whole and checked
//! before anything of it is used: damage makes opening fail rather than lose data silently.

use super::data::Data;
use super::format::{Replayer, WritesPayload, schema_payload};
use super::layout::{Layout, Target};
use crate::error::StorageError;
use parking_lot::RwLock;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::ops::Bound;
use std::path::Path;

const MAGIC: &[u8; 8] = b"bwres\x00\x00\x01";
const CHUNK_BYTES: usize = 1 << 20;

/// The snapshot file in the store's directory.
pub(super) const FILE: &str = "snapshot";
const PARTIAL: &str = "snapshot.partial";

/// A key and its value, copied out of a tree.
type Entry = (Vec<u8>, Vec<u8>);

/// Entries read under one hold of the lock.
const ENTRIES_PER_READ: usize = 512;

/// Writes the data as the snapshot to be replayed from log record `below` on (every record
/// applied to the data so far is below it), durably.
pub(super) fn write(
    dir: &Path,
    layout: &Layout,
    data: &RwLock<Data>,
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
        unsynced: 0,
    };
    out.put(MAGIC).map_err(io)?;
    out.put(&below.to_le_bytes()).map_err(io)?;
    out.chunk(&schema_payload(layout)).map_err(io)?;
    let mut chunk = WritesPayload::with_capacity(CHUNK_BYTES);
    let shape: Vec<usize> = data.read().trees.iter().map(Vec::len).collect();
    for (collection, slots) in shape.into_iter().enumerate() {
        for slot in 0..slots {
            let number = layout.number(Target::Tree { collection, slot });
            let mut after = None;
            while let Some(entries) = read_after(data, collection, slot, after.as_ref())? {
                for (key, value) in &entries {
                    chunk.write(number, key, Some(value));
                    if chunk.len() >= CHUNK_BYTES {
                        let full = std::mem::replace(
                            &mut chunk,
                            WritesPayload::with_capacity(CHUNK_BYTES),
                        );
                        out.chunk(&full.into_bytes()).map_err(io)?;
                    }
                }
                after = entries.into_iter().last().map(|(key, _)| key);
            }
        }
    }
    let fences = layout.number(Target::Fences);
    let held = data.read().fences.clone();
    for (shard, epoch) in held {
        chunk.fence(fences, shard, epoch);
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

/// The next entries of a tree after the key `after` (from its start when `None`), copied under
/// one short hold of the lock; `None` once there are no more.
fn read_after(
    data: &RwLock<Data>,
    collection: usize,
    slot: usize,
    after: Option<&Vec<u8>>,
) -> Result<Option<Vec<Entry>>, StorageError> {
    let data = data.read();
    let tree = data.tree(collection, slot)?;
    let from = match after {
        Some(key) => Bound::Excluded(key.clone()),
        None => Bound::Unbounded,
    };
    let entries: Vec<_> = tree
        .range((from, Bound::Unbounded))
        .take(ENTRIES_PER_READ)
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Ok((!entries.is_empty()).then_some(entries))
}

/// Reads the snapshot in `dir` into `data`: `Ok(None)` when there is none, else the first log
/// sequence it does not cover and the file's size.
pub(super) fn read(
    dir: &Path,
    replayer: &mut Replayer<'_>,
) -> Result<Option<(u64, u64)>, StorageError> {
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
    Ok(Some((u64::from_le_bytes(*below), bytes.len() as u64)))
}

/// Bytes written between two syncs of the snapshot file: the disk takes them in steps, so the
/// logs' own syncs never wait behind the whole snapshot's writeback.
const SYNC_EVERY_BYTES: usize = 8 << 20;

/// The snapshot file being written, with the CRC-32 of what went into it.
struct Checksummed {
    out: BufWriter<File>,
    crc: crc32fast::Hasher,
    /// Bytes written since the file was last synced.
    unsynced: usize,
}

impl Checksummed {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.out.write_all(bytes)
    }

    fn chunk(&mut self, payload: &[u8]) -> std::io::Result<()> {
        let length = u32::try_from(payload.len())
            .map_err(|_| std::io::Error::other("snapshot chunk over 4 GiB"))?;
        self.put(&length.to_le_bytes())?;
        self.put(payload)?;
        self.unsynced += 4 + payload.len();
        if self.unsynced >= SYNC_EVERY_BYTES {
            self.out.flush()?;
            self.out.get_ref().sync_data()?;
            self.unsynced = 0;
        }
        Ok(())
    }
}
