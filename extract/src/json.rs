//! JSON files flattened to one `path: value` line per scalar (`plans[0].name: Standard`), keys in
//! sorted order. Nesting is measured with a byte scan before parsing, so a deeply nested file is
//! refused without recursion.

use super::ExtractedDocument;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::sections::SectionWriter;
use super::text_decoding::decode_text;
use serde_json::Value;

const FORMAT: DocumentFormat = DocumentFormat::Json;

/// Extracts a JSON document.
pub(crate) fn extract_json(
    bytes: &[u8],
    budget: &mut Budget<'_>,
) -> Result<ExtractedDocument, ExtractError> {
    let text = decode_text(bytes);
    let limit = budget.limits.max_nesting_depth;
    if nesting_depth(&text) > limit {
        return Err(ExtractError::TooDeeplyNested { limit });
    }
    let value: Value = serde_json::from_str(&text).map_err(|error| {
        if error.to_string().contains("recursion limit") {
            ExtractError::TooDeeplyNested { limit }
        } else {
            ExtractError::corrupt(FORMAT, error)
        }
    })?;
    drop(text);
    let mut sections = SectionWriter::new();
    write_flattened(value, &mut sections, budget)?;
    Ok(ExtractedDocument {
        format: FORMAT,
        title: None,
        sections: sections.finish(),
    })
}

/// The deepest nesting of arrays and objects, ignoring brackets inside strings.
pub(crate) fn nesting_depth(text: &str) -> u64 {
    let (mut depth, mut deepest): (u64, u64) = (0, 0);
    let (mut in_string, mut escaped) = (false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Writes every scalar as a `path: value` line, walking with an explicit stack.
fn write_flattened(
    root: Value,
    sections: &mut SectionWriter,
    budget: &mut Budget<'_>,
) -> Result<(), ExtractError> {
    let mut pending = vec![(String::new(), root)];
    while let Some((path, value)) = pending.pop() {
        let scalar = match value {
            Value::Object(members) => {
                for (key, member) in members.into_iter().rev() {
                    let child = if path.is_empty() {
                        key
                    } else {
                        format!("{path}.{key}")
                    };
                    pending.push((child, member));
                }
                continue;
            }
            Value::Array(items) => {
                for (index, item) in items.into_iter().enumerate().rev() {
                    pending.push((format!("{path}[{index}]"), item));
                }
                continue;
            }
            Value::String(text) => text,
            Value::Null => "null".to_owned(),
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => number.to_string(),
        };
        if scalar.trim().is_empty() {
            continue;
        }
        let line = if path.is_empty() {
            scalar
        } else {
            format!("{path}: {scalar}")
        };
        sections.push_text(&line, budget)?;
        sections.end_block();
    }
    Ok(())
}
