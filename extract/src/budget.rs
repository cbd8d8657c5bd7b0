//! The running account of one extraction against its [`ExtractLimits`]: time spent, text produced
//! and bytes inflated. Extractors call it between pages, rows and blocks.

use super::error::ExtractError;
use super::limits::ExtractLimits;
use std::time::{Duration, Instant};

/// What one extraction has used so far.
#[derive(Debug)]
pub(crate) struct Budget<'a> {
    pub(crate) limits: &'a ExtractLimits,
    started: Instant,
    text_chars: u64,
    inflated_bytes: u64,
}

impl<'a> Budget<'a> {
    /// A fresh account starting now.
    pub(crate) fn start(limits: &'a ExtractLimits) -> Self {
        Self {
            limits,
            started: Instant::now(),
            text_chars: 0,
            inflated_bytes: 0,
        }
    }

    /// Fails once the time budget is spent.
    pub(crate) fn check_time(&self) -> Result<(), ExtractError> {
        if self.started.elapsed() > Duration::from_millis(self.limits.time_budget_ms) {
            return Err(ExtractError::ExtractionTimeout {
                limit_ms: self.limits.time_budget_ms,
            });
        }
        Ok(())
    }

    /// Counts `text` against the text cap and checks the time.
    pub(crate) fn add_text(&mut self, text: &str) -> Result<(), ExtractError> {
        self.text_chars = self.text_chars.saturating_add(text.chars().count() as u64);
        if self.text_chars > self.limits.max_text_chars {
            return Err(ExtractError::TextTooLong {
                limit: self.limits.max_text_chars,
            });
        }
        self.check_time()
    }

    /// Counts inflated bytes against the document-wide cap; `place` names the entry or stream.
    pub(crate) fn add_inflated(&mut self, bytes: u64, place: &str) -> Result<(), ExtractError> {
        self.inflated_bytes = self.inflated_bytes.saturating_add(bytes);
        if self.inflated_bytes > self.limits.max_inflated_bytes {
            return Err(ExtractError::bomb(format!(
                "{place} takes the inflated total past {} bytes",
                self.limits.max_inflated_bytes
            )));
        }
        Ok(())
    }

    /// Inflated bytes still allowed.
    pub(crate) fn inflated_remaining(&self) -> u64 {
        self.limits
            .max_inflated_bytes
            .saturating_sub(self.inflated_bytes)
    }

    /// Fails when `inflated` bytes from `compressed` bytes exceed the ratio cap (above the floor).
    pub(crate) fn check_ratio(
        &self,
        inflated: u64,
        compressed: u64,
        place: &str,
    ) -> Result<(), ExtractError> {
        if inflated <= self.limits.ratio_check_floor_bytes {
            return Ok(());
        }
        let allowed = compressed
            .max(1)
            .saturating_mul(self.limits.max_compression_ratio);
        if inflated > allowed {
            return Err(ExtractError::bomb(format!(
                "{place} inflates from {compressed} bytes to {inflated}, more than {allowed} (ratio cap {})",
                self.limits.max_compression_ratio
            )));
        }
        Ok(())
    }
}
