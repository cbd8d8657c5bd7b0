//! [`RedisCoordination`]: the engine's [`Coordination`] port on Redis, for the nodes of a
//! cluster.
//!
//! Layout under the configured prefix (the cluster's, e.g. `botwot:`):
//! - `lock:<name>`: the holder's random token, with a `PX` expiry, present while it is held;
//! - `stamp:<name>`: the last stamp recorded for `name` (a random token, no expiry).
//!
//! A lock is taken with `SET NX PX`; a task of the holder renews it every third of its time to
//! live, and renewing or releasing succeed only for the holder's own token (one Lua script
//! each, so check and change are atomic). When the lock cannot be renewed before it would have
//! expired, the holder's [`HeldLock::is_held`] turns false. Stamps are random rather than
//! counted, so a Redis that restarts empty can never hand out a stamp some node already keeps
//! for older contents: a forgotten stamp reads as `None` and makes every cache reload once.

use async_trait::async_trait;
use botwot_engine::coordination::{Coordination, CoordinationError, HeldLock};
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;
use tracing::warn;

/// Extends the lock when this holder still has it.
const RENEW_LUA: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// Frees the lock when this holder still has it.
const RELEASE_LUA: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// How long a lock outlives a holder that stopped renewing it, by default.
pub const DEFAULT_LOCK_TTL: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct RedisCoordination {
    conn: ConnectionManager,
    prefix: String,
    lock_ttl: Duration,
}

impl RedisCoordination {
    /// Connects to `url` (`redis://host:port/db`); every key is stored under `prefix`.
    pub async fn connect(url: &str, prefix: impl Into<String>) -> Result<Self, CoordinationError> {
        let conn = crate::redis_link::connect(url).await.map_err(unavailable)?;
        Ok(Self {
            conn,
            prefix: prefix.into(),
            lock_ttl: DEFAULT_LOCK_TTL,
        })
    }

    /// Locks expire this long after their holder last renewed them (at least 300 ms).
    pub fn with_lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl.max(Duration::from_millis(300));
        self
    }

    fn lock_key(&self, name: &str) -> String {
        format!("{}lock:{name}", self.prefix)
    }

    fn stamp_key(&self, name: &str) -> String {
        format!("{}stamp:{name}", self.prefix)
    }
}

fn unavailable(error: redis::RedisError) -> CoordinationError {
    CoordinationError(error.to_string())
}

fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX)
}

#[async_trait]
impl Coordination for RedisCoordination {
    async fn try_lock(&self, name: &str) -> Result<Option<Box<dyn HeldLock>>, CoordinationError> {
        let key = self.lock_key(name);
        let token = uuid::Uuid::new_v4().to_string();
        let mut conn = self.conn.clone();
        let taken: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(&token)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms(self.lock_ttl))
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        if taken.is_none() {
            return Ok(None);
        }
        Ok(Some(Box::new(RedisLock::keep(
            self.conn.clone(),
            key,
            token,
            self.lock_ttl,
        ))))
    }

    async fn stamp(&self, name: &str) -> Result<Option<String>, CoordinationError> {
        let mut conn = self.conn.clone();
        conn.get(self.stamp_key(name)).await.map_err(unavailable)
    }

    async fn new_stamp(&self, name: &str) -> Result<Option<String>, CoordinationError> {
        let stamp = uuid::Uuid::new_v4().to_string();
        let mut conn = self.conn.clone();
        let () = conn
            .set(self.stamp_key(name), &stamp)
            .await
            .map_err(unavailable)?;
        Ok(Some(stamp))
    }
}

/// A lock held in Redis, renewed by a task until it is released or dropped.
struct RedisLock {
    conn: ConnectionManager,
    key: String,
    token: String,
    held: Arc<AtomicBool>,
    renewer: JoinHandle<()>,
}

impl RedisLock {
    fn keep(conn: ConnectionManager, key: String, token: String, ttl: Duration) -> Self {
        let held = Arc::new(AtomicBool::new(true));
        let renewer = tokio::spawn(renew(
            conn.clone(),
            key.clone(),
            token.clone(),
            ttl,
            Arc::clone(&held),
        ));
        Self {
            conn,
            key,
            token,
            held,
            renewer,
        }
    }
}

/// Renews the lock every third of its time to live; marks it lost when Redis says another
/// holder has it, or when no renewal succeeded for a whole time to live.
async fn renew(
    mut conn: ConnectionManager,
    key: String,
    token: String,
    ttl: Duration,
    held: Arc<AtomicBool>,
) {
    let script = Script::new(RENEW_LUA);
    let mut renewed_at = Instant::now();
    loop {
        tokio::time::sleep(ttl / 3).await;
        let renewed: Result<i64, _> = script
            .key(&key)
            .arg(&token)
            .arg(ttl_ms(ttl))
            .invoke_async(&mut conn)
            .await;
        match renewed {
            Ok(1) => renewed_at = Instant::now(),
            Ok(_) => {
                warn!(lock = %key, "lock taken over by another holder");
                held.store(false, Ordering::Release);
                return;
            }
            Err(error) if renewed_at.elapsed() >= ttl => {
                warn!(lock = %key, %error, "lock not renewed in time; it is lost");
                held.store(false, Ordering::Release);
                return;
            }
            Err(error) => warn!(lock = %key, %error, "lock renewal failed; retrying"),
        }
    }
}

async fn release(mut conn: ConnectionManager, key: String, token: String) {
    let released: Result<i64, _> = Script::new(RELEASE_LUA)
        .key(&key)
        .arg(&token)
        .invoke_async(&mut conn)
        .await;
    if let Err(error) = released {
        warn!(lock = %key, %error, "lock not released; it expires by itself");
    }
}

#[async_trait]
impl HeldLock for RedisLock {
    fn is_held(&self) -> bool {
        self.held.load(Ordering::Acquire) && !self.renewer.is_finished()
    }

    async fn release(self: Box<Self>) {
        self.renewer.abort();
        self.held.store(false, Ordering::Release);
        release(self.conn.clone(), self.key.clone(), self.token.clone()).await;
    }
}

impl Drop for RedisLock {
    fn drop(&mut self) {
        self.renewer.abort();
        if self.held.swap(false, Ordering::AcqRel)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(release(
                self.conn.clone(),
                self.key.clone(),
                self.token.clone(),
            ));
        }
    }
}
