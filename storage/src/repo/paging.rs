//! Opaque page cursors and page reads.
//!
//! A cursor is the hex of the index name followed by the position of the last item of the page
//! (its index values and id). It is accepted only by a query on the same index with the same
//! prefix, so a cursor of one tenant or filter cannot be replayed against another.

use super::Store;
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, IndexSpec};
use crate::error::StorageError;
use crate::keys;
use botwot_engine::ports::{PageRequest, Paged};
use serde::de::DeserializeOwned;

/// Items in a page when the request says zero.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The most items one page returns.
pub const MAX_PAGE_SIZE: usize = 1000;

pub(super) fn page_size(page: &PageRequest) -> usize {
    match page.limit {
        0 => DEFAULT_PAGE_SIZE,
        limit => limit.min(MAX_PAGE_SIZE),
    }
}

fn encode_cursor(index: &IndexSpec, position: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(index.name.len() + 3 + position.len());
    keys::encode_str(&mut bytes, index.name);
    bytes.extend_from_slice(position);
    keys::to_hex(&bytes)
}

/// The position a cursor resumes after, checked against the query it is used with.
fn decode_cursor(cursor: &str, query: &IndexQuery) -> Result<Vec<u8>, StorageError> {
    let bytes = keys::from_hex(cursor).ok_or(StorageError::InvalidCursor)?;
    let values = keys::decode_tuple(&bytes).map_err(|_| StorageError::InvalidCursor)?;
    let fields = query.index.fields.len();
    let fits = values.len() == fields + 2
        && values[0] == FieldValue::from(query.index.name)
        && values[1..].starts_with(&query.prefix)
        && matches!(values.last(), Some(FieldValue::Str(_)));
    if !fits {
        return Err(StorageError::InvalidCursor);
    }
    Ok(bytes[keys::encoded_str_len(query.index.name)..].to_vec())
}

impl<B: DocumentBackend> Store<B> {
    /// One page of `query`: reads one item more than the page holds to know whether another
    /// page follows.
    pub(super) async fn page<T: DeserializeOwned>(
        &self,
        mut query: IndexQuery,
        page: &PageRequest,
    ) -> Result<Paged<T>, StorageError> {
        let size = page_size(page);
        if let Some(cursor) = &page.cursor {
            query.after = Some(decode_cursor(cursor, &query)?);
        }
        query.limit = size + 1;
        let index = query.index;
        let mut hits = self.backend.query(query).await?;
        let next_cursor = if hits.len() > size {
            hits.truncate(size);
            hits.last().map(|hit| encode_cursor(index, &hit.position))
        } else {
            None
        };
        let items = hits
            .into_iter()
            .map(|hit| B::decode(hit.body))
            .collect::<Result<_, _>>()?;
        Ok(Paged { items, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::position_of;
    use crate::repo::schema::{SESSIONS, SESSIONS_BY_STATUS};

    fn query(tenant: &str) -> IndexQuery {
        IndexQuery::new(
            &SESSIONS,
            &SESSIONS_BY_STATUS,
            vec![FieldValue::from(tenant)],
        )
    }

    #[test]
    fn a_cursor_resumes_only_its_own_query() {
        let values = [
            FieldValue::from("t1"),
            FieldValue::from("open"),
            FieldValue::I64(5),
        ];
        let position = position_of(&values.iter().collect::<Vec<_>>(), "ses_1");
        let cursor = encode_cursor(&SESSIONS_BY_STATUS, &position);
        assert_eq!(decode_cursor(&cursor, &query("t1")).ok(), Some(position));
        assert!(decode_cursor(&cursor, &query("t2")).is_err());
        assert!(decode_cursor("zz", &query("t1")).is_err());
        assert!(decode_cursor(&cursor[..cursor.len() - 2], &query("t1")).is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        let ask = |limit| {
            page_size(&PageRequest {
                limit,
                cursor: None,
            })
        };
        assert_eq!(ask(0), DEFAULT_PAGE_SIZE);
        assert_eq!(ask(7), 7);
        assert_eq!(ask(1_000_000), MAX_PAGE_SIZE);
    }
}
