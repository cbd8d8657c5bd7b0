//! The Redis connection of the coordination parts (a cluster node's membership, leases and
//! steering, distributed locks, rate limits), set to fail fast. The client's default
//! reconnection makes a command on a dead connection wait through six attempts (over six
//! seconds); a lease renewal must instead learn within about a second that Redis is away, while
//! its lease still runs, and a request waiting on a lock or a limit must get a plain answer.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

/// Connects to `url`; the manager reconnects by itself, once per failed command.
pub async fn connect(url: &str) -> redis::RedisResult<ConnectionManager> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(Duration::from_secs(1)))
        .set_number_of_retries(1);
    ConnectionManager::new_with_config(redis::Client::open(url)?, config).await
}
