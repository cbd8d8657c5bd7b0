//! A model's answer to a writing task, read as the JSON asked for and checked: a post's text
//! within its network's length with no empty text, hashtags as `#word` (a `#` added where the
//! model left it out, spaces and duplicates dropped, at most [`MAX_HASHTAGS`]); a media prompt
//! not empty and within [`MAX_MEDIA_PROMPT_CHARS`].

use super::{MAX_HASHTAGS, MAX_MEDIA_PROMPT_CHARS, WritingTask, Written};
use crate::insight::unfenced;
use serde_json::{Map, Value};

pub(super) fn written(task: &WritingTask, answer: &str) -> Result<Written, String> {
    let fields = object(answer)?;
    match task {
        WritingTask::PostCopy { network, .. } => {
            let text = text(&fields, "text", network.max_text_chars())?;
            let hashtags = match fields.get("hashtags") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(tags)) => hashtags(tags)?,
                Some(_) => return Err("hashtags is not a list".to_owned()),
            };
            Ok(Written::PostCopy { text, hashtags })
        }
        WritingTask::MediaPrompt { .. } => Ok(Written::MediaPrompt {
            prompt: text(&fields, "prompt", MAX_MEDIA_PROMPT_CHARS)?,
        }),
    }
}

/// The answer's JSON object (inside a Markdown code fence or not).
fn object(answer: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(unfenced(answer)) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err("not a JSON object".to_owned()),
        Err(error) => Err(format!("not JSON ({error})")),
    }
}

fn text(fields: &Map<String, Value>, name: &str, max_chars: usize) -> Result<String, String> {
    let Some(Value::String(text)) = fields.get(name) else {
        return Err(format!("{name} is missing or not a string"));
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("{name} is empty"));
    }
    if text.chars().count() > max_chars {
        return Err(format!("{name} is longer than {max_chars} characters"));
    }
    Ok(text.to_owned())
}

fn hashtags(tags: &[Value]) -> Result<Vec<String>, String> {
    let mut kept: Vec<String> = Vec::new();
    for tag in tags {
        let Value::String(tag) = tag else {
            return Err("a hashtag is not a string".to_owned());
        };
        let word: String = tag
            .trim()
            .trim_start_matches('#')
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '#')
            .collect();
        if word.is_empty() {
            continue;
        }
        let tag = format!("#{word}");
        if !kept.iter().any(|seen| seen.eq_ignore_ascii_case(&tag)) && kept.len() < MAX_HASHTAGS {
            kept.push(tag);
        }
    }
    Ok(kept)
}
