//! Feeds arbitrary strings to the blob key check (`botwot_engine::blobs::is_valid_key`), which
//! every blob store applies before a key becomes a file path or an S3 object key.
//!
//! Must hold: nothing panics, and an accepted key, laid out under a root directory the way the
//! local store does, stays under that root: only plain segments, no `..`, no root, no prefix.

#![no_main]

use botwot_engine::blobs::is_valid_key;
use libfuzzer_sys::fuzz_target;
use std::path::{Component, Path};

fuzz_target!(|key: &str| {
    if !is_valid_key(key) {
        return;
    }
    assert!(key.len() <= 1024);
    let root = Path::new("/blobs");
    let path = key
        .split('/')
        .fold(root.to_path_buf(), |path, segment| path.join(segment));
    let inside = path
        .strip_prefix(root)
        .expect("the key stays under the root");
    assert!(
        inside
            .components()
            .all(|component| matches!(component, Component::Normal(_))),
        "{key:?}"
    );
});
