//! The inbound log through its public API, on real files.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use botwot_inbound_log::{InboundLog, LogError, LogOptions, Record, Replayed};

fn open(dir: &Path) -> (InboundLog, Replayed) {
    InboundLog::open(dir, LogOptions::default()).expect("open the log")
}

/// Options with segments of `bytes`, so a few records roll over to a new file.
fn small_segments(bytes: u64) -> LogOptions {
    LogOptions {
        segment_bytes: bytes,
        ..LogOptions::default()
    }
}

/// Appends `count` records of 100 bytes `fill` (116 bytes each on disk), one group each.
async fn append_filler(log: &InboundLog, count: usize, fill: u8) {
    for _ in 0..count {
        log.append(vec![fill; 100]).await.expect("append");
    }
}

fn segment(dir: &Path, first: u64) -> PathBuf {
    dir.join(format!("{first:020}.log"))
}

fn segment_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the directory")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".log"))
        .collect();
    names.sort();
    names
}

fn payload(sequence: u64) -> Vec<u8> {
    format!("event {sequence}").into_bytes()
}

/// Appends `count` records one after the other (one group each), checking their sequences.
async fn append_in_turn(log: &InboundLog, count: u64) {
    for _ in 0..count {
        let expected = log.next_sequence();
        let sequence = log.append(payload(expected)).await.expect("append");
        assert_eq!(sequence, expected);
    }
}

fn sequences(replayed: &Replayed) -> Vec<u64> {
    replayed
        .records
        .iter()
        .map(|record| record.sequence)
        .collect()
}

/// A record in the documented layout, written by hand.
fn encode(sequence: u64, payload: &[u8]) -> Vec<u8> {
    let mut crc = crc32fast::Hasher::new();
    crc.update(&sequence.to_le_bytes());
    crc.update(payload);
    let mut bytes = Vec::new();
    bytes.extend_from_slice(
        &u32::try_from(payload.len())
            .expect("short payload")
            .to_le_bytes(),
    );
    bytes.extend_from_slice(&crc.finalize().to_le_bytes());
    bytes.extend_from_slice(&sequence.to_le_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

fn append_bytes(path: &Path, bytes: &[u8]) {
    OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open the segment")
        .write_all(bytes)
        .expect("append to the segment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_get_every_sequence_once_and_replay_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, replayed) = open(dir.path());
    assert_eq!(replayed.records, Vec::new());
    assert_eq!(log.next_sequence(), 1);
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let log = log.clone();
            tokio::spawn(async move {
                let mut appended = Vec::new();
                for index in 0..50 {
                    let payload = format!("task {task} event {index}").into_bytes();
                    let sequence = log.append(payload.clone()).await.expect("append");
                    appended.push((sequence, payload));
                }
                appended
            })
        })
        .collect();
    let mut appended = BTreeMap::new();
    for task in tasks {
        for (sequence, payload) in task.await.expect("task") {
            assert!(
                appended.insert(sequence, payload).is_none(),
                "sequence {sequence} twice"
            );
        }
    }
    assert_eq!(
        appended.keys().copied().collect::<Vec<_>>(),
        (1..=800).collect::<Vec<_>>()
    );
    assert_eq!(log.next_sequence(), 801);
    drop(log);

    let (log, replayed) = open(dir.path());
    assert_eq!(replayed.cut_bytes, 0);
    let expected: Vec<Record> = appended
        .into_iter()
        .map(|(sequence, payload)| Record { sequence, payload })
        .collect();
    assert_eq!(replayed.records, expected);
    assert_eq!(log.next_sequence(), 801);
}

#[tokio::test(flavor = "current_thread")]
async fn concurrent_appends_share_group_syncs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, _) = open(dir.path());
    // On this one-thread runtime each task queues its append as soon as it runs, while the
    // writer thread is syncing an earlier group.
    let tasks: Vec<_> = (0..200u64)
        .map(|index| {
            let log = log.clone();
            tokio::spawn(async move { log.append(payload(index)).await.expect("append") })
        })
        .collect();
    let mut sequences = Vec::new();
    for task in tasks {
        sequences.push(task.await.expect("task"));
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=200).collect::<Vec<_>>());
    let groups = log.groups_written();
    assert!(
        (1..200).contains(&groups),
        "{groups} groups for 200 appends"
    );
}

#[tokio::test]
async fn replay_starts_at_the_checkpoint_and_numbering_continues() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, _) = open(dir.path());
    append_in_turn(&log, 20).await;
    log.checkpoint(8).expect("checkpoint 8");
    log.checkpoint(5).expect("a lower checkpoint is a no-op");
    log.checkpoint(8).expect("the same checkpoint is a no-op");
    assert!(matches!(
        log.checkpoint(22),
        Err(LogError::CheckpointAhead {
            below: 22,
            next: 21
        })
    ));
    drop(log);

    let (log, replayed) = open(dir.path());
    assert_eq!(sequences(&replayed), (8..=20).collect::<Vec<_>>());
    assert!(
        replayed
            .records
            .iter()
            .all(|record| record.payload == payload(record.sequence))
    );
    assert_eq!(log.next_sequence(), 21);
    assert_eq!(log.append(payload(21)).await.expect("append"), 21);
    log.checkpoint(3).expect("lower than the recorded 8: no-op");
    drop(log);

    let (_, replayed) = open(dir.path());
    assert_eq!(sequences(&replayed), (8..=21).collect::<Vec<_>>());
}

#[tokio::test]
async fn segments_roll_and_checkpoints_delete_only_those_wholly_below() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = small_segments(1024);
    let (log, _) = InboundLog::open(dir.path(), options).expect("open");
    assert_eq!(
        log.segment_count(),
        0,
        "the first segment is created by the first append"
    );
    // 116-byte records one group each: 8 fit in 1 KiB.
    append_filler(&log, 30, b'x').await;
    let all = [
        "00000000000000000001.log",
        "00000000000000000009.log",
        "00000000000000000017.log",
        "00000000000000000025.log",
    ];
    assert_eq!(segment_files(dir.path()), all);
    assert_eq!(log.segment_count(), 4);
    assert!(fs::metadata(segment(dir.path(), 1)).expect("segment").len() <= 1024);

    log.checkpoint(8).expect("checkpoint 8");
    assert_eq!(log.segment_count(), 4, "record 8 is not applied yet");
    log.checkpoint(12).expect("checkpoint 12");
    assert_eq!(segment_files(dir.path()), all[1..]);
    log.checkpoint(17).expect("checkpoint 17");
    assert_eq!(segment_files(dir.path()), all[2..]);
    log.checkpoint(31).expect("checkpoint everything");
    assert_eq!(
        segment_files(dir.path()),
        all[3..],
        "the current segment stays"
    );
    assert_eq!(log.segment_count(), 1);
    drop(log);

    let (log, replayed) = InboundLog::open(dir.path(), options).expect("reopen");
    assert_eq!(replayed.records, Vec::new());
    assert_eq!(log.next_sequence(), 31);
    assert_eq!(log.segment_count(), 1);
    assert_eq!(log.append(payload(31)).await.expect("append"), 31);
    drop(log);

    let (log, replayed) = InboundLog::open(dir.path(), options).expect("reopen");
    assert_eq!(
        replayed.records,
        vec![Record {
            sequence: 31,
            payload: payload(31)
        }]
    );
    assert_eq!(log.next_sequence(), 32);
}

#[tokio::test]
async fn numbering_continues_from_the_checkpoint_when_no_segment_is_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, _) = open(dir.path());
    append_in_turn(&log, 5).await;
    log.checkpoint(6).expect("checkpoint everything");
    drop(log);
    fs::remove_file(segment(dir.path(), 1)).expect("remove the last segment");

    let (log, replayed) = open(dir.path());
    assert_eq!(replayed.records, Vec::new());
    assert_eq!(log.next_sequence(), 6);
    assert_eq!(log.append(payload(6)).await.expect("append"), 6);
    assert_eq!(segment_files(dir.path()), ["00000000000000000006.log"]);
}

#[tokio::test]
async fn a_missing_first_segment_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = small_segments(256);
    let (log, _) = InboundLog::open(dir.path(), options).expect("open");
    append_filler(&log, 10, b'z').await;
    drop(log);
    fs::remove_file(segment(dir.path(), 1)).expect("remove the first segment");
    match InboundLog::open(dir.path(), options) {
        Err(LogError::Corrupt { segment: path, .. }) => assert_eq!(path, segment(dir.path(), 3)),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[tokio::test]
async fn checkpoints_run_safely_beside_appends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = small_segments(512);
    let (log, _) = InboundLog::open(dir.path(), options).expect("open");
    let appender = {
        let log = log.clone();
        tokio::spawn(async move {
            for sequence in 1..=300 {
                assert_eq!(
                    log.append(payload(sequence)).await.expect("append"),
                    sequence
                );
            }
        })
    };
    let checkpointer = {
        let log = log.clone();
        tokio::task::spawn_blocking(move || {
            while log.next_sequence() <= 300 {
                log.checkpoint(log.next_sequence().saturating_sub(20).max(1))
                    .expect("checkpoint");
            }
        })
    };
    appender.await.expect("appender");
    checkpointer.await.expect("checkpointer");
    drop(log);

    let (_, replayed) = InboundLog::open(dir.path(), options).expect("reopen");
    let first = replayed
        .records
        .first()
        .expect("records above the checkpoint")
        .sequence;
    assert_eq!(sequences(&replayed), (first..=300).collect::<Vec<_>>());
    assert!(
        replayed
            .records
            .iter()
            .all(|record| record.payload == payload(record.sequence))
    );
}

/// Appends 10 records, adds `tail` to the last segment, and checks a reopen cuts exactly it.
async fn torn_tail_is_cut(tail: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, _) = open(dir.path());
    append_in_turn(&log, 10).await;
    drop(log);
    let path = segment(dir.path(), 1);
    let intact = fs::metadata(&path).expect("segment").len();
    append_bytes(&path, tail);

    let (log, replayed) = open(dir.path());
    assert_eq!(sequences(&replayed), (1..=10).collect::<Vec<_>>());
    assert_eq!(replayed.cut_bytes, tail.len() as u64);
    assert_eq!(
        fs::metadata(&path).expect("segment").len(),
        intact,
        "truncated"
    );
    assert_eq!(log.append(payload(11)).await.expect("append"), 11);
    drop(log);

    let (log, replayed) = open(dir.path());
    assert_eq!(replayed.cut_bytes, 0);
    assert_eq!(sequences(&replayed), (1..=11).collect::<Vec<_>>());
    assert!(
        replayed
            .records
            .iter()
            .all(|record| record.payload == payload(record.sequence))
    );
    assert_eq!(log.next_sequence(), 12);
}

#[tokio::test]
async fn a_torn_tail_of_garbage_is_cut() {
    torn_tail_is_cut(b"\xde\xad\xbe\xef garbage that is no record at all").await;
}

#[tokio::test]
async fn a_torn_half_record_is_cut() {
    let record = encode(11, b"half of this record reached the disk");
    torn_tail_is_cut(&record[..record.len() / 2]).await;
    torn_tail_is_cut(&record[..7]).await;
}

#[tokio::test]
async fn a_last_record_with_a_flipped_payload_byte_is_cut() {
    let mut record = encode(11, b"a record whose payload was damaged");
    let last = record.len() - 1;
    record[last] ^= 0x40;
    torn_tail_is_cut(&record).await;
}

#[tokio::test]
async fn a_last_record_with_the_wrong_sequence_is_cut() {
    torn_tail_is_cut(&encode(12, b"sequence 11 is missing")).await;
}

#[tokio::test]
async fn damage_in_an_earlier_segment_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = small_segments(1024);
    let (log, _) = InboundLog::open(dir.path(), options).expect("open");
    append_filler(&log, 20, b'y').await;
    drop(log);
    let damaged = segment(dir.path(), 1);
    let mut bytes = fs::read(&damaged).expect("read the segment");
    // The payload of the third record (116 bytes each).
    bytes[2 * 116 + 50] ^= 0x01;
    fs::write(&damaged, &bytes).expect("damage the segment");

    match InboundLog::open(dir.path(), options) {
        Err(LogError::Corrupt {
            segment,
            offset,
            reason,
        }) => {
            assert_eq!(segment, damaged);
            assert_eq!(offset, 2 * 116);
            assert!(reason.contains("checksum"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(
        fs::read(&damaged).expect("read the segment"),
        bytes,
        "left as found"
    );
}

#[tokio::test]
async fn a_corrupt_checkpoint_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, _) = open(dir.path());
    append_in_turn(&log, 3).await;
    log.checkpoint(2).expect("checkpoint");
    drop(log);
    let path = dir.path().join("checkpoint");
    let mut bytes = fs::read(&path).expect("read the checkpoint");
    bytes[0] ^= 0x01;
    fs::write(&path, &bytes).expect("damage the checkpoint");

    match InboundLog::open(dir.path(), LogOptions::default()) {
        Err(LogError::Corrupt { segment, .. }) => assert_eq!(segment, path),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    fs::write(&path, b"2").expect("shorten the checkpoint");
    assert!(matches!(
        InboundLog::open(dir.path(), LogOptions::default()),
        Err(LogError::Corrupt { .. })
    ));
}

#[tokio::test]
async fn a_payload_over_the_limit_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = LogOptions {
        max_record_bytes: 100,
        ..LogOptions::default()
    };
    let (log, _) = InboundLog::open(dir.path(), options).expect("open");
    assert!(matches!(
        log.append(vec![0; 101]).await,
        Err(LogError::TooLarge {
            size: 101,
            limit: 100
        })
    ));
    assert_eq!(log.next_sequence(), 1);
    assert_eq!(log.segment_count(), 0);
    assert_eq!(segment_files(dir.path()), Vec::<String>::new());
    assert_eq!(log.append(vec![0; 100]).await.expect("at the limit"), 1);
    assert!(matches!(
        log.append(vec![0; 101]).await,
        Err(LogError::TooLarge { .. })
    ));
    assert_eq!(log.next_sequence(), 2);
    drop(log);

    let (_, replayed) = InboundLog::open(dir.path(), options).expect("reopen");
    assert_eq!(sequences(&replayed), vec![1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_feed_yields_each_synced_record_in_sequence_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, _) = open(dir.path());
    append_in_turn(&log, 3).await;
    drop(log);

    let (log, replayed, mut feed) =
        InboundLog::open_with_feed(dir.path(), LogOptions::default()).expect("open with a feed");
    assert_eq!(
        sequences(&replayed),
        vec![1, 2, 3],
        "replayed records are not fed again"
    );
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let log = log.clone();
            tokio::spawn(async move {
                for _ in 0..25 {
                    let sequence = log.append(Vec::new()).await.expect("append");
                    assert!(sequence >= 4);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    assert!(matches!(
        log.append(vec![0; 5 << 20]).await,
        Err(LogError::TooLarge { .. })
    ));
    let fed: Vec<u64> = std::iter::from_fn(|| feed.try_recv().ok())
        .map(|record| record.sequence)
        .collect();
    assert_eq!(fed, (4..=203).collect::<Vec<_>>());
    drop(log);
    assert!(
        feed.recv().await.is_none(),
        "the feed ends with the writer thread"
    );
}

#[tokio::test]
async fn a_dropped_log_can_be_opened_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    for round in 0..3u64 {
        let (log, replayed) = open(dir.path());
        assert_eq!(sequences(&replayed), (1..=round * 5).collect::<Vec<_>>());
        append_in_turn(&log, 5).await;
        drop(log);
    }
}

#[tokio::test]
async fn queued_records_are_written_in_the_order_they_were_queued() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, _) = open(dir.path());
    // Queued without waiting, then waited for in reverse: numbering follows the queue.
    let queued: Vec<_> = (1..=50)
        .map(|sequence| log.enqueue(payload(sequence)).expect("queued"))
        .collect();
    let mut synced = Vec::new();
    for record in queued.into_iter().rev() {
        synced.push(record.synced().await.expect("synced"));
    }
    synced.reverse();
    assert_eq!(synced, (1..=50).collect::<Vec<u64>>());
    drop(log);
    let (_, replayed) = open(dir.path());
    assert_eq!(sequences(&replayed), (1..=50).collect::<Vec<u64>>());
    for record in &replayed.records {
        assert_eq!(record.payload, payload(record.sequence));
    }
}
