//! The trees of a schema in memory, and the numbers they are written under in the log and the
//! snapshot. Each collection has the trees of `backend/docs/trees.rs` (its documents, then one
//! per index); one more tree keeps the shard fences. A file says which name each number stands
//! for (a schema record, see `format.rs`), so what one version of the schema wrote is read
//! back by the next whatever the order of its collections and indexes: a tree the schema no
//! longer has is skipped, a new one starts empty.

use crate::backend::CollectionSpec;
use crate::backend::docs::prepare::Positions;
use crate::backend::docs::trees::tree_names;
use std::collections::HashMap;

/// The name of the shard fences' tree.
pub(super) const SHARD_FENCES: &str = "shard_fences";

/// Where a write goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// The tree at `slot` of the collection at `collection`.
    Tree { collection: usize, slot: usize },
    /// The shard fences.
    Fences,
}

/// The schema's trees: their numbers (in schema order, the fences' last) and names.
pub(super) struct Layout {
    pub schema: &'static [&'static CollectionSpec],
    /// Number → (target, name).
    trees: Vec<(Target, String)>,
    /// The first number of each collection's trees.
    first: Vec<u32>,
}

impl Layout {
    pub fn new(schema: &'static [&'static CollectionSpec]) -> Self {
        let mut trees = Vec::new();
        let mut first = Vec::with_capacity(schema.len());
        for (collection, spec) in schema.iter().enumerate() {
            first.push(u32::try_from(trees.len()).unwrap_or(u32::MAX));
            for (slot, name) in tree_names(spec).into_iter().enumerate() {
                trees.push((Target::Tree { collection, slot }, name));
            }
        }
        trees.push((Target::Fences, SHARD_FENCES.to_owned()));
        Self {
            schema,
            trees,
            first,
        }
    }

    /// Every tree's number and name.
    pub fn numbered(&self) -> impl Iterator<Item = (u32, &str)> {
        self.trees
            .iter()
            .enumerate()
            .map(|(number, (_, name))| (u32::try_from(number).unwrap_or(u32::MAX), name.as_str()))
    }

    /// The number a write to `target` is logged under.
    pub fn number(&self, target: Target) -> u32 {
        match target {
            Target::Tree { collection, slot } => {
                self.first[collection] + u32::try_from(slot).unwrap_or(u32::MAX)
            }
            Target::Fences => u32::try_from(self.trees.len() - 1).unwrap_or(u32::MAX),
        }
    }

    /// Where each tree a file names goes in this layout (`None`: the schema has no such tree).
    pub fn targets_of(&self, named: &[(u32, String)]) -> HashMap<u32, Option<Target>> {
        let by_name: HashMap<&str, Target> = self
            .trees
            .iter()
            .map(|(target, name)| (name.as_str(), *target))
            .collect();
        named
            .iter()
            .map(|(number, name)| (*number, by_name.get(name.as_str()).copied()))
            .collect()
    }
}

impl Positions for Layout {
    fn schema(&self) -> &'static [&'static CollectionSpec] {
        self.schema
    }
}
