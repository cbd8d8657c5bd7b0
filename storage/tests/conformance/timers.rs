use crate::fixtures::Fixture;
use crate::records::{commit, conversation, tenant, timer};
use botwot_engine::channel::Channel;
use botwot_engine::ports::SessionCommit;
use botwot_engine::timer::{DurableTimer, TimerKind};

fn due_times(timers: &[DurableTimer]) -> Vec<i64> {
    timers.iter().map(|timer| timer.due_at.millis()).collect()
}

pub async fn timers_set_move_cancel_sorted(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let first = conversation(&acme, Channel::Web, "a");
    let second = conversation(&tenant("globex"), Channel::Web, "b");
    let mut set = commit(&first, Vec::new());
    set.timers_set = vec![
        timer(&first, TimerKind::InactivityWarning, 500),
        timer(&first, TimerKind::AutoClose, 900),
    ];
    store.commit(set).await?;
    let mut set = commit(&second, Vec::new());
    set.timers_set = vec![timer(&second, TimerKind::AutoClose, 300)];
    store.commit(set).await?;
    let timers = store.all_timers().await?;
    assert_eq!(due_times(&timers), [300, 500, 900]);
    assert_eq!(timers[0], timer(&second, TimerKind::AutoClose, 300));

    // Setting a timer again moves it.
    let mut moved = commit(&first, Vec::new());
    moved.timers_set = vec![timer(&first, TimerKind::InactivityWarning, 1_000)];
    store.commit(moved).await?;
    let timers = store.all_timers().await?;
    assert_eq!(due_times(&timers), [300, 900, 1_000]);
    assert_eq!(
        timers[2].id,
        DurableTimer::id_for(&first.id, TimerKind::InactivityWarning)
    );

    let cancel = SessionCommit {
        timers_cancelled: vec![
            DurableTimer::id_for(&second.id, TimerKind::AutoClose),
            DurableTimer::id_for(&second.id, TimerKind::InactivityWarning),
        ],
        ..SessionCommit::default()
    };
    store.commit(cancel).await?;
    assert_eq!(due_times(&store.all_timers().await?), [900, 1_000]);
    Ok(())
}
