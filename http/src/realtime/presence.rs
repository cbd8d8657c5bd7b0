//! Who is at a console on any node, in Redis. Per organisation, a hash holds one entry per
//! agent and node (`["agent","node"]` → `"<sequence>:<status>"`) and a sorted set holds each
//! entry's expiry on the Redis clock. A node writes its entries when an agent's first socket
//! arrives or their status changes, heartbeats them ([`SharedPresence::refresh`], every third
//! of the TTL), and deletes them when the agent's last socket leaves; a node that dies stops
//! heartbeating and its entries are dropped by the next read after the TTL. An agent present
//! on several nodes has the status chosen last anywhere (the highest sequence).

use crate::console::protocol::{Presence, PresenceNotice};
use crate::realtime::RealtimeError;
use botwot_engine::TenantId;
use redis::Script;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

const PUT_LUA: &str = include_str!("presence_put.lua");
const LIST_LUA: &str = include_str!("presence_list.lua");
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(1);

/// This node's view of and writes to the shared presence. Cheap to clone.
#[derive(Clone)]
pub struct SharedPresence {
    conn: ConnectionManager,
    /// The cluster's key prefix, for example `botwot:`.
    prefix: String,
    node_id: String,
    ttl: Duration,
    put: Script,
    list: Script,
}

impl SharedPresence {
    /// Connects to `redis_url`; entries are written for `node_id` and live `ttl` without a
    /// heartbeat.
    pub async fn connect(
        redis_url: &str,
        prefix: &str,
        node_id: &str,
        ttl: Duration,
    ) -> Result<Self, RealtimeError> {
        let client = redis::Client::open(redis_url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(2);
        let conn = tokio::time::timeout(
            CONNECT_TIMEOUT,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| RealtimeError::Timeout)??;
        Ok(Self {
            conn,
            prefix: prefix.to_owned(),
            node_id: node_id.to_owned(),
            ttl,
            put: Script::new(PUT_LUA),
            list: Script::new(LIST_LUA),
        })
    }

    /// How often [`SharedPresence::refresh`] should run.
    pub fn heartbeat_interval(&self) -> Duration {
        (self.ttl / 3).max(Duration::from_millis(10))
    }

    fn entries_key(&self, tenant: &TenantId) -> String {
        format!("{}presence:{tenant}", self.prefix)
    }

    fn expiry_key(&self, tenant: &TenantId) -> String {
        format!("{}presence-expiry:{tenant}", self.prefix)
    }

    fn sequence_key(&self) -> String {
        format!("{}presence-seq", self.prefix)
    }

    fn field(&self, agent_id: &str) -> String {
        serde_json::json!([agent_id, self.node_id]).to_string()
    }

    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.ttl.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Writes `agents` of `tenant` on this node; `chosen` when their statuses were chosen just
    /// now (rather than heartbeated).
    async fn write(
        &self,
        tenant: &TenantId,
        agents: &[(String, Presence)],
        chosen: bool,
    ) -> Result<(), redis::RedisError> {
        if agents.is_empty() {
            return Ok(());
        }
        let mut invocation = self.put.prepare_invoke();
        invocation
            .key(self.entries_key(tenant))
            .key(self.expiry_key(tenant))
            .key(self.sequence_key())
            .arg(self.ttl_ms())
            .arg(if chosen { "1" } else { "0" });
        for (agent_id, status) in agents {
            invocation.arg(self.field(agent_id)).arg(status.as_str());
        }
        let mut conn = self.conn.clone();
        invocation.invoke_async::<i64>(&mut conn).await.map(|_| ())
    }

    /// The agent is at a console on this node with `status`, chosen just now.
    pub async fn put(
        &self,
        tenant: &TenantId,
        agent_id: &str,
        status: Presence,
    ) -> Result<(), redis::RedisError> {
        self.write(tenant, &[(agent_id.to_owned(), status)], true)
            .await
    }

    /// Heartbeat: every agent at a console on this node, with their status here.
    pub async fn refresh(
        &self,
        seats: Vec<(TenantId, PresenceNotice)>,
    ) -> Result<(), redis::RedisError> {
        let mut by_tenant: HashMap<TenantId, Vec<(String, Presence)>> = HashMap::new();
        for (tenant, seat) in seats {
            by_tenant
                .entry(tenant)
                .or_default()
                .push((seat.agent_id, seat.status));
        }
        for (tenant, agents) in by_tenant {
            self.write(&tenant, &agents, false).await?;
        }
        Ok(())
    }

    /// The agent's last socket on this node left.
    pub async fn remove(&self, tenant: &TenantId, agent_id: &str) -> Result<(), redis::RedisError> {
        let field = self.field(agent_id);
        let mut conn = self.conn.clone();
        redis::pipe()
            .atomic()
            .hdel(self.entries_key(tenant), &field)
            .zrem(self.expiry_key(tenant), &field)
            .query_async::<()>(&mut conn)
            .await
    }

    /// Everyone of `tenant` at a console on any node, by agent id, with the status they chose
    /// last.
    pub async fn agents(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<PresenceNotice>, redis::RedisError> {
        let mut conn = self.conn.clone();
        let entries: Vec<(String, String)> = self
            .list
            .key(self.entries_key(tenant))
            .key(self.expiry_key(tenant))
            .invoke_async(&mut conn)
            .await?;
        Ok(merge(entries))
    }
}

/// One status per agent from every node's entries: the one with the highest sequence.
/// Entries that do not parse are skipped.
fn merge(entries: Vec<(String, String)>) -> Vec<PresenceNotice> {
    let mut newest: BTreeMap<String, (u64, Presence)> = BTreeMap::new();
    for (field, value) in entries {
        let Ok((agent_id, _node)) = serde_json::from_str::<(String, String)>(&field) else {
            continue;
        };
        let Some((sequence, status)) = value.split_once(':') else {
            continue;
        };
        let (Ok(sequence), Some(status)) = (sequence.parse::<u64>(), Presence::from_word(status))
        else {
            continue;
        };
        let slot = newest.entry(agent_id).or_insert((sequence, status));
        if sequence > slot.0 {
            *slot = (sequence, status);
        }
    }
    newest
        .into_iter()
        .map(|(agent_id, (_, status))| PresenceNotice { agent_id, status })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_chosen_last_on_any_node_wins() {
        let entry = |agent: &str, node: &str, value: &str| {
            (
                serde_json::json!([agent, node]).to_string(),
                value.to_owned(),
            )
        };
        let merged = merge(vec![
            entry("a1", "n1", "7:away"),
            entry("a1", "n2", "3:online"),
            entry("a2", "n2", "4:online"),
            entry("a3", "n1", "garbage"),
            ("not json".into(), "1:online".into()),
        ]);
        let statuses: Vec<(&str, Presence)> = merged
            .iter()
            .map(|notice| (notice.agent_id.as_str(), notice.status))
            .collect();
        assert_eq!(
            statuses,
            vec![("a1", Presence::Away), ("a2", Presence::Online)]
        );
    }
}
