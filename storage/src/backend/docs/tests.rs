//! Group commit, on a small schema of its own, for both embedded backends: a refused batch
//! leaves no trace while the other batches of its group commit, and batches see the writes (and
//! the shard epochs) of the batches before them in the group.

use crate::backend::docs::LocalStore;
use crate::backend::docs::group::{GroupOutcome, Refusal};
use crate::backend::docs::prepare::{PreparedBatch, prepare};
use crate::backend::{
    CollectionSpec, Doc, DocumentBackend, FieldValue, Fields, IndexQuery, IndexSpec, ShardFence,
    WriteBatch,
};
use crate::error::{Duplicate, Fenced, ID_INDEX, StorageError};
use std::path::Path;
use std::sync::Arc;

/// What the cases need of a backend beyond the document port.
pub(crate) trait GroupCommitHarness:
    LocalStore + DocumentBackend<Body = Vec<u8>> + Sized
{
    fn open(dir: &Path, schema: &'static [&'static CollectionSpec]) -> Result<Self, StorageError>;
    /// Commits prepared batches as one group on the calling thread (the writer thread must be
    /// idle).
    fn commit_prepared(&self, batches: &[&PreparedBatch]) -> GroupOutcome;

    /// Prepares the batches and commits them as one group.
    fn commit_group_now(&self, batches: Vec<WriteBatch<Vec<u8>>>) -> GroupOutcome {
        let prepared = batches
            .into_iter()
            .map(|batch| prepare(self.positions(), batch))
            .collect::<Result<Vec<_>, _>>()?;
        let batches: Vec<&PreparedBatch> = prepared.iter().collect();
        self.commit_prepared(&batches)
    }
}

macro_rules! group_commit_cases {
    ($($backend:ident: $type:ty),* $(,)?) => {
        $(mod $backend {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_duplicate_fails_only_its_own_batch() -> anyhow::Result<()> {
                super::a_duplicate_fails_only_its_own_batch::<$type>().await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn batches_see_the_writes_before_them() -> anyhow::Result<()> {
                super::batches_see_the_writes_before_them::<$type>().await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn concurrent_writers_are_all_answered() -> anyhow::Result<()> {
                super::concurrent_writers_are_all_answered::<$type>().await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn fences_see_the_epochs_raised_before_them() -> anyhow::Result<()> {
                super::fences_see_the_epochs_raised_before_them::<$type>().await
            }
        })*
    };
}

group_commit_cases!(
    embedded: crate::backend::embedded::EmbeddedBackend,
    lsm: crate::backend::lsm::LsmBackend,
    resident: crate::backend::resident::ResidentBackend,
);

pub(crate) static BY_EMAIL: IndexSpec = IndexSpec {
    name: "email",
    fields: &["email"],
    unique: true,
};
pub(crate) static BY_TEAM: IndexSpec = IndexSpec {
    name: "team",
    fields: &["team"],
    unique: false,
};
pub(crate) static PEOPLE: CollectionSpec = CollectionSpec {
    name: "people",
    fields: &["email", "team"],
    indexes: &[&BY_EMAIL, &BY_TEAM],
};
pub(crate) static SCHEMA: &[&CollectionSpec] = &[&PEOPLE];

pub(crate) fn person(id: &str, email: &str, team: &str) -> Doc<Vec<u8>> {
    let mut fields = Fields::default();
    fields
        .set("email", FieldValue::from(email))
        .set("team", FieldValue::from(team));
    Doc {
        collection: &PEOPLE,
        id: id.to_owned(),
        fields,
        body: format!("{{\"id\":\"{id}\",\"team\":\"{team}\"}}").into_bytes(),
    }
}

pub(crate) fn batch(
    ops: impl IntoIterator<Item = crate::backend::WriteOp<Vec<u8>>>,
) -> WriteBatch<Vec<u8>> {
    WriteBatch {
        fence: None,
        ops: ops.into_iter().collect(),
        journal: None,
    }
}

pub(crate) fn fenced(
    shard: u32,
    epoch: u64,
    ops: impl IntoIterator<Item = crate::backend::WriteOp<Vec<u8>>>,
) -> WriteBatch<Vec<u8>> {
    WriteBatch {
        fence: Some(ShardFence { shard, epoch }),
        ..batch(ops)
    }
}

pub(crate) fn put(id: &str, email: &str, team: &str) -> crate::backend::WriteOp<Vec<u8>> {
    crate::backend::WriteOp::Put(person(id, email, team))
}

pub(crate) fn insert(id: &str, email: &str, team: &str) -> crate::backend::WriteOp<Vec<u8>> {
    crate::backend::WriteOp::Insert(person(id, email, team))
}

pub(crate) fn delete(id: &str) -> crate::backend::WriteOp<Vec<u8>> {
    crate::backend::WriteOp::Delete {
        collection: &PEOPLE,
        id: id.to_owned(),
    }
}

struct Fixture<B> {
    _dir: tempfile::TempDir,
    backend: B,
}

impl<B: GroupCommitHarness> Fixture<B> {
    fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let backend = B::open(dir.path(), SCHEMA)?;
        Ok(Self { _dir: dir, backend })
    }

    /// A database where ann (ann@x) is in the red team.
    fn with_ann() -> anyhow::Result<Self> {
        let fixture = Self::new()?;
        fixture.group(vec![batch([put("ann", "ann@x", "red")])])?;
        Ok(fixture)
    }

    fn group(&self, batches: Vec<WriteBatch<Vec<u8>>>) -> anyhow::Result<Vec<Result<(), Refusal>>> {
        Ok(self.backend.commit_group_now(batches)?)
    }

    /// The ids stored under `value` in a one-field index.
    async fn holders(&self, index: &'static IndexSpec, value: &str) -> anyhow::Result<Vec<String>> {
        let query = IndexQuery::new(&PEOPLE, index, vec![FieldValue::from(value)]);
        let hits = self.backend.query(query).await?;
        Ok(hits.into_iter().map(|hit| hit.id).collect())
    }

    async fn team(&self, team: &str) -> anyhow::Result<Vec<String>> {
        self.holders(&BY_TEAM, team).await
    }

    async fn owner_of(&self, email: &str) -> anyhow::Result<Vec<String>> {
        self.holders(&BY_EMAIL, email).await
    }

    async fn exists(&self, id: &str) -> anyhow::Result<bool> {
        Ok(self.backend.get(&PEOPLE, id).await?.is_some())
    }
}

fn refused(index: &str, id: &str) -> Result<(), Refusal> {
    Err(Refusal::Duplicate(Duplicate {
        collection: PEOPLE.name,
        index: Some(index.to_owned()),
        id: id.to_owned(),
    }))
}

fn fenced_off(shard: u32, held: u64, epoch: u64) -> Result<(), Refusal> {
    Err(Refusal::Fenced(Fenced { shard, held, epoch }))
}

async fn a_duplicate_fails_only_its_own_batch<B: GroupCommitHarness>() -> anyhow::Result<()> {
    let fixture = Fixture::<B>::with_ann()?;

    let outcomes = fixture.group(vec![
        batch([put("bob", "bob@x", "blue")]),
        // Two writes succeed, then the third takes ann's email: all three must vanish.
        batch([
            put("cat", "cat@x", "blue"),
            put("ann", "ann@x", "green"),
            insert("dan", "ann@x", "blue"),
        ]),
        batch([insert("eve", "eve@x", "blue"), delete("bob")]),
    ])?;
    assert_eq!(outcomes, [Ok(()), refused("email", "dan"), Ok(())]);

    assert!(
        !fixture.exists("bob").await?
            && !fixture.exists("cat").await?
            && !fixture.exists("dan").await?
    );
    assert_eq!(fixture.team("blue").await?, ["eve"]);
    assert_eq!(fixture.team("red").await?, ["ann"]);
    assert!(fixture.team("green").await?.is_empty());
    assert_eq!(fixture.owner_of("ann@x").await?, ["ann"]);
    assert!(fixture.owner_of("cat@x").await?.is_empty());
    Ok(())
}

async fn batches_see_the_writes_before_them<B: GroupCommitHarness>() -> anyhow::Result<()> {
    let fixture = Fixture::<B>::with_ann()?;
    let outcomes = fixture.group(vec![
        batch([insert("bob", "bob@x", "blue")]),
        batch([insert("bob", "other@x", "blue")]),
        batch([insert("cat", "bob@x", "blue")]),
        batch([
            insert("dan", "dan@x", "blue"),
            insert("eve", "dan@x", "blue"),
        ]),
        // Freed in the same batch: ann leaves, fay takes her email.
        batch([delete("ann"), insert("fay", "ann@x", "red")]),
        // Moving one's own unique key is no conflict.
        batch([put("bob", "bob@y", "blue")]),
    ])?;
    assert_eq!(
        outcomes,
        [
            Ok(()),
            refused(ID_INDEX, "bob"),
            refused("email", "cat"),
            refused("email", "eve"),
            Ok(()),
            Ok(()),
        ]
    );
    assert_eq!(fixture.team("blue").await?, ["bob"]);
    assert_eq!(fixture.team("red").await?, ["fay"]);
    assert_eq!(fixture.owner_of("bob@y").await?, ["bob"]);
    assert!(
        fixture.owner_of("bob@x").await?.is_empty() && fixture.owner_of("dan@x").await?.is_empty()
    );
    Ok(())
}

async fn concurrent_writers_are_all_answered<B: GroupCommitHarness>() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let backend = Arc::new(B::open(dir.path(), SCHEMA)?);
    let writers: Vec<_> = (0..200)
        .map(|n| {
            let backend = backend.clone();
            // Every tenth writer reuses the email of the writer before it.
            let email = if n % 10 == 9 { n - 1 } else { n };
            let op = insert(&format!("p{n}"), &format!("{email}@x"), "blue");
            tokio::spawn(async move { backend.write(batch([op])).await })
        })
        .collect();
    let mut refused = 0;
    for writer in writers {
        if writer.await?.is_err() {
            refused += 1;
        }
    }
    assert_eq!(refused, 20);
    let stats = backend.writer().stats();
    assert_eq!(stats.batches, 200);
    assert!(
        stats.groups >= 1 && stats.groups <= stats.batches,
        "{stats:?}"
    );
    let stored = backend
        .query(IndexQuery::new(
            &PEOPLE,
            &BY_TEAM,
            vec![FieldValue::from("blue")],
        ))
        .await?;
    assert_eq!(stored.len(), 180);
    Ok(())
}

async fn fences_see_the_epochs_raised_before_them<B: GroupCommitHarness>() -> anyhow::Result<()> {
    let fixture = Fixture::<B>::new()?;
    let outcomes = fixture.group(vec![
        fenced(1, 3, [put("ann", "ann@x", "red")]),
        // Epoch 2 of shard 1 is stale once epoch 3 was accepted in the same group.
        fenced(1, 2, [put("bob", "bob@x", "red")]),
        // A refused batch raises nothing: epoch 4 is refused for its duplicate, so 3 still
        // passes afterwards.
        fenced(1, 4, [insert("ann", "other@x", "red")]),
        fenced(1, 3, [put("cat", "cat@x", "red")]),
        // Another shard is independent; no fence checks nothing.
        fenced(2, 1, [put("dan", "dan@x", "red")]),
        batch([put("eve", "eve@x", "red")]),
    ])?;
    assert_eq!(
        outcomes,
        [
            Ok(()),
            fenced_off(1, 3, 2),
            refused(ID_INDEX, "ann"),
            Ok(()),
            Ok(()),
            Ok(()),
        ]
    );
    assert_eq!(fixture.team("red").await?, ["ann", "cat", "dan", "eve"]);

    // The epochs were committed with the group: a later group still sees them.
    let outcomes = fixture.group(vec![
        fenced(1, 2, [put("fay", "fay@x", "red")]),
        fenced(2, 1, [put("gus", "gus@x", "red")]),
        fenced(1, 3, []),
    ])?;
    assert_eq!(outcomes, [fenced_off(1, 3, 2), Ok(()), Ok(())]);
    assert!(!fixture.exists("fay").await? && fixture.exists("gus").await?);
    Ok(())
}
