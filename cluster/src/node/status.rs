//! What the cluster admin endpoints show: members with their load, the shard map (where
//! placement puts each shard and who holds its lease), where one session runs, and the
//! dead-letter queue.

use super::ClusterNode;
use crate::shard_queues::DeadLetter;
use crate::{ClusterError, ShardId, shard_of};
use botwot_engine::SessionKey;
use futures::future::try_join_all;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many dead letters one admin call looks through.
const DEAD_LETTER_SCAN: usize = 1_000;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    /// The node that answered.
    pub answered_by: String,
    pub shard_count: u32,
    pub members: Vec<MemberStatus>,
    /// Shards pinned to a node by an operator.
    pub pins: BTreeMap<u32, String>,
    /// Events that failed too often, waiting for an operator.
    pub dead_letters: u32,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberStatus {
    pub node_id: String,
    pub address: String,
    /// Milliseconds since the Unix epoch.
    pub started_at: u64,
    /// Live session actors, as of the member's last heartbeat.
    pub actors: u64,
    /// Shard leases held, as of the member's last heartbeat.
    pub shards_held: u64,
    /// Shards placement gives the member now.
    pub shards_placed: usize,
    pub draining: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardStatus {
    pub shard: u32,
    /// Where placement puts the shard.
    pub placed_on: Option<String>,
    /// Who holds its lease now (differs from `placed_on` while it moves).
    pub held_by: Option<String>,
    pub epoch: Option<u64>,
    pub pinned: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionLocation {
    pub shard: u32,
    pub placed_on: Option<String>,
    pub held_by: Option<String>,
    pub epoch: Option<u64>,
}

impl ClusterNode {
    pub async fn status(&self) -> Result<ClusterStatus, ClusterError> {
        let shared = &self.shared;
        let members = shared.membership.live_members().await?;
        let steering = shared.steering.view().await?;
        let ids: Vec<&str> = members.iter().map(|m| m.node_id.as_str()).collect();
        let placement = steering.placement(shared.config.shards, &ids);
        let counts = placement.counts();
        let dead_letters = self
            .transport()
            .await
            .queues
            .dead_letter_depth()
            .await?
            .ready;
        let mut members: Vec<MemberStatus> = members
            .iter()
            .map(|member| MemberStatus {
                node_id: member.node_id.clone(),
                address: member.address.clone(),
                started_at: member.started_at,
                actors: member.load,
                shards_held: member.shards,
                shards_placed: counts.get(member.node_id.as_str()).copied().unwrap_or(0),
                draining: steering.draining.contains(&member.node_id),
            })
            .collect();
        members.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        Ok(ClusterStatus {
            answered_by: shared.node_id.clone(),
            shard_count: shared.config.shards,
            members,
            pins: steering
                .pins
                .iter()
                .map(|(shard, node)| (shard.0, node.clone()))
                .collect(),
            dead_letters,
        })
    }

    /// Every shard with its placement and lease holder.
    pub async fn shard_map(&self) -> Result<Vec<ShardStatus>, ClusterError> {
        let shared = &self.shared;
        let members = shared.membership.live_members().await?;
        let steering = shared.steering.view().await?;
        let ids: Vec<&str> = members.iter().map(|m| m.node_id.as_str()).collect();
        let placement = steering.placement(shared.config.shards, &ids);
        let holders = try_join_all(
            (0..shared.config.shards).map(|shard| shared.leases.holder_of(ShardId(shard))),
        )
        .await?;
        Ok(placement
            .iter()
            .zip(holders)
            .map(|((shard, placed_on), holder)| ShardStatus {
                shard: shard.0,
                placed_on: placed_on.map(str::to_owned),
                held_by: holder.as_ref().map(|h| h.holder.clone()),
                epoch: holder.map(|h| h.epoch),
                pinned: steering.pins.contains_key(&shard),
            })
            .collect())
    }

    /// Where the session of `key` runs.
    pub async fn locate(&self, key: &SessionKey) -> Result<SessionLocation, ClusterError> {
        let shard = shard_of(key, self.shared.config.shards);
        let members = self.shared.membership.live_members().await?;
        let steering = self.shared.steering.view().await?;
        let ids: Vec<&str> = members.iter().map(|m| m.node_id.as_str()).collect();
        let placement = steering.placement(self.shared.config.shards, &ids);
        let holder = self.shared.leases.holder_of(shard).await?;
        Ok(SessionLocation {
            shard: shard.0,
            placed_on: placement.owner(shard).map(str::to_owned),
            held_by: holder.as_ref().map(|h| h.holder.clone()),
            epoch: holder.map(|h| h.epoch),
        })
    }

    pub async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, ClusterError> {
        self.transport().await.queues.dead_letters(limit).await
    }

    /// Puts a dead letter back on its shard queue; `false` when there is no such letter.
    pub async fn replay_dead_letter(&self, message_id: &str) -> Result<bool, ClusterError> {
        self.transport()
            .await
            .queues
            .replay_dead_letter(message_id, DEAD_LETTER_SCAN)
            .await
    }

    /// Drops a dead letter for good; `false` when there is no such letter.
    pub async fn discard_dead_letter(&self, message_id: &str) -> Result<bool, ClusterError> {
        self.transport()
            .await
            .queues
            .discard_dead_letter(message_id, DEAD_LETTER_SCAN)
            .await
    }
}
