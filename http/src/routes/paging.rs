//! Pages of listings: the `limit` and `cursor` query parameters and the `{items, nextCursor}`
//! response.

use botwot_engine::ports::{PageRequest, Paged};
use botwot_engine::validation::ValidationErrors;
use serde::Serialize;

/// Bounds of a `limit` parameter.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub default: usize,
    pub max: usize,
}

pub const LISTING: Limits = Limits {
    default: 50,
    max: 200,
};

/// One page of a listing.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to read the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> From<Paged<T>> for Page<T> {
    fn from(paged: Paged<T>) -> Self {
        Self {
            items: paged.items,
            next_cursor: paged.next_cursor,
        }
    }
}

impl Limits {
    /// `limit` when it is within bounds, the default when absent; adds a `limit` error otherwise.
    pub fn check(self, limit: Option<usize>, errors: &mut ValidationErrors) -> usize {
        let limit = limit.unwrap_or(self.default);
        if limit == 0 || limit > self.max {
            errors.add("limit", format!("must be between 1 and {}", self.max));
        }
        limit.clamp(1, self.max)
    }

    /// A page request, or the `limit` error.
    pub fn page(
        self,
        limit: Option<usize>,
        cursor: Option<String>,
    ) -> Result<PageRequest, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let limit = self.check(limit, &mut errors);
        errors.into_result(PageRequest { limit, cursor })
    }
}
