//! [`LocalBlobStore`]: one file per blob under a root directory, for a single node.
//!
//! The key `kb/t1/doc` is the file `<root>/kb/t1/doc`. A put writes a temporary file next to
//! the target (its name ends in [`PARTIAL_SUFFIX`]), syncs it, renames it over the target and
//! syncs the directory, so readers see the old bytes or the new ones, never a part. Listings
//! skip temporary files, and keys whose last segment ends in that suffix are refused. Every
//! file system call runs on the blocking thread pool. A key cannot be both a blob and the
//! parent of others here (`kb/a` and `kb/a/b`), as it can in S3; such a put fails.

use super::{BlobError, BlobStore, checked_key, checked_prefix};
use async_trait::async_trait;
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How the names of files still being written end.
pub const PARTIAL_SUFFIX: &str = ".botwot-partial";

/// Blobs as files under one directory.
#[derive(Clone, Debug)]
pub struct LocalBlobStore {
    root: Arc<PathBuf>,
}

impl LocalBlobStore {
    /// The store under `dir`, created when missing.
    pub async fn open(dir: impl AsRef<Path>) -> Result<Self, BlobError> {
        let root = dir.as_ref().to_path_buf();
        let created = root.clone();
        blocking(move || fs::create_dir_all(&created).map_err(|e| io_error("create", &created, e)))
            .await?;
        Ok(Self {
            root: Arc::new(root),
        })
    }

    /// The directory blobs are kept under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of `key`, when the key is one this store accepts.
    fn path_of(&self, key: &str) -> Result<PathBuf, BlobError> {
        let key = checked_key(key)?;
        if key.ends_with(PARTIAL_SUFFIX) {
            return Err(BlobError::InvalidKey(key.to_owned()));
        }
        Ok(key
            .split('/')
            .fold(self.root.to_path_buf(), |path, segment| path.join(segment)))
    }
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), BlobError> {
        let path = self.path_of(key)?;
        blocking(move || write_atomically(&path, &bytes)).await
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let path = self.path_of(key)?;
        blocking(move || match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(io_error("read", &path, e)),
        })
        .await
    }

    async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        let path = self.path_of(key)?;
        blocking(move || match fs::metadata(&path) {
            Ok(metadata) => Ok(metadata.is_file()),
            Err(e) if is_absent(&e) => Ok(false),
            Err(e) => Err(io_error("inspect", &path, e)),
        })
        .await
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let path = self.path_of(key)?;
        blocking(move || match fs::remove_file(&path) {
            Err(e) if !is_absent(&e) => Err(io_error("remove", &path, e)),
            _ => Ok(()),
        })
        .await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let prefix = checked_prefix(prefix)?.to_owned();
        let root = Arc::clone(&self.root);
        blocking(move || {
            // Only the directory the prefix fully names can hold matches; walk just that one.
            let directory = prefix.rfind('/').map_or("", |end| &prefix[..end]);
            let mut keys = Vec::new();
            let start = directory
                .split('/')
                .filter(|segment| !segment.is_empty())
                .fold(root.to_path_buf(), |path, segment| path.join(segment));
            collect_keys(&start, directory, &mut keys)?;
            keys.retain(|key| key.starts_with(&prefix));
            keys.sort_unstable();
            Ok(keys)
        })
        .await
    }
}

/// Writes `bytes` to a synced temporary file beside `path`, then renames it to `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BlobError> {
    let directory = path
        .parent()
        .ok_or_else(|| BlobError::Unavailable(format!("{} has no parent", path.display())))?;
    fs::create_dir_all(directory).map_err(|e| io_error("create", directory, e))?;
    let partial = partial_path(path);
    let written = File::create(&partial)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .map_err(|e| io_error("write", &partial, e))
        .and_then(|()| fs::rename(&partial, path).map_err(|e| io_error("rename", &partial, e)));
    if written.is_err() {
        // Best effort: the write already failed, and listings skip partial files anyway.
        let _ = fs::remove_file(&partial);
    }
    written?;
    File::open(directory)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| io_error("sync", directory, e))
}

/// A name beside `path` that no other write, in this process or another, is using.
fn partial_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let serial = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}-{serial}{PARTIAL_SUFFIX}", std::process::id()));
    path.with_file_name(name)
}

/// Adds the key of every finished file under `dir` (whose key is `dir_key`) to `keys`.
fn collect_keys(dir: &Path, dir_key: &str, keys: &mut Vec<String>) -> Result<(), BlobError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if is_absent(&e) => return Ok(()),
        Err(e) => return Err(io_error("list", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| io_error("list", dir, e))?;
        // Names that are not UTF-8 cannot have been written through this store.
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let key = if dir_key.is_empty() {
            name
        } else {
            format!("{dir_key}/{name}")
        };
        let kind = entry
            .file_type()
            .map_err(|e| io_error("list", &entry.path(), e))?;
        if kind.is_dir() {
            collect_keys(&entry.path(), &key, keys)?;
        } else if kind.is_file() && !key.ends_with(PARTIAL_SUFFIX) {
            keys.push(key);
        }
    }
    Ok(())
}

/// Whether `error` means there is no blob there: nothing at all, or a directory.
fn is_absent(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::NotFound | ErrorKind::IsADirectory | ErrorKind::NotADirectory
    )
}

fn io_error(action: &str, path: &Path, error: std::io::Error) -> BlobError {
    BlobError::Unavailable(format!("cannot {action} {}: {error}", path.display()))
}

/// Runs `work` on the blocking thread pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, BlobError> + Send + 'static,
) -> Result<T, BlobError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| BlobError::Unavailable(format!("blob file task failed: {e}")))?
}
