//! Small helpers shared by the Office Open XML readers: text of character and entity references,
//! and the document title from `docProps/core.xml`.

use super::bounded_zip::BoundedZip;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::sections::collapse_whitespace;
use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

/// The text an `&name;` or `&#n;` reference stands for (unknown entities are dropped).
pub(crate) fn reference_text(reference: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(character)) = reference.resolve_char_ref() {
        return Some(character.to_string());
    }
    let name = reference.xml10_content();
    quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
}

/// The UTF-8 text of an XML part without its byte-order mark, or the part reported as corrupt.
pub(crate) fn part_text<'p>(
    bytes: &'p [u8],
    format: DocumentFormat,
    part: &str,
) -> Result<&'p str, ExtractError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|error| ExtractError::corrupt(format, format!("{part}: {error}")))?;
    Ok(text.trim_start_matches('\u{feff}'))
}

/// `dc:title` from `docProps/core.xml`, when present and not blank.
pub(crate) fn core_title(
    archive: &mut BoundedZip<'_>,
    format: DocumentFormat,
    budget: &mut Budget<'_>,
) -> Result<Option<String>, ExtractError> {
    let Some(bytes) = archive.read_part("docProps/core.xml", budget)? else {
        return Ok(None);
    };
    let xml = part_text(&bytes, format, "docProps/core.xml")?;
    let mut reader = Reader::from_str(xml);
    let mut in_title = false;
    let mut title = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) if element.local_name().as_ref() == "title" => {
                in_title = true
            }
            Ok(Event::End(element)) if element.local_name().as_ref() == "title" => break,
            Ok(Event::Text(text)) if in_title => title.push_str(&text.xml10_content()),
            Ok(Event::GeneralRef(reference)) if in_title => {
                title.push_str(&reference_text(&reference).unwrap_or_default());
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let title = collapse_whitespace(&title);
    Ok((!title.is_empty()).then_some(title))
}
