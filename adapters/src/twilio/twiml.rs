//! TwiML that BotWot writes itself: when a call cannot be handed to its agent (the agent is
//! inactive, the conversational AI is down), Twilio is answered with a short message read out
//! and a hang-up rather than an error, which callers would hear as "an application error has
//! occurred".

/// TwiML that reads `text` out (in `language`, a BCP 47 tag such as `en-US`, when given) and
/// hangs up.
pub fn say_and_hang_up(text: &str, language: Option<&str>) -> String {
    let language = language
        .map(|language| format!(r#" language="{}""#, escape(language)))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say{language}>{}</Say><Hangup/></Response>"#,
        escape(text)
    )
}

/// TwiML that hangs up at once (Twilio asking about a call that is over already).
pub fn hang_up() -> String {
    r#"<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>"#.to_owned()
}

/// `text` safe inside an XML element or a double- or single-quoted attribute. Characters XML
/// 1.0 does not allow at all (most control characters) are dropped.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_said_then_the_call_ends() {
        assert_eq!(
            say_and_hang_up("Sorry, nobody can take your call.", Some("en-GB")),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-GB">Sorry, nobody can take your call.</Say><Hangup/></Response>"#
        );
        assert_eq!(
            say_and_hang_up("Bye", None),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Bye</Say><Hangup/></Response>"#
        );
    }

    #[test]
    fn markup_in_the_text_and_language_is_escaped() {
        let twiml = say_and_hang_up(
            r#"Tom & Jerry's <Hangup/> "shop"</Say><Play>x</Play>"#,
            Some(r#"en"><Dial>+1"#),
        );
        assert_eq!(
            twiml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#,
                r#"<Say language="en&quot;&gt;&lt;Dial&gt;+1">"#,
                "Tom &amp; Jerry&apos;s &lt;Hangup/&gt; &quot;shop&quot;&lt;/Say&gt;&lt;Play&gt;x&lt;/Play&gt;",
                "</Say><Hangup/></Response>"
            )
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_dropped() {
        assert_eq!(escape("a\u{0}b\u{1b}c\nd\u{FFFF}é"), "abc\ndé");
    }
}
