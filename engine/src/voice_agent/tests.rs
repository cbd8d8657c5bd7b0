//! Voice agent settings: defaults, the wire shape and every validation rule.

use super::*;
use serde_json::json;

fn fields_at_fault(settings: &VoiceAgentSettings) -> Vec<String> {
    match settings.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|error| error.field).collect(),
    }
}

fn webhook(name: &str, url: &str) -> VoiceAgentWebhook {
    VoiceAgentWebhook {
        name: name.to_owned(),
        url: url.to_owned(),
        description: String::new(),
    }
}

#[test]
fn a_name_and_defaults_validate() {
    let settings = VoiceAgentSettings::named("Reception");
    assert_eq!(fields_at_fault(&settings), Vec::<String>::new());
    assert_eq!(settings.languages, ["en"]);
    assert_eq!(settings.status, VoiceAgentStatus::Active);
    assert_eq!(settings.agent_type, VoiceAgentType::ElevenLabs);
}

#[test]
fn a_request_names_only_what_it_changes() {
    let settings: VoiceAgentSettings = serde_json::from_value(json!({
        "name": "Sales line",
        "agentType": "CUSTOM",
        "externalAgentId": "agent_01jx",
        "status": "INACTIVE",
        "languages": ["en-US", "es"],
        "llmConfig": {"temperature": 0.2},
        "ttsConfig": {"voice": "21m00Tcm4TlvDq8ikWAM", "speed": 1.25},
        "promptConfig": {"greeting": "Hello, sales here."},
        "maxCallDurationSecs": 900,
        "webhooks": [{"name": "book_slot", "url": "https://cal.example/book"}]
    }))
    .unwrap();
    assert_eq!(settings.agent_type, VoiceAgentType::Custom);
    assert_eq!(settings.status, VoiceAgentStatus::Inactive);
    assert_eq!(settings.llm_config.temperature, 0.2);
    assert_eq!(
        settings.llm_config.max_tokens,
        LlmConfig::default().max_tokens
    );
    assert_eq!(
        settings.tts_config.stability,
        TtsConfig::default().stability
    );
    assert_eq!(settings.prompt_config.greeting, "Hello, sales here.");
    assert_eq!(settings.webhooks[0].description, "");
    assert!(settings.validate().is_ok());

    let back = serde_json::to_value(&settings).unwrap();
    assert_eq!(back["agentType"], "CUSTOM");
    assert_eq!(back["externalAgentId"], "agent_01jx");
    assert_eq!(back["ttsConfig"]["voiceStyle"], 0.0);
    assert_eq!(back["sttConfig"]["provider"], "elevenlabs");
    assert!(back.get("sttConfig").unwrap().get("language").is_none());
}

#[test]
fn unknown_fields_are_refused_at_every_level() {
    for body in [
        json!({"name": "A", "colour": "red"}),
        json!({"name": "A", "llmConfig": {"temp": 1}}),
        json!({"name": "A", "webhooks": [{"name": "f", "url": "https://x.test", "method": "GET"}]}),
    ] {
        let parsed: Result<VoiceAgentSettings, _> = serde_json::from_value(body.clone());
        assert!(parsed.is_err(), "{body}");
    }
}

#[test]
fn numbers_outside_their_ranges_are_named() {
    let mut settings = VoiceAgentSettings::named("A");
    settings.llm_config.temperature = 2.5;
    settings.llm_config.max_tokens = 0;
    settings.tts_config.stability = -0.1;
    settings.tts_config.clarity = 1.5;
    settings.tts_config.voice_style = 2.0;
    settings.tts_config.speed = 0.25;
    settings.max_call_duration_secs = 29;
    assert_eq!(
        fields_at_fault(&settings),
        [
            "llmConfig.temperature",
            "llmConfig.maxTokens",
            "ttsConfig.voiceStyle",
            "ttsConfig.stability",
            "ttsConfig.clarity",
            "ttsConfig.speed",
            "maxCallDurationSecs",
        ]
    );

    let mut edges = VoiceAgentSettings::named("A");
    edges.llm_config.temperature = 2.0;
    edges.llm_config.max_tokens = 8_192;
    edges.tts_config.speed = 0.5;
    edges.max_call_duration_secs = 14_400;
    assert!(edges.validate().is_ok());
    edges.llm_config.max_tokens = 8_193;
    edges.max_call_duration_secs = 14_401;
    assert_eq!(
        fields_at_fault(&edges),
        ["llmConfig.maxTokens", "maxCallDurationSecs"]
    );
}

#[test]
fn names_ids_and_texts_are_bounded() {
    let mut settings = VoiceAgentSettings::named("  ");
    settings.external_agent_id = Some("has spaces".into());
    settings.stt_config.model = String::new();
    settings.llm_config.provider = "a".repeat(129);
    settings.tts_config.voice = "no/空".into();
    settings.prompt_config.system_prompt = "x".repeat(MAX_PROMPT_CHARS + 1);
    settings.prompt_config.greeting = "x".repeat(MAX_LINE_CHARS + 1);
    assert_eq!(
        fields_at_fault(&settings),
        [
            "name",
            "externalAgentId",
            "sttConfig.model",
            "llmConfig.provider",
            "ttsConfig.voice",
            "promptConfig.systemPrompt",
            "promptConfig.greeting",
        ]
    );
}

#[test]
fn languages_are_tags_listed_once() {
    let mut settings = VoiceAgentSettings::named("A");
    for good in [
        vec!["en"],
        vec!["en-US", "pt-BR", "fil"],
        vec!["zh-Hant-TW", "es-419"],
    ] {
        settings.languages = good.iter().map(|tag| (*tag).to_owned()).collect();
        assert!(settings.validate().is_ok(), "{good:?}");
    }
    for bad in [
        "e",
        "english",
        "en_US",
        "en-",
        "-US",
        "en-toolongsubtag",
        "12",
    ] {
        settings.languages = vec![bad.to_owned()];
        assert_eq!(fields_at_fault(&settings), ["languages[0]"], "{bad}");
    }
    settings.languages = vec!["en-US".into(), "EN-us".into()];
    assert_eq!(fields_at_fault(&settings), ["languages"]);
    settings.languages = Vec::new();
    assert_eq!(fields_at_fault(&settings), ["languages"]);
    settings.languages = (0..=MAX_LANGUAGES).map(|n| format!("en-{n:03}")).collect();
    assert_eq!(fields_at_fault(&settings), ["languages"]);
    settings.languages = vec!["en".into()];
    settings.stt_config.language = Some("en US".into());
    assert_eq!(fields_at_fault(&settings), ["sttConfig.language"]);
}

#[test]
fn webhooks_are_named_functions_on_https() {
    let mut settings = VoiceAgentSettings::named("A");
    settings.webhooks = vec![
        webhook("book_slot", "https://cal.example/book?x=1"),
        webhook("look-up", "https://api.example:8443/orders"),
    ];
    assert!(settings.validate().is_ok());
    settings.webhooks = vec![
        webhook("book slot", "https://cal.example"),
        webhook("plain", "http://cal.example"),
        webhook("creds", "https://user:pw@cal.example"),
        webhook("nohost", "https:///path"),
        webhook("spaces", "https://cal.example/a b"),
    ];
    assert_eq!(
        fields_at_fault(&settings),
        [
            "webhooks[0].name",
            "webhooks[1].url",
            "webhooks[2].url",
            "webhooks[3].url",
            "webhooks[4].url",
        ]
    );
    settings.webhooks = vec![
        webhook("same", "https://a.example"),
        webhook("same", "https://b.example"),
    ];
    assert_eq!(fields_at_fault(&settings), ["webhooks"]);
    settings.webhooks = (0..=MAX_WEBHOOKS)
        .map(|n| webhook(&format!("f{n}"), "https://a.example"))
        .collect();
    assert_eq!(fields_at_fault(&settings), ["webhooks"]);
}

#[test]
fn phrases_and_knowledge_bases_are_bounded_lists() {
    let mut settings = VoiceAgentSettings::named("A");
    settings.end_call_phrases = vec!["goodbye".into(), " ".into()];
    settings.knowledge_base_ids =
        vec![KnowledgeBaseId::from("kb_1"), KnowledgeBaseId::from("kb_1")];
    assert_eq!(
        fields_at_fault(&settings),
        ["knowledgeBaseIds", "endCallPhrases[1]"]
    );
    settings.end_call_phrases = vec!["bye".into(); MAX_END_CALL_PHRASES + 1];
    settings.knowledge_base_ids = (0..=MAX_KNOWLEDGE_BASES)
        .map(|n| KnowledgeBaseId::new(format!("kb_{n}")))
        .collect();
    assert_eq!(
        fields_at_fault(&settings),
        ["knowledgeBaseIds", "endCallPhrases"]
    );
}

#[test]
fn a_stored_agent_keeps_its_settings_beside_its_id() {
    let agent = VoiceAgent::create(
        TenantId::from("acme"),
        VoiceAgentSettings::named("Reception"),
        Timestamp(1_000),
    );
    assert!(agent.id.as_str().starts_with("va_"));
    let stored = serde_json::to_value(&agent).unwrap();
    assert_eq!(stored["name"], "Reception");
    assert_eq!(stored["tenantId"], "acme");
    let back: VoiceAgent = serde_json::from_value(stored).unwrap();
    assert_eq!(back, agent);
}
