//! Who of an organisation is at a console, on this node: each agent's open console sockets and
//! last chosen status. An agent is offline only when their last socket leaves, so closing one of
//! two tabs changes nothing.

use crate::console::protocol::{Presence, PresenceNotice};
use botwot_engine::TenantId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Clone, Copy, Debug)]
struct Seat {
    sockets: usize,
    status: Presence,
}

/// The presence roster of the node's console sockets. Cheap to clone.
#[derive(Clone, Default)]
pub struct PresenceRoster {
    seats: Arc<Mutex<HashMap<(TenantId, String), Seat>>>,
}

impl PresenceRoster {
    fn seats(&self) -> MutexGuard<'_, HashMap<(TenantId, String), Seat>> {
        // A panic while holding the lock leaves counts that are still usable.
        self.seats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A socket of the agent connected; `Some(online)` when it is their first.
    pub fn joined(&self, tenant: &TenantId, agent_id: &str) -> Option<Presence> {
        let mut seats = self.seats();
        let seat = seats
            .entry((tenant.clone(), agent_id.to_owned()))
            .or_insert(Seat {
                sockets: 0,
                status: Presence::Online,
            });
        seat.sockets += 1;
        (seat.sockets == 1).then_some(seat.status)
    }

    /// The agent chose a status (kept for their other sockets and later arrivals).
    pub fn set(&self, tenant: &TenantId, agent_id: &str, status: Presence) {
        if let Some(seat) = self.seats().get_mut(&(tenant.clone(), agent_id.to_owned())) {
            seat.status = status;
        }
    }

    /// A socket of the agent left; `true` when it was their last (they are offline now).
    pub fn left(&self, tenant: &TenantId, agent_id: &str) -> bool {
        let mut seats = self.seats();
        let key = (tenant.clone(), agent_id.to_owned());
        let Some(seat) = seats.get_mut(&key) else {
            return false;
        };
        seat.sockets = seat.sockets.saturating_sub(1);
        if seat.sockets == 0 {
            seats.remove(&key);
            return true;
        }
        false
    }

    /// The agent's status on this node; `None` when they have no socket here.
    pub fn status_of(&self, tenant: &TenantId, agent_id: &str) -> Option<Presence> {
        self.seats()
            .get(&(tenant.clone(), agent_id.to_owned()))
            .map(|seat| seat.status)
    }

    /// Everyone at a console on this node, of every organisation.
    pub fn everyone(&self) -> Vec<(TenantId, PresenceNotice)> {
        self.seats()
            .iter()
            .map(|((tenant, agent_id), seat)| {
                let notice = PresenceNotice {
                    agent_id: agent_id.clone(),
                    status: seat.status,
                };
                (tenant.clone(), notice)
            })
            .collect()
    }

    /// Everyone of the organisation at a console now, with their status.
    pub fn roster(&self, tenant: &TenantId) -> Vec<PresenceNotice> {
        let mut roster: Vec<PresenceNotice> = self
            .seats()
            .iter()
            .filter(|((seat_tenant, _), _)| seat_tenant == tenant)
            .map(|((_, agent_id), seat)| PresenceNotice {
                agent_id: agent_id.clone(),
                status: seat.status,
            })
            .collect();
        roster.sort_by(|a, b| a.agent_id.cmp(&b.agent_id));
        roster
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_is_offline_only_when_the_last_socket_leaves() {
        let roster = PresenceRoster::default();
        let acme = TenantId::from("acme");
        assert_eq!(roster.joined(&acme, "a1"), Some(Presence::Online));
        assert_eq!(roster.joined(&acme, "a1"), None, "a second tab");
        roster.set(&acme, "a1", Presence::Away);
        assert!(!roster.left(&acme, "a1"));
        assert_eq!(roster.roster(&acme)[0].status, Presence::Away);
        assert_eq!(roster.status_of(&acme, "a1"), Some(Presence::Away));
        assert_eq!(roster.everyone().len(), 1);
        assert!(roster.roster(&TenantId::from("globex")).is_empty());
        assert!(roster.left(&acme, "a1"));
        assert!(roster.roster(&acme).is_empty());
        assert_eq!(roster.status_of(&acme, "a1"), None);
        assert!(!roster.left(&acme, "a1"), "leaving twice is harmless");
    }
}
