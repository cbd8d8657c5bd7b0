//! Embedding models behind the engine's [`Embedder`] port.
//!
//! [`MiniLmEmbedder`] runs all-MiniLM-L6-v2 locally (the default); [`HashingEmbedder`] needs no
//! model and is the fallback when the model is not installed. [`load_default_embedder`] picks
//! the best one available and says so in the log.

mod hashing;
mod locate;
mod minilm;

pub use hashing::{DEFAULT_HASHING_DIMENSIONS, HashingEmbedder};
pub use locate::{MODEL_DIR_ENV, MODEL_FILES, ModelNotFound, holds_model, locate_model};
pub use minilm::{MiniLmEmbedder, MiniLmLoadError};

use botwot_engine::knowledge::Embedder;
use std::sync::Arc;
use tracing::{info, warn};

/// The local model when it is installed and loads, else the hashing embedder (with a warning:
/// answers will only match shared words).
pub fn load_default_embedder() -> Arc<dyn Embedder> {
    let dir = match locate_model() {
        Ok(dir) => dir,
        Err(error) => {
            warn!(%error, "embedding model absent, using the hashing embedder");
            return Arc::new(HashingEmbedder::default());
        }
    };
    match MiniLmEmbedder::load(&dir) {
        Ok(model) => {
            info!(model_dir = %dir.display(), "embedding model loaded");
            Arc::new(model)
        }
        Err(error) => {
            warn!(model_dir = %dir.display(), %error, "embedding model failed to load, using the hashing embedder");
            Arc::new(HashingEmbedder::default())
        }
    }
}
