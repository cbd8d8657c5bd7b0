//! Segment files: `{first_sequence:020}.log` in the log's directory, each holding consecutive
//! records from its first sequence on.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

const SUFFIX: &str = ".log";
const DIGITS: usize = 20;

/// The path of the segment whose first record is `first`.
pub(crate) fn path(dir: &Path, first: u64) -> PathBuf {
    dir.join(format!("{first:0DIGITS$}{SUFFIX}"))
}

/// The first sequences of the segments in `dir`, ascending. Files not named like a segment are
/// left alone.
pub(crate) fn list(dir: &Path) -> io::Result<Vec<u64>> {
    let entries = fs::read_dir(dir).map_err(|e| context(e, "listing", dir))?;
    let mut firsts = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| context(e, "listing", dir))?;
        if let Some(first) = entry.file_name().to_str().and_then(parse) {
            firsts.push(first);
        }
    }
    firsts.sort_unstable();
    Ok(firsts)
}

fn parse(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(SUFFIX)?;
    if digits.len() != DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Creates the segment starting at `first` (it must not exist) and makes its name durable.
pub(crate) fn create(dir: &Path, first: u64) -> io::Result<File> {
    let path = path(dir, first);
    let file = OpenOptions::new()
        .append(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| context(e, "creating", &path))?;
    sync_dir(dir)?;
    Ok(file)
}

/// Opens an existing segment to append to it.
pub(crate) fn open_for_append(dir: &Path, first: u64) -> io::Result<File> {
    let path = path(dir, first);
    OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(|e| context(e, "opening", &path))
}

/// Deletes the leading segments holding only records below `below`: those whose next segment
/// starts at or below it. The last segment (the one being written) is never deleted. Removes
/// them from `segments` as they go; returns how many went.
pub(crate) fn delete_below(dir: &Path, segments: &mut Vec<u64>, below: u64) -> io::Result<usize> {
    let deletable = segments
        .windows(2)
        .take_while(|pair| pair[1] <= below)
        .count();
    for deleted in 0..deletable {
        let path = path(dir, segments[deleted]);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                segments.drain(..deleted);
                return Err(context(e, "deleting", &path));
            }
        }
    }
    segments.drain(..deletable);
    Ok(deletable)
}

/// Makes the directory's entries (created, renamed files) durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| context(e, "syncing directory", dir))
}

/// The error with what was being done, and to which file, in its message.
pub(crate) fn context(error: io::Error, doing: &str, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{doing} {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_other_files_are_ignored() {
        let dir = Path::new("/x");
        assert_eq!(path(dir, 42), Path::new("/x/00000000000000000042.log"));
        assert_eq!(parse("00000000000000000042.log"), Some(42));
        assert_eq!(parse("42.log"), None);
        assert_eq!(parse("0000000000000000004a.log"), None);
        assert_eq!(parse("00000000000000000042.tmp"), None);
        assert_eq!(parse("checkpoint"), None);
    }

    #[test]
    fn only_segments_wholly_below_are_deleted_and_never_the_last() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut segments = vec![1, 9, 17, 25];
        for &first in &segments {
            File::create(path(dir.path(), first)).expect("segment file");
        }
        assert_eq!(
            delete_below(dir.path(), &mut segments, 8).expect("delete"),
            0
        );
        assert_eq!(
            delete_below(dir.path(), &mut segments, 9).expect("delete"),
            1
        );
        assert_eq!(segments, vec![9, 17, 25]);
        assert!(!path(dir.path(), 1).exists());
        assert_eq!(
            delete_below(dir.path(), &mut segments, 1000).expect("delete"),
            2
        );
        assert_eq!(segments, vec![25]);
        assert_eq!(list(dir.path()).expect("list"), vec![25]);
    }
}
