//! What an upload claims to be, from its file name's extension and/or its HTTP content type.
//! [`super::extract`] checks the claim against the sniffed bytes.

use super::format::DocumentFormat;

/// The type an upload declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredType {
    /// A format that extraction reads.
    Format(DocumentFormat),
    /// Nothing usable was declared (no extension, `application/octet-stream`): the sniffed content
    /// decides.
    Unspecified,
    /// A type that extraction does not read, as declared (`.pptx`, `image/png`...).
    Unsupported(String),
}

impl DeclaredType {
    /// From a file name's extension (`Report.PDF` → PDF); no extension is [`Self::Unspecified`].
    pub fn from_file_name(file_name: &str) -> Self {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        match base.rsplit_once('.') {
            Some((stem, extension)) if !stem.is_empty() => Self::from_extension(extension),
            _ => Self::Unspecified,
        }
    }

    /// From an extension, with or without its dot, in any case.
    pub fn from_extension(extension: &str) -> Self {
        let extension = extension
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase();
        let format = match extension.as_str() {
            "" => return Self::Unspecified,
            "pdf" => DocumentFormat::Pdf,
            "docx" => DocumentFormat::Docx,
            "xlsx" => DocumentFormat::Xlsx,
            "csv" => DocumentFormat::Csv,
            "json" => DocumentFormat::Json,
            "html" | "htm" | "xhtml" => DocumentFormat::Html,
            "md" | "markdown" | "mdown" | "mkd" => DocumentFormat::Markdown,
            "txt" | "text" | "log" => DocumentFormat::Text,
            _ => return Self::Unsupported(format!(".{extension}")),
        };
        Self::Format(format)
    }

    /// From an HTTP `Content-Type` (parameters such as `charset` are ignored). Generic binary
    /// types are [`Self::Unspecified`], so a URL served as `application/octet-stream` is sniffed.
    pub fn from_content_type(content_type: &str) -> Self {
        let format = match mime_essence(content_type).as_str() {
            "" | "application/octet-stream" | "binary/octet-stream" | "application/unknown" => {
                return Self::Unspecified;
            }
            "application/pdf" | "application/x-pdf" => DocumentFormat::Pdf,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                DocumentFormat::Docx
            }
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                DocumentFormat::Xlsx
            }
            "text/csv" | "application/csv" | "text/comma-separated-values" => DocumentFormat::Csv,
            "application/json" | "text/json" => DocumentFormat::Json,
            "text/html" | "application/xhtml+xml" => DocumentFormat::Html,
            "text/markdown" | "text/x-markdown" => DocumentFormat::Markdown,
            "text/plain" => DocumentFormat::Text,
            other if other.ends_with("+json") => DocumentFormat::Json,
            other => return Self::Unsupported(other.to_owned()),
        };
        Self::Format(format)
    }

    /// From whichever is known: the file name's extension wins when it names a type, else the
    /// content type decides.
    pub fn from_name_and_content_type(file_name: Option<&str>, content_type: Option<&str>) -> Self {
        let by_name = file_name.map_or(Self::Unspecified, Self::from_file_name);
        match (by_name, content_type) {
            (Self::Unspecified, Some(content_type)) => Self::from_content_type(content_type),
            (by_name, _) => by_name,
        }
    }
}

impl From<DocumentFormat> for DeclaredType {
    fn from(format: DocumentFormat) -> Self {
        Self::Format(format)
    }
}

/// The `type/subtype` of a `Content-Type` value, lower case, without its parameters.
pub fn mime_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}
