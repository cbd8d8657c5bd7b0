use crate::fixtures::Fixture;
use crate::records::{commit, conversation, outbound, outbox, tenant};
use botwot_engine::Timestamp;
use botwot_engine::channel::Channel;
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;

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

    store.outbox_delivered(&pending[0], Delivery::Sent).await?;
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
