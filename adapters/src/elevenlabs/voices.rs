//! The voices an agent may speak with (`GET /v1/voices`), as the voice-agent settings offer
//! them (the PRD's `GET /voice-agents/voices`): each voice's id, name, category (`premade`,
//! `cloned`, `generated`, `professional`), a sample to listen to, and its labels (`accent`,
//! `gender`, `age`, ...). Voices without an id, and labels that are not text, are left out.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One voice, as BotWot's API lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceOption {
    pub voice_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// An MP3 of the voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// `GET /v1/voices`, with the parts read here.
#[derive(Deserialize)]
pub(crate) struct VoiceList {
    voices: Vec<RawVoice>,
}

#[derive(Deserialize)]
struct RawVoice {
    #[serde(default)]
    voice_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    preview_url: Option<String>,
    #[serde(default)]
    labels: Option<BTreeMap<String, Value>>,
}

impl VoiceList {
    pub(crate) fn options(self) -> Vec<VoiceOption> {
        self.voices
            .into_iter()
            .filter_map(|voice| {
                let voice_id = voice.voice_id.filter(|id| !id.is_empty())?;
                Some(VoiceOption {
                    name: voice.name.unwrap_or_else(|| voice_id.clone()),
                    voice_id,
                    category: voice.category,
                    preview_url: voice.preview_url,
                    labels: voice
                        .labels
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|(name, value)| match value {
                            Value::String(text) => Some((name, text)),
                            _ => None,
                        })
                        .collect(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn voices_keep_their_text_labels() {
        let list: VoiceList = serde_json::from_value(json!({"voices": [
            {"voice_id": "voice_a", "name": "Meera", "category": "premade",
             "labels": {"accent": "indian", "gender": "female", "rank": 3},
             "preview_url": "https://cdn.example/meera.mp3", "settings": null},
            {"voice_id": "", "name": "Nobody"},
            {"voice_id": "voice_b"}
        ]}))
        .expect("readable");

        let options = list.options();

        assert_eq!(
            options,
            vec![
                VoiceOption {
                    voice_id: "voice_a".into(),
                    name: "Meera".into(),
                    category: Some("premade".into()),
                    preview_url: Some("https://cdn.example/meera.mp3".into()),
                    labels: BTreeMap::from([
                        ("accent".to_owned(), "indian".to_owned()),
                        ("gender".to_owned(), "female".to_owned()),
                    ]),
                },
                VoiceOption {
                    voice_id: "voice_b".into(),
                    name: "voice_b".into(),
                    category: None,
                    preview_url: None,
                    labels: BTreeMap::new(),
                },
            ]
        );
        assert_eq!(
            serde_json::to_value(&options[1]).expect("json"),
            json!({"voiceId": "voice_b", "name": "voice_b"})
        );
    }
}
