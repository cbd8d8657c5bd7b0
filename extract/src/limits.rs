//! The caps that keep extraction of hostile files within bounded memory and time, with defaults
//! fit for uploads to a knowledge base. Every cap is configurable (serde, all fields optional).

use serde::{Deserialize, Serialize};

/// Caps applied while extracting one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExtractLimits {
    /// Largest accepted input in bytes (default 25 MiB).
    pub max_input_bytes: u64,
    /// Most pages a PDF may have (default 500).
    pub max_pages: u64,
    /// Most bytes that compressed content may inflate to, added up over the whole document: zip
    /// entries of DOCX/XLSX, compressed PDF streams (default 200 MiB).
    pub max_inflated_bytes: u64,
    /// Highest inflated/compressed ratio of one zip entry or PDF stream once it is past
    /// [`Self::ratio_check_floor_bytes`] (default 200; deflate tops out near 1000).
    pub max_compression_ratio: u64,
    /// Entries smaller than this when inflated are not held to the ratio (default 1 MiB).
    pub ratio_check_floor_bytes: u64,
    /// Most entries a DOCX/XLSX archive may have (default 10,000).
    pub max_archive_entries: u64,
    /// Most cells over all sheets of an XLSX, or fields of a CSV (default 1,000,000).
    pub max_cells: u64,
    /// Most characters of extracted text (default 20,000,000).
    pub max_text_chars: u64,
    /// Deepest nesting of JSON values and of PDF form XObjects (default 100).
    pub max_nesting_depth: u64,
    /// Wall-clock budget in milliseconds, checked between pages, rows and blocks (default 60,000).
    /// It is cooperative: callers still run extraction under `spawn_blocking` with a deadline.
    pub time_budget_ms: u64,
}

impl Default for ExtractLimits {
    fn default() -> Self {
        Self {
            max_input_bytes: 25 * 1024 * 1024,
            max_pages: 500,
            max_inflated_bytes: 200 * 1024 * 1024,
            max_compression_ratio: 200,
            ratio_check_floor_bytes: 1024 * 1024,
            max_archive_entries: 10_000,
            max_cells: 1_000_000,
            max_text_chars: 20_000_000,
            max_nesting_depth: 100,
            time_budget_ms: 60_000,
        }
    }
}
