//! Duplicate key errors: which index refused a write, told apart from other driver errors.

use crate::backend::CollectionSpec;
use crate::error::{Duplicate, ID_INDEX, StorageError};
use mongodb::error::{ErrorKind, WriteFailure};

const DUPLICATE_KEY: i32 = 11000;

/// The server's message when `error` is a duplicate key error.
fn duplicate_key_message(error: &mongodb::error::Error) -> Option<&str> {
    match error.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(failure)) if failure.code == DUPLICATE_KEY => {
            Some(&failure.message)
        }
        ErrorKind::Command(failure) if failure.code == DUPLICATE_KEY => Some(&failure.message),
        _ => None,
    }
}

pub(super) fn is_duplicate_key(error: &mongodb::error::Error) -> bool {
    duplicate_key_message(error).is_some()
}

/// A duplicate key error becomes [`StorageError::Duplicate`]; anything else stays a driver error.
pub(super) fn classify(
    collection: &CollectionSpec,
    id: &str,
    error: mongodb::error::Error,
) -> StorageError {
    let Some(message) = duplicate_key_message(&error) else {
        return StorageError::Mongo(error);
    };
    StorageError::Duplicate(Duplicate {
        collection: collection.name,
        index: index_named_in(message),
        id: id.to_owned(),
    })
}

/// The index named in a duplicate key message (`... index: name dup key: ...`).
fn index_named_in(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("index: ")?;
    let name = rest.split_whitespace().next()?;
    Some(if name == "_id_" { ID_INDEX } else { name }.to_owned())
}

#[cfg(test)]
mod tests {
    use super::index_named_in;

    #[test]
    fn the_index_is_read_from_the_server_message() {
        let message = "E11000 duplicate key error collection: db.messages index: provider dup key: { tenant: \"t\" }";
        assert_eq!(index_named_in(message).as_deref(), Some("provider"));
        let message =
            "E11000 duplicate key error collection: db.t index: _id_ dup key: { _id: \"1\" }";
        assert_eq!(index_named_in(message).as_deref(), Some("_id"));
        assert_eq!(index_named_in("something else"), None);
    }
}
