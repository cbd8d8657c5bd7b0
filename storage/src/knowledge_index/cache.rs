//! The bases kept in memory, each behind its own async lock, with least-recently-used eviction.
//!
//! A base's slot is `None` until it is loaded from the blob store (by whoever first takes its
//! write lock) and again once it is dropped or discarded after a failure. A loaded base carries
//! the cluster's stamp of the saved index it was read from, so a node can tell when another
//! node saved the base since. Writers of one base
//! are serialised by its lock, searches share it, and different bases never wait on each other:
//! the map's own mutex is held only to look a slot up. Slots are handed out only under that
//! mutex, so a slot nobody else holds a handle to is idle and can be evicted: it reloads from
//! the blob store on next use.

use super::base::IndexedBase;
use botwot_engine::ids::{KnowledgeBaseId, TenantId};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::RwLock;

/// A base is known by its organisation and its id, so one organisation never reaches another's.
pub(super) type BaseKey = (TenantId, KnowledgeBaseId);

/// A base in memory and the stamp of the saved index it matches (`None` on a single node, or
/// when the cluster has no stamp recorded).
pub(super) struct CachedBase {
    pub(super) base: IndexedBase,
    pub(super) stamp: Option<String>,
}

impl CachedBase {
    /// Whether this is still the base whose saved index carries `stamp`.
    pub(super) fn is_current(&self, stamp: &Option<String>) -> bool {
        self.stamp == *stamp
    }
}

/// One base's lock and, once loaded, its contents.
pub(super) type BaseSlot = Arc<RwLock<Option<CachedBase>>>;

struct Entry {
    slot: BaseSlot,
    last_used: u64,
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<BaseKey, Entry>,
    clock: u64,
}

/// Slots of the bases in use, at most `capacity` of them once idle ones are evicted.
pub(super) struct LoadedBases {
    entries: Mutex<Entries>,
    capacity: usize,
}

impl LoadedBases {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            capacity: capacity.max(1),
        }
    }

    /// The slot of `key`, created empty if the base is not in memory, marked as just used.
    pub(super) fn slot(&self, key: &BaseKey) -> BaseSlot {
        let mut entries = self.entries.lock();
        entries.clock += 1;
        let now = entries.clock;
        if let Some(entry) = entries.by_key.get_mut(key) {
            entry.last_used = now;
            return Arc::clone(&entry.slot);
        }
        let slot = BaseSlot::default();
        entries.by_key.insert(
            key.clone(),
            Entry {
                slot: Arc::clone(&slot),
                last_used: now,
            },
        );
        while entries.by_key.len() > self.capacity {
            let Some(idle) = least_recently_used_idle(&entries.by_key) else {
                break;
            };
            entries.by_key.remove(&idle);
        }
        slot
    }

    /// Forgets `key`'s slot unless someone still holds it.
    pub(super) fn forget_if_idle(&self, key: &BaseKey) {
        let mut entries = self.entries.lock();
        if entries
            .by_key
            .get(key)
            .is_some_and(|entry| is_idle(&entry.slot))
        {
            entries.by_key.remove(key);
        }
    }

    /// How many bases are loaded in memory (a base being changed or loaded right now counts).
    pub(super) fn loaded(&self) -> usize {
        self.entries
            .lock()
            .by_key
            .values()
            .filter(|entry| {
                entry
                    .slot
                    .try_read()
                    .map_or(true, |contents| contents.is_some())
            })
            .count()
    }
}

/// Nobody but the map holds the slot, so nobody holds or waits for its lock.
fn is_idle(slot: &BaseSlot) -> bool {
    Arc::strong_count(slot) == 1
}

fn least_recently_used_idle(by_key: &HashMap<BaseKey, Entry>) -> Option<BaseKey> {
    by_key
        .iter()
        .filter(|(_, entry)| is_idle(&entry.slot))
        .min_by_key(|(_, entry)| entry.last_used)
        .map(|(key, _)| key.clone())
}
