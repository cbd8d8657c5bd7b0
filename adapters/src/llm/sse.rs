//! Server-sent events, as OpenAI-compatible servers stream completions: bytes in any chunking,
//! out come the `data` of each complete event. Lines end in LF or CRLF; an event ends at a blank
//! line; its `data:` lines are joined with newlines; comments and other fields are ignored.

/// Reassembles events from a byte stream cut anywhere.
#[derive(Debug, Default)]
pub struct SseDecoder {
    pending: Vec<u8>,
    data: Vec<String>,
}

impl SseDecoder {
    /// Takes the next bytes and returns the data of every event they complete, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.pending.iter().position(|&byte| byte == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if !self.data.is_empty() {
                    events.push(self.data.join("\n"));
                    self.data.clear();
                }
            } else if let Some(value) = line.strip_prefix("data:") {
                self.data
                    .push(value.strip_prefix(' ').unwrap_or(value).to_owned());
            }
        }
        events
    }

    /// The data of an event the stream ended without a blank line after, if any.
    pub fn finish(&mut self) -> Option<String> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            let rest = String::from_utf8_lossy(&rest).into_owned();
            if let Some(value) = rest.trim_end_matches('\r').strip_prefix("data:") {
                self.data
                    .push(value.strip_prefix(' ').unwrap_or(value).to_owned());
            }
        }
        (!self.data.is_empty()).then(|| std::mem::take(&mut self.data).join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_any_chunking() {
        let stream = b": keep-alive\r\n\r\ndata: {\"a\":1}\r\n\r\ndata: first\ndata: second\n\ndata: [DONE]\n\n";
        for cut in 1..stream.len() {
            let mut decoder = SseDecoder::default();
            let mut events = decoder.push(&stream[..cut]);
            events.extend(decoder.push(&stream[cut..]));
            assert_eq!(
                events,
                vec!["{\"a\":1}", "first\nsecond", "[DONE]"],
                "cut at {cut}"
            );
            assert_eq!(decoder.finish(), None);
        }
    }

    #[test]
    fn an_unterminated_last_event_is_kept() {
        let mut decoder = SseDecoder::default();
        assert!(decoder.push(b"data: [DONE]").is_empty());
        assert_eq!(decoder.finish().as_deref(), Some("[DONE]"));
    }
}
