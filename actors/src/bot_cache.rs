//! A short-lived cache of bot profiles, so session actors do not read the bot on every message.

use botwot_engine::ports::{Storage, StoreError};
use botwot_engine::{BotId, BotProfile, TenantId};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

pub(crate) struct BotCache {
    store: Arc<dyn Storage>,
    ttl: Duration,
    entries: Mutex<HashMap<BotId, (Instant, Arc<BotProfile>)>>,
}

impl BotCache {
    pub(crate) fn new(store: Arc<dyn Storage>, ttl: Duration) -> Self {
        Self {
            store,
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The bot, read through the cache; `None` when it does not exist in that tenant.
    pub(crate) async fn get(
        &self,
        tenant: &TenantId,
        id: &BotId,
    ) -> Result<Option<Arc<BotProfile>>, StoreError> {
        if let Some((read_at, bot)) = self.entries.lock().get(id)
            && read_at.elapsed() < self.ttl
            && bot.tenant_id == *tenant
        {
            return Ok(Some(bot.clone()));
        }
        let Some(bot) = self.store.get_bot(tenant, id).await? else {
            return Ok(None);
        };
        let bot = Arc::new(bot);
        self.entries
            .lock()
            .insert(id.clone(), (Instant::now(), bot.clone()));
        Ok(Some(bot))
    }
}
