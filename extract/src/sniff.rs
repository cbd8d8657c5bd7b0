//! What the bytes of an upload really are, from magic numbers and, for zip containers, the names of
//! their parts: `%PDF-`, a zip with `[Content_Types].xml` and `word/document.xml` (DOCX) or
//! `xl/workbook.xml` (XLSX), common image and archive signatures, and text versus binary.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Cursor;

/// The type found in the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SniffedType {
    /// `%PDF-` within the first kilobyte.
    Pdf,
    /// Office Open XML word-processing package.
    Docx,
    /// Office Open XML spreadsheet package.
    Xlsx,
    /// Office Open XML presentation package.
    Pptx,
    /// OpenDocument package (`mimetype` part).
    OpenDocument,
    /// Any other readable zip archive.
    Zip,
    /// Starts like a zip archive but its directory cannot be read.
    DamagedZip,
    /// OLE2 compound file: legacy `.doc`, `.xls`, `.ppt`.
    LegacyOffice,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// gzip stream.
    Gzip,
    /// Text: UTF-8, UTF-16 with a byte-order mark, or single-byte text without control bytes.
    Text,
    /// Anything else.
    Binary,
}

impl SniffedType {
    /// The lowercase name used in error messages and payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Pptx => "pptx",
            Self::OpenDocument => "opendocument",
            Self::Zip => "zip",
            Self::DamagedZip => "damaged_zip",
            Self::LegacyOffice => "legacy_office",
            Self::Png => "png",
            Self::Jpeg => "jpeg",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Gzip => "gzip",
            Self::Text => "text",
            Self::Binary => "binary",
        }
    }
}

impl fmt::Display for SniffedType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Sniffs `bytes`. Reads at most the first kilobytes, plus the zip directory for zip containers.
pub fn sniff(bytes: &[u8]) -> SniffedType {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|window| window == b"%PDF-") {
        return SniffedType::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes);
    }
    const SIGNATURES: [(&[u8], SniffedType); 5] = [
        (b"\x89PNG\r\n\x1a\n", SniffedType::Png),
        (b"\xff\xd8\xff", SniffedType::Jpeg),
        (b"GIF8", SniffedType::Gif),
        (b"\x1f\x8b", SniffedType::Gzip),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            SniffedType::LegacyOffice,
        ),
    ];
    if let Some((_, sniffed)) = SIGNATURES
        .iter()
        .find(|(signature, _)| bytes.starts_with(signature))
    {
        return *sniffed;
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return SniffedType::Webp;
    }
    if looks_like_text(bytes) {
        SniffedType::Text
    } else {
        SniffedType::Binary
    }
}

/// Tells the zip-based formats apart by their part names.
fn sniff_zip(bytes: &[u8]) -> SniffedType {
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return SniffedType::DamagedZip;
    };
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("[Content_Types].xml") {
        if has("word/document.xml") {
            return SniffedType::Docx;
        }
        if has("xl/workbook.xml") {
            return SniffedType::Xlsx;
        }
        if has("ppt/presentation.xml") {
            return SniffedType::Pptx;
        }
    }
    if has("mimetype") {
        return SniffedType::OpenDocument;
    }
    SniffedType::Zip
}

/// Text when it carries a UTF-16 byte-order mark, or when its first 8 KiB hold no NUL and few
/// other control bytes (tabs, line breaks and form feeds are fine).
fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return true;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return false;
    }
    let control = sample
        .iter()
        .filter(|&&byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    control * 100 <= sample.len()
}
