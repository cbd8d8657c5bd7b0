use crate::fixtures::Fixture;
use crate::records::{commit, conversation, inbound, outbound, outbox, tenant, timer};
use botwot_engine::channel::Channel;
use botwot_engine::ports::StoreError;
use botwot_engine::timer::TimerKind;

pub async fn erasing_a_session_removes_its_messages_deliveries_and_timers_only(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let erased = conversation(&acme, Channel::WhatsApp, "+1555");
    let kept = conversation(&acme, Channel::WhatsApp, "+1666");
    for (state, provider) in [(&erased, "wamid.A"), (&kept, "wamid.B")] {
        let question = inbound(state, 1, "my address is 1 Main St", Some(provider));
        let reply = outbound(state, 2, "noted");
        let mut write = commit(state, vec![question, reply.clone()]);
        write.outbox = vec![outbox(state, &reply, 10)];
        write.timers_set = vec![timer(state, TimerKind::AutoClose, 1_000)];
        store.commit(write).await?;
    }
    assert!(matches!(
        store.erase_session(&globex, &erased.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.erase_session(&acme, &erased.id).await?, 2);

    assert_eq!(store.get_session(&acme, &erased.id).await?, None);
    assert_eq!(store.load_session(&erased.key).await?, None);
    assert!(store.transcript(&acme, &erased.id, 0, 10).await?.is_empty());
    let pending = store.pending_outbox(10).await?;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message.session_id, kept.id);
    let timers = store.all_timers().await?;
    assert_eq!(timers.len(), 1);
    assert_eq!(timers[0].session_id, kept.id);
    assert_eq!(store.transcript(&acme, &kept.id, 0, 10).await?.len(), 2);

    // The contact can start again, and a redelivery of an erased message is new again.
    let again = conversation(&acme, Channel::WhatsApp, "+1555");
    let write = commit(
        &again,
        vec![inbound(&again, 1, "hello again", Some("wamid.A"))],
    );
    store.commit(write).await?;
    assert_eq!(store.transcript(&acme, &again.id, 0, 10).await?.len(), 1);
    Ok(())
}
