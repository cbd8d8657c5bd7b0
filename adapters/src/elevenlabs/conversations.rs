//! Finding the conversation of one Twilio call. ElevenLabs' listing (`GET
//! /v1/convai/conversations`) filters by agent and start time but does not name the call, so
//! the agent's conversations that started within [`WINDOW_SECS`] of the call are listed
//! ([`PAGE_SIZE`] a page, following `next_cursor` while `has_more`, [`MAX_PAGES`] pages at
//! most), then fetched one by one, nearest start first, until one's
//! `metadata.phone_call.call_sid` is the call's.

use botwot_engine::time::Timestamp;
use serde::Deserialize;

/// How far from the call's start a conversation may have started, either way.
pub(crate) const WINDOW_SECS: i64 = 10 * 60;
/// The most conversations one page lists (ElevenLabs' own limit).
pub(crate) const PAGE_SIZE: u32 = 100;
/// The most pages listed for one call.
pub(crate) const MAX_PAGES: usize = 5;

/// One page of the listing, with the parts read here.
#[derive(Deserialize)]
pub(crate) struct Page {
    #[serde(default)]
    pub conversations: Vec<Listed>,
    #[serde(default)]
    pub has_more: bool,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// A listed conversation: its id and when it started.
#[derive(Deserialize)]
pub(crate) struct Listed {
    pub conversation_id: String,
    #[serde(default)]
    pub start_time_unix_secs: Option<i64>,
}

impl Page {
    /// The cursor of the next page, when there is one.
    pub(crate) fn next(&self) -> Option<&str> {
        self.next_cursor
            .as_deref()
            .filter(|cursor| self.has_more && !cursor.is_empty())
    }
}

/// The listing's query for `agent_id`'s conversations around `around`, from `cursor` on.
pub(crate) fn list_query(
    agent_id: &str,
    around: Timestamp,
    cursor: Option<&str>,
) -> Vec<(&'static str, String)> {
    let secs = around.millis().div_euclid(1000);
    let mut query = vec![
        ("agent_id", agent_id.to_owned()),
        ("call_start_after_unix", (secs - WINDOW_SECS).to_string()),
        ("call_start_before_unix", (secs + WINDOW_SECS).to_string()),
        ("page_size", PAGE_SIZE.to_string()),
    ];
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor.to_owned()));
    }
    query
}

/// The ids of `listed` worth fetching, once each, nearest start to `around` first (those
/// without a start last); ids that cannot go into a path are left out.
pub(crate) fn nearest_first(listed: Vec<Listed>, around: Timestamp) -> Vec<String> {
    let secs = around.millis().div_euclid(1000);
    let mut listed: Vec<Listed> = listed
        .into_iter()
        .filter(|conversation| is_conversation_id(&conversation.conversation_id))
        .collect();
    listed.sort_by_key(|conversation| {
        conversation
            .start_time_unix_secs
            .map_or(u64::MAX, |start| start.abs_diff(secs))
    });
    let mut ids: Vec<String> = Vec::with_capacity(listed.len());
    for conversation in listed {
        if !ids.contains(&conversation.conversation_id) {
            ids.push(conversation.conversation_id);
        }
    }
    ids
}

/// ElevenLabs' conversation ids: letters, digits, `_` and `-` (`conv_01jx…`), of a sane length.
pub(crate) fn is_conversation_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: &str, start: Option<i64>) -> Listed {
        Listed {
            conversation_id: id.to_owned(),
            start_time_unix_secs: start,
        }
    }

    #[test]
    fn the_query_spans_ten_minutes_either_way() {
        let around = Timestamp::from_millis(1_700_000_000_999);
        assert_eq!(
            list_query("agent_01", around, None),
            vec![
                ("agent_id", "agent_01".to_owned()),
                ("call_start_after_unix", "1699999400".to_owned()),
                ("call_start_before_unix", "1700000600".to_owned()),
                ("page_size", "100".to_owned()),
            ]
        );
        assert_eq!(
            list_query("agent_01", around, Some("c2")).last(),
            Some(&("cursor", "c2".to_owned()))
        );
    }

    #[test]
    fn nearest_starts_come_first_once_each() {
        let around = Timestamp::from_millis(1_000_000);
        let ids = nearest_first(
            vec![
                listed("far", Some(400)),
                listed("unknown", None),
                listed("near", Some(1_010)),
                listed("bad/../id", Some(1_000)),
                listed("near", Some(1_010)),
                listed("before", Some(980)),
            ],
            around,
        );
        assert_eq!(ids, ["near", "before", "far", "unknown"]);
    }

    #[test]
    fn only_more_pages_have_a_cursor() {
        let page = |has_more, cursor: Option<&str>| Page {
            conversations: Vec::new(),
            has_more,
            next_cursor: cursor.map(str::to_owned),
        };
        assert_eq!(page(true, Some("c2")).next(), Some("c2"));
        assert_eq!(page(false, Some("c2")).next(), None);
        assert_eq!(page(true, None).next(), None);
        assert_eq!(page(true, Some("")).next(), None);
    }
}
