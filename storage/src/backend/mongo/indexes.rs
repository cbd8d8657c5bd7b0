//! The MongoDB indexes of a collection, created at connect.

use super::envelope::ID;
use crate::backend::{CollectionSpec, IndexSpec};
use mongodb::IndexModel;
use mongodb::bson::{Document, doc};
use mongodb::options::IndexOptions;

pub(super) fn models(spec: &CollectionSpec) -> Vec<IndexModel> {
    spec.indexes.iter().map(|index| model(index)).collect()
}

/// Keys in the index's order; a non-unique index ends with `_id` so pages sort on the index
/// alone. Partial on every field being present, like the embedded backend's indexes.
fn model(index: &IndexSpec) -> IndexModel {
    let mut keys = Document::new();
    let mut present = Document::new();
    for field in index.fields {
        keys.insert(*field, 1);
        present.insert(*field, doc! { "$exists": true });
    }
    if !index.unique {
        keys.insert(ID, 1);
    }
    let options = IndexOptions::builder()
        .name(index.name.to_owned())
        .unique(index.unique)
        .partial_filter_expression(present)
        .build();
    IndexModel::builder().keys(keys).options(options).build()
}
