//! Meta webhook adapter tests: signatures and the subscription handshake, WhatsApp payloads read
//! from fixtures shaped like Meta's published examples, and parser robustness on generated input.

mod robustness;
mod signature;
mod whatsapp;

use std::path::PathBuf;

/// The raw bytes of `tests/fixtures/meta/<name>.json`, exactly as a webhook would carry them.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/meta")
        .join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("fixture {}: {error}", path.display()))
}

/// Every fixture name, for tests that run over all of them.
pub fn fixture_names() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/meta");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            path.file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
