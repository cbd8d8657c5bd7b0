//! Bytes of a textual upload to a `String`: UTF-8 (with or without byte-order mark), UTF-16 with a
//! byte-order mark, and otherwise Windows-1252, the usual encoding of legacy single-byte files.
//! HTML that is not UTF-8 is decoded by the charset its `<meta>` declares.

/// Decodes textual bytes; never fails (undecodable UTF-16 units become U+FFFD).
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return decode_utf8_or_legacy(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    decode_utf8_or_legacy(bytes)
}

fn decode_utf8_or_legacy(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&byte| windows_1252(byte)).collect(),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|decoded| decoded.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// One Windows-1252 byte as a character (Latin-1 with printable characters in 0x80..0xA0).
fn windows_1252(byte: u8) -> char {
    const HIGH_CONTROLS: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH_CONTROLS[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Decodes an HTML page: a byte-order mark or valid UTF-8 first, else the `charset` declared in
/// its first kilobyte (`<meta charset="windows-1251">`), else as [`decode_text`] does.
pub(crate) fn decode_html(bytes: &[u8]) -> String {
    let has_bom = bytes.starts_with(b"\xef\xbb\xbf")
        || bytes.starts_with(b"\xff\xfe")
        || bytes.starts_with(b"\xfe\xff");
    if has_bom || std::str::from_utf8(bytes).is_ok() {
        return decode_text(bytes);
    }
    match declared_charset(&bytes[..bytes.len().min(1024)])
        .and_then(encoding_rs::Encoding::for_label)
    {
        Some(encoding) => encoding.decode_without_bom_handling(bytes).0.into_owned(),
        None => decode_text(bytes),
    }
}

/// The label after the first `charset=` (quotes and spaces allowed around it).
fn declared_charset(head: &[u8]) -> Option<&[u8]> {
    let lowercase = head.to_ascii_lowercase();
    let at = lowercase
        .windows(8)
        .position(|window| window == b"charset=")?
        + 8;
    let rest = &head[at..];
    let rest = &rest[rest
        .iter()
        .take_while(|&&byte| matches!(byte, b'"' | b'\'' | b' '))
        .count()..];
    let length = rest
        .iter()
        .take_while(|byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b':' | b'.')
        })
        .count();
    (length > 0).then(|| &rest[..length])
}
