//! The field checks a voice agent's settings share: names as providers give them, language
//! tags, function names, `https` endpoints and lists without repeats.

use super::MAX_LANGUAGES;
use crate::validation::ValidationErrors;
use std::collections::HashSet;
use std::fmt::Display;
use std::hash::Hash;

/// The longest provider, model, voice or agent id.
pub const MAX_IDENTIFIER_CHARS: usize = 128;
/// The longest language tag.
pub const MAX_LANGUAGE_TAG_CHARS: usize = 35;
/// The longest function name.
pub const MAX_FUNCTION_NAME_CHARS: usize = 64;
/// The longest webhook address.
pub const MAX_URL_CHARS: usize = 2_048;

/// A provider, model, voice or agent id: 1 to 128 ASCII letters, digits, `-`, `_`, `.`, `:` or
/// `/` (`gpt-4o-mini`, `eleven_turbo_v2_5`, `anthropic.claude-3-haiku-20240307-v1:0`).
pub(super) fn identifier(field: &str, value: &str, errors: &mut ValidationErrors) {
    let well_formed = !value.is_empty()
        && value.len() <= MAX_IDENTIFIER_CHARS
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c));
    if !well_formed {
        errors.add(
            field,
            format!(
                "must be 1 to {MAX_IDENTIFIER_CHARS} letters, digits, `-`, `_`, `.`, `:` or `/`"
            ),
        );
    }
}

/// One to [`MAX_LANGUAGES`] language tags, none repeated (whatever the case).
pub(super) fn languages(field: &str, tags: &[String], errors: &mut ValidationErrors) {
    if tags.is_empty() {
        errors.add(field, "must name at least one language");
    }
    errors.check_max_items(field, tags.len(), MAX_LANGUAGES);
    for (index, tag) in tags.iter().enumerate() {
        language(&format!("{field}[{index}]"), tag, errors);
    }
    let folded: Vec<String> = tags.iter().map(|tag| tag.to_ascii_lowercase()).collect();
    distinct(field, &folded, errors);
}

/// A language tag in the shapes BCP 47 uses most: a language of 2 or 3 letters (`en`, `fil`),
/// then subtags of 1 to 8 letters or digits after `-` (`en-US`, `zh-Hant-TW`, `es-419`).
pub(super) fn language(field: &str, tag: &str, errors: &mut ValidationErrors) {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    let well_formed = tag.len() <= MAX_LANGUAGE_TAG_CHARS
        && (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric())
        });
    if !well_formed {
        errors.add(field, "must be a language tag such as en, en-US or pt-BR");
    }
}

/// A name the model calls a function by: 1 to 64 ASCII letters, digits, `_` or `-`.
pub(super) fn function_name(field: &str, name: &str, errors: &mut ValidationErrors) {
    let well_formed = !name.is_empty()
        && name.len() <= MAX_FUNCTION_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !well_formed {
        errors.add(
            field,
            format!("must be 1 to {MAX_FUNCTION_NAME_CHARS} letters, digits, `_` or `-`"),
        );
    }
}

/// An `https` address with a host and no credentials, no spaces, at most 2,048 characters.
pub(super) fn https_url(field: &str, url: &str, errors: &mut ValidationErrors) {
    let authority = url
        .strip_prefix("https://")
        .and_then(|rest| rest.split(['/', '?', '#']).next());
    let well_formed = authority.is_some_and(|authority| {
        !authority.is_empty() && !authority.starts_with(':') && !authority.contains('@')
    }) && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !well_formed {
        errors.add(
            field,
            format!(
                "must be an https address with a host and no credentials, at most {MAX_URL_CHARS} characters"
            ),
        );
    }
}

/// Reports the first item listed twice.
pub(super) fn distinct<T: Eq + Hash + Display>(
    field: &str,
    items: &[T],
    errors: &mut ValidationErrors,
) {
    let mut seen = HashSet::with_capacity(items.len());
    if let Some(repeated) = items.iter().find(|item| !seen.insert(*item)) {
        errors.add(field, format!("{repeated} is listed twice"));
    }
}
