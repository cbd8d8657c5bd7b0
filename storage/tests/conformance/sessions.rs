use crate::fixtures::Fixture;
use crate::records::{bot, commit, inbound, key, outbound, session, tenant};
use botwot_engine::Timestamp;
use botwot_engine::channel::Channel;
use botwot_engine::ids::SessionId;
use botwot_engine::message::Delivery;
use botwot_engine::ports::{CommitOutcome, SessionCommit, StoreError};
use botwot_engine::session::SessionStatus;

pub async fn session_commit_load_and_get(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let ava = bot(&acme, "Ava", 1);
    let key = key(&acme, Channel::WhatsApp, "+15550001");
    let mut state = session(key.clone(), &ava, 10_000);
    assert_eq!(store.load_session(&key).await?, None);

    let hello = inbound(&state, 1, "hello", Some("wamid.1"));
    let reply = outbound(&state, 2, "hi!");
    state.last_seq = 2;
    // Every field comes back as it was stored, a satisfaction rating included.
    state.satisfaction = Some(botwot_engine::session::Satisfaction {
        score: 4,
        comment: Some("quick".to_owned()),
        rated_at: botwot_engine::Timestamp(10_500),
    });
    let first = commit(&state, vec![hello.clone(), reply.clone()]);
    assert_eq!(store.commit(first).await?, CommitOutcome::Committed);
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(
        store.get_session(&acme, &state.id).await?,
        Some(state.clone())
    );
    assert_eq!(
        store
            .get_session(&acme, &SessionId::new("ses_nobody"))
            .await?,
        None
    );

    // A later transition replaces the state and moves a stored message's delivery.
    state.status = SessionStatus::Warned;
    state.updated_at = Timestamp(11_000);
    let mut second = commit(&state, Vec::new());
    second.delivery_updates = vec![(reply.id.clone(), Delivery::Delivered)];
    assert_eq!(store.commit(second).await?, CommitOutcome::Committed);
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    let transcript = store.transcript(&acme, &state.id, 0, 10).await?;
    assert_eq!(transcript.len(), 2);
    assert_eq!(transcript[0], hello);
    assert_eq!(transcript[1].delivery, Delivery::Delivered);

    // Without a session in the commit, the stored session gives the channel for deduplication.
    let later = inbound(&state, 3, "again", Some("wamid.2"));
    let only_messages = SessionCommit {
        messages: vec![later.clone()],
        ..SessionCommit::default()
    };
    assert_eq!(
        store.commit(only_messages.clone()).await?,
        CommitOutcome::Committed
    );
    let redelivered = SessionCommit {
        messages: vec![inbound(&state, 4, "again", Some("wamid.2"))],
        ..SessionCommit::default()
    };
    assert_eq!(
        store.commit(redelivered).await?,
        CommitOutcome::DuplicateInbound {
            provider_message_id: "wamid.2".to_owned()
        }
    );
    assert_eq!(
        store.transcript(&acme, &state.id, 2, 10).await?,
        vec![later]
    );

    // One session per key: another session id for the same key is refused.
    let twin = session(key.clone(), &ava, 20_000);
    assert!(matches!(
        store.commit(commit(&twin, Vec::new())).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.load_session(&key).await?, Some(state.clone()));
    assert_eq!(store.get_session(&acme, &twin.id).await?, None);

    // Two messages with the same sequence number in one session are refused too.
    let clash = commit(&state, vec![outbound(&state, 3, "clash")]);
    assert!(matches!(
        store.commit(clash).await,
        Err(StoreError::Conflict(_))
    ));
    Ok(())
}

/// The plan's monthly count: sessions of one tenant created at or after a time, up to a cap.
pub async fn sessions_are_counted_from_a_time_per_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let ava = bot(&acme, "Ava", 1);
    for (contact, created) in [("+1", 1_000), ("+2", 5_000), ("+3", 5_000), ("+4", 9_000)] {
        let state = session(key(&acme, Channel::WhatsApp, contact), &ava, created);
        store.commit(commit(&state, Vec::new())).await?;
    }
    let other = session(key(&globex, Channel::WhatsApp, "+1"), &ava, 6_000);
    store.commit(commit(&other, Vec::new())).await?;

    assert_eq!(
        store.count_sessions_since(&acme, Timestamp(0), 100).await?,
        4
    );
    assert_eq!(
        store
            .count_sessions_since(&acme, Timestamp(5_000), 100)
            .await?,
        3,
        "from the time on, inclusive"
    );
    assert_eq!(
        store
            .count_sessions_since(&acme, Timestamp(5_001), 100)
            .await?,
        1
    );
    assert_eq!(
        store.count_sessions_since(&acme, Timestamp(0), 2).await?,
        2,
        "counted up to the cap"
    );
    assert_eq!(
        store
            .count_sessions_since(&globex, Timestamp(0), 100)
            .await?,
        1
    );
    assert_eq!(
        store
            .count_sessions_since(&tenant("nobody"), Timestamp(0), 100)
            .await?,
        0
    );
    Ok(())
}
