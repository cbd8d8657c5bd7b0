use crate::fixtures::Fixture;
use crate::records::{commit, conversation, inbound, outbound, outbox, tenant};
use botwot_engine::Timestamp;
use botwot_engine::channel::Channel;
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{DeliveryReceipt, SessionCommit};

fn attempt_times(entries: &[OutboxEntry]) -> Vec<i64> {
    entries
        .iter()
        .map(|entry| entry.next_attempt_at.millis())
        .collect()
}

pub async fn outbox_pending_delivered_retry(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let state = conversation(&acme, Channel::WhatsApp, "+1555");
    let messages: Vec<_> = (1..=3)
        .map(|seq| outbound(&state, seq, &format!("reply {seq}")))
        .collect();
    let mut write = commit(&state, messages.clone());
    write.outbox = vec![
        outbox(&state, &messages[0], 100),
        outbox(&state, &messages[1], 50),
        outbox(&state, &messages[2], 200),
    ];
    store.commit(write).await?;

    let pending = store.pending_outbox(10).await?;
    assert_eq!(attempt_times(&pending), [50, 100, 200]);
    assert_eq!(pending[0], outbox(&state, &messages[1], 50));
    assert_eq!(attempt_times(&store.pending_outbox(2).await?), [50, 100]);
    assert!(store.pending_outbox(0).await?.is_empty());

    store
        .outbox_delivered(&pending[0], Delivery::Sent.into())
        .await?;
    assert_eq!(attempt_times(&store.pending_outbox(10).await?), [100, 200]);
    let transcript = store.transcript(&acme, &state.id, 0, 10).await?;
    assert_eq!(transcript[1].delivery, Delivery::Sent);
    assert_eq!(transcript[0].delivery, Delivery::Pending);

    let mut retry = pending[1].clone();
    retry.attempts = 1;
    retry.next_attempt_at = Timestamp(300);
    retry.last_error = Some("provider answered 503".to_owned());
    store.outbox_retry_later(&retry).await?;
    let pending = store.pending_outbox(10).await?;
    assert_eq!(attempt_times(&pending), [200, 300]);
    assert_eq!(pending[1], retry);
    Ok(())
}

pub async fn delivered_messages_are_found_by_their_provider_id(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let state = conversation(&acme, Channel::WhatsApp, "+1555");
    let question = inbound(&state, 1, "hours?", Some("wamid.IN"));
    let reply = outbound(&state, 2, "9 to 5");
    let mut write = commit(&state, vec![question, reply.clone()]);
    write.outbox = vec![outbox(&state, &reply, 10)];
    store.commit(write).await?;
    assert_eq!(
        store
            .find_outbound_message(&acme, Channel::WhatsApp, "wamid.OUT")
            .await?,
        None,
        "not found before the channel named it"
    );

    let pending = store.pending_outbox(10).await?;
    store
        .outbox_delivered(&pending[0], DeliveryReceipt::sent("wamid.OUT"))
        .await?;
    let found = store
        .find_outbound_message(&acme, Channel::WhatsApp, "wamid.OUT")
        .await?
        .expect("found by its wamid");
    assert_eq!(found.id, reply.id);
    assert_eq!(found.delivery, Delivery::Sent);
    assert_eq!(found.provider_message_id.as_deref(), Some("wamid.OUT"));
    assert_eq!(
        store.get_message(&acme, &reply.id).await?,
        Some(found.clone())
    );
    assert_eq!(
        store.get_message(&tenant("globex"), &reply.id).await?,
        None,
        "another organisation's message is not found by id"
    );

    let elsewhere = [
        (tenant("globex"), Channel::WhatsApp, "wamid.OUT"),
        (acme.clone(), Channel::Messenger, "wamid.OUT"),
        (acme.clone(), Channel::WhatsApp, "wamid.IN"),
    ];
    for (tenant, channel, id) in elsewhere {
        let found = store.find_outbound_message(&tenant, channel, id).await?;
        assert_eq!(found, None, "{tenant} {channel} {id}");
    }
    Ok(())
}

pub async fn delivery_never_goes_backwards(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let state = conversation(&acme, Channel::WhatsApp, "+1555");
    let reply = outbound(&state, 1, "hello");
    store.commit(commit(&state, vec![reply.clone()])).await?;
    let update = |delivery: Delivery| SessionCommit {
        delivery_updates: vec![(reply.id.clone(), delivery)],
        ..SessionCommit::default()
    };
    let stored = || async {
        let transcript = store.transcript(&acme, &state.id, 0, 10).await?;
        anyhow::Ok(transcript[0].delivery.clone())
    };

    store.commit(update(Delivery::Read)).await?;
    assert_eq!(stored().await?, Delivery::Read);
    store.commit(update(Delivery::Delivered)).await?;
    assert_eq!(
        stored().await?,
        Delivery::Read,
        "a late delivered is ignored"
    );

    // The outbox recording `sent` after the read receipt arrived keeps `read`, and the id.
    let entry = outbox(&state, &reply, 10);
    store
        .outbox_delivered(&entry, DeliveryReceipt::sent("wamid.LATE"))
        .await?;
    assert_eq!(stored().await?, Delivery::Read);
    let found = store
        .find_outbound_message(&acme, Channel::WhatsApp, "wamid.LATE")
        .await?;
    assert_eq!(found.map(|message| message.id), Some(reply.id.clone()));
    Ok(())
}

pub async fn a_report_that_overtook_its_send_is_applied_when_the_send_is_recorded(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let state = conversation(&acme, Channel::WhatsApp, "+1555");
    let reply = outbound(&state, 1, "hello");
    let mut write = commit(&state, vec![reply.clone()]);
    write.outbox = vec![outbox(&state, &reply, 10)];
    store.commit(write).await?;

    // Meta's statuses arrive before the answer to the send: the furthest one is kept.
    let wamid = "wamid.EARLY";
    for delivery in [Delivery::Delivered, Delivery::Read, Delivery::Sent] {
        store
            .park_early_delivery(&acme, Channel::WhatsApp, wamid, delivery, Timestamp(20))
            .await?;
    }
    // Another organisation's report for the same id, and one on another channel, stay apart.
    let globex = tenant("globex");
    store
        .park_early_delivery(
            &globex,
            Channel::WhatsApp,
            wamid,
            Delivery::Delivered,
            Timestamp(20),
        )
        .await?;

    let pending = store.pending_outbox(10).await?;
    store
        .outbox_delivered(&pending[0], DeliveryReceipt::sent(wamid))
        .await?;
    let transcript = store.transcript(&acme, &state.id, 0, 10).await?;
    assert_eq!(
        transcript[0].delivery,
        Delivery::Read,
        "the parked read applied"
    );
    assert_eq!(transcript[0].provider_message_id.as_deref(), Some(wamid));
    assert_eq!(
        store
            .take_early_delivery(&acme, Channel::WhatsApp, wamid)
            .await?,
        None,
        "applied reports are gone"
    );
    assert_eq!(
        store
            .take_early_delivery(&globex, Channel::WhatsApp, wamid)
            .await?,
        Some(Delivery::Delivered)
    );
    assert_eq!(
        store
            .take_early_delivery(&globex, Channel::WhatsApp, wamid)
            .await?,
        None,
        "taken once"
    );
    Ok(())
}

pub async fn unclaimed_early_reports_are_purged_after_a_day(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let day_ms = 24 * 3_600 * 1_000;
    store
        .park_early_delivery(
            &acme,
            Channel::WhatsApp,
            "wamid.OLD",
            Delivery::Sent,
            Timestamp(1_000),
        )
        .await?;
    store
        .park_early_delivery(
            &acme,
            Channel::WhatsApp,
            "wamid.RECENT",
            Delivery::Sent,
            Timestamp(day_ms),
        )
        .await?;
    // A day and a bit after the first: parking another purges it, not the recent one.
    store
        .park_early_delivery(
            &acme,
            Channel::WhatsApp,
            "wamid.NEW",
            Delivery::Delivered,
            Timestamp(day_ms + 2_000),
        )
        .await?;
    let take = |id: &'static str| store.take_early_delivery(&acme, Channel::WhatsApp, id);
    assert_eq!(take("wamid.OLD").await?, None);
    assert_eq!(take("wamid.RECENT").await?, Some(Delivery::Sent));
    assert_eq!(take("wamid.NEW").await?, Some(Delivery::Delivered));
    Ok(())
}

/// Meta posts `sent` and `delivered` for one message moments apart, and two webhook requests
/// park them at the same time: neither report is lost, and the furthest applies.
pub async fn reports_parked_at_the_same_moment_are_all_kept(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let ids: Vec<String> = (0..20).map(|n| format!("wamid.RACE{n}")).collect();
    for id in &ids {
        let park = |delivery: Delivery| {
            store.park_early_delivery(&acme, Channel::WhatsApp, id, delivery, Timestamp(20))
        };
        let (delivered, sent) = futures::join!(park(Delivery::Delivered), park(Delivery::Sent));
        delivered?;
        sent?;
    }
    for id in &ids {
        let taken = store
            .take_early_delivery(&acme, Channel::WhatsApp, id)
            .await?;
        assert_eq!(taken, Some(Delivery::Delivered), "{id}");
        let again = store
            .take_early_delivery(&acme, Channel::WhatsApp, id)
            .await?;
        assert_eq!(again, None, "{id}: every report of it is taken");
    }
    Ok(())
}
