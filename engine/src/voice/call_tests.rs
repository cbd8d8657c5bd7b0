use super::*;
use crate::ids::{TenantId, VoiceAgentId};
use crate::integration::SealedSecret;
use crate::time::Timestamp;
use std::collections::BTreeMap;
use std::time::Duration;

fn at(secs: i64) -> Timestamp {
    Timestamp::from_millis(1_800_000_000_000 + secs * 1_000)
}

fn number() -> VoiceNumber {
    let settings = NumberSettings {
        phone_number: "+14155550100".into(),
        label: "Support".into(),
        agent_id: VoiceAgentId::new("va_1"),
    };
    let twilio = TwilioAccount {
        account_sid: format!("AC{}", "a".repeat(32)),
        sealed_auth_token: SealedSecret::new("sealed"),
        number_sid: format!("PN{}", "b".repeat(32)),
    };
    VoiceNumber::new(TenantId::new("t1"), settings, twilio, at(0))
}

fn outbound() -> VoiceCall {
    VoiceCall::outbound(
        &number(),
        "+14155550111".into(),
        BTreeMap::new(),
        600,
        at(0),
    )
}

fn status(status: CallStatus, secs: i64) -> StatusUpdate {
    StatusUpdate {
        status,
        duration_secs: None,
        at: at(secs),
    }
}

#[test]
fn an_outbound_call_not_placed_in_time_is_checked_as_lost() {
    let call = outbound();
    assert_eq!(call.status, CallStatus::Requested);
    assert_eq!(call.check_need(), Some(CheckNeed::PlacementLost));
    assert_eq!(call.check_at, Some(at(0).plus(PLACEMENT_TIMEOUT)));
}

#[test]
fn statuses_only_move_forward_and_the_first_end_stays() {
    let mut call = outbound();
    call.placed("CA1".into(), at(1));
    assert!(call.apply_status(&status(CallStatus::InProgress, 5)));
    assert!(
        !call.apply_status(&status(CallStatus::Ringing, 3)),
        "a late ringing"
    );
    assert_eq!(call.status, CallStatus::InProgress);
    assert_eq!(call.answered_at, Some(at(5)));
    let completed = StatusUpdate {
        duration_secs: Some(42),
        ..status(CallStatus::Completed, 47)
    };
    assert!(call.apply_status(&completed));
    assert!(!call.apply_status(&status(CallStatus::Failed, 48)));
    assert!(
        !call.apply_status(&completed),
        "a redelivery changes nothing"
    );
    assert_eq!(
        (call.status, call.ended_at, call.duration_secs),
        (CallStatus::Completed, Some(at(47)), Some(42))
    );
}

#[test]
fn a_completed_call_that_lasted_was_answered_even_without_in_progress() {
    let mut call = outbound();
    call.placed("CA1".into(), at(1));
    call.apply_status(&StatusUpdate {
        duration_secs: Some(30),
        ..status(CallStatus::Completed, 40)
    });
    assert_eq!(call.answered_at, Some(at(10)));
    assert_eq!(call.check_need(), Some(CheckNeed::Report));
    assert_eq!(call.check_at, Some(at(40).plus(REPORT_WAITS[0])));
}

#[test]
fn an_unanswered_call_awaits_nothing_once_it_ends() {
    let mut call = outbound();
    call.placed("CA1".into(), at(1));
    call.apply_status(&status(CallStatus::NoAnswer, 30));
    assert_eq!(call.check_need(), None);
    assert_eq!(call.check_at, None);
}

#[test]
fn a_live_call_is_checked_after_its_longest_duration_then_every_recheck() {
    let mut call = outbound();
    call.placed("CA1".into(), at(1));
    call.connected(at(10));
    let first = at(10).plus(Duration::from_secs(600)).plus(STATUS_GRACE);
    assert_eq!(call.check_at, Some(first));
    call.checked(first);
    assert_eq!(call.check_at, Some(first.plus(STATUS_RECHECK)));
}

#[test]
fn a_call_whose_status_checks_are_spent_is_failed() {
    let mut call = outbound();
    call.placed("CA1".into(), at(1));
    for _ in 0..MAX_STATUS_CHECKS {
        assert_eq!(call.status, CallStatus::Queued);
        let due = call.check_at.expect("a check is due");
        call.checked(due);
    }
    assert_eq!(call.status, CallStatus::Failed);
    assert_eq!(
        call.failure.as_deref(),
        Some("Twilio never reported how the call ended")
    );
    assert_eq!(call.check_at, None);
}

#[test]
fn a_report_ends_the_wait_and_missing_reports_are_looked_up_three_times() {
    let mut call = VoiceCall::inbound(&number(), "+14155550122".into(), "CA2".into(), 600, at(0));
    call.connected(at(1));
    call.apply_status(&StatusUpdate {
        duration_secs: Some(60),
        ..status(CallStatus::Completed, 61)
    });
    let mut waiting = call.clone();
    for wait in REPORT_WAITS {
        assert_eq!(waiting.check_need(), Some(CheckNeed::Report));
        let due = waiting.check_at.expect("a lookup is due");
        let since = waiting.checked_at.unwrap_or(at(61));
        assert_eq!(due, since.plus(wait));
        waiting.checked(due);
    }
    assert_eq!(
        (waiting.check_at, waiting.status),
        (None, CallStatus::Completed)
    );

    call.apply_report("conv_1".into(), CallReport::default(), at(70));
    assert_eq!(call.conversation_id.as_deref(), Some("conv_1"));
    assert_eq!(call.check_at, None);
}

#[test]
fn a_failure_is_kept_once_and_never_undoes_an_end() {
    let mut call = outbound();
    call.fail("the agent is inactive", at(2));
    call.fail("something else", at(3));
    assert_eq!(call.failure.as_deref(), Some("the agent is inactive"));
    assert_eq!(call.check_at, None);
}

#[test]
fn outbound_requests_name_every_bad_field() {
    let mut variables = BTreeMap::new();
    variables.insert("botwot_call_id".to_owned(), "x".to_owned());
    variables.insert("name".to_owned(), "y".repeat(1_001));
    let fields: Vec<String> = validate_outbound("555", &variables)
        .unwrap_err()
        .0
        .into_iter()
        .map(|error| error.field)
        .collect();
    assert_eq!(fields, ["to", "variables.botwot_call_id", "variables.name"]);
    assert!(validate_outbound("+14155550111", &BTreeMap::new()).is_ok());
}

#[test]
fn recordings_are_kept_under_safe_keys_only() {
    assert_eq!(
        recording_key("conv_01jx-Ab").as_deref(),
        Some("voice/recordings/conv_01jx-Ab")
    );
    for bad in ["", "../x", "a/b", &"a".repeat(129)] {
        assert_eq!(recording_key(bad), None, "{bad}");
    }
}

#[test]
fn stats_count_directions_answers_successes_and_days() {
    let mut answered = outbound();
    answered.placed("CA1".into(), at(1));
    answered.connected(at(5));
    answered.apply_status(&StatusUpdate {
        duration_secs: Some(40),
        ..status(CallStatus::Completed, 45)
    });
    answered.apply_report(
        "conv_1".into(),
        CallReport {
            successful: Some(CallSuccess::Success),
            ..CallReport::default()
        },
        at(50),
    );
    let mut unanswered = outbound();
    unanswered.placed("CA2".into(), at(1));
    unanswered.apply_status(&status(CallStatus::NoAnswer, 30));
    let mut ringing = VoiceCall::inbound(
        &number(),
        "+14155550122".into(),
        "CA3".into(),
        600,
        at(86_400),
    );
    ringing.connected(at(86_401));
    ringing.apply_status(&StatusUpdate {
        duration_secs: Some(20),
        ..status(CallStatus::Completed, 86_421)
    });
    let stats = CallStats::of([&answered, &unanswered, &ringing]);
    assert_eq!((stats.total, stats.inbound, stats.outbound), (3, 1, 2));
    assert_eq!((stats.answered, stats.successful), (2, 1));
    assert_eq!(stats.connect_rate, Some(2.0 / 3.0));
    assert_eq!(stats.average_duration_secs, Some(30.0));
    assert_eq!(stats.by_status.get("no-answer"), Some(&1));
    let days: Vec<(u64, u64)> = stats
        .by_day
        .iter()
        .map(|day| (day.calls, day.answered))
        .collect();
    assert_eq!(days, [(2, 1), (1, 1)]);
    let curve: Vec<(u32, u64, f64)> = stats
        .engagement
        .iter()
        .map(|point| (point.after_secs, point.still_connected, point.share))
        .collect();
    assert_eq!(
        curve[..4],
        [(0, 2, 1.0), (15, 2, 1.0), (30, 1, 0.5), (60, 0, 0.0)],
        "calls of 40 and 20 seconds"
    );
    assert_eq!(curve.len(), ENGAGEMENT_CHECKPOINTS.len());
    assert_eq!(CallStats::of([]).connect_rate, None);
    assert!(CallStats::of([&unanswered]).engagement.is_empty());
}
