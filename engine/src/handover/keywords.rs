//! Whether a contact's text asks for a human: a case-insensitive match of whole words or whole
//! phrases, so "agent" matches "an agent please" but not "reagent" or "agents".

/// Whether `text` contains any of `keywords` as whole words (a phrase matches as consecutive
/// words, whatever the punctuation and spacing between them).
pub fn mentions_any(text: &str, keywords: &[String]) -> bool {
    let words = words_of(text);
    keywords.iter().any(|keyword| {
        let phrase = words_of(keyword);
        !phrase.is_empty() && words.windows(phrase.len()).any(|window| window == phrase)
    })
}

/// The lowercase words of `text`, split at anything that is not a letter, digit or apostrophe.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::mentions_any;

    fn keywords(list: &[&str]) -> Vec<String> {
        list.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn whole_words_match_whatever_the_case() {
        let list = keywords(&["human", "agent"]);
        assert!(mentions_any("I want a HUMAN!", &list));
        assert!(mentions_any("agent, please", &list));
        assert!(!mentions_any("the reagent is humane", &list));
        assert!(!mentions_any("", &list));
    }

    #[test]
    fn phrases_match_as_consecutive_words() {
        let list = keywords(&["talk to a person"]);
        assert!(mentions_any("Can I talk  to a   person?", &list));
        assert!(!mentions_any("talk to a personal trainer", &list));
        assert!(!mentions_any("a person to talk to", &list));
    }

    #[test]
    fn blank_keywords_never_match() {
        assert!(!mentions_any("anything", &keywords(&["", " , "])));
    }
}
