//! The task that owns a node's shards: every tick it gives up the shards whose lease ended or
//! that placement moved elsewhere, takes the leases of the shards placement gives it, and keeps
//! the heartbeat's figures current.
//!
//! Taking a shard: lease, fence (in [`crate::HeldShards`]), `host.adopt`, then consume its queue.
//! Giving one up: stop consuming (the event in hand finishes and is acked), remove the fence,
//! `host.release` (its actors stop), then free the lease so the next owner need not wait for it
//! to expire. A lost lease skips the graceful part: the fence goes first, then the consumer, then
//! the actors.

use super::{Release, ShardHost, Shared, Transport};
use crate::membership::Heartbeat;
use crate::shard_queues::{ShardConsumer, ShardDelivery};
use crate::{KeptLease, LeaseGrant, ShardId};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::watch;
use tracing::{debug, info, warn};

struct OwnedShard {
    lease: KeptLease,
    consumer: ShardConsumer,
}

type Owned = BTreeMap<ShardId, OwnedShard>;

pub(super) async fn run<H: ShardHost>(
    shared: Arc<Shared>,
    host: Arc<H>,
    heartbeat: Heartbeat,
    mut stop: watch::Receiver<bool>,
) {
    let mut owned = Owned::new();
    let mut tick = tokio::time::interval(shared.config.rebalance_interval());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = shared.wake.notified() => {}
            _ = stop.changed() => break,
        }
        rebalance(&shared, &host, &mut owned).await;
        heartbeat.set_load(host.load());
        heartbeat.set_shards(owned.len() as u64);
        if shared.draining.load(Ordering::Relaxed) && owned.is_empty() {
            let _ = shared.drained.send(true);
        }
    }
    let all: Vec<ShardId> = owned.keys().copied().collect();
    give_up(&shared, &host, &mut owned, all).await;
    let _ = shared.drained.send(true);
    if let Err(error) = heartbeat.leave().await {
        warn!(%error, "leaving the membership failed; the record expires by itself");
    }
}

async fn rebalance<H: ShardHost>(shared: &Arc<Shared>, host: &Arc<H>, owned: &mut Owned) {
    drop_lost(shared, host, owned).await;
    if !ensure_transport(shared, host, owned).await {
        return;
    }
    let Some(wanted) = wanted_shards(shared).await else {
        return;
    };
    let unwanted: Vec<ShardId> = owned
        .keys()
        .filter(|shard| !wanted.contains(shard))
        .copied()
        .collect();
    if !unwanted.is_empty() {
        info!(shards = unwanted.len(), "handing shards over");
        give_up(shared, host, owned, unwanted).await;
    }
    let missing: Vec<ShardId> = wanted
        .iter()
        .filter(|shard| !owned.contains_key(shard))
        .copied()
        .collect();
    if !missing.is_empty() {
        take(shared, host, owned, missing).await;
    }
}

/// The shards placement gives this node now (none while draining); `None` when the view
/// cannot be read, in which case nothing changes this tick.
async fn wanted_shards(shared: &Shared) -> Option<BTreeSet<ShardId>> {
    if shared.draining.load(Ordering::Relaxed) {
        return Some(BTreeSet::new());
    }
    let members = match shared.membership.live_members().await {
        Ok(members) => members,
        Err(error) => {
            warn!(%error, "membership unreadable, placement unchanged");
            return None;
        }
    };
    let steering = match shared.steering.view().await {
        Ok(view) => view,
        Err(error) => {
            warn!(%error, "steering unreadable, placement unchanged");
            return None;
        }
    };
    if steering.draining.contains(&shared.node_id) {
        shared.draining.store(true, Ordering::Relaxed);
        return Some(BTreeSet::new());
    }
    let ids: Vec<&str> = members.iter().map(|m| m.node_id.as_str()).collect();
    let placement = steering.placement(shared.config.shards, &ids);
    Some(placement.shards_of(&shared.node_id).into_iter().collect())
}

/// Shards whose lease ended or whose consumer stopped: fenced out at once, then their consumers
/// stopped before their actors (a consumer left running would take event after event only to
/// have each refused and requeued, spending the broker's delivery limit of every one of them
/// while the actors stop), then the actors.
async fn drop_lost<H: ShardHost>(shared: &Shared, host: &Arc<H>, owned: &mut Owned) {
    let (mut ended, mut stopped) = (Vec::new(), Vec::new());
    for (shard, held) in owned.iter() {
        if !held.lease.is_valid() {
            ended.push(*shard);
        } else if held.consumer.is_finished() {
            stopped.push(*shard);
        }
    }
    if ended.is_empty() && stopped.is_empty() {
        return;
    }
    warn!(lease_ended = ?ended, consumer_stopped = ?stopped, "lost shards");
    for shard in ended.iter().chain(&stopped) {
        shared.held.remove(*shard);
    }
    for (shards, why) in [(ended, Release::LeaseEnded), (stopped, Release::HandedOver)] {
        if shards.is_empty() {
            continue;
        }
        let mut leases = Vec::with_capacity(shards.len());
        for shard in &shards {
            if let Some(gone) = owned.remove(shard) {
                let _ = gone.consumer.stop().await;
                leases.push(gone.lease);
            }
        }
        host.release(shards, why).await;
        for lease in leases.into_iter().filter(KeptLease::is_valid) {
            let _ = lease.release().await;
        }
    }
}

/// Reconnects to the broker when the connection dropped (after giving up every shard, whose
/// consumers died with it). Returns whether the transport is usable.
async fn ensure_transport<H: ShardHost>(
    shared: &Arc<Shared>,
    host: &Arc<H>,
    owned: &mut Owned,
) -> bool {
    if shared.transport.read().await.is_healthy() {
        return true;
    }
    let all: Vec<ShardId> = owned.keys().copied().collect();
    give_up(shared, host, owned, all).await;
    match Transport::connect(&shared.config, &shared.node_id).await {
        Ok(transport) => {
            *shared.transport.write().await = Arc::new(transport);
            info!("reconnected to the broker");
            true
        }
        Err(error) => {
            warn!(%error, "broker unreachable, retrying");
            false
        }
    }
}

async fn give_up<H: ShardHost>(
    shared: &Shared,
    host: &Arc<H>,
    owned: &mut Owned,
    shards: Vec<ShardId>,
) {
    let mut leases = Vec::with_capacity(shards.len());
    for shard in &shards {
        if let Some(gone) = owned.remove(shard) {
            if let Err(error) = gone.consumer.stop().await {
                debug!(shard = shard.0, %error, "consumer already stopped");
            }
            shared.held.remove(*shard);
            leases.push(gone.lease);
        }
    }
    host.release(shards, Release::HandedOver).await;
    for lease in leases {
        let shard = lease.token().shard;
        if let Err(error) = lease.release().await {
            warn!(shard = shard.0, %error, "lease not released; it expires by itself");
        }
    }
}

async fn take<H: ShardHost>(
    shared: &Arc<Shared>,
    host: &Arc<H>,
    owned: &mut Owned,
    shards: Vec<ShardId>,
) {
    // Epochs go above what the store has accepted, even if Redis forgot what it issued.
    let floors = match host.accepted_epochs().await {
        Ok(floors) => floors,
        Err(error) => {
            warn!(%error, "the store's shard epochs are unreadable; taking no shard this tick");
            return;
        }
    };
    let mut taken = Vec::new();
    for shard in shards {
        let floor = floors.get(&shard).copied().unwrap_or(0);
        match shared
            .leases
            .acquire_above(shard, &shared.node_id, floor)
            .await
        {
            Ok(LeaseGrant::Acquired(lease)) => {
                shared.held.insert(shard, lease.token.epoch);
                taken.push(shared.leases.keep(lease));
            }
            Ok(LeaseGrant::HeldBy { holder, .. }) => {
                debug!(shard = shard.0, %holder, "shard still held elsewhere");
            }
            Err(error) => {
                warn!(shard = shard.0, %error, "lease not acquired");
                break;
            }
        }
    }
    if taken.is_empty() {
        return;
    }
    let shards: Vec<ShardId> = taken.iter().map(|lease| lease.token().shard).collect();
    if let Err(error) = host.adopt(shards.clone()).await {
        warn!(%error, "adopting shards failed; handing them back");
        for lease in taken {
            shared.held.remove(lease.token().shard);
            let _ = lease.release().await;
        }
        return;
    }
    let transport = Arc::clone(&*shared.transport.read().await);
    for lease in taken {
        let shard = lease.token().shard;
        match consume(&transport, host, shard).await {
            Ok(consumer) => {
                owned.insert(shard, OwnedShard { lease, consumer });
            }
            Err(error) => {
                warn!(shard = shard.0, %error, "consumer not registered; shard handed back");
                shared.held.remove(shard);
                host.release(vec![shard], Release::HandedOver).await;
                let _ = lease.release().await;
            }
        }
    }
    info!(taken = shards.len(), held = owned.len(), "took shards");
}

async fn consume<H: ShardHost>(
    transport: &Transport,
    host: &Arc<H>,
    shard: ShardId,
) -> Result<ShardConsumer, crate::ClusterError> {
    let queues = Arc::clone(&transport.queues);
    let host = Arc::clone(host);
    transport
        .queues
        .consume(shard, move |delivery: ShardDelivery| {
            let host = Arc::clone(&host);
            let queues = Arc::clone(&queues);
            async move {
                let reply_to = delivery.envelope.reply_to.clone();
                let id = delivery.envelope.message_id.clone();
                let reply = host.handle(delivery.envelope).await?;
                if let Some(reply_to) = reply_to
                    && let Err(error) = queues.reply(&reply_to, &id, &reply).await
                {
                    debug!(message_id = %id, %error, "reply not sent");
                }
                Ok(())
            }
        })
        .await
}
