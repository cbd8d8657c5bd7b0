//! The plan's sessions-a-month limit (PRD §3.12), checked where a conversation starts: in the
//! session actor, before a new session's first commit, whatever channel it comes from.
//!
//! The month is the calendar month in UTC. An organisation's count is read from storage (at
//! most one past its limit) and kept for a few seconds, counting the sessions this node starts
//! meanwhile, so a burst of new conversations does not read the index once each. Nodes of a
//! cluster count apart between reads, so a burst at the limit may pass it by a few sessions; the
//! limit is a commercial one, as for bots and users. Organisations without a record (the demo
//! tenant) and plans without a limit are not counted, and that answer is kept as long as a count
//! so their new sessions do not read the organisation each.

use crate::sessions::SessionError;
use botwot_engine::access::{LimitedResource, PlanLimits};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::Storage;
use botwot_engine::time::Timestamp;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a count read from storage is trusted.
const COUNT_FRESH_FOR: Duration = Duration::from_secs(10);

pub(crate) struct SessionQuota {
    store: Arc<dyn Storage>,
    counted: Mutex<HashMap<TenantId, Counted>>,
}

/// An organisation's sessions this month, as last read plus those started here since.
#[derive(Clone, Copy)]
struct Counted {
    month: Timestamp,
    limits: PlanLimits,
    sessions: u32,
    read_at: Instant,
}

impl SessionQuota {
    pub(crate) fn new(store: Arc<dyn Storage>) -> Self {
        Self {
            store,
            counted: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one session of `tenant`'s month starting at `now`, or refuses it with
    /// [`SessionError::PlanLimit`] naming the limit.
    pub(crate) async fn take_one(
        &self,
        tenant: &TenantId,
        now: Timestamp,
    ) -> Result<(), SessionError> {
        let month = now.start_of_month();
        let cached = self.counted.lock().get(tenant).copied();
        let mut counted = match cached {
            Some(counted)
                if counted.month == month && counted.read_at.elapsed() < COUNT_FRESH_FOR =>
            {
                counted
            }
            _ => self.read(tenant, month).await?,
        };
        counted
            .limits
            .allow_one_more(LimitedResource::SessionsPerMonth, counted.sessions)
            .map_err(SessionError::PlanLimit)?;
        counted.sessions = counted.sessions.saturating_add(1);
        self.counted.lock().insert(tenant.clone(), counted);
        Ok(())
    }

    /// The organisation's limit and count from storage; an unlimited plan counting nothing when
    /// it has no record or no limit.
    async fn read(&self, tenant: &TenantId, month: Timestamp) -> Result<Counted, SessionError> {
        let storage =
            |error: botwot_engine::ports::StoreError| SessionError::Storage(error.to_string());
        let uncounted = Counted {
            month,
            limits: PlanLimits::unlimited(),
            sessions: 0,
            read_at: Instant::now(),
        };
        let Some(organisation) = self.store.get_organisation(tenant).await.map_err(storage)? else {
            return Ok(uncounted);
        };
        let limits = organisation.limits();
        let Some(limit) = limits.limit_of(LimitedResource::SessionsPerMonth) else {
            return Ok(uncounted);
        };
        let up_to = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        let sessions = self
            .store
            .count_sessions_since(tenant, month, up_to)
            .await
            .map_err(storage)?;
        Ok(Counted {
            limits,
            sessions: u32::try_from(sessions).unwrap_or(u32::MAX),
            ..uncounted
        })
    }
}
