//! The local embedding model: all-MiniLM-L6-v2 run on the CPU with candle.
//!
//! A 6-layer BERT producing 384-dimensional sentence vectors: the tokenizer's WordPiece ids
//! (at most 256 tokens, the model's training length; longer text is truncated) go through the
//! encoder, token vectors are averaged over the attention mask (mean pooling, as
//! sentence-transformers does for this model) and L2-normalised, so a dot product is a cosine.
//! Weights are read into memory from `model.safetensors` (no memory map, so no `unsafe`).

use botwot_engine::knowledge::{EmbedError, Embedder};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::path::{Path, PathBuf};
use thiserror::Error;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Longest input in tokens: the sequence length the model was trained with.
const MAX_TOKENS: usize = 256;

/// Texts run through the model at once; batches are formed from texts of similar length.
const BATCH_SIZE: usize = 16;

#[derive(Debug, Error)]
pub enum MiniLmLoadError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("model config is invalid: {0}")]
    Config(String),
    #[error("tokenizer could not be loaded: {0}")]
    Tokenizer(String),
    #[error("model weights could not be loaded: {0}")]
    Weights(String),
}

/// all-MiniLM-L6-v2, loaded from a folder holding `model.safetensors`, `tokenizer.json` and
/// `config.json`.
pub struct MiniLmEmbedder {
    model: BertModel,
    tokenizer: Tokenizer,
    dimensions: usize,
}

impl MiniLmEmbedder {
    pub fn load(dir: &Path) -> Result<Self, MiniLmLoadError> {
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read(&path).map_err(|source| MiniLmLoadError::Read { path, source })
        };
        let config: Config = serde_json::from_slice(&read("config.json")?)
            .map_err(|error| MiniLmLoadError::Config(error.to_string()))?;
        let dimensions = config.hidden_size;

        let mut tokenizer = Tokenizer::from_bytes(read("tokenizer.json")?)
            .map_err(|error| MiniLmLoadError::Tokenizer(error.to_string()))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|error| MiniLmLoadError::Tokenizer(error.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));

        let device = Device::Cpu;
        let weights =
            VarBuilder::from_buffered_safetensors(read("model.safetensors")?, DType::F32, &device)
                .map_err(|error| MiniLmLoadError::Weights(error.to_string()))?;
        let model = BertModel::load(weights, &config)
            .map_err(|error| MiniLmLoadError::Weights(error.to_string()))?;
        Ok(Self {
            model,
            tokenizer,
            dimensions,
        })
    }

    /// Embeds texts of similar length together: one forward pass.
    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|error| EmbedError::Tokenize(error.to_string()))?;
        let device = Device::Cpu;
        let stack = |rows: Vec<&[u32]>| -> candle_core::Result<Tensor> {
            let rows = rows
                .into_iter()
                .map(|row| Tensor::new(row, &device))
                .collect::<candle_core::Result<Vec<_>>>()?;
            Tensor::stack(&rows, 0)
        };
        let pooled = (|| -> candle_core::Result<Vec<Vec<f32>>> {
            let input_ids = stack(encodings.iter().map(|e| e.get_ids()).collect())?;
            let type_ids = stack(encodings.iter().map(|e| e.get_type_ids()).collect())?;
            let mask = stack(encodings.iter().map(|e| e.get_attention_mask()).collect())?;
            let tokens = self.model.forward(&input_ids, &type_ids, Some(&mask))?;
            let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let summed = tokens.broadcast_mul(&mask)?.sum(1)?;
            let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?;
            let mean = summed.broadcast_div(&counts)?;
            let norms = mean
                .sqr()?
                .sum_keepdim(1)?
                .sqrt()?
                .clamp(1e-12f32, f32::MAX)?;
            mean.broadcast_div(&norms)?.to_vec2::<f32>()
        })();
        pooled.map_err(|error| EmbedError::Model(error.to_string()))
    }
}

impl Embedder for MiniLmEmbedder {
    fn dimensions(&self) -> usize {
        self.dimensions
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&index| texts[index].len());
        let mut vectors = vec![Vec::new(); texts.len()];
        for batch in order.chunks(BATCH_SIZE) {
            let batch_texts: Vec<&str> = batch.iter().map(|&index| texts[index]).collect();
            let embedded = self.embed_batch(&batch_texts)?;
            if embedded.len() != batch.len() {
                return Err(EmbedError::Model(format!(
                    "{} vectors for {} texts",
                    embedded.len(),
                    batch.len()
                )));
            }
            for (&index, vector) in batch.iter().zip(embedded) {
                vectors[index] = vector;
            }
        }
        Ok(vectors)
    }

    fn name(&self) -> &str {
        "minilm"
    }
}
