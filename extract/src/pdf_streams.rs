//! Bounded decoding of compressed PDF streams, so a PDF bomb is refused before the PDF library
//! inflates it. Two passes: [`scan_raw_streams`] walks the raw file before parsing (lopdf inflates
//! object and cross-reference streams while loading), reading each stream's filter chain from the
//! dictionary text before it; [`check_loaded_streams`] decodes every stream of the loaded document
//! with its exact filter chain (after decryption, for encrypted files). Only the filters lopdf
//! itself decodes are followed: `FlateDecode` (zlib, with its raw-deflate fallback), `LZWDecode`
//! and `ASCII85Decode`. Every stage stops as soon as its output passes the cap. Image streams are
//! left alone: neither lopdf nor the text extractor decodes them, and scans compress well enough
//! to look like bombs.

use super::budget::Budget;
use super::error::ExtractError;
use flate2::{Decompress, FlushDecompress, Status};
use pdf_extract::{Dictionary, Document, Object, Stream};

/// A decoding step lopdf would apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PdfFilter {
    Flate,
    Lzw { early_change: bool },
    Ascii85,
}

/// The output of a decoding chain went past its cap.
struct OverCap;

const CHUNK: usize = 64 * 1024;

/// How far before a `stream` keyword its dictionary text is looked for.
const DICTIONARY_WINDOW: usize = 4096;

/// Decodes every stream of the raw file as its dictionary text says, failing once the total passes
/// the inflated cap or one stream passes the ratio cap.
pub(crate) fn scan_raw_streams(bytes: &[u8], budget: &Budget<'_>) -> Result<(), ExtractError> {
    let cap = budget.limits.max_inflated_bytes;
    let mut total: u64 = 0;
    let mut from = 0;
    // Where the previous stream's data ended: dictionary windows start after it, and the scan
    // resumes after each stream's data, so every byte is looked at a bounded number of times.
    let mut previous_end = 0;
    while let Some(found) = find(&bytes[from..], b"stream") {
        budget.check_time()?;
        let keyword = from + found;
        from = keyword + b"stream".len();
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        let data_start = match bytes.get(from..from + 2) {
            Some([b'\r', b'\n']) => from + 2,
            Some([b'\n' | b'\r', _]) => from + 1,
            _ => continue,
        };
        let data_end =
            find(&bytes[data_start..], b"endstream").map_or(bytes.len(), |end| data_start + end);
        let window = &bytes[previous_end.max(keyword.saturating_sub(DICTIONARY_WINDOW))..keyword];
        let window = match rfind(window, b" obj") {
            Some(obj) => &window[obj..],
            None => window,
        };
        previous_end = data_end;
        from = data_end;
        if name_after(window, b"/Subtype") == Some(b"Image".as_slice()) {
            continue;
        }
        let filters = filters_in_dictionary_text(window);
        if filters.is_empty() {
            continue;
        }
        let data = &bytes[data_start..data_end];
        let stream_cap = stream_cap(budget, data.len() as u64, cap.saturating_sub(total));
        let inflated = decode_chain(data, &filters, stream_cap).map_err(|OverCap| {
            over_cap_error(budget, "a compressed stream", data.len() as u64, total, cap)
        })?;
        total += inflated;
    }
    Ok(())
}

/// Decodes every stream object of a loaded document, counting into the budget.
pub(crate) fn check_loaded_streams(
    document: &Document,
    budget: &mut Budget<'_>,
) -> Result<(), ExtractError> {
    for (id, object) in &document.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice()) {
            continue;
        }
        let filters = stream_filters(stream);
        if filters.is_empty() {
            continue;
        }
        let place = format!("stream {} {}", id.0, id.1);
        let compressed = stream.content.len() as u64;
        let cap = stream_cap(budget, compressed, budget.inflated_remaining());
        let inflated = decode_chain(&stream.content, &filters, cap).map_err(|OverCap| {
            ExtractError::bomb(format!(
                "{place} inflates past the inflated-bytes or ratio cap"
            ))
        })?;
        budget.add_inflated(inflated, &place)?;
        budget.check_time()?;
    }
    Ok(())
}

/// The cap for one stream: what is left of the total, and the ratio cap above its floor.
fn stream_cap(budget: &Budget<'_>, compressed: u64, remaining: u64) -> u64 {
    let limits = budget.limits;
    let by_ratio = compressed
        .max(1)
        .saturating_mul(limits.max_compression_ratio)
        .max(limits.ratio_check_floor_bytes);
    remaining.min(by_ratio)
}

fn over_cap_error(
    budget: &Budget<'_>,
    place: &str,
    compressed: u64,
    total: u64,
    cap: u64,
) -> ExtractError {
    ExtractError::bomb(format!(
        "{place} of {compressed} bytes inflates past the cap (ratio {}, {} of {cap} inflated bytes used)",
        budget.limits.max_compression_ratio, total
    ))
}

/// The filter chain of a loaded stream.
fn stream_filters(stream: &Stream) -> Vec<PdfFilter> {
    let early_change = stream
        .dict
        .get(b"DecodeParms")
        .and_then(Object::as_dict)
        .ok()
        .and_then(|params: &Dictionary| params.get(b"EarlyChange").ok())
        .and_then(|value| value.as_i64().ok())
        .is_none_or(|value| value != 0);
    stream
        .filters()
        .map(|names| {
            names
                .into_iter()
                .map_while(|name| filter_named(name, early_change))
                .collect()
        })
        .unwrap_or_default()
}

fn filter_named(name: &[u8], early_change: bool) -> Option<PdfFilter> {
    match name {
        b"FlateDecode" => Some(PdfFilter::Flate),
        b"LZWDecode" => Some(PdfFilter::Lzw { early_change }),
        b"ASCII85Decode" => Some(PdfFilter::Ascii85),
        _ => None,
    }
}

/// The filter chain written after `/Filter` in dictionary text: `/FlateDecode` or
/// `[/ASCII85Decode /FlateDecode]`; an indirect or unknown filter ends the chain.
fn filters_in_dictionary_text(dictionary: &[u8]) -> Vec<PdfFilter> {
    let Some(at) = rfind(dictionary, b"/Filter") else {
        return Vec::new();
    };
    let early_change = !contains(dictionary, b"/EarlyChange 0");
    let mut rest = trim_start(&dictionary[at + b"/Filter".len()..]);
    let in_array = rest.first() == Some(&b'[');
    if in_array {
        rest = &rest[1..];
    }
    let mut filters = Vec::new();
    loop {
        rest = trim_start(rest);
        let Some(name) = rest.strip_prefix(b"/") else {
            break;
        };
        let length = name
            .iter()
            .position(|byte| byte.is_ascii_whitespace() || b"/[]<>()".contains(byte))
            .unwrap_or(name.len());
        match filter_named(&name[..length], early_change) {
            Some(filter) => filters.push(filter),
            None => break,
        }
        rest = &name[length..];
        if !in_array {
            break;
        }
    }
    filters
}

/// Runs the chain; returns the final output size, or `OverCap` once any stage passes `cap`.
/// Intermediate outputs are kept (at most `cap` bytes each); the last one is only counted.
fn decode_chain(data: &[u8], filters: &[PdfFilter], cap: u64) -> Result<u64, OverCap> {
    let mut stage_input = data.to_vec();
    let mut last_size = 0;
    for (index, filter) in filters.iter().enumerate() {
        let is_last = index + 1 == filters.len();
        let mut output = Vec::new();
        let keep = (!is_last).then_some(&mut output);
        last_size = match filter {
            PdfFilter::Flate => inflate_bounded(&stage_input, cap, keep)?,
            PdfFilter::Lzw { early_change } => lzw_bounded(&stage_input, *early_change, cap, keep)?,
            PdfFilter::Ascii85 => ascii85_bounded(&stage_input, cap, keep)?,
        };
        stage_input = output;
    }
    Ok(last_size)
}

/// Appends a decoded chunk to the kept output, when the stage's output is kept.
fn keep_chunk(keep: &mut Option<&mut Vec<u8>>, chunk: &[u8]) {
    if let Some(output) = keep.as_mut() {
        output.extend_from_slice(chunk);
    }
}

/// zlib inflation, retried as raw deflate after the two header bytes when zlib fails at once
/// (as lopdf does). Errors part way end the stream quietly: lopdf keeps what it got.
fn inflate_bounded(data: &[u8], cap: u64, mut keep: Option<&mut Vec<u8>>) -> Result<u64, OverCap> {
    let produced = inflate_with(Decompress::new(true), data, cap, keep.as_deref_mut())?;
    if produced == 0 && data.len() > 2 {
        return inflate_with(Decompress::new(false), &data[2..], cap, keep);
    }
    Ok(produced)
}

fn inflate_with(
    mut decoder: Decompress,
    data: &[u8],
    cap: u64,
    mut keep: Option<&mut Vec<u8>>,
) -> Result<u64, OverCap> {
    let mut chunk = vec![0_u8; CHUNK];
    loop {
        let before_in = decoder.total_in();
        let before_out = decoder.total_out();
        let consumed = usize::try_from(before_in)
            .unwrap_or(usize::MAX)
            .min(data.len());
        let status = decoder.decompress(&data[consumed..], &mut chunk, FlushDecompress::None);
        let written = usize::try_from(decoder.total_out() - before_out).unwrap_or(0);
        keep_chunk(&mut keep, &chunk[..written]);
        if decoder.total_out() > cap {
            return Err(OverCap);
        }
        let progressed = decoder.total_in() != before_in || written != 0;
        match status {
            Ok(Status::StreamEnd) | Err(_) => break,
            Ok(_) if !progressed => break,
            Ok(_) => {}
        }
    }
    Ok(decoder.total_out())
}

fn lzw_bounded(
    data: &[u8],
    early_change: bool,
    cap: u64,
    mut keep: Option<&mut Vec<u8>>,
) -> Result<u64, OverCap> {
    use weezl::{BitOrder, LzwStatus, decode::Decoder};
    let mut decoder = if early_change {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    } else {
        Decoder::new(BitOrder::Msb, 8)
    };
    let mut chunk = vec![0_u8; CHUNK];
    let mut rest = data;
    let mut produced: u64 = 0;
    loop {
        let result = decoder.decode_bytes(rest, &mut chunk);
        rest = &rest[result.consumed_in..];
        produced += result.consumed_out as u64;
        keep_chunk(&mut keep, &chunk[..result.consumed_out]);
        if produced > cap {
            return Err(OverCap);
        }
        match result.status {
            Ok(LzwStatus::Ok) if result.consumed_in > 0 || result.consumed_out > 0 => {}
            _ => break,
        }
    }
    Ok(produced)
}

/// ASCII85 grows data by at most four (`z` stands for four zero bytes), so it is decoded whole
/// with lopdf's own decoder once the input is known to stay under the cap.
fn ascii85_bounded(data: &[u8], cap: u64, mut keep: Option<&mut Vec<u8>>) -> Result<u64, OverCap> {
    let zeros = data.iter().filter(|&&byte| byte == b'z').count() as u64;
    if (data.len() as u64).saturating_add(zeros.saturating_mul(3)) > cap {
        return Err(OverCap);
    }
    let mut dictionary = Dictionary::new();
    dictionary.set("Filter", Object::Name(b"ASCII85Decode".to_vec()));
    let decoded = Stream::new(dictionary, data.to_vec())
        .decompressed_content()
        .unwrap_or_default();
    keep_chunk(&mut keep, &decoded);
    Ok(decoded.len() as u64)
}

/// The name written after `key` in dictionary text (`/Subtype /Image` gives `Image`).
fn name_after<'t>(dictionary: &'t [u8], key: &[u8]) -> Option<&'t [u8]> {
    let at = rfind(dictionary, key)?;
    let rest = trim_start(&dictionary[at + key.len()..]);
    let name = rest.strip_prefix(b"/")?;
    let length = name
        .iter()
        .position(|byte| byte.is_ascii_whitespace() || b"/[]<>()".contains(byte))
        .unwrap_or(name.len());
    Some(&name[..length])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_whitespace())
        .count();
    &bytes[skip..]
}
