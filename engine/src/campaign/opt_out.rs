//! Which replies mean "no more campaign messages". WhatsApp requires businesses to honour an
//! opt-out; people write it in a few ways. A reply that is only one of these words (any case,
//! surrounding spaces and a final `.` or `!` ignored) opts the contact out of every running
//! campaign of the organisation; a sentence that merely contains "stop" does not.

/// The replies that opt a contact out.
/// (Not "cancel": a customer answering an order confirmation may mean the order.)
pub const OPT_OUT_REPLIES: [&str; 5] = ["stop", "stop all", "unsubscribe", "opt out", "opt-out"];

/// Whether `text` is an opt-out reply.
pub fn is_opt_out_reply(text: &str) -> bool {
    let text = text.trim().trim_end_matches(['.', '!']).trim();
    OPT_OUT_REPLIES
        .iter()
        .any(|reply| reply.eq_ignore_ascii_case(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opt_out_words_alone_opt_out_in_any_case() {
        for text in [
            "STOP",
            "stop",
            " Stop. ",
            "Unsubscribe!",
            "opt out",
            "STOP ALL",
        ] {
            assert!(is_opt_out_reply(text), "{text}");
        }
    }

    #[test]
    fn a_sentence_with_stop_in_it_does_not() {
        for text in [
            "please don't stop",
            "stop by the shop",
            "stopped",
            "cancel",
            "",
            "!",
        ] {
            assert!(!is_opt_out_reply(text), "{text}");
        }
    }
}
