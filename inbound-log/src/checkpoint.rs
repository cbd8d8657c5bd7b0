//! The checkpoint file: the lowest sequence not yet applied, as a `u64` and a CRC-32 of its 8
//! bytes, little-endian. Replaced atomically (write a temporary file, sync, rename, sync the
//! directory).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use crate::error::LogError;
use crate::segments::{context, sync_dir};

const NAME: &str = "checkpoint";
const TEMPORARY: &str = "checkpoint.tmp";
const LEN: usize = 12;

/// The recorded checkpoint; 1 (nothing applied) when there is no file.
pub(crate) fn read(dir: &Path) -> Result<u64, LogError> {
    let path = dir.join(NAME);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(1),
        Err(e) => return Err(context(e, "reading", &path).into()),
    };
    let corrupt = |reason: String| LogError::Corrupt {
        segment: path.clone(),
        offset: 0,
        reason,
    };
    if bytes.len() != LEN {
        return Err(corrupt(format!(
            "checkpoint file is {} bytes, not {LEN}",
            bytes.len()
        )));
    }
    let mut value = [0; 8];
    value.copy_from_slice(&bytes[0..8]);
    let mut crc = [0; 4];
    crc.copy_from_slice(&bytes[8..12]);
    if crc32fast::hash(&value) != u32::from_le_bytes(crc) {
        return Err(corrupt("checkpoint checksum mismatch".to_owned()));
    }
    match u64::from_le_bytes(value) {
        0 => Err(corrupt("checkpoint is 0; sequences start at 1".to_owned())),
        value => Ok(value),
    }
}

/// Durably replaces the recorded checkpoint with `value`.
pub(crate) fn write(dir: &Path, value: u64) -> Result<(), LogError> {
    let temporary = dir.join(TEMPORARY);
    let bytes = value.to_le_bytes();
    let mut contents = [0; LEN];
    contents[0..8].copy_from_slice(&bytes);
    contents[8..12].copy_from_slice(&crc32fast::hash(&bytes).to_le_bytes());
    File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(&contents)?;
            file.sync_all()
        })
        .map_err(|e| context(e, "writing", &temporary))?;
    fs::rename(&temporary, dir.join(NAME)).map_err(|e| context(e, "renaming", &temporary))?;
    sync_dir(dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_means_one_and_a_written_value_reads_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(read(dir.path()).expect("no file"), 1);
        write(dir.path(), 12_345).expect("write");
        assert_eq!(read(dir.path()).expect("read"), 12_345);
        assert!(!dir.path().join(TEMPORARY).exists());
    }

    #[test]
    fn a_damaged_file_is_corrupt() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), 77).expect("write");
        let path = dir.path().join(NAME);
        let mut bytes = fs::read(&path).expect("read file");
        bytes[0] ^= 0x10;
        fs::write(&path, &bytes).expect("damage");
        assert!(matches!(read(dir.path()), Err(LogError::Corrupt { .. })));
        fs::write(&path, b"short").expect("truncate");
        assert!(matches!(read(dir.path()), Err(LogError::Corrupt { .. })));
    }
}
