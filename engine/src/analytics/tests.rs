//! The analytics over a small hand-built set of conversations; every expected figure is worked
//! out by hand in the comments.

use super::*;
use crate::bot::{BotProfile, BotSettings};
use crate::channel::Channel;
use crate::ids::{MessageId, TenantId};
use crate::message::{Author, Delivery, Direction, Message, MessageBody};
use crate::session::{SessionKey, SessionRules, SessionState, SessionStatus};
use crate::time::Timestamp;

const SECOND: i64 = 1_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// 2025-11-25T00:00:00Z, a UTC midnight.
const T0: i64 = 1_764_028_800_000;

/// What a test message is: who wrote it, and how many ms after the session's creation.
enum By {
    Contact,
    Bot,
    Agent,
    System,
    Note,
}

fn session(channel: Channel, created: i64, closed: bool) -> SessionState {
    let tenant = TenantId::from("t1");
    let bot = BotProfile::create(tenant.clone(), BotSettings::named("Ava"), Timestamp(0));
    let key = SessionKey::new(tenant, channel, "acct", format!("c{created}"));
    let rules = SessionRules::from_bot(&bot, channel);
    let mut state = SessionState::new(key, "bot_1".into(), rules, Timestamp(created));
    if closed {
        state.status = SessionStatus::Closed;
        state.closed_at = Some(Timestamp(created + HOUR));
    }
    state
}

fn transcript(session: &SessionState, script: &[(By, i64)]) -> Vec<Message> {
    script
        .iter()
        .enumerate()
        .map(|(n, (by, after))| {
            let (direction, author) = match by {
                By::Contact => (Direction::Inbound, Author::Contact),
                By::Bot => (Direction::Outbound, Author::Bot),
                By::Agent => (Direction::Outbound, agent()),
                By::System => (Direction::Outbound, Author::System),
                By::Note => (Direction::Internal, agent()),
            };
            Message {
                id: MessageId::generate(),
                tenant_id: session.key.tenant_id.clone(),
                session_id: session.id.clone(),
                seq: n as u64 + 1,
                direction,
                author,
                body: MessageBody::text("..."),
                provider_message_id: None,
                created_at: Timestamp(session.created_at.millis() + after),
                delivery: Delivery::default(),
            }
        })
        .collect()
}

fn agent() -> Author {
    Author::Agent {
        agent_id: "usr_alice".into(),
    }
}

fn facts(channel: Channel, created: i64, closed: bool, script: &[(By, i64)]) -> ConversationFacts {
    let state = session(channel, created, closed);
    ConversationFacts::from_transcript(&state, &transcript(&state, script))
}

/// Five conversations, four of them in `[T0, T0 + 3 days)`:
/// - A (web, day 0, closed): contact 0 s, bot 2 s, contact 10 s, bot 11 s.
///   First response 2,000; responses 2,000 and 1,000; bot only; resolved; 4 messages.
/// - B (whatsapp, day 1, closed): bot greeting 0 s (before the contact: not a response), contact
///   5 s, contact 6 s, system warning 60 s (not a reply), agent 65 s, private note 66 s.
///   First response 60,000; responses 60,000 and 59,000; agent; resolved; 5 visible messages.
/// - C (web, day 1, open): contact 0, bot 0.5 s, contact 20 s (unanswered).
///   First response 500; responses 500; bot only; active; 3 messages.
/// - D (messenger, day 2, closed): contact 0 s only. Unanswered; closed but not resolved.
/// - E (web, an hour before T0): outside the range, ignored.
fn sample() -> Vec<ConversationFacts> {
    use By::*;
    vec![
        facts(
            Channel::Web,
            T0 + HOUR,
            true,
            &[
                (Contact, 0),
                (Bot, 2 * SECOND),
                (Contact, 10 * SECOND),
                (Bot, 11 * SECOND),
            ],
        ),
        facts(
            Channel::WhatsApp,
            T0 + DAY + 2 * HOUR,
            true,
            &[
                (Bot, 0),
                (Contact, 5 * SECOND),
                (Contact, 6 * SECOND),
                (System, 60 * SECOND),
                (Agent, 65 * SECOND),
                (Note, 66 * SECOND),
            ],
        ),
        facts(
            Channel::Web,
            T0 + DAY + 3 * HOUR,
            false,
            &[(Contact, 0), (Bot, 500), (Contact, 20 * SECOND)],
        ),
        facts(Channel::Messenger, T0 + 2 * DAY, true, &[(Contact, 0)]),
        facts(Channel::Web, T0 - HOUR, true, &[(Contact, 0), (Bot, 1)]),
    ]
}

fn three_days() -> ReportRange {
    ReportRange::new(Timestamp(T0), Timestamp(T0 + 3 * DAY)).expect("range")
}

#[test]
fn facts_of_each_conversation() {
    let all = sample();
    let summary: Vec<_> = all
        .iter()
        .map(|f| {
            (
                f.handling,
                f.first_response_ms,
                f.response_times_ms.clone(),
                f.message_count,
                f.is_resolved(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (Handling::Bot, Some(2_000), vec![2_000, 1_000], 4, true),
            (Handling::Agent, Some(60_000), vec![60_000, 59_000], 5, true),
            (Handling::Bot, Some(500), vec![500], 3, false),
            (Handling::Unanswered, None, vec![], 1, false),
            (Handling::Bot, Some(1), vec![1], 2, true),
        ]
    );
}

#[test]
fn headline_figures_match_the_hand_computed_ones() {
    let metrics = DashboardMetrics::compute(three_days(), &sample(), false);
    // A, B, C, D; C is open; A, B, D closed, A and B resolved: 2 / 3.
    assert_eq!(metrics.total_conversations, 4);
    assert_eq!(metrics.active_sessions, 1);
    assert_eq!(metrics.closed_conversations, 3);
    assert_eq!(metrics.resolved_conversations, 2);
    assert_eq!(metrics.resolution_rate, Some(2.0 / 3.0));
    assert_eq!(metrics.average_satisfaction, None);
    assert!(!metrics.truncated);
}

#[test]
fn response_times_are_nearest_rank_percentiles() {
    let metrics = DashboardMetrics::compute(three_days(), &sample(), false);
    // First responses sorted: 500, 2,000, 60,000 (n = 3). Ranks: p50 ceil(1.5) = 2 -> 2,000;
    // p90 ceil(2.7) = 3 -> 60,000; p95 ceil(2.85) = 3 -> 60,000.
    assert_eq!(
        metrics.first_response_ms,
        Percentiles {
            p50: Some(2_000),
            p90: Some(60_000),
            p95: Some(60_000),
            count: 3
        }
    );
    // All responses sorted: 500, 1,000, 2,000, 59,000, 60,000 (n = 5). Ranks: p50 ceil(2.5) = 3
    // -> 2,000; p90 ceil(4.5) = 5 -> 60,000; p95 ceil(4.75) = 5 -> 60,000.
    assert_eq!(
        metrics.response_ms,
        Percentiles {
            p50: Some(2_000),
            p90: Some(60_000),
            p95: Some(60_000),
            count: 5
        }
    );
}

#[test]
fn channels_handling_and_series() {
    let metrics = DashboardMetrics::compute(three_days(), &sample(), false);
    let channels: Vec<(Channel, u64)> = metrics
        .channels
        .iter()
        .map(|c| (c.channel, c.conversations))
        .collect();
    // Web: A and C; WhatsApp: B; Messenger: D.
    assert_eq!(
        channels,
        vec![
            (Channel::Web, 2),
            (Channel::WhatsApp, 1),
            (Channel::Messenger, 1),
            (Channel::Instagram, 0),
            (Channel::Voice, 0),
        ]
    );
    // Bot only: A, C; agent: B; unanswered: D; bot share 2 / (2 + 1).
    assert_eq!(
        metrics.handling,
        HandlingCounts {
            bot_only: 2,
            agent: 1,
            unanswered: 1,
            bot_share: Some(2.0 / 3.0),
        }
    );
    // Three days: per day. Day 0: A; day 1: B, C; day 2: D.
    let series = &metrics.conversations_over_time;
    assert_eq!(series.bucket, Bucket::Day);
    let points: Vec<(i64, u64)> = series
        .points
        .iter()
        .map(|p| (p.start.millis(), p.conversations))
        .collect();
    assert_eq!(points, vec![(T0, 1), (T0 + DAY, 2), (T0 + 2 * DAY, 1)]);
}

#[test]
fn two_days_or_less_are_counted_per_hour() {
    // [T0 + 30 min, T0 + 1 day): buckets start at T0 (the whole hour before `from`), 24 of them.
    let range = ReportRange::new(Timestamp(T0 + HOUR / 2), Timestamp(T0 + DAY)).expect("range");
    let metrics = DashboardMetrics::compute(range, &sample(), false);
    let series = &metrics.conversations_over_time;
    assert_eq!(series.bucket, Bucket::Hour);
    assert_eq!(series.points.len(), 24);
    assert_eq!(series.points[0].start, Timestamp(T0));
    // Only A (T0 + 1 h) is in the range.
    let busy: Vec<(i64, u64)> = series
        .points
        .iter()
        .filter(|p| p.conversations > 0)
        .map(|p| (p.start.millis(), p.conversations))
        .collect();
    assert_eq!(busy, vec![(T0 + HOUR, 1)]);
    assert_eq!(metrics.total_conversations, 1);
}

#[test]
fn nothing_to_measure_gives_no_ratios() {
    let metrics = DashboardMetrics::compute(three_days(), &[], true);
    assert_eq!(metrics.total_conversations, 0);
    assert_eq!(metrics.resolution_rate, None);
    assert_eq!(metrics.handling.bot_share, None);
    assert_eq!(metrics.first_response_ms, Percentiles::default());
    assert!(metrics.truncated);
}

#[test]
fn nearest_rank_picks_observed_values() {
    let ten: Vec<u64> = (1..=10).collect();
    // n = 10: p50 rank 5, p90 rank 9, p95 rank ceil(9.5) = 10.
    assert_eq!(nearest_rank(&ten, 50), Some(5));
    assert_eq!(nearest_rank(&ten, 90), Some(9));
    assert_eq!(nearest_rank(&ten, 95), Some(10));
    assert_eq!(nearest_rank(&[7], 50), Some(7));
    assert_eq!(nearest_rank(&[], 50), None);
}

#[test]
fn ranges_must_increase_and_stay_within_a_year() {
    let at = Timestamp(T0);
    assert_eq!(ReportRange::new(at, at), Err(RangeError::NotIncreasing));
    let year = Timestamp(T0 + MAX_RANGE_DAYS * DAY);
    assert!(ReportRange::new(at, year).is_ok());
    assert_eq!(
        ReportRange::new(at, Timestamp(year.millis() + 1)),
        Err(RangeError::TooLong)
    );
    let week = ReportRange::last_days(Timestamp(T0), 7).expect("a week");
    assert_eq!(week.from, Timestamp(T0 - 7 * DAY));
}

#[test]
fn layouts_are_checked() {
    assert!(DashboardLayout::default().validate().is_ok());
    assert_eq!(
        WidgetKind::parse("conversationVolume"),
        Some(WidgetKind::ConversationVolume)
    );
    assert_eq!(WidgetKind::parse("pie"), None);
    let mut layout = DashboardLayout::default();
    layout.widgets[1].id = "w1".into();
    layout.widgets[2].x = 10;
    layout.widgets[3].height = 0;
    let errors = layout.validate().expect_err("invalid");
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["widgets[1].id", "widgets[2].width", "widgets[3].height"]
    );
}

#[test]
fn intents_and_sentiment_count_the_analysed_conversations_in_range() {
    use crate::insight::{InsightResult, Intent};
    let intent = |intent| InsightResult::Intent {
        intent,
        confidence: 0.9,
    };
    let sentiment = |positive, negative, neutral| InsightResult::Sentiment {
        positive,
        negative,
        neutral,
    };
    let mut conversations = sample();
    conversations[0].with_insight(&intent(Intent::Inquiry));
    conversations[1].with_insight(&intent(Intent::Complaint));
    conversations[2].with_insight(&intent(Intent::Complaint));
    conversations[0].with_insight(&sentiment(60, 10, 30));
    conversations[1].with_insight(&sentiment(0, 90, 10));
    // Other analyses are not dashboard figures.
    conversations[2].with_insight(&InsightResult::Cause {
        cause: "late".into(),
    });
    // E was created before the range.
    conversations[4].with_insight(&intent(Intent::SalesLead));
    conversations[4].with_insight(&sentiment(100, 0, 0));
    let metrics = DashboardMetrics::compute(three_days(), &conversations, false);
    assert_eq!(
        metrics.top_intents,
        [
            IntentCount {
                intent: Intent::Complaint,
                conversations: 2
            },
            IntentCount {
                intent: Intent::Inquiry,
                conversations: 1
            },
        ]
    );
    // (60 + 0) / 2, (10 + 90) / 2, (30 + 10) / 2.
    assert_eq!(
        metrics.sentiment,
        SentimentDistribution {
            analysed: 2,
            positive: Some(30.0),
            negative: Some(50.0),
            neutral: Some(20.0),
        }
    );
    let nothing = DashboardMetrics::compute(three_days(), &sample(), false);
    assert!(nothing.top_intents.is_empty());
    assert_eq!(nothing.sentiment.analysed, 0);
    assert_eq!(nothing.sentiment.positive, None);
}

#[test]
fn average_satisfaction_is_the_mean_score_of_the_rated_conversations_in_range() {
    let mut conversations = sample();
    conversations[0].satisfaction = Some(5);
    conversations[1].satisfaction = Some(2);
    // E, rated 1, was created before the range.
    conversations[4].satisfaction = Some(1);
    let metrics = DashboardMetrics::compute(three_days(), &conversations, false);
    assert_eq!(metrics.average_satisfaction, Some(3.5));
}

#[test]
fn a_conversations_rating_is_one_of_its_facts() {
    let mut state = session(Channel::Web, T0, true);
    state.satisfaction = Some(crate::session::Satisfaction {
        score: 4,
        comment: None,
        rated_at: Timestamp(T0 + 2 * HOUR),
    });
    let facts = ConversationFacts::from_transcript(&state, &[]);
    assert_eq!(facts.satisfaction, Some(4));
}

#[test]
fn every_agent_who_replied_is_counted_once_per_conversation() {
    let mut conversations = sample();
    // B: the agent replied; the contact rated it 2.
    assert_eq!(conversations[1].agents, ["usr_alice"]);
    conversations[1].satisfaction = Some(2);
    let metrics = DashboardMetrics::compute(three_days(), &conversations, false);
    assert_eq!(
        metrics.agents,
        [AgentFigures {
            agent_id: "usr_alice".into(),
            conversations: 1,
            resolved_conversations: 1,
            rated_conversations: 1,
            average_satisfaction: Some(2.0),
        }]
    );
    // Nobody replied in A, C, D: no agent.
    assert!(conversations[0].agents.is_empty());
}

#[test]
fn a_conversation_handed_between_agents_counts_for_both_and_the_busiest_come_first() {
    let mut conversations = sample();
    conversations[1].agents = vec!["usr_bob".into(), "usr_alice".into()];
    conversations[1].satisfaction = Some(4);
    // C, still open and unrated, was Bob's too.
    conversations[2].agents = vec!["usr_bob".into()];
    let metrics = DashboardMetrics::compute(three_days(), &conversations, false);
    let figures: Vec<(&str, u64, u64, Option<f64>)> = metrics
        .agents
        .iter()
        .map(|agent| {
            (
                agent.agent_id.as_str(),
                agent.conversations,
                agent.resolved_conversations,
                agent.average_satisfaction,
            )
        })
        .collect();
    assert_eq!(
        figures,
        [("usr_bob", 2, 1, Some(4.0)), ("usr_alice", 1, 1, Some(4.0))]
    );
}
