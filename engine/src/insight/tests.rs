use super::*;
use crate::message::{Author, Delivery, Direction, Message, MessageBody};

fn read(kind: InsightKind, answer: &str) -> Result<InsightResult, MalformedInsight> {
    InsightResult::from_model(kind, answer)
}

/// Asserts the answer is refused as the `kind` analysis.
fn refuses(kind: InsightKind, answer: &str) {
    assert!(read(kind, answer).is_err(), "{answer} was read as {kind}");
}

fn message(seq: u64, direction: Direction, author: Author, text: &str) -> Message {
    Message {
        id: format!("m{seq}").as_str().into(),
        tenant_id: TenantId::from("t1"),
        session_id: SessionId::new("s1"),
        seq,
        direction,
        author,
        body: MessageBody::text(text),
        provider_message_id: None,
        created_at: Timestamp(seq as i64),
        delivery: Delivery::default(),
    }
}

#[test]
fn kinds_are_named_as_the_api_spells_them_and_parse_back() {
    for kind in InsightKind::ALL {
        assert_eq!(InsightKind::parse(kind.as_str()), Some(kind));
        let json = serde_json::to_value(kind).unwrap();
        assert_eq!(json, kind.as_str());
    }
    assert_eq!(InsightKind::parse("horoscope"), None);
    assert!(InsightKind::names().contains("support-steps"));
}

#[test]
fn sentiment_is_rounded_to_whole_percentages_summing_to_100() {
    let shares = read(
        InsightKind::Sentiment,
        r#"{"positive": 33.4, "negative": 33.3, "neutral": 33.3}"#,
    )
    .unwrap();
    assert_eq!(
        shares,
        InsightResult::Sentiment {
            positive: 34,
            negative: 33,
            neutral: 33
        }
    );
    // Shares that do not sum to 100 are scaled to it.
    let scaled = read(
        InsightKind::Sentiment,
        r#"{"positive": 1, "negative": 1, "neutral": 2}"#,
    )
    .unwrap();
    assert_eq!(
        scaled,
        InsightResult::Sentiment {
            positive: 25,
            negative: 25,
            neutral: 50
        }
    );
    for bad in [
        r#"{"positive": 0, "negative": 0, "neutral": 0}"#,
        r#"{"positive": 120, "negative": 0, "neutral": 0}"#,
        r#"{"positive": -5, "negative": 50, "neutral": 55}"#,
        r#"{"positive": "lots", "negative": 0, "neutral": 0}"#,
        r#"{"positive": 50, "negative": 50}"#,
    ] {
        refuses(InsightKind::Sentiment, bad);
    }
}

#[test]
fn choices_match_whatever_case_and_separators_the_model_uses() {
    for spelt in ["Sales_Lead", "sales lead", "SALES-LEAD", "salesLead"] {
        let answer = format!(r#"{{"intent": "{spelt}", "confidence": 0.8}}"#);
        assert_eq!(
            read(InsightKind::Intent, &answer).unwrap(),
            InsightResult::Intent {
                intent: Intent::SalesLead,
                confidence: 0.8
            }
        );
    }
    let refused = read(InsightKind::Emotion, r#"{"dominant": "boredom"}"#).unwrap_err();
    assert!(refused.reason.contains("boredom"), "{refused}");
}

#[test]
fn a_confidence_given_in_percent_means_the_same_and_outside_it_is_refused() {
    let percent = read(
        InsightKind::Intent,
        r#"{"intent": "complaint", "confidence": 85}"#,
    )
    .unwrap();
    assert_eq!(
        percent,
        InsightResult::Intent {
            intent: Intent::Complaint,
            confidence: 0.85
        }
    );
    refuses(
        InsightKind::Intent,
        r#"{"intent": "complaint", "confidence": 140}"#,
    );
}

#[test]
fn texts_are_cut_at_their_word_limit_and_an_empty_one_is_refused() {
    let long = vec!["word"; 80].join(" ");
    let answer = format!(r#"{{"summary": "{long}"}}"#);
    let InsightResult::Summary { summary } = read(InsightKind::Summary, &answer).unwrap() else {
        panic!("not a summary");
    };
    assert_eq!(summary.split_whitespace().count(), SUMMARY_WORDS);
    let answer = format!(r#"{{"reason": "{long}"}}"#);
    let InsightResult::Reason { reason } = read(InsightKind::Reason, &answer).unwrap() else {
        panic!("not a reason");
    };
    assert_eq!(reason.split_whitespace().count(), SHORT_TEXT_WORDS);
    refuses(InsightKind::Cause, r#"{"cause": "   "}"#);
}

#[test]
fn support_steps_are_exactly_three() {
    let four = r#"{"steps": ["Refund", "Apologise", "Follow up", "Close"]}"#;
    let InsightResult::SupportSteps { steps } = read(InsightKind::SupportSteps, four).unwrap()
    else {
        panic!("not steps");
    };
    assert_eq!(steps, ["Refund", "Apologise", "Follow up"]);
    refuses(InsightKind::SupportSteps, r#"{"steps": ["Refund", " "]}"#);
}

#[test]
fn lists_drop_blank_items_and_keep_a_few() {
    let answer = r#"{"interest": "High", "purchaseSignals": ["asked the price", "", "a","b","c","d","e"],
        "objections": [], "nextActions": ["send a quote"]}"#;
    let InsightResult::Sales {
        interest,
        purchase_signals,
        objections,
        next_actions,
    } = read(InsightKind::Sales, answer).unwrap()
    else {
        panic!("not sales");
    };
    assert_eq!(interest, Level::High);
    assert_eq!(purchase_signals.len(), MAX_LIST_ITEMS);
    assert_eq!(purchase_signals[0], "asked the price");
    assert!(objections.is_empty());
    assert_eq!(next_actions, ["send a quote"]);
    refuses(
        InsightKind::Sales,
        r#"{"interest": "high", "purchaseSignals": [3], "objections": [], "nextActions": []}"#,
    );
}

#[test]
fn a_fenced_answer_is_read_and_prose_is_refused() {
    let fenced = "```json\n{\"score\": 7, \"improvements\": [\"cite the policy\"]}\n```";
    assert_eq!(
        read(InsightKind::ResponseQuality, fenced).unwrap(),
        InsightResult::ResponseQuality {
            score: 7,
            improvements: vec!["cite the policy".into()]
        }
    );
    let prose = read(InsightKind::ResponseQuality, "I'd give it a 7.").unwrap_err();
    assert!(prose.reason.contains("not JSON"), "{prose}");
    refuses(InsightKind::ResponseQuality, "[7]");
    refuses(
        InsightKind::ResponseQuality,
        r#"{"score": 11, "improvements": []}"#,
    );
    refuses(
        InsightKind::Vulnerability,
        r#"{"atRisk": "yes", "severity": "low", "signals": []}"#,
    );
}

#[test]
fn results_round_trip_through_json_with_their_kind() {
    let result = InsightResult::Vulnerability {
        at_risk: true,
        severity: Level::Medium,
        signals: vec!["third late delivery".into()],
    };
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["kind"], "vulnerability");
    assert_eq!(json["atRisk"], true);
    assert_eq!(
        serde_json::from_value::<InsightResult>(json).unwrap(),
        result
    );
    assert_eq!(result.kind(), InsightKind::Vulnerability);
}

#[test]
fn the_prompt_reads_the_conversation_without_internal_notes() {
    let messages = [
        message(
            1,
            Direction::Inbound,
            Author::Contact,
            "where is my  order?",
        ),
        message(2, Direction::Outbound, Author::Bot, "Let me check."),
        message(
            3,
            Direction::Internal,
            Author::Agent {
                agent_id: "u1".into(),
            },
            "customer is a VIP",
        ),
        message(
            4,
            Direction::Outbound,
            Author::Agent {
                agent_id: "u1".into(),
            },
            "It ships today.",
        ),
    ];
    let prompt = InsightPrompt::new(InsightKind::Summary, &messages).unwrap();
    assert_eq!(
        prompt.transcript,
        "Customer: where is my order?\nBot: Let me check.\nAgent: It ships today."
    );
    assert!(prompt.system.contains("\"summary\""), "{}", prompt.system);
    assert!(prompt.system.contains("not instructions"));
}

#[test]
fn the_prompt_keeps_the_latest_messages_that_fit() {
    let messages: Vec<Message> = (1..=2_000)
        .map(|seq| {
            message(
                seq,
                Direction::Inbound,
                Author::Contact,
                &format!("message number {seq}"),
            )
        })
        .collect();
    let prompt = InsightPrompt::new(InsightKind::Intent, &messages).unwrap();
    assert!(prompt.transcript.chars().count() <= MAX_TRANSCRIPT_CHARS);
    assert!(prompt.transcript.ends_with("message number 2000"));
    assert!(!prompt.transcript.contains("message number 1\n"));
    // One message longer than the whole budget is cut, not left out.
    let huge = message(1, Direction::Inbound, Author::Contact, &"x".repeat(40_000));
    let prompt = InsightPrompt::new(InsightKind::Intent, &[huge]).unwrap();
    assert_eq!(prompt.transcript.chars().count(), MAX_TRANSCRIPT_CHARS);
    // Nothing said: nothing to analyse.
    let note = message(1, Direction::Internal, Author::System, "note");
    assert_eq!(InsightPrompt::new(InsightKind::Intent, &[note]), None);
}

#[test]
fn an_insight_is_current_until_the_conversation_moves_on() {
    let insight = SessionInsight {
        tenant_id: TenantId::from("t1"),
        session_id: SessionId::new("s1"),
        result: InsightResult::Cause {
            cause: "late delivery".into(),
        },
        through_seq: 4,
        provider: crate::bot::LlmProvider::Openai,
        analysed_at: Timestamp(0),
    };
    assert!(insight.is_current(4));
    assert!(!insight.is_current(5));
    assert_eq!(insight.id(), "s1:cause");
}
