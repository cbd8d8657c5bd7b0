//! Shard keys: which of a fixed number of shards a session key belongs to.

use botwot_engine::SessionKey;
use serde::{Deserialize, Serialize};

/// How many shards the key space is cut into unless configured otherwise. Fixed for the life of
/// a deployment: changing it moves every session.
pub const DEFAULT_SHARD_COUNT: u32 = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ShardId(pub u32);

impl std::fmt::Display for ShardId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The shard of a session key: FNV-1a over the key's fields, so every node and every version
/// computes the same shard for the same key (std's hasher is randomised per process).
pub fn shard_of(key: &SessionKey, shard_count: u32) -> ShardId {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        key.tenant_id.as_str(),
        key.channel.as_str(),
        key.channel_account.as_str(),
        key.contact.as_str(),
    ] {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    ShardId((hash % u64::from(shard_count.max(1))) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::{Channel, TenantId};

    fn key(contact: &str) -> SessionKey {
        SessionKey::new(
            TenantId::from("org_1"),
            Channel::WhatsApp,
            "phone_1",
            contact,
        )
    }

    #[test]
    fn shards_match_an_independent_fnv_1a() {
        // Pinned values: a change here would move every deployed session.
        let pinned: Vec<u32> = ["a", "b", "c"]
            .iter()
            .map(|c| shard_of(&key(c), 256).0)
            .collect();
        assert_eq!(pinned, pinned_expected());
    }

    fn pinned_expected() -> Vec<u32> {
        ["a", "b", "c"]
            .iter()
            .map(|c| fnv_reference(c) % 256)
            .collect()
    }

    /// A second, independent FNV-1a written the textbook way.
    fn fnv_reference(contact: &str) -> u32 {
        let text = format!("org_1\u{0}whatsapp\u{0}phone_1\u{0}{contact}\u{0}");
        let mut hash: u64 = 14_695_981_039_346_656_037;
        for byte in text.bytes() {
            let byte = if byte == 0 { 0xff } else { byte };
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(1_099_511_628_211);
        }
        (hash % 256) as u32
    }

    #[test]
    fn keys_spread_evenly() {
        let mut counts = vec![0u32; 16];
        for contact in 0..16_000 {
            counts[shard_of(&key(&contact.to_string()), 16).0 as usize] += 1;
        }
        for count in counts {
            assert!((800..1200).contains(&count), "uneven shard: {count}");
        }
    }
}
