//! Counting how the widget is used (PRD §3.4.4, `POST /bot/widget/track`): a widget reports
//! `track` `{event: "loaded" | "opened"}` on its socket, which was admitted with the bot's widget
//! key and the page's origin. Counts are tallied in memory per bot and UTC day and added to the
//! stored ones every `widget_usage_flush_ms`, under the day's named lock, so every node's tallies
//! add up; a node that dies loses at most one interval of counts (analytics, not records).

use botwot_actors::NamedLocks;
use botwot_engine::analytics::{WidgetEvent, WidgetUsage};
use botwot_engine::ids::{BotId, TenantId};
use botwot_engine::ports::{Storage, StoreError};
use botwot_engine::time::Timestamp;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::task::JoinHandle;

/// Counts not stored yet, by stored id.
#[derive(Default)]
pub struct UsageTally {
    pending: Mutex<HashMap<String, WidgetUsage>>,
}

impl UsageTally {
    pub fn count(&self, tenant: &TenantId, bot: &BotId, event: WidgetEvent, now: Timestamp) {
        let day = WidgetUsage::empty(tenant.clone(), bot.clone(), now);
        let mut pending = self.pending();
        pending.entry(day.id()).or_insert(day).count(event);
    }

    /// Adds the tallied counts to the stored ones; how many days were written. Counts that
    /// could not be stored are kept for the next flush.
    pub async fn flush(
        &self,
        store: &dyn Storage,
        locks: &NamedLocks,
    ) -> Result<usize, StoreError> {
        let drained: Vec<WidgetUsage> = self.pending().drain().map(|(_, day)| day).collect();
        let mut written = 0;
        let mut failed = None;
        for day in drained {
            if failed.is_some() {
                self.put_back(day);
                continue;
            }
            match add_to_stored(store, locks, &day).await {
                Ok(()) => written += 1,
                Err(error) => {
                    self.put_back(day);
                    failed = Some(error);
                }
            }
        }
        failed.map_or(Ok(written), Err)
    }

    fn pending(&self) -> MutexGuard<'_, HashMap<String, WidgetUsage>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn put_back(&self, day: WidgetUsage) {
        let mut pending = self.pending();
        match pending.get_mut(&day.id()) {
            Some(newer) => newer.absorb(&day),
            None => {
                pending.insert(day.id(), day);
            }
        }
    }

    /// Flushes every `every` until the task is aborted.
    pub fn spawn(
        self: Arc<Self>,
        store: Arc<dyn Storage>,
        locks: NamedLocks,
        every: Duration,
    ) -> JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(error) = self.flush(&*store, &locks).await {
                    tracing::warn!(%error, "widget usage not stored; kept for the next flush");
                }
            }
        })
    }
}

async fn add_to_stored(
    store: &dyn Storage,
    locks: &NamedLocks,
    counted: &WidgetUsage,
) -> Result<(), StoreError> {
    let id = counted.id();
    let _lock = locks
        .hold(&format!("widget-usage:{id}"))
        .await
        .map_err(|error| StoreError::Unavailable(error.to_string()))?;
    let mut stored = store
        .get_widget_usage(&counted.tenant_id, &id)
        .await?
        .unwrap_or_else(|| {
            WidgetUsage::empty(
                counted.tenant_id.clone(),
                counted.bot_id.clone(),
                counted.day,
            )
        });
    stored.absorb(counted);
    store.put_widget_usage(&stored).await
}
