//! One record on disk, little-endian: `u32` payload length, `u32` CRC-32 of the sequence's 8
//! bytes followed by the payload, `u64` sequence, then the payload.

/// Bytes before the payload.
pub(crate) const HEADER_LEN: usize = 16;

/// The encoded size of a record carrying `payload_len` bytes.
pub(crate) fn encoded_len(payload_len: usize) -> usize {
    HEADER_LEN + payload_len
}

/// Appends the record to `buf`. The caller has checked the payload against the limit, so its
/// length fits a `u32`.
pub(crate) fn encode(buf: &mut Vec<u8>, sequence: u64, payload: &[u8]) {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    buf.extend_from_slice(&len.to_le_bytes());
    buf.extend_from_slice(&checksum(sequence, payload).to_le_bytes());
    buf.extend_from_slice(&sequence.to_le_bytes());
    buf.extend_from_slice(payload);
}

/// A record read back.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Decoded<'a> {
    pub(crate) sequence: u64,
    pub(crate) payload: &'a [u8],
    /// Bytes the record takes, header included.
    pub(crate) len: usize,
}

/// Reads the record at the start of `bytes`, or says why there is no intact one.
pub(crate) fn decode(bytes: &[u8], max_record_bytes: u32) -> Result<Decoded<'_>, String> {
    if bytes.len() < HEADER_LEN {
        return Err(format!(
            "record header incomplete ({} of {HEADER_LEN} bytes)",
            bytes.len()
        ));
    }
    let len = u32::from_le_bytes(array(&bytes[0..4]));
    let crc = u32::from_le_bytes(array(&bytes[4..8]));
    let sequence = u64::from_le_bytes(array(&bytes[8..16]));
    if len > max_record_bytes {
        return Err(format!(
            "record length {len} is over the {max_record_bytes}-byte limit"
        ));
    }
    let total = encoded_len(len as usize);
    if bytes.len() < total {
        return Err(format!(
            "record payload incomplete ({} of {len} bytes)",
            bytes.len() - HEADER_LEN
        ));
    }
    let payload = &bytes[HEADER_LEN..total];
    if checksum(sequence, payload) != crc {
        return Err(format!(
            "record checksum mismatch (sequence field {sequence})"
        ));
    }
    Ok(Decoded {
        sequence,
        payload,
        len: total,
    })
}

/// CRC-32 of the sequence's little-endian bytes followed by the payload.
pub(crate) fn checksum(sequence: u64, payload: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&sequence.to_le_bytes());
    hasher.update(payload);
    hasher.finalize()
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(sequence: u64, payload: &[u8]) -> Vec<u8> {
        let mut buf = Vec::new();
        encode(&mut buf, sequence, payload);
        buf
    }

    #[test]
    fn a_record_reads_back_and_its_layout_is_the_documented_one() {
        let buf = encoded(7, b"hello");
        assert_eq!(buf.len(), encoded_len(5));
        assert_eq!(&buf[0..4], &5u32.to_le_bytes());
        assert_eq!(&buf[4..8], &checksum(7, b"hello").to_le_bytes());
        assert_eq!(&buf[8..16], &7u64.to_le_bytes());
        assert_eq!(&buf[16..], b"hello");
        let decoded = decode(&buf, 1024).expect("intact record");
        assert_eq!(
            decoded,
            Decoded {
                sequence: 7,
                payload: b"hello",
                len: 21
            }
        );
    }

    #[test]
    fn damaged_records_are_refused_with_a_reason() {
        let buf = encoded(7, b"hello");
        let short = decode(&buf[..10], 1024).expect_err("short header");
        assert!(short.contains("header incomplete"), "{short}");
        let half = decode(&buf[..18], 1024).expect_err("half payload");
        assert!(half.contains("payload incomplete"), "{half}");
        let long = decode(&buf, 4).expect_err("over the limit");
        assert!(long.contains("over the 4-byte limit"), "{long}");
        let mut flipped = buf.clone();
        flipped[18] ^= 0x01;
        let bad = decode(&flipped, 1024).expect_err("flipped payload byte");
        assert!(bad.contains("checksum mismatch"), "{bad}");
        let mut renumbered = buf;
        renumbered[8] = 8;
        assert!(
            decode(&renumbered, 1024).is_err(),
            "the sequence is under the checksum"
        );
    }
}
