//! Cash-on-delivery orders are confirmed here (PRD §3.8.2). A node's [`OrderReminders`] looks for
//! due orders every `sweep_ms` and whenever it is woken (a webhook stored an order, a customer
//! answered), so a reminder goes within seconds of its time rather than at the PRD's next
//! ten-minute cron tick, and after a restart every overdue reminder is still found in the store.
//!
//! An attempt is recorded before any network is asked, as posts are (ADR 0022): under the
//! order's named lock (across the cluster's nodes) the order takes a lease and is stored; outside
//! the lock the shop is asked how the order stands now (a cancelled, paid or shipped order gets
//! no reminder), the reminder is sent and the tags are written on the order in Shopify; what
//! came of it is stored under the lock again, only if the attempt is still the current one.
//! The one window left is the channel's: a process that dies after WhatsApp took a reminder and
//! before its id is stored sends it again when the lease runs out.

mod sync;
mod tools;

pub use sync::SyncError;
pub use tools::ShopTools;

use crate::due_work::{DueWork, Pace};
use crate::named_locks::{NamedGuard, NamedLocks};
use botwot_engine::commerce::{
    AttemptReport, CustomerAnswer, OrderSnapshot, ReminderWork, SendOutcome, ShopConnection,
    TrackedOrder,
};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{
    DeliveryError, PageRequest, ReminderSender, Sealer, ShopAccess, ShopifyAdmin, ShopifyError,
    Storage, StoreError,
};
use botwot_engine::time::Clock;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tracing::{info, warn};

/// How a node sends order reminders (the `[commerce]` section).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderRemindersConfig {
    /// How often the node looks for due orders, besides being woken.
    pub sweep_ms: u64,
    /// How long an attempt may take before another process takes the order up again.
    pub lease_ms: u64,
    /// Orders taken up per read of the store.
    pub batch: usize,
}

impl Default for OrderRemindersConfig {
    fn default() -> Self {
        Self {
            sweep_ms: 5_000,
            lease_ms: 120_000,
            batch: 20,
        }
    }
}

/// What the reminders need.
pub struct OrderRemindersDeps {
    pub store: Arc<dyn Storage>,
    pub shopify: Arc<dyn ShopifyAdmin>,
    pub sender: Arc<dyn ReminderSender>,
    /// Opens the shops' sealed access tokens.
    pub sealer: Arc<dyn Sealer>,
    pub locks: NamedLocks,
    pub clock: Arc<dyn Clock>,
}

/// A node's order reminders.
#[derive(Clone)]
pub struct OrderReminders {
    deps: Arc<OrderRemindersDeps>,
    config: OrderRemindersConfig,
    pace: Pace,
}

/// The name of an order's lock, held by every change of it.
pub fn order_lock_name(order_key: &str) -> String {
    format!("shop-order:{order_key}")
}

/// The sealing context of a shop's access token (the token opens only on its shop's record).
pub fn shop_token_context(domain: &str) -> String {
    format!("shop:{domain}:token")
}

/// The sealing context of a shop's webhook secret.
pub fn shop_secret_context(domain: &str) -> String {
    format!("shop:{domain}:webhook")
}

impl OrderReminders {
    pub fn new(deps: OrderRemindersDeps, config: OrderRemindersConfig) -> Self {
        Self {
            deps: Arc::new(deps),
            pace: Pace {
                sweep_ms: config.sweep_ms,
                batch: config.batch,
                bell: Arc::new(Notify::new()),
            },
            config,
        }
    }

    pub fn deps(&self) -> &OrderRemindersDeps {
        &self.deps
    }

    /// Looks for due orders now.
    pub fn wake(&self) {
        self.pace.bell.notify_one();
    }

    /// The Admin API access of `shop`, its token opened.
    pub fn access(&self, shop: &ShopConnection) -> Result<ShopAccess, String> {
        let token = self
            .deps
            .sealer
            .open(&shop_token_context(&shop.domain), &shop.sealed_access_token)?;
        Ok(ShopAccess {
            domain: shop.domain.clone(),
            access_token: token,
        })
    }

    /// Takes in the shop's report of an order (a webhook, or a sync): stored under the order's
    /// lock, so it never overwrites an attempt's result; a report older than the one kept
    /// changes nothing. The order as kept.
    pub async fn observe(
        &self,
        shop: &ShopConnection,
        snapshot: OrderSnapshot,
    ) -> Result<TrackedOrder, StoreError> {
        let key = TrackedOrder::key(&shop.domain, &snapshot.order_id);
        let _lock = self.lock(&key).await?;
        let now = self.deps.clock.now();
        let order = match self.deps.store.get_order(&shop.tenant_id, &key).await? {
            None => TrackedOrder::new(shop, snapshot, now),
            Some(mut kept) => {
                if !kept.observe(snapshot, &shop.reminders, now) {
                    return Ok(kept);
                }
                kept
            }
        };
        self.deps.store.put_order(&order).await?;
        if order.due().is_some_and(|due| due <= now) {
            self.wake();
        }
        Ok(order)
    }

    /// The customer `contact` tapped a reminder's button for the order `key` of `tenant`. `None`
    /// when there is no such order of theirs; the order refuses an answer it no longer waits
    /// for (logged, and the order is returned as it is).
    pub async fn answer(
        &self,
        tenant: &TenantId,
        key: &str,
        contact: &str,
        answer: CustomerAnswer,
    ) -> Result<Option<TrackedOrder>, StoreError> {
        let _lock = self.lock(key).await?;
        let Some(mut order) = self.deps.store.get_order(tenant, key).await? else {
            return Ok(None);
        };
        if order.contact.as_deref() != Some(contact) {
            return Ok(None);
        }
        match order.answer(answer, self.deps.clock.now()) {
            Ok(true) => {
                self.deps.store.put_order(&order).await?;
                info!(order = %order.id, answer = answer.as_str(), "the customer answered an order reminder");
                self.wake();
            }
            Ok(false) => {}
            Err(refusal) => {
                info!(order = %order.id, %refusal, "an answer to an order reminder was not taken");
            }
        }
        Ok(Some(order))
    }

    /// Plans every order of `shop` again after its reminder settings changed.
    pub async fn replan_shop(&self, shop: &ShopConnection) -> Result<usize, StoreError> {
        let mut page = PageRequest {
            limit: 200,
            cursor: None,
        };
        let mut replanned = 0;
        loop {
            let listed = self
                .deps
                .store
                .list_orders(&shop.tenant_id, Some(&shop.domain), None, &page)
                .await?;
            for seen in listed.items {
                let _lock = self.lock(&seen.id).await?;
                let Some(mut order) = self.deps.store.get_order(&seen.tenant_id, &seen.id).await?
                else {
                    continue;
                };
                let before = (order.reminder_status, order.due());
                order.replan(&shop.reminders, self.deps.clock.now());
                if (order.reminder_status, order.due()) != before {
                    self.deps.store.put_order(&order).await?;
                    replanned += 1;
                }
            }
            match listed.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => break,
            }
        }
        self.wake();
        Ok(replanned)
    }

    async fn shop_of(&self, order: &TrackedOrder) -> Result<Option<ShopConnection>, StoreError> {
        self.deps
            .store
            .get_shop(&order.tenant_id, &order.shop)
            .await
    }

    async fn lock(&self, key: &str) -> Result<NamedGuard<'_>, StoreError> {
        self.deps
            .locks
            .hold(&order_lock_name(key))
            .await
            .map_err(|error| StoreError::Unavailable(error.to_string()))
    }
}

impl DueWork for OrderReminders {
    type Record = TrackedOrder;
    const NAME: &'static str = "order reminders";

    fn pace(&self) -> &Pace {
        &self.pace
    }

    async fn due(&self, limit: usize) -> Result<Vec<TrackedOrder>, StoreError> {
        self.deps
            .store
            .due_orders(self.deps.clock.now(), limit)
            .await
    }

    /// One attempt at `seen`; `false` when another process had it or it was no longer due.
    async fn attempt(&self, seen: &TrackedOrder) -> Result<bool, StoreError> {
        let Some((order, work, shop)) = self.begin(seen).await? else {
            return Ok(false);
        };
        let mut report = AttemptReport::default();
        match self.access(&shop) {
            Err(error) => {
                warn!(shop = %shop.domain, %error, "a shop's access token does not open");
                if work.reminder.is_some() {
                    report.send = Some(SendOutcome::Refused {
                        reason: "the shop's access token could not be opened".to_owned(),
                    });
                }
            }
            Ok(access) => {
                let mut tags = work.tags.clone();
                if work.reminder.is_some() {
                    let (fresh, send) = self.remind(&shop, &access, &order).await;
                    if !matches!(send, SendOutcome::Sent { .. }) {
                        tags.retain(|tag| order.tags_pending.contains(tag));
                    }
                    ::metrics::counter!("botwot_order_reminders_total", "outcome" => outcome_label(&send))
                        .increment(1);
                    report.fresh = fresh;
                    report.send = Some(send);
                }
                self.write_tags(&shop, &access, &order, tags, &mut report)
                    .await;
            }
        }
        self.finish(&order, report).await?;
        Ok(true)
    }
}

impl OrderReminders {
    /// Asks the shop how the order stands and, if it still waits for the customer, sends the
    /// reminder.
    async fn remind(
        &self,
        shop: &ShopConnection,
        access: &ShopAccess,
        order: &TrackedOrder,
    ) -> (Option<OrderSnapshot>, SendOutcome) {
        let fresh = match self.deps.shopify.order(access, &order.order.order_id).await {
            Ok(Some(fresh)) => fresh,
            Ok(None) => {
                return (
                    None,
                    SendOutcome::Refused {
                        reason: "the shop no longer has the order".to_owned(),
                    },
                );
            }
            Err(error) => {
                self.note_health(shop, Some(&error)).await;
                return (None, shopify_failure(error));
            }
        };
        self.note_health(shop, None).await;
        if fresh.is_settled() {
            return (Some(fresh), SendOutcome::NotNeeded);
        }
        let send = match self.deps.sender.send_order_reminder(shop, order).await {
            Ok(provider_message_id) => SendOutcome::Sent {
                provider_message_id,
            },
            Err(DeliveryError::Permanent(reason)) => SendOutcome::Refused { reason },
            Err(error) => SendOutcome::Retry {
                reason: error.to_string(),
            },
        };
        (Some(fresh), send)
    }

    async fn write_tags(
        &self,
        shop: &ShopConnection,
        access: &ShopAccess,
        order: &TrackedOrder,
        tags: Vec<String>,
        report: &mut AttemptReport,
    ) {
        if tags.is_empty() {
            return;
        }
        match self
            .deps
            .shopify
            .add_order_tags(access, &order.order.order_id, &tags)
            .await
        {
            Ok(()) => report.tags_written = tags,
            Err(error) => {
                if matches!(error, ShopifyError::Unauthorized(_)) {
                    self.note_health(shop, Some(&error)).await;
                }
                report.tags_error = Some(error.to_string());
            }
        }
    }

    /// Keeps the shop's health with what Shopify answered: a refused token marks it unhealthy
    /// (shown on the shop, and every order waits for a new token rather than failing), and the
    /// next call Shopify accepts clears that again.
    async fn note_health(&self, shop: &ShopConnection, error: Option<&ShopifyError>) {
        let refused = match error {
            Some(ShopifyError::Unauthorized(reason)) => Some(reason.clone()),
            Some(_) => return,
            None => None,
        };
        if shop.unhealthy == refused {
            return;
        }
        let Ok(Some(mut stored)) = self
            .deps
            .store
            .get_shop(&shop.tenant_id, &shop.domain)
            .await
        else {
            return;
        };
        if refused.is_some() {
            warn!(shop = %shop.domain, "Shopify refused the shop's access token; its orders wait for a new one");
            ::metrics::counter!("botwot_shop_tokens_refused_total").increment(1);
        }
        stored.unhealthy = refused;
        stored.updated_at = self.deps.clock.now();
        if let Err(error) = self.deps.store.save_shop(&stored).await {
            warn!(shop = %shop.domain, %error, "a shop's health could not be stored");
        }
    }

    /// Records the attempt under the order's lock; the order as stored, the work to do and its
    /// shop, or `None` when it was not due any more or its shop is gone.
    async fn begin(
        &self,
        seen: &TrackedOrder,
    ) -> Result<Option<(TrackedOrder, ReminderWork, ShopConnection)>, StoreError> {
        let Ok(_lock) = self.deps.locks.hold(&order_lock_name(&seen.id)).await else {
            return Ok(None);
        };
        let Some(mut order) = self.deps.store.get_order(&seen.tenant_id, &seen.id).await? else {
            return Ok(None);
        };
        let Some(shop) = self.shop_of(&order).await? else {
            return Ok(None);
        };
        let lease = Duration::from_millis(self.config.lease_ms);
        let Ok(work) = order.begin_attempt(self.deps.clock.now(), lease) else {
            return Ok(None);
        };
        self.deps.store.put_order(&order).await?;
        Ok(Some((order, work, shop)))
    }

    async fn finish(
        &self,
        attempted: &TrackedOrder,
        report: AttemptReport,
    ) -> Result<(), StoreError> {
        let _lock = self.lock(&attempted.id).await?;
        let Some(mut order) = self
            .deps
            .store
            .get_order(&attempted.tenant_id, &attempted.id)
            .await?
        else {
            return Ok(());
        };
        if order.attempt.is_none() || order.due_at != attempted.due_at {
            warn!(order = %attempted.id, "an order's attempt outlived its lease; its answer is dropped");
            return Ok(());
        }
        let Some(shop) = self.shop_of(&order).await? else {
            return Ok(());
        };
        let sent = matches!(report.send, Some(SendOutcome::Sent { .. }));
        order.finish_attempt(report, &shop.reminders, self.deps.clock.now());
        self.deps.store.put_order(&order).await?;
        if sent {
            info!(order = %order.id, reminders = order.reminders.len(), "order reminder sent");
        } else if let Some(error) = &order.last_error {
            info!(order = %order.id, status = order.reminder_status.as_str(), %error, "order attempt finished");
        }
        Ok(())
    }
}

/// What a failed read of the order means for the reminder.
fn shopify_failure(error: ShopifyError) -> SendOutcome {
    // A refused token is the merchant's to renew: the order waits for it (a few retries) rather
    // than failing at once.
    if error.is_transient() || matches!(error, ShopifyError::Unauthorized(_)) {
        SendOutcome::Retry {
            reason: error.to_string(),
        }
    } else {
        SendOutcome::Refused {
            reason: error.to_string(),
        }
    }
}

fn outcome_label(outcome: &SendOutcome) -> &'static str {
    match outcome {
        SendOutcome::Sent { .. } => "sent",
        SendOutcome::NotNeeded => "not_needed",
        SendOutcome::Retry { .. } => "retry",
        SendOutcome::Refused { .. } => "refused",
    }
}
