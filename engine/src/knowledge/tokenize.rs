//! The keyword tokeniser shared by indexing and querying: lowercase, split on anything that is
//! not a letter or digit, drop English stopwords, fold simple plurals.

/// Common English words that carry no meaning for keyword search.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "d",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "get",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "ll",
    "m",
    "may",
    "me",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "re",
    "s",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "ve",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Whether `word` (already lowercase) is an English stopword.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// The index terms of `text`, in order, repeats kept.
pub fn terms(text: &str) -> Vec<String> {
    words(text)
        .filter(|word| !is_stopword(word))
        .map(|word| fold_plural(&word))
        .collect()
}

/// The lowercase words of `text`: maximal runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Folds an English plural to its singular so `refunds` matches `refund`. Deliberately light:
/// `-ies` → `-y`, and a final `s` is dropped unless the word ends in `ss`, `us` or `is`.
pub fn fold_plural(word: &str) -> String {
    let length = word.chars().count();
    if length > 4
        && let Some(stem) = word.strip_suffix("ies")
    {
        return format!("{stem}y");
    }
    if length > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
        && let Some(stem) = word.strip_suffix('s')
    {
        return stem.to_owned();
    }
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopword_list_is_sorted_for_binary_search() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOPWORDS.to_vec());
    }

    #[test]
    fn terms_are_lowercase_words_without_stopwords() {
        assert_eq!(
            terms("What is the Refund policy, for WhatsApp-orders?"),
            vec!["refund", "policy", "whatsapp", "order"]
        );
    }

    #[test]
    fn unicode_words_split_on_punctuation_and_keep_accents() {
        assert_eq!(
            terms("Café—crème, naïve résumé"),
            vec!["café", "crème", "naïve", "résumé"]
        );
        assert_eq!(terms("東京 2024"), vec!["東京", "2024"]);
    }

    #[test]
    fn plurals_fold_but_other_endings_stay() {
        assert_eq!(fold_plural("policies"), "policy");
        assert_eq!(fold_plural("refunds"), "refund");
        assert_eq!(fold_plural("address"), "address");
        assert_eq!(fold_plural("status"), "status");
        assert_eq!(fold_plural("analysis"), "analysis");
        assert_eq!(fold_plural("bus"), "bus");
    }
}
