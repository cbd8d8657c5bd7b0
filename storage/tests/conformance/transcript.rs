use crate::fixtures::Fixture;
use crate::records::{commit, conversation, inbound, outbound, seqs, tenant};
use botwot_engine::channel::Channel;

pub async fn transcript_order_and_after_seq(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let state = conversation(&acme, Channel::Web, "visitor");
    let messages: Vec<_> = (1..=10)
        .map(|seq| match seq % 2 {
            1 => inbound(
                &state,
                seq,
                &format!("question {seq}"),
                Some(&format!("client-{seq}")),
            ),
            _ => outbound(&state, seq, &format!("answer {seq}")),
        })
        .collect();
    let pick = |seqs: &[usize]| seqs.iter().map(|seq| messages[seq - 1].clone()).collect();
    for batch in [pick(&[1, 2, 3]), pick(&[5, 4]), pick(&[6, 7, 8, 9, 10])] {
        store.commit(commit(&state, batch)).await?;
    }
    let other = conversation(&acme, Channel::Web, "other visitor");
    let others = (1..=3)
        .map(|seq| outbound(&other, seq, "elsewhere"))
        .collect();
    store.commit(commit(&other, others)).await?;

    let everything = store.transcript(&acme, &state.id, 0, 100).await?;
    assert_eq!(everything, messages);
    assert_eq!(
        seqs(&store.transcript(&acme, &state.id, 4, 3).await?),
        [5, 6, 7]
    );
    assert_eq!(seqs(&store.transcript(&acme, &state.id, 9, 3).await?), [10]);
    assert!(store.transcript(&acme, &state.id, 10, 5).await?.is_empty());
    assert!(store.transcript(&acme, &state.id, 0, 0).await?.is_empty());
    assert!(
        store
            .transcript(&acme, &state.id, u64::MAX, 5)
            .await?
            .is_empty()
    );

    assert_eq!(
        seqs(&store.recent_messages(&acme, &state.id, 3).await?),
        [8, 9, 10]
    );
    assert_eq!(
        store.recent_messages(&acme, &state.id, 50).await?,
        everything
    );
    assert!(store.recent_messages(&acme, &state.id, 0).await?.is_empty());

    assert_eq!(
        seqs(&store.transcript(&acme, &other.id, 0, 100).await?),
        [1, 2, 3]
    );
    assert!(
        store
            .transcript(&tenant("globex"), &state.id, 0, 100)
            .await?
            .is_empty()
    );
    Ok(())
}
