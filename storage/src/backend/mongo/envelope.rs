//! The shape of a stored MongoDB document: `{ _id, <fields>..., doc: <body> }`.
//!
//! Fields sit at the top level so MongoDB indexes and filters reach them; the typed record is
//! the `doc` sub-document.

use crate::backend::{CollectionSpec, FieldValue, Fields, IndexSpec};
use crate::error::StorageError;
use mongodb::bson::{Bson, Document};

pub(super) const ID: &str = "_id";
pub(super) const BODY: &str = "doc";

pub(super) fn to_bson(value: &FieldValue) -> Result<Bson, StorageError> {
    Ok(match value {
        FieldValue::Bool(flag) => Bson::Boolean(*flag),
        FieldValue::I64(number) => Bson::Int64(*number),
        FieldValue::U64(number) => Bson::Int64(i64::try_from(*number).map_err(|_| {
            StorageError::Encode(format!("{number} does not fit a mongodb 64-bit integer"))
        })?),
        FieldValue::Str(text) => Bson::String(text.clone()),
    })
}

/// The field value a stored BSON value stands for (integers come back as `I64`).
pub(super) fn from_bson(value: &Bson) -> Option<FieldValue> {
    match value {
        Bson::Boolean(flag) => Some(FieldValue::Bool(*flag)),
        Bson::Int32(number) => Some(FieldValue::I64(i64::from(*number))),
        Bson::Int64(number) => Some(FieldValue::I64(*number)),
        Bson::String(text) => Some(FieldValue::Str(text.clone())),
        _ => None,
    }
}

pub(super) fn wrap(id: &str, fields: &Fields, body: Document) -> Result<Document, StorageError> {
    let mut envelope = Document::new();
    envelope.insert(ID, id);
    for (name, value) in fields.iter() {
        envelope.insert(*name, to_bson(value)?);
    }
    envelope.insert(BODY, body);
    Ok(envelope)
}

/// The id, fields and body of a stored envelope.
pub(super) fn unwrap(
    spec: &CollectionSpec,
    mut envelope: Document,
) -> Result<(String, Fields, Document), StorageError> {
    let corrupt = |what: &str| StorageError::Corrupt(format!("{} document {what}", spec.name));
    let id = match envelope.remove(ID) {
        Some(Bson::String(id)) => id,
        _ => return Err(corrupt("without a text _id")),
    };
    let body = match envelope.remove(BODY) {
        Some(Bson::Document(body)) => body,
        _ => return Err(corrupt(&format!("{id} without a body"))),
    };
    let mut fields = Fields::with_capacity(spec.fields.len());
    for name in spec.fields {
        if let Some(value) = envelope.get(name).and_then(from_bson) {
            fields.set(name, value);
        }
    }
    Ok((id, fields, body))
}

/// The position of an envelope in `index`, as the embedded backend would encode it.
pub(super) fn position(index: &IndexSpec, id: &str, fields: &Fields) -> Option<Vec<u8>> {
    fields
        .index_values(index)
        .map(|values| crate::backend::position_of(&values, id))
}
