//! What the resident store writes: payloads of two kinds, each in a log record or a snapshot
//! chunk. All integers little-endian.
//!
//! - A schema payload, `0u8` then per tree `u32 number, u16 name length, name`: which tree each
//!   number stands for in the payloads that follow it in the same file.
//! - A writes payload, `1u8` then per write `u32 tree, u32 key length, key, u32 value length,
//!   value`, where a value length of `u32::MAX` (and no value) removes the key. A shard fence is
//!   a write to the fences' tree: the shard (4 bytes, big-endian) → the epoch (8 bytes,
//!   big-endian).
//!
//! Writes are absolute (a key gets a value, or none), so applying a payload twice leaves what
//! applying it once does.

use super::data::Data;
use super::layout::{Layout, Target};
use std::collections::HashMap;

const SCHEMA: u8 = 0;
const WRITES: u8 = 1;
const REMOVED: u32 = u32::MAX;

/// The schema payload of `layout`.
pub(super) fn schema_payload(layout: &Layout) -> Vec<u8> {
    let mut payload = vec![SCHEMA];
    for (number, name) in layout.numbered() {
        payload.extend_from_slice(&number.to_le_bytes());
        let name = &name.as_bytes()[..name.len().min(usize::from(u16::MAX))];
        payload.extend_from_slice(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_le_bytes());
        payload.extend_from_slice(name);
    }
    payload
}

/// Builds a writes payload.
pub(super) struct WritesPayload {
    bytes: Vec<u8>,
}

impl WritesPayload {
    pub fn with_capacity(capacity: usize) -> Self {
        let mut bytes = Vec::with_capacity(capacity + 1);
        bytes.push(WRITES);
        Self { bytes }
    }

    pub fn write(&mut self, tree: u32, key: &[u8], value: Option<&[u8]>) {
        self.bytes.extend_from_slice(&tree.to_le_bytes());
        put_bytes(&mut self.bytes, key);
        match value {
            Some(value) => put_bytes(&mut self.bytes, value),
            None => self.bytes.extend_from_slice(&REMOVED.to_le_bytes()),
        }
    }

    pub fn fence(&mut self, tree: u32, shard: u32, epoch: u64) {
        self.write(tree, &shard.to_be_bytes(), Some(&epoch.to_be_bytes()));
    }

    /// Bytes so far, the kind byte included.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Keys and values are far below 4 GiB: a batch that large is refused by the log first.
    out.extend_from_slice(
        &u32::try_from(bytes.len())
            .unwrap_or(REMOVED - 1)
            .to_le_bytes(),
    );
    out.extend_from_slice(bytes);
}

/// Applies payloads, in the order they were written, to the data of `layout`.
pub(super) struct Replayer<'a> {
    layout: &'a Layout,
    data: &'a mut Data,
    /// What the last schema payload said each number stands for.
    targets: Option<HashMap<u32, Option<Target>>>,
}

impl<'a> Replayer<'a> {
    pub fn new(layout: &'a Layout, data: &'a mut Data) -> Self {
        Self {
            layout,
            data,
            targets: None,
        }
    }

    /// Applies one payload; says what is wrong with it when it cannot be read.
    pub fn apply(&mut self, payload: &[u8]) -> Result<(), String> {
        let mut reader = Reader { bytes: payload };
        match reader.u8()? {
            SCHEMA => {
                let mut named = Vec::new();
                while !reader.is_empty() {
                    let number = reader.u32()?;
                    let length = reader.u16()?;
                    let name = reader.take(usize::from(length))?;
                    let name = String::from_utf8(name.to_vec())
                        .map_err(|_| "a tree name is not UTF-8".to_owned())?;
                    named.push((number, name));
                }
                self.targets = Some(self.layout.targets_of(&named));
                Ok(())
            }
            WRITES => {
                let targets = self
                    .targets
                    .as_ref()
                    .ok_or("writes before any schema payload")?;
                while !reader.is_empty() {
                    let tree = reader.u32()?;
                    let key = reader.sized()?;
                    let value = match reader.u32()? {
                        REMOVED => None,
                        length => Some(reader.take(length as usize)?),
                    };
                    match targets.get(&tree) {
                        Some(Some(target)) => self.data.set(*target, key, value)?,
                        // A tree this schema no longer has.
                        Some(None) => {}
                        None => return Err(format!("tree {tree} is not named by the schema")),
                    }
                }
                Ok(())
            }
            kind => Err(format!("unknown payload kind {kind}")),
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn take(&mut self, length: usize) -> Result<&'a [u8], String> {
        if length > self.bytes.len() {
            return Err(format!(
                "payload ends {} bytes short",
                length - self.bytes.len()
            ));
        }
        let (taken, rest) = self.bytes.split_at(length);
        self.bytes = rest;
        Ok(taken)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        let mut out = [0; 2];
        out.copy_from_slice(self.take(2)?);
        Ok(u16::from_le_bytes(out))
    }

    fn u32(&mut self) -> Result<u32, String> {
        let mut out = [0; 4];
        out.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(out))
    }

    fn sized(&mut self) -> Result<&'a [u8], String> {
        let length = self.u32()?;
        self.take(length as usize)
    }
}
