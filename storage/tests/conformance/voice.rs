//! Voice numbers and calls: a phone number is connected by one organisation at most; numbers are
//! read, replaced, deleted and listed (most recently connected first, a page at a time) only in
//! their tenant, and found by id alone. A call is stored once per Twilio id (calls Twilio has not
//! named yet never collide), read in its tenant or by id alone, found by its Twilio id in its
//! tenant, listed latest requested first with every filter agreeing with `CallFilter::matches`,
//! and found by the keeper in every tenant by when its check is due, leaving and rejoining that
//! work as it is saved again; erased with its organisation.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::ids::{CallId, TenantId, VoiceAgentId, VoiceNumberId};
use botwot_engine::integration::SealedSecret;
use botwot_engine::ports::{CallFilter, PageRequest, Storage, StoreError};
use botwot_engine::voice::{
    CallDirection, CallStatus, NumberSettings, PLACEMENT_TIMEOUT, STATUS_GRACE, StatusUpdate,
    TwilioAccount, VoiceCall, VoiceNumber,
};
use std::collections::BTreeMap;
use std::time::Duration;

/// The longest call the agents allow.
const MAX_CALL_SECS: u32 = 600;

/// The number `phone` of `tenant`'s Twilio account, answered by `agent`, connected at
/// `connected_ms`.
fn number(tenant: &TenantId, phone: &str, agent: &str, connected_ms: i64) -> VoiceNumber {
    let settings = NumberSettings {
        phone_number: phone.to_owned(),
        label: format!("line {phone}"),
        agent_id: VoiceAgentId::new(agent),
    };
    let twilio = TwilioAccount {
        account_sid: "ACd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6".to_owned(),
        sealed_auth_token: SealedSecret::new("sealed:auth-token"),
        number_sid: format!("PN{}", phone.trim_start_matches('+')),
    };
    VoiceNumber::new(tenant.clone(), settings, twilio, Timestamp(connected_ms))
}

/// A call from `number` asked for at `requested_ms`, not yet taken by Twilio.
fn outbound(number: &VoiceNumber, requested_ms: i64) -> VoiceCall {
    let variables = BTreeMap::from([("name".to_owned(), "Ada".to_owned())]);
    VoiceCall::outbound(
        number,
        "+14155550199".to_owned(),
        variables,
        MAX_CALL_SECS,
        Timestamp(requested_ms),
    )
}

/// A call to `number` that Twilio announced as `sid` at `requested_ms`.
fn inbound(number: &VoiceNumber, sid: &str, requested_ms: i64) -> VoiceCall {
    VoiceCall::inbound(
        number,
        "+14155550123".to_owned(),
        sid.to_owned(),
        MAX_CALL_SECS,
        Timestamp(requested_ms),
    )
}

/// Applies a status Twilio reported at `at_ms`.
fn reported(call: &mut VoiceCall, status: CallStatus, duration_secs: Option<u32>, at_ms: i64) {
    let update = StatusUpdate {
        status,
        duration_secs,
        at: Timestamp(at_ms),
    };
    assert!(call.apply_status(&update), "{status:?} moves the call on");
}

fn phones(numbers: &[VoiceNumber]) -> Vec<&str> {
    numbers
        .iter()
        .map(|number| number.phone_number.as_str())
        .collect()
}

fn ids(calls: &[VoiceCall]) -> Vec<&CallId> {
    calls.iter().map(|call| &call.id).collect()
}

fn all() -> PageRequest {
    PageRequest {
        limit: 100,
        cursor: None,
    }
}

fn first_of(limit: usize) -> PageRequest {
    PageRequest {
        limit,
        cursor: None,
    }
}

/// The page of one item after `cursor`.
fn one_after(cursor: Option<String>) -> PageRequest {
    PageRequest { limit: 1, cursor }
}

/// How `result` failed (the error's words: `not found`, `conflict: …`, `invalid input: …`).
fn failure<T: std::fmt::Debug>(result: Result<T, StoreError>) -> String {
    match result {
        Ok(done) => panic!("expected a failure, got {done:?}"),
        Err(error) => error.to_string(),
    }
}

/// Acme's line and Globex's, each answered by its own agent.
fn lines() -> (VoiceNumber, VoiceNumber) {
    (
        number(&tenant("acme"), "+14155550100", "va_sales", 100),
        number(&tenant("globex"), "+14155550200", "va_front", 100),
    )
}

pub async fn a_phone_number_is_connected_once_and_lives_in_its_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut sales = number(&acme, "+14155550100", "va_sales", 1_000);
    let support = number(&acme, "+14155550101", "va_support", 2_000);
    let elsewhere = number(&globex, "+442071838750", "va_front", 1_500);
    for stored in [&sales, &support, &elsewhere] {
        store.insert_voice_number(stored).await?;
    }

    assert_eq!(
        store.get_voice_number(&acme, &sales.id).await?,
        Some(sales.clone())
    );
    assert_eq!(store.get_voice_number(&globex, &sales.id).await?, None);
    assert_eq!(
        store
            .get_voice_number(&acme, &VoiceNumberId::generate())
            .await?,
        None
    );
    // Twilio's webhooks name the number, not the organisation.
    assert_eq!(
        store.find_voice_number(&sales.id).await?,
        Some(sales.clone())
    );
    assert_eq!(
        store.find_voice_number(&elsewhere.id).await?,
        Some(elsewhere.clone())
    );
    assert_eq!(
        store.find_voice_number(&VoiceNumberId::generate()).await?,
        None
    );

    // A phone number is connected once, by any organisation; the refusal names it.
    for tenant in [&globex, &acme] {
        let taken = number(tenant, "+14155550100", "va_other", 3_000);
        let refused = failure(store.insert_voice_number(&taken).await);
        assert!(refused.starts_with("conflict: "), "{refused}");
        assert!(refused.contains("+14155550100"), "{refused}");
        assert_eq!(store.find_voice_number(&taken.id).await?, None);
    }
    // A number's id is taken once, whatever it holds.
    let mut again = number(&acme, "+14155550102", "va_sales", 3_000);
    again.id = sales.id.clone();
    let refused = failure(store.insert_voice_number(&again).await);
    assert!(refused.starts_with("conflict: "), "{refused}");
    assert_eq!(
        store.find_voice_number(&sales.id).await?,
        Some(sales.clone())
    );

    // Saving replaces the whole number, in its tenant only.
    sales.label = "Sales line".to_owned();
    sales.agent_id = VoiceAgentId::new("va_sales_2");
    sales.updated_at = Timestamp(4_000);
    store.save_voice_number(&sales).await?;
    assert_eq!(
        store.get_voice_number(&acme, &sales.id).await?,
        Some(sales.clone())
    );
    let mut foreign = support.clone();
    foreign.tenant = globex.clone();
    foreign.label = "hijacked".to_owned();
    assert_eq!(
        failure(store.save_voice_number(&foreign).await),
        "not found"
    );
    assert_eq!(store.get_voice_number(&globex, &support.id).await?, None);
    assert_eq!(
        store.get_voice_number(&acme, &support.id).await?,
        Some(support.clone())
    );
    let unknown = number(&acme, "+14155550109", "va_sales", 5_000);
    assert_eq!(
        failure(store.save_voice_number(&unknown).await),
        "not found"
    );
    assert_eq!(store.find_voice_number(&unknown.id).await?, None);

    // Another organisation neither lists nor deletes the number.
    let listed = store.list_voice_numbers(&globex, &all()).await?;
    assert_eq!(listed.items, vec![elsewhere.clone()]);
    assert!(!store.delete_voice_number(&globex, &sales.id).await?);
    assert_eq!(
        store.get_voice_number(&acme, &sales.id).await?,
        Some(sales.clone())
    );

    // Deleted, a number is gone, and its phone number may be connected again, by anyone.
    assert!(store.delete_voice_number(&acme, &sales.id).await?);
    assert!(!store.delete_voice_number(&acme, &sales.id).await?);
    assert_eq!(store.get_voice_number(&acme, &sales.id).await?, None);
    assert_eq!(store.find_voice_number(&sales.id).await?, None);
    let reconnected = number(&globex, "+14155550100", "va_front", 6_000);
    store.insert_voice_number(&reconnected).await?;
    assert_eq!(
        store.get_voice_number(&globex, &reconnected.id).await?,
        Some(reconnected)
    );
    let listed = store.list_voice_numbers(&acme, &all()).await?;
    assert_eq!(listed.items, vec![support]);
    Ok(())
}

pub async fn numbers_list_most_recently_connected_first_a_page_at_a_time(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    for (tenant, phone, connected_ms) in [
        (&acme, "+14155550102", 2_000),
        (&acme, "+14155550104", 4_000),
        (&globex, "+14155550105", 5_000),
        (&acme, "+14155550101", 1_000),
        (&acme, "+14155550103", 3_000),
    ] {
        store
            .insert_voice_number(&number(tenant, phone, "va_1", connected_ms))
            .await?;
    }

    let listed = store.list_voice_numbers(&acme, &all()).await?;
    assert_eq!(
        phones(&listed.items),
        [
            "+14155550104",
            "+14155550103",
            "+14155550102",
            "+14155550101"
        ]
    );
    assert_eq!(listed.next_cursor, None);
    let listed = store.list_voice_numbers(&globex, &all()).await?;
    assert_eq!(phones(&listed.items), ["+14155550105"]);
    assert!(
        store
            .list_voice_numbers(&tenant("initech"), &all())
            .await?
            .items
            .is_empty()
    );

    // A page at a time, each cursor resuming after the page it ends.
    let mut pages = Vec::new();
    let mut request = first_of(3);
    loop {
        let page = store.list_voice_numbers(&acme, &request).await?;
        pages.push(phones(&page.items).join(","));
        match page.next_cursor {
            Some(next) => request.cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        pages,
        ["+14155550104,+14155550103,+14155550102", "+14155550101"]
    );

    // A cursor resumes only its own tenant's listing.
    let first = store.list_voice_numbers(&acme, &first_of(1)).await?;
    let replayed = one_after(first.next_cursor);
    let refused = failure(store.list_voice_numbers(&globex, &replayed).await);
    assert!(refused.starts_with("invalid input: "), "{refused}");
    Ok(())
}

pub async fn a_call_is_stored_once_per_twilio_id_and_read_in_its_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (line, other_line) = lines();
    let (acme, globex) = (line.tenant.clone(), other_line.tenant.clone());

    // Calls Twilio has not named yet never collide.
    let mut asked = outbound(&line, 1_000);
    let mut asked_too = outbound(&line, 1_100);
    let rang = inbound(&line, "CA100", 2_000);
    for stored in [&asked, &asked_too, &rang] {
        store.insert_call(stored).await?;
    }
    assert_eq!(asked.call_sid, None);

    assert_eq!(store.get_call(&acme, &asked.id).await?, Some(asked.clone()));
    assert_eq!(store.get_call(&acme, &rang.id).await?, Some(rang.clone()));
    assert_eq!(store.get_call(&globex, &rang.id).await?, None);
    assert_eq!(store.get_call(&acme, &CallId::generate()).await?, None);
    // The conversational AI's webhooks carry our id, not the organisation.
    assert_eq!(store.find_call(&rang.id).await?, Some(rang.clone()));
    assert_eq!(store.find_call(&CallId::generate()).await?, None);

    // A redelivered webhook cannot store its call twice, in any organisation; the refusal
    // names the call.
    for (tenant_line, requested_ms) in [(&line, 2_100), (&other_line, 2_200)] {
        let redelivered = inbound(tenant_line, "CA100", requested_ms);
        let refused = failure(store.insert_call(&redelivered).await);
        assert!(refused.starts_with("conflict: "), "{refused}");
        assert!(refused.contains("CA100"), "{refused}");
        assert_eq!(store.find_call(&redelivered.id).await?, None);
    }
    // A call's id is taken once, whatever it holds.
    let mut again = inbound(&line, "CA101", 2_300);
    again.id = asked.id.clone();
    let refused = failure(store.insert_call(&again).await);
    assert!(refused.starts_with("conflict: "), "{refused}");
    assert_eq!(store.call_by_sid(&acme, "CA101").await?, None);

    // Found by its Twilio id in its own tenant only.
    assert_eq!(store.call_by_sid(&acme, "CA100").await?, Some(rang.clone()));
    assert_eq!(store.call_by_sid(&globex, "CA100").await?, None);
    assert_eq!(store.call_by_sid(&acme, "CA404").await?, None);

    // Twilio takes the call: saved, it is found by the id Twilio gave it.
    asked.placed("CA200".to_owned(), Timestamp(1_500));
    store.save_call(&asked).await?;
    assert_eq!(
        store.call_by_sid(&acme, "CA200").await?,
        Some(asked.clone())
    );
    assert_eq!(store.get_call(&acme, &asked.id).await?, Some(asked.clone()));
    reported(&mut asked, CallStatus::InProgress, None, 1_600);
    reported(&mut asked, CallStatus::Completed, Some(42), 43_600);
    store.save_call(&asked).await?;
    let stored = store.get_call(&acme, &asked.id).await?.expect("stored");
    assert_eq!(stored, asked);
    assert_eq!(stored.status, CallStatus::Completed);
    assert_eq!(stored.duration_secs, Some(42));

    // A saved call cannot take another call's Twilio id.
    asked_too.placed("CA100".to_owned(), Timestamp(1_700));
    let refused = failure(store.save_call(&asked_too).await);
    assert!(refused.starts_with("conflict: "), "{refused}");
    assert_eq!(store.call_by_sid(&acme, "CA100").await?, Some(rang.clone()));

    // Only a stored call of that tenant is saved.
    let mut foreign = rang.clone();
    foreign.tenant = globex.clone();
    reported(&mut foreign, CallStatus::Failed, None, 3_000);
    assert_eq!(failure(store.save_call(&foreign).await), "not found");
    assert_eq!(store.get_call(&globex, &rang.id).await?, None);
    assert_eq!(store.get_call(&acme, &rang.id).await?, Some(rang.clone()));
    let unknown = outbound(&line, 4_000);
    assert_eq!(failure(store.save_call(&unknown).await), "not found");
    assert_eq!(store.find_call(&unknown.id).await?, None);
    Ok(())
}

/// Every listing of `filter` a page of `limit` at a time, then checked against
/// `CallFilter::matches` over `stored` (latest requested first).
async fn check_listing(
    store: &dyn Storage,
    tenant: &TenantId,
    stored: &[VoiceCall],
    filter: &CallFilter,
    limit: usize,
) -> anyhow::Result<Vec<VoiceCall>> {
    let mut expected: Vec<VoiceCall> = stored
        .iter()
        .filter(|call| &call.tenant == tenant && filter.matches(call))
        .cloned()
        .collect();
    expected.sort_by_key(|call| std::cmp::Reverse(call.requested_at));
    let mut listed = Vec::new();
    let mut request = first_of(limit);
    loop {
        let page = store.list_calls(tenant, filter, &request).await?;
        assert!(page.items.len() <= limit);
        listed.extend(page.items);
        match page.next_cursor {
            Some(next) => request.cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(ids(&listed), ids(&expected), "{filter:?}");
    assert_eq!(listed, expected, "{filter:?}");
    Ok(listed)
}

pub async fn calls_list_latest_requested_first_by_every_filter(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let sales = number(&acme, "+14155550100", "va_sales", 100);
    let support = number(&acme, "+14155550101", "va_support", 100);
    // A second line answered by the sales agent: agent and number filters differ.
    let sales_two = number(&acme, "+14155550102", "va_sales", 100);
    let front = number(&globex, "+14155550200", "va_sales", 100);

    let asked = outbound(&sales, 1_000);
    let rang = inbound(&sales, "CA2", 2_000);
    let mut done = outbound(&support, 3_000);
    done.placed("CA3".to_owned(), Timestamp(3_100));
    reported(&mut done, CallStatus::Completed, Some(30), 3_500);
    let mut talking = inbound(&support, "CA4", 4_000);
    reported(&mut talking, CallStatus::InProgress, None, 4_100);
    let mut busy = outbound(&sales_two, 5_000);
    busy.placed("CA5".to_owned(), Timestamp(5_100));
    reported(&mut busy, CallStatus::Busy, None, 5_200);
    let mut missed = inbound(&sales_two, "CA6", 6_000);
    reported(&mut missed, CallStatus::Completed, Some(0), 6_100);
    let mut queued = outbound(&sales, 7_000);
    queued.placed("CA7".to_owned(), Timestamp(7_100));
    let elsewhere = inbound(&front, "CA8", 3_500);
    let stored = vec![
        missed,
        asked,
        talking,
        elsewhere,
        busy,
        rang.clone(),
        queued,
        done,
    ];
    for call in &stored {
        store.insert_call(call).await?;
    }

    let everything = CallFilter::default();
    let listed = check_listing(&*store, &acme, &stored, &everything, 100).await?;
    let times: Vec<i64> = listed.iter().map(|call| call.requested_at.0).collect();
    assert_eq!(times, [7_000, 6_000, 5_000, 4_000, 3_000, 2_000, 1_000]);
    check_listing(&*store, &globex, &stored, &everything, 100).await?;
    check_listing(&*store, &acme, &stored, &everything, 2).await?;

    let agent = |id: &str| Some(VoiceAgentId::new(id));
    let mut filters = Vec::new();
    for direction in [CallDirection::Inbound, CallDirection::Outbound] {
        filters.push(CallFilter {
            direction: Some(direction),
            ..CallFilter::default()
        });
    }
    for status in CallStatus::ALL {
        filters.push(CallFilter {
            status: Some(status),
            ..CallFilter::default()
        });
    }
    for line in [&sales, &support, &sales_two, &front] {
        filters.push(CallFilter {
            number_id: Some(line.id.clone()),
            ..CallFilter::default()
        });
    }
    for id in ["va_sales", "va_support", "va_nobody"] {
        filters.push(CallFilter {
            agent_id: agent(id),
            ..CallFilter::default()
        });
    }
    // Since is inclusive, until exclusive: the calls at 3_000 and 6_000 are on the edges.
    for (since, until) in [
        (Some(3_000), None),
        (None, Some(6_000)),
        (Some(3_000), Some(6_000)),
        (Some(6_000), Some(3_000)),
    ] {
        filters.push(CallFilter {
            since: since.map(Timestamp),
            until: until.map(Timestamp),
            ..CallFilter::default()
        });
    }
    let sales_outbound = CallFilter {
        direction: Some(CallDirection::Outbound),
        agent_id: agent("va_sales"),
        since: Some(Timestamp(1_000)),
        until: Some(Timestamp(7_000)),
        ..CallFilter::default()
    };
    let missed_on_two = CallFilter {
        direction: Some(CallDirection::Inbound),
        status: Some(CallStatus::Completed),
        number_id: Some(sales_two.id.clone()),
        agent_id: agent("va_sales"),
        since: Some(Timestamp(6_000)),
        until: Some(Timestamp(6_001)),
    };
    filters.push(sales_outbound.clone());
    filters.push(missed_on_two.clone());
    for filter in &filters {
        for limit in [100, 1] {
            check_listing(&*store, &acme, &stored, filter, limit).await?;
            check_listing(&*store, &globex, &stored, filter, limit).await?;
        }
    }
    // The combinations do select something (and not everything).
    let listed = check_listing(&*store, &acme, &stored, &sales_outbound, 100).await?;
    let times: Vec<i64> = listed.iter().map(|call| call.requested_at.0).collect();
    assert_eq!(times, [5_000, 1_000]);
    let listed = check_listing(&*store, &acme, &stored, &missed_on_two, 100).await?;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].call_sid.as_deref(), Some("CA6"));

    // A saved call lists by what it is now.
    let mut rang = rang;
    reported(&mut rang, CallStatus::NoAnswer, None, 2_500);
    store.save_call(&rang).await?;
    let no_answer = CallFilter {
        status: Some(CallStatus::NoAnswer),
        ..CallFilter::default()
    };
    let listed = store.list_calls(&acme, &no_answer, &all()).await?;
    assert_eq!(listed.items, vec![rang]);
    let ringing = CallFilter {
        status: Some(CallStatus::Ringing),
        ..CallFilter::default()
    };
    assert!(
        store
            .list_calls(&acme, &ringing, &all())
            .await?
            .items
            .is_empty()
    );

    // A cursor resumes only its own tenant's listing.
    let first = store.list_calls(&acme, &everything, &first_of(1)).await?;
    let replayed = one_after(first.next_cursor);
    let refused = failure(store.list_calls(&globex, &everything, &replayed).await);
    assert!(refused.starts_with("invalid input: "), "{refused}");
    Ok(())
}

pub async fn calls_are_due_earliest_first_in_every_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (line, other_line) = lines();
    let placement = |requested_ms: i64| Timestamp(requested_ms).plus(PLACEMENT_TIMEOUT);
    let longest = Duration::from_secs(MAX_CALL_SECS.into());

    // A ringing call is checked once it could have lasted its longest; one being placed, once
    // Twilio should have taken it.
    let ringing = inbound(&line, "CA1", 0);
    let mut first = outbound(&line, 1_000);
    let second = outbound(&other_line, 2_000);
    let mut busy = outbound(&line, 3_000);
    busy.placed("CA4".to_owned(), Timestamp(3_100));
    reported(&mut busy, CallStatus::Busy, None, 3_200);
    assert_eq!(busy.check_at, None);
    assert_eq!(first.check_at, Some(placement(1_000)));
    let ringing_check = Timestamp(0).plus(longest).plus(STATUS_GRACE);
    assert_eq!(ringing.check_at, Some(ringing_check));
    for stored in [&ringing, &busy, &second, &first] {
        store.insert_call(stored).await?;
    }

    let due = store.due_calls(placement(2_000), 10).await?;
    assert_eq!(due, vec![first.clone(), second.clone()]);
    let due = store.due_calls(ringing_check, 10).await?;
    assert_eq!(
        ids(&due),
        ids(&[first.clone(), second.clone(), ringing.clone()])
    );
    let due = store.due_calls(ringing_check, 2).await?;
    assert_eq!(ids(&due), ids(&[first.clone(), second.clone()]));
    let due = store.due_calls(placement(1_000), 10).await?;
    assert_eq!(due, vec![first.clone()]);
    let due = store
        .due_calls(Timestamp(placement(1_000).0 - 1), 10)
        .await?;
    assert!(due.is_empty());
    // A call that awaits nothing is never due.
    let due = store.due_calls(Timestamp(i64::MAX), 10).await?;
    assert!(!ids(&due).contains(&&busy.id), "{due:?}");
    assert_eq!(due.len(), 3);

    // Taken by Twilio, the call's check moves to when it could have lasted its longest.
    first.placed("CA2".to_owned(), Timestamp(1_500));
    let moved = first.check_at.expect("a status check");
    assert!(moved > ringing_check);
    store.save_call(&first).await?;
    let due = store.due_calls(placement(2_000), 10).await?;
    assert_eq!(due, vec![second.clone()]);
    let due = store.due_calls(moved, 10).await?;
    assert_eq!(
        ids(&due),
        ids(&[second.clone(), ringing.clone(), first.clone()])
    );
    assert_eq!(due[2], first);

    // Over without an answer, it awaits nothing more and leaves the keeper's work.
    reported(&mut first, CallStatus::NoAnswer, None, 30_000);
    assert_eq!(first.check_at, None);
    store.save_call(&first).await?;
    let due = store.due_calls(Timestamp(i64::MAX), 10).await?;
    assert_eq!(ids(&due), ids(&[second, ringing]));
    Ok(())
}

pub async fn erasing_an_organisation_takes_its_numbers_and_calls_only(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (line, other_line) = lines();
    let (acme, globex) = (line.tenant.clone(), other_line.tenant.clone());
    store.insert_voice_number(&line).await?;
    store.insert_voice_number(&other_line).await?;
    let erased = [outbound(&line, 1_000), inbound(&line, "CA1", 2_000)];
    for call in &erased {
        store.insert_call(call).await?;
    }
    let kept = inbound(&other_line, "CA2", 3_000);
    store.insert_call(&kept).await?;

    store.erase_organisation(&acme).await?;
    assert_eq!(store.find_voice_number(&line.id).await?, None);
    assert!(
        store
            .list_voice_numbers(&acme, &all())
            .await?
            .items
            .is_empty()
    );
    for call in &erased {
        assert_eq!(store.find_call(&call.id).await?, None);
    }
    let everything = CallFilter::default();
    assert!(
        store
            .list_calls(&acme, &everything, &all())
            .await?
            .items
            .is_empty()
    );
    assert_eq!(store.call_by_sid(&acme, "CA1").await?, None);
    let due = store.due_calls(Timestamp(i64::MAX), 10).await?;
    assert_eq!(due, vec![kept.clone()]);

    assert_eq!(
        store.list_voice_numbers(&globex, &all()).await?.items,
        vec![other_line]
    );
    assert_eq!(
        store.list_calls(&globex, &everything, &all()).await?.items,
        vec![kept]
    );
    // The erased organisation's phone number and Twilio ids are free again.
    store
        .insert_voice_number(&number(&globex, "+14155550100", "va_front", 4_000))
        .await?;
    let returning = number(&globex, "+14155550101", "va_front", 4_000);
    store
        .insert_call(&inbound(&returning, "CA1", 5_000))
        .await?;
    Ok(())
}
