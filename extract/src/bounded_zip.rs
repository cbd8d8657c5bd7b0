//! Reads the parts of a zip container (DOCX, XLSX) without letting a zip bomb through: the entry
//! count, and the declared sizes and ratios of the markup parts (`.xml`, `.rels`), are checked when
//! the archive is opened, and every part is inflated through a counter that stops at the
//! remaining budget, so a lying size field does not help either (the zip reader also stops an
//! entry at its declared size; that is reported as a bomb too). Media parts (pictures, embedded
//! files) are never inflated, so they are not held to the caps: a white bitmap compresses like a
//! bomb.

use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// A zip archive checked against the limits when opened.
pub(crate) struct BoundedZip<'b> {
    archive: ZipArchive<Cursor<&'b [u8]>>,
    format: DocumentFormat,
}

impl<'b> BoundedZip<'b> {
    /// Opens the archive, refusing too many entries, declared sizes past the inflated budget and
    /// declared ratios past the ratio cap.
    pub(crate) fn open(
        bytes: &'b [u8],
        format: DocumentFormat,
        budget: &Budget<'_>,
    ) -> Result<Self, ExtractError> {
        let mut archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|error| ExtractError::corrupt(format, error))?;
        let limits = budget.limits;
        if archive.len() as u64 > limits.max_archive_entries {
            return Err(ExtractError::bomb(format!(
                "{} entries, more than {}",
                archive.len(),
                limits.max_archive_entries
            )));
        }
        let mut declared_total: u64 = 0;
        for index in 0..archive.len() {
            let entry = archive
                .by_index_raw(index)
                .map_err(|error| ExtractError::corrupt(format, error))?;
            let name = entry_name(entry.name(), index);
            if !is_markup_part(&name) {
                continue;
            }
            declared_total = declared_total.saturating_add(entry.size());
            budget.check_ratio(entry.size(), entry.compressed_size(), &name)?;
        }
        if declared_total > limits.max_inflated_bytes {
            return Err(ExtractError::bomb(format!(
                "markup parts declare {declared_total} inflated bytes, more than {}",
                limits.max_inflated_bytes
            )));
        }
        Ok(Self { archive, format })
    }

    /// Inflates the part `name` into memory, counted against the budget; `None` if it is absent.
    pub(crate) fn read_part(
        &mut self,
        name: &str,
        budget: &mut Budget<'_>,
    ) -> Result<Option<Vec<u8>>, ExtractError> {
        let Some(index) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        let mut inflated = Vec::new();
        self.inflate_entry(index, budget, |chunk| inflated.extend_from_slice(chunk))?;
        Ok(Some(inflated))
    }

    /// Inflates every markup part once without keeping it, proving that they stay within the
    /// budget before a library that reads parts unchecked (calamine) opens the archive.
    pub(crate) fn inflate_markup_parts(
        &mut self,
        budget: &mut Budget<'_>,
    ) -> Result<(), ExtractError> {
        for index in 0..self.archive.len() {
            let is_markup = self
                .archive
                .name_for_index(index)
                .and_then(Result::ok)
                .is_some_and(|name| is_markup_part(&name));
            if !is_markup {
                continue;
            }
            self.inflate_entry(index, budget, |_| {})?;
            budget.check_time()?;
        }
        Ok(())
    }

    /// Streams one entry through `sink` in 64 KiB chunks, stopping as soon as it passes the
    /// remaining budget or the ratio cap.
    fn inflate_entry(
        &mut self,
        index: usize,
        budget: &mut Budget<'_>,
        mut sink: impl FnMut(&[u8]),
    ) -> Result<(), ExtractError> {
        let format = self.format;
        let mut entry = self
            .archive
            .by_index(index)
            .map_err(|error| ExtractError::corrupt(format, error))?;
        let name = entry_name(entry.name(), index);
        let compressed = entry.compressed_size();
        let declared = entry.size();
        let mut chunk = vec![0_u8; 64 * 1024];
        let mut inflated: u64 = 0;
        loop {
            // Reads stop at the declared size, then ask for one byte more: the zip reader refuses
            // data past the declared size, and that refusal means the size field lies (the mark
            // of a bomb); an error before it is damage.
            let wanted = match declared.checked_sub(inflated) {
                Some(0) | None => 1,
                Some(left) => chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX)),
            };
            let read = entry.read(&mut chunk[..wanted]).map_err(|error| {
                if inflated >= declared {
                    ExtractError::bomb(format!(
                        "{name} inflates past its declared size of {declared} bytes"
                    ))
                } else {
                    ExtractError::corrupt(format, format!("{name}: {error}"))
                }
            })?;
            if read == 0 {
                break;
            }
            inflated += read as u64;
            budget.add_inflated(read as u64, &name)?;
            budget.check_ratio(inflated, compressed, &name)?;
            sink(&chunk[..read]);
        }
        Ok(())
    }
}

/// An entry's name for messages (its index when the name is not readable).
fn entry_name<E>(name: Result<std::borrow::Cow<'_, str>, E>, index: usize) -> String {
    name.map_or_else(|_| format!("entry {index}"), std::borrow::Cow::into_owned)
}

/// Whether a part holds markup that a reader parses (`.xml`, `.rels`), as opposed to media.
fn is_markup_part(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with(".xml") || name.ends_with(".rels")
}
