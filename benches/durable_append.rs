//! What one durable write costs on this machine, three ways, side by side (ADR 0019):
//!
//! - **redb, durable commit**: one transaction per group of batches, `Durability::Immediate`,
//!   as the embedded store's writer commits a group (each batch five inserts: a message of
//!   600 bytes and four 40-byte index entries);
//! - **redb behind a log**: the same transaction committed `Durability::None`, its bytes
//!   appended to a log file and `fdatasync`ed (a write-ahead log in front of redb);
//! - **log alone**: the bytes appended and `fdatasync`ed, nothing applied (an inbound log that
//!   acknowledges a webhook before the session commits it).
//!
//! Each is run for groups of 1, 8, 32 and 128 batches (`GROUPS` groups each, default 300).
//! Run: `cargo bench --profile dev --bench durable_append` (the time is the disk's; the build
//! profile changes the apply, not the sync).

mod support;

use redb::{Database, Durability, TableDefinition};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::Instant;
use support::env_or;

const TABLE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("documents");
const GROUP_SIZES: [usize; 4] = [1, 8, 32, 128];

#[derive(Clone, Copy, Debug)]
enum Way {
    DurableCommit,
    LogInFront,
    LogAlone,
}

impl Way {
    fn label(self) -> &'static str {
        match self {
            Way::DurableCommit => "redb, durable commit",
            Way::LogInFront => "redb behind a log",
            Way::LogAlone => "log alone",
        }
    }
}

/// The five records of one batch: a message and its index entries.
fn batch(number: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
    let scattered = number.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..5u8)
        .map(|part| {
            let key = format!("{scattered:016x}-{part}-{number:010}").into_bytes();
            let size = if part == 0 { 600 } else { 40 };
            (key, vec![part; size])
        })
        .collect()
}

struct Target {
    db: Database,
    log: File,
    next: u64,
}

impl Target {
    fn open(dir: &Path) -> Self {
        Self {
            db: Database::create(dir.join("bench.redb")).expect("redb"),
            log: OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join("inbound.log"))
                .expect("log"),
            next: 0,
        }
    }

    /// Writes one group of `size` batches durably the `way` given.
    fn write_group(&mut self, way: Way, size: usize) {
        let records: Vec<(Vec<u8>, Vec<u8>)> = (0..size)
            .flat_map(|_| {
                self.next += 1;
                batch(self.next)
            })
            .collect();
        let appended: Vec<u8> = records
            .iter()
            .flat_map(|(key, value)| key.iter().chain(value.iter()).copied())
            .collect();
        if !matches!(way, Way::LogAlone) {
            let mut txn = self.db.begin_write().expect("transaction");
            txn.set_durability(match way {
                Way::DurableCommit => Durability::Immediate,
                _ => Durability::None,
            });
            {
                let mut table = txn.open_table(TABLE).expect("table");
                for (key, value) in &records {
                    table
                        .insert(key.as_slice(), value.as_slice())
                        .expect("insert");
                }
            }
            if matches!(way, Way::LogInFront) {
                self.append(&appended);
            }
            txn.commit().expect("commit");
        } else {
            self.append(&appended);
        }
    }

    fn append(&mut self, bytes: &[u8]) {
        self.log.write_all(bytes).expect("append");
        self.log.sync_data().expect("fdatasync");
    }
}

fn main() {
    let groups = env_or("GROUPS", 300);
    println!(
        "machine: {} cores; {groups} groups per case",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:<22} {:>6} {:>12} {:>12} {:>12}",
        "way", "group", "groups/s", "batches/s", "ms/group"
    );
    for size in GROUP_SIZES {
        for way in [Way::DurableCommit, Way::LogInFront, Way::LogAlone] {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut target = Target::open(dir.path());
            target.write_group(way, size); // the files exist and are warm
            let started = Instant::now();
            for _ in 0..groups {
                target.write_group(way, size);
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{:<22} {:>6} {:>12.0} {:>12.0} {:>12.2}",
                way.label(),
                size,
                groups as f64 / secs,
                (groups * size) as f64 / secs,
                secs * 1_000.0 / groups as f64
            );
        }
    }
}
