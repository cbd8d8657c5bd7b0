//! Shard leases: one winner per race, expiry hands the shard over with a higher epoch, the old
//! holder's renew and epoch are refused.

use crate::support::{RedisCleanup, leases, unique_prefix};
use botwot_cluster::{ClusterError, LeaseEnd, LeaseGrant, ShardId, ShardLease};
use std::time::Duration;

fn acquired(grant: LeaseGrant) -> ShardLease {
    match grant {
        LeaseGrant::Acquired(lease) => lease,
        LeaseGrant::HeldBy { holder, epoch } => {
            panic!("expected to acquire, held by {holder} at epoch {epoch}")
        }
    }
}

#[tokio::test]
async fn two_nodes_race_for_a_lease_and_only_one_wins() {
    let prefix = unique_prefix("lease");
    let _cleanup = RedisCleanup::new(&prefix);
    let node_a = leases(&prefix, 2000).await;
    let node_b = leases(&prefix, 2000).await;
    for shard in 0..20 {
        let shard = ShardId(shard);
        let (a, b) = tokio::join!(
            node_a.acquire(shard, "node-a"),
            node_b.acquire(shard, "node-b")
        );
        let grants = [a.unwrap(), b.unwrap()];
        let winners: Vec<&ShardLease> = grants
            .iter()
            .filter_map(|g| match g {
                LeaseGrant::Acquired(lease) => Some(lease),
                LeaseGrant::HeldBy { .. } => None,
            })
            .collect();
        assert_eq!(winners.len(), 1, "shard {shard}: {grants:?}");
        let winner = winners[0];
        assert_eq!(winner.token.epoch, 1);
        let loser = grants
            .iter()
            .find(|g| matches!(g, LeaseGrant::HeldBy { .. }))
            .unwrap();
        assert_eq!(
            loser,
            &LeaseGrant::HeldBy {
                holder: winner.holder.clone(),
                epoch: 1
            }
        );
        let holder = node_a.holder_of(shard).await.unwrap().unwrap();
        assert_eq!(holder.holder, winner.holder);
    }
}

#[tokio::test]
async fn an_unrenewed_lease_expires_and_the_next_holder_has_a_higher_epoch() {
    let prefix = unique_prefix("lease");
    let _cleanup = RedisCleanup::new(&prefix);
    let node_a = leases(&prefix, 500).await;
    let node_b = leases(&prefix, 500).await;
    let shard = ShardId(7);
    let old = acquired(node_a.acquire(shard, "node-a").await.unwrap());
    node_a.check_epoch(old.token).await.unwrap();

    // node-a stops renewing (a pause or a partition); node-b keeps trying.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let new = loop {
        match node_b.acquire(shard, "node-b").await.unwrap() {
            LeaseGrant::Acquired(lease) => break lease,
            LeaseGrant::HeldBy { holder, .. } => {
                assert_eq!(holder, "node-a");
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the lease never expired"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert!(new.token.epoch > old.token.epoch);
    assert_eq!(node_b.latest_epoch(shard).await.unwrap(), new.token.epoch);

    let renew = node_a.renew(&old).await;
    assert!(
        matches!(renew, Err(ClusterError::LeaseLost { epoch, .. }) if epoch == old.token.epoch),
        "{renew:?}"
    );
    let check = node_a.check_epoch(old.token).await;
    assert!(
        matches!(check, Err(ClusterError::StaleEpoch { presented, latest, .. })
            if presented == old.token.epoch && latest == new.token.epoch),
        "{check:?}"
    );
    assert_eq!(check.unwrap_err().code(), "cluster.stale_epoch");
    assert!(
        !node_a.release(&old).await.unwrap(),
        "the old holder must not free the new lease"
    );
    node_b.check_epoch(new.token).await.unwrap();
    node_b.renew(&new).await.unwrap();
    assert_eq!(
        node_b.holder_of(shard).await.unwrap().map(|h| h.holder),
        Some("node-b".to_owned())
    );
}

#[tokio::test]
async fn renewing_keeps_the_lease_and_release_frees_it() {
    let prefix = unique_prefix("lease");
    let _cleanup = RedisCleanup::new(&prefix);
    let node_a = leases(&prefix, 1000).await;
    let node_b = leases(&prefix, 1000).await;
    let shard = ShardId(3);
    let lease = acquired(node_a.acquire(shard, "node-a").await.unwrap());
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        node_a.renew(&lease).await.unwrap();
        assert!(matches!(
            node_b.acquire(shard, "node-b").await.unwrap(),
            LeaseGrant::HeldBy { ref holder, epoch: 1 } if holder == "node-a"
        ));
    }
    // The holder asking again is told it holds it; it must renew, not re-acquire.
    assert!(matches!(
        node_a.acquire(shard, "node-a").await.unwrap(),
        LeaseGrant::HeldBy { epoch: 1, .. }
    ));
    assert!(node_a.release(&lease).await.unwrap());
    assert_eq!(node_a.holder_of(shard).await.unwrap(), None);
    let check = node_a.check_epoch(lease.token).await;
    assert!(
        matches!(check, Err(ClusterError::StaleEpoch { latest: 1, .. })),
        "{check:?}"
    );

    let next = acquired(node_b.acquire(shard, "node-b").await.unwrap());
    assert_eq!(next.token.epoch, 2);
    assert!(matches!(
        node_a.renew(&lease).await,
        Err(ClusterError::LeaseLost { .. })
    ));
}

#[tokio::test]
async fn epochs_are_per_shard() {
    let prefix = unique_prefix("lease");
    let _cleanup = RedisCleanup::new(&prefix);
    let node = leases(&prefix, 2000).await;
    let first = acquired(node.acquire(ShardId(1), "node-a").await.unwrap());
    node.release(&first).await.unwrap();
    let second = acquired(node.acquire(ShardId(1), "node-a").await.unwrap());
    let other = acquired(node.acquire(ShardId(2), "node-a").await.unwrap());
    assert_eq!((first.token.epoch, second.token.epoch), (1, 2));
    assert_eq!(other.token.epoch, 1);
    assert_eq!(node.latest_epoch(ShardId(9)).await.unwrap(), 0);
}

#[tokio::test]
async fn a_kept_lease_stays_held_and_reports_when_it_is_taken() {
    let prefix = unique_prefix("lease");
    let _cleanup = RedisCleanup::new(&prefix);
    let node_a = leases(&prefix, 600).await;
    let node_b = leases(&prefix, 600).await;
    let shard = ShardId(5);
    let mut kept = node_a.keep(acquired(node_a.acquire(shard, "node-a").await.unwrap()));
    tokio::time::sleep(Duration::from_millis(1500)).await; // more than two TTLs
    assert!(kept.is_valid());
    assert!(matches!(
        node_b.acquire(shard, "node-b").await.unwrap(),
        LeaseGrant::HeldBy { epoch: 1, .. }
    ));
    node_a.check_epoch(kept.token()).await.unwrap();

    // An operator (or a bug) frees the lease behind the keeper's back; node-b takes it.
    let mut redis = redis::Client::open(crate::support::redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}:lease:5"))
        .query_async(&mut redis)
        .await
        .unwrap();
    acquired(node_b.acquire(shard, "node-b").await.unwrap());
    let end = tokio::time::timeout(Duration::from_secs(10), kept.ended())
        .await
        .unwrap();
    assert_eq!(end, LeaseEnd::Lost);
    assert!(!kept.is_valid());
    assert!(!kept.release().await.unwrap());
}

#[tokio::test]
async fn releasing_a_kept_lease_frees_the_shard() {
    let prefix = unique_prefix("lease");
    let _cleanup = RedisCleanup::new(&prefix);
    let node = leases(&prefix, 1000).await;
    let kept = node.keep(acquired(node.acquire(ShardId(1), "node-a").await.unwrap()));
    assert!(kept.release().await.unwrap());
    let next = acquired(node.acquire(ShardId(1), "node-b").await.unwrap());
    assert_eq!(next.token.epoch, 2);
}

#[tokio::test]
async fn after_redis_forgot_its_epochs_leases_are_issued_above_the_stores() {
    let prefix = unique_prefix("lease");
    let _cleanup = RedisCleanup::new(&prefix);
    let node = leases(&prefix, 2000).await;
    let shard = ShardId(3);
    let mut last = 0;
    for _ in 0..3 {
        let lease = acquired(node.acquire_above(shard, "node-a", 0).await.unwrap());
        assert!(node.release(&lease).await.unwrap());
        last = lease.token.epoch;
    }
    assert_eq!(last, 3);
    // Redis restarts empty: its counter would start again at 1, below what the store accepted.
    drop(RedisCleanup::new(&prefix));
    let accepted_by_the_store = 3;
    let lease = acquired(
        node.acquire_above(shard, "node-b", accepted_by_the_store)
            .await
            .unwrap(),
    );
    assert_eq!(lease.token.epoch, 4, "above the store's epoch");
    assert!(node.release(&lease).await.unwrap());
    // The counter continues from there; a floor below it changes nothing.
    let next = acquired(node.acquire_above(shard, "node-a", 2).await.unwrap());
    assert_eq!(next.token.epoch, 5);
    node.check_epoch(next.token).await.unwrap();
}
