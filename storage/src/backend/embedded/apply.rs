//! Applies prepared write batches inside a group's redb transaction.
//!
//! A batch that takes a unique key must fail alone, while the other batches of its group still
//! commit. An operation writes its document, then claims its new unique keys with one insert each
//! (the insert returns the previous holder, so the check costs no extra lookup); on a conflict it
//! puts back what it changed and reports the duplicate. Operations that a later operation of the
//! same batch could still undo record the version they replaced; a batch that fails part-way
//! restores those versions in reverse order, so the transaction holds exactly what it held before
//! that batch. A put whose fields are unchanged (most session updates) touches no index at all.

use super::tables::{IndexTable, WriteTables};
use crate::backend::docs::prepare::PreparedOp;
use crate::backend::docs::record::{IndexEntry, decode_header, entry_at, index_entries};
use crate::error::{Duplicate, ID_INDEX, StorageError};

/// A stored version: field header and body.
type Stored = (Vec<u8>, Vec<u8>);

/// A version to store, with its index entries.
#[derive(Clone, Copy)]
struct Version<'a> {
    header: &'a [u8],
    body: &'a [u8],
    entries: &'a [Option<IndexEntry>],
}

/// What an operation replaced, to put it back if its batch fails.
struct Undo<'b> {
    collection: usize,
    id: &'b str,
    previous: Option<Stored>,
}

/// How an operation is checked.
#[derive(Clone, Copy)]
struct Rules {
    must_be_new: bool,
    check_unique: bool,
    /// Return the replaced version (a later operation may need it undone).
    keep_previous: bool,
}

/// Applies one batch; `Ok(Err(duplicate))` when it was refused and left no trace.
pub(super) fn apply_batch(
    tables: &mut [WriteTables<'_>],
    batch: &[PreparedOp],
) -> Result<Result<(), Duplicate>, StorageError> {
    let mut undo = Vec::with_capacity(batch.len());
    for (position, op) in batch.iter().enumerate() {
        let table = collection_tables(tables, op.collection)?;
        let new = op.new.as_ref().map(|new| Version {
            header: &new.header,
            body: &new.body,
            entries: &new.entries,
        });
        let rules = Rules {
            must_be_new: op.must_be_new,
            check_unique: true,
            keep_previous: position + 1 < batch.len(),
        };
        match replace(table, &op.id, new, rules)? {
            Ok(previous) => undo.push(Undo {
                collection: op.collection,
                id: &op.id,
                previous,
            }),
            Err(duplicate) => {
                rollback(tables, undo)?;
                return Ok(Err(duplicate));
            }
        }
    }
    Ok(Ok(()))
}

/// Puts back what the batch replaced, newest first.
fn rollback(tables: &mut [WriteTables<'_>], undo: Vec<Undo<'_>>) -> Result<(), StorageError> {
    let rules = Rules {
        must_be_new: false,
        check_unique: false,
        keep_previous: false,
    };
    for step in undo.into_iter().rev() {
        let table = collection_tables(tables, step.collection)?;
        let entries = match &step.previous {
            Some((header, _)) => entries_of(table, header, step.id)?,
            None => Vec::new(),
        };
        let previous = step.previous.as_ref().map(|(header, body)| Version {
            header,
            body,
            entries: &entries,
        });
        // Restoring a state that was consistent cannot take another document's key.
        let _ = replace(table, step.id, previous, rules)?;
    }
    Ok(())
}

/// Stores `new` (or removes the document when `None`) and moves its index entries; returns the
/// version it replaced (when asked to keep it), or the duplicate that refused it (then nothing
/// changed).
fn replace(
    table: &mut WriteTables<'_>,
    id: &str,
    new: Option<Version<'_>>,
    rules: Rules,
) -> Result<Result<Option<Stored>, Duplicate>, StorageError> {
    let replaced = match new {
        Some(new) => table.docs.insert(id.as_bytes(), (new.header, new.body))?,
        None => table.docs.remove(id.as_bytes())?,
    };
    let old = replaced.as_ref().map(|guard| guard.value());
    let existed = old.is_some();
    let unchanged = old.map(|(header, _)| header) == new.map(|new| new.header);
    let keep = rules.keep_previous || !unchanged || (rules.must_be_new && existed);
    let previous = old
        .filter(|_| keep)
        .map(|(header, body)| (header.to_vec(), body.to_vec()));
    drop(replaced);

    if rules.must_be_new && existed {
        restore(table, id, previous.as_ref())?;
        return Ok(Err(duplicate(table, ID_INDEX, id)));
    }
    if unchanged {
        return Ok(Ok(previous));
    }
    let old_entries = match &previous {
        Some((header, _)) => entries_of(table, header, id)?,
        None => Vec::new(),
    };
    let new_entries = new.map_or(&[][..], |new| new.entries);
    if let Err(duplicate) = claim_unique(table, id, &old_entries, new_entries, rules)? {
        restore(table, id, previous.as_ref())?;
        return Ok(Err(duplicate));
    }
    release_and_move(table, &old_entries, new_entries)?;
    Ok(Ok(previous))
}

/// The index entries of a stored version.
fn entries_of(
    table: &WriteTables<'_>,
    header: &[u8],
    id: &str,
) -> Result<Vec<Option<IndexEntry>>, StorageError> {
    Ok(index_entries(
        table.spec,
        &decode_header(table.spec, header)?,
        id,
    ))
}

/// Claims the new unique keys; on a conflict, releases those claimed and leaves the holder.
fn claim_unique(
    table: &mut WriteTables<'_>,
    id: &str,
    old: &[Option<IndexEntry>],
    new: &[Option<IndexEntry>],
    rules: Rules,
) -> Result<Result<(), Duplicate>, StorageError> {
    let mut claimed = Vec::new();
    let mut conflict = None;
    for (position, index) in table.indexes.iter_mut().enumerate() {
        let (IndexTable::Unique(unique), Some(new)) = (index, entry_at(new, position)) else {
            continue;
        };
        if entry_at(old, position) == Some(new) {
            continue;
        }
        let holder = unique
            .insert(new.values(), id.as_bytes())?
            .map(|holder| holder.value().to_owned());
        if let Some(holder) = holder.filter(|holder| rules.check_unique && holder != id.as_bytes())
        {
            unique.insert(new.values(), holder.as_slice())?;
            conflict = Some(position);
            break;
        }
        claimed.push(position);
    }
    let Some(conflict) = conflict else {
        return Ok(Ok(()));
    };
    for position in claimed {
        if let (IndexTable::Unique(unique), Some(new)) =
            (&mut table.indexes[position], entry_at(new, position))
        {
            unique.remove(new.values())?;
        }
    }
    Ok(Err(duplicate(table, table.spec.indexes[conflict].name, id)))
}

/// Removes the old entries that changed and adds the new ordered ones (new unique keys are
/// already claimed).
fn release_and_move(
    table: &mut WriteTables<'_>,
    old: &[Option<IndexEntry>],
    new: &[Option<IndexEntry>],
) -> Result<(), StorageError> {
    for (position, index) in table.indexes.iter_mut().enumerate() {
        let (old, new) = (entry_at(old, position), entry_at(new, position));
        if old == new {
            continue;
        }
        match index {
            IndexTable::Unique(unique) => {
                if let Some(old) = old {
                    unique.remove(old.values())?;
                }
            }
            IndexTable::Ordered(ordered) => {
                if let Some(old) = old {
                    ordered.remove(old.key.as_slice())?;
                }
                if let Some(new) = new {
                    ordered.insert(new.key.as_slice(), ())?;
                }
            }
        }
    }
    Ok(())
}

/// Puts a document back as it was before this operation wrote it.
fn restore(
    table: &mut WriteTables<'_>,
    id: &str,
    previous: Option<&Stored>,
) -> Result<(), StorageError> {
    match previous {
        Some((header, body)) => table
            .docs
            .insert(id.as_bytes(), (header.as_slice(), body.as_slice()))?,
        None => table.docs.remove(id.as_bytes())?,
    };
    Ok(())
}

fn collection_tables<'a, 't>(
    tables: &'a mut [WriteTables<'t>],
    position: usize,
) -> Result<&'a mut WriteTables<'t>, StorageError> {
    tables
        .get_mut(position)
        .ok_or_else(|| StorageError::Corrupt(format!("no collection at position {position}")))
}

fn duplicate(table: &WriteTables<'_>, index: &str, id: &str) -> Duplicate {
    Duplicate {
        collection: table.spec.name,
        index: Some(index.to_owned()),
        id: id.to_owned(),
    }
}
