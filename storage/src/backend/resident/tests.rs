//! The resident backend: the shared group-commit cases (`backend/docs/tests.rs`), and what it
//! keeps across a restart: the log alone, a snapshot and the log after it, a torn last record,
//! a schema whose collections moved, a damaged snapshot.

use super::{DATA_SUBDIR, LOG_SUBDIR, ResidentBackend, ResidentOptions, snapshot};
use crate::backend::docs::group::GroupOutcome;
use crate::backend::docs::prepare::PreparedBatch;
use crate::backend::docs::tests::{
    BY_EMAIL, BY_TEAM, GroupCommitHarness, PEOPLE, SCHEMA, batch, delete, fenced, insert, put,
};
use crate::backend::{
    CollectionSpec, DocumentBackend, FieldValue, IndexQuery, IndexSpec, WriteBatch,
};
use crate::error::StorageError;
use std::io::Write;
use std::path::Path;

impl GroupCommitHarness for ResidentBackend {
    fn open(dir: &Path, schema: &'static [&'static CollectionSpec]) -> Result<Self, StorageError> {
        ResidentBackend::open(dir, schema)
    }

    fn commit_prepared(&self, batches: &[&PreparedBatch]) -> GroupOutcome {
        self.committer.lock().commit_group(batches)
    }
}

/// Snapshots after about 4 KiB of log, in 2 KiB segments.
const SMALL: ResidentOptions = ResidentOptions {
    compact_after_bytes: 4 << 10,
    segment_bytes: 2 << 10,
    max_record_bytes: 1 << 20,
};

async fn write(backend: &ResidentBackend, batch: WriteBatch<Vec<u8>>) -> anyhow::Result<()> {
    Ok(backend.write(batch).await?)
}

async fn ids(
    backend: &ResidentBackend,
    collection: &'static CollectionSpec,
    index: &'static IndexSpec,
    value: &str,
) -> anyhow::Result<Vec<String>> {
    let query = IndexQuery::new(collection, index, vec![FieldValue::from(value)]);
    Ok(backend
        .query(query)
        .await?
        .into_iter()
        .map(|hit| hit.id)
        .collect())
}

async fn team(backend: &ResidentBackend, team: &str) -> anyhow::Result<Vec<String>> {
    ids(backend, &PEOPLE, &BY_TEAM, team).await
}

/// Ann and bob in red, cat in blue then deleted, and shard 3 fenced at epoch 9.
async fn write_people(backend: &ResidentBackend) -> anyhow::Result<()> {
    write(
        backend,
        batch([put("ann", "ann@x", "red"), put("cat", "cat@x", "blue")]),
    )
    .await?;
    write(backend, fenced(3, 9, [put("bob", "bob@x", "red")])).await?;
    write(backend, batch([delete("cat")])).await
}

async fn has_people(backend: &ResidentBackend) -> anyhow::Result<()> {
    assert_eq!(team(backend, "red").await?, ["ann", "bob"]);
    assert!(team(backend, "blue").await?.is_empty());
    assert!(backend.get(&PEOPLE, "cat").await?.is_none());
    assert_eq!(ids(backend, &PEOPLE, &BY_EMAIL, "bob@x").await?, ["bob"]);
    assert_eq!(backend.shard_epochs().await?.get(&3), Some(&9));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reopened_store_replays_its_log() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    write_people(&ResidentBackend::open(dir.path(), SCHEMA)?).await?;
    let reopened = ResidentBackend::open(dir.path(), SCHEMA)?;
    has_people(&reopened).await?;
    assert!(!dir.path().join(DATA_SUBDIR).join(snapshot::FILE).exists());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grown_log_is_compacted_into_a_snapshot_and_nothing_is_lost() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let backend = ResidentBackend::open_with(dir.path(), SCHEMA, SMALL)?;
    for round in 0..200 {
        let id = format!("p{round}");
        write(&backend, batch([put(&id, &format!("{id}@x"), "green")])).await?;
        if round % 3 == 0 {
            write(&backend, batch([delete(&id)])).await?;
        }
    }
    write_people(&backend).await?;
    drop(backend);
    let store = dir.path().join(DATA_SUBDIR);
    assert!(
        store.join(snapshot::FILE).exists(),
        "a snapshot was written"
    );
    let segments = std::fs::read_dir(store.join(LOG_SUBDIR))?.count();
    assert!(
        segments < 20,
        "covered segments are deleted ({segments} files left)"
    );

    let reopened = ResidentBackend::open_with(dir.path(), SCHEMA, SMALL)?;
    has_people(&reopened).await?;
    let green = team(&reopened, "green").await?;
    assert_eq!(green.len(), 200 - 67, "every write kept, every delete too");
    assert!(reopened.get(&PEOPLE, "p1").await?.is_some());
    assert!(reopened.get(&PEOPLE, "p3").await?.is_none());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_torn_by_a_crash_is_cut_off() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    write_people(&ResidentBackend::open(dir.path(), SCHEMA)?).await?;
    let log = dir.path().join(DATA_SUBDIR).join(LOG_SUBDIR);
    let last = std::fs::read_dir(&log)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .max()
        .expect("a segment");
    // Half a record: a length and a checksum, then too few bytes.
    let mut file = std::fs::OpenOptions::new().append(true).open(&last)?;
    file.write_all(&[200, 0, 0, 0, 1, 2, 3, 4, 5, 6])?;
    drop(file);

    let reopened = ResidentBackend::open(dir.path(), SCHEMA)?;
    has_people(&reopened).await?;
    write(&reopened, batch([put("dan", "dan@x", "red")])).await?;
    drop(reopened);
    let again = ResidentBackend::open(dir.path(), SCHEMA)?;
    assert_eq!(team(&again, "red").await?, ["ann", "bob", "dan"]);
    Ok(())
}

static OTHERS: CollectionSpec = CollectionSpec {
    name: "others",
    fields: &["team"],
    indexes: &[&OTHERS_BY_TEAM],
};
static OTHERS_BY_TEAM: IndexSpec = IndexSpec::ordered("team", &["team"]);
static BY_EMAIL_AND_TEAM: IndexSpec = IndexSpec::ordered("email_team", &["email", "team"]);
static PEOPLE_V2: CollectionSpec = CollectionSpec {
    name: "people",
    fields: &["email", "team"],
    indexes: &[&BY_TEAM, &BY_EMAIL_AND_TEAM],
};
/// A later schema: a collection before people, whose unique email index is gone and whose
/// indexes moved.
static SCHEMA_V2: &[&CollectionSpec] = &[&OTHERS, &PEOPLE_V2];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_schema_finds_its_trees_by_name() -> anyhow::Result<()> {
    for options in [ResidentOptions::default(), SMALL] {
        let dir = tempfile::tempdir()?;
        let first = ResidentBackend::open_with(dir.path(), SCHEMA, options)?;
        write_people(&first).await?;
        if options == SMALL {
            // Enough to compact: the people then come back from a snapshot.
            for round in 0..100 {
                write(&first, batch([put("ann", "ann@x", &format!("r{round}"))])).await?;
            }
            write(&first, batch([put("ann", "ann@x", "red")])).await?;
        }
        drop(first);
        let later = ResidentBackend::open_with(dir.path(), SCHEMA_V2, options)?;
        assert_eq!(
            ids(&later, &PEOPLE_V2, &BY_TEAM, "red").await?,
            ["ann", "bob"]
        );
        assert!(later.get(&PEOPLE_V2, "bob").await?.is_some());
        assert!(
            ids(&later, &OTHERS, &OTHERS_BY_TEAM, "red")
                .await?
                .is_empty()
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_snapshot_stops_the_store_from_opening() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let backend = ResidentBackend::open_with(dir.path(), SCHEMA, SMALL)?;
    for round in 0..100 {
        write(&backend, batch([put("ann", "ann@x", &format!("r{round}"))])).await?;
    }
    drop(backend);
    let path = dir.path().join(DATA_SUBDIR).join(snapshot::FILE);
    let mut bytes = std::fs::read(&path)?;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&path, bytes)?;
    let Err(error) = ResidentBackend::open_with(dir.path(), SCHEMA, SMALL) else {
        panic!("a damaged snapshot was accepted");
    };
    assert!(
        matches!(&error, StorageError::Corrupt(reason) if reason.contains("checksum")),
        "{error}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_checked_while_another_syncs_sees_its_writes() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let backend = std::sync::Arc::new(ResidentBackend::open(dir.path(), SCHEMA)?);
    // Rounds of writers racing for one email: the groups they land in are checked while the
    // group before is still syncing, so only the pipeline's overlay keeps the email unique.
    for round in 0..20 {
        let email = format!("shared{round}@x");
        let writers: Vec<_> = (0..32)
            .map(|writer| {
                let (backend, email) = (backend.clone(), email.clone());
                tokio::spawn(async move {
                    let id = format!("r{round}w{writer}");
                    let outcome = backend.write(batch([insert(&id, &email, "racing")])).await;
                    (id, outcome)
                })
            })
            .collect();
        let mut winners = Vec::new();
        for writer in writers {
            let (id, outcome) = writer.await?;
            match outcome {
                Ok(()) => winners.push(id),
                Err(StorageError::Duplicate(_)) => {}
                Err(other) => return Err(other.into()),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        assert_eq!(ids(&backend, &PEOPLE, &BY_EMAIL, &email).await?, winners);
    }
    assert_eq!(team(&backend, "racing").await?.len(), 20);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_written_while_writes_go_on_lose_nothing() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let backend = std::sync::Arc::new(ResidentBackend::open_with(dir.path(), SCHEMA, SMALL)?);
    // Twenty people move between teams fifty times each, from concurrent writers, while the
    // small threshold has snapshots written behind them again and again.
    let writers: Vec<_> = (0..20)
        .map(|person| {
            let backend = backend.clone();
            tokio::spawn(async move {
                let id = format!("p{person}");
                for round in 0..50 {
                    let team = format!("t{}", (person + round) % 7);
                    backend
                        .write(batch([put(&id, &format!("{id}@x"), &team)]))
                        .await?;
                }
                anyhow::Ok((id, format!("t{}", (person + 49) % 7)))
            })
        })
        .collect();
    let mut last_team = std::collections::BTreeMap::new();
    for writer in writers {
        let (id, team) = writer.await??;
        last_team.insert(id, team);
    }
    let backend = std::sync::Arc::into_inner(backend).expect("every writer is done");
    drop(backend);
    assert!(dir.path().join(DATA_SUBDIR).join(snapshot::FILE).exists());

    let reopened = ResidentBackend::open_with(dir.path(), SCHEMA, SMALL)?;
    for team_number in 0..7 {
        let name = format!("t{team_number}");
        let mut expected: Vec<String> = last_team
            .iter()
            .filter(|(_, team)| **team == name)
            .map(|(id, _)| id.clone())
            .collect();
        expected.sort();
        let mut found = team(&reopened, &name).await?;
        found.sort();
        assert_eq!(
            found, expected,
            "team {name}: index entries match the documents"
        );
    }
    Ok(())
}
