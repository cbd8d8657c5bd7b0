//! Short excerpts of what an outside service said, for error messages: a body that is not in
//! the service's error format (a proxy's HTML page, say) or an id handed in, cut to a length
//! a log line can carry.

/// The most characters of a body an error message quotes.
const BODY_EXCERPT: usize = 200;

/// The start of `body`, trimmed, as text; `empty body` when there is nothing.
pub fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "empty body".to_owned();
    }
    excerpt(text, BODY_EXCERPT)
}

pub use botwot_webhooks::untrusted::excerpt;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_trimmed_and_cut_on_characters() {
        assert_eq!(body_excerpt(b"  <html>oops</html>\n"), "<html>oops</html>");
        assert_eq!(body_excerpt(b" \n"), "empty body");
        assert_eq!(
            body_excerpt("é".repeat(300).as_bytes()).chars().count(),
            203
        );
        assert_eq!(excerpt("abcdef", 3), "abc...");
        assert_eq!(excerpt("abc", 3), "abc");
    }
}
