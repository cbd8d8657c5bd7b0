//! Walking every page of a listing.

use botwot_engine::ports::{PageRequest, Paged, StoreError};
use std::future::Future;

/// Every item of every page, in order, checking that each page but the last is full and that
/// the walk ends.
pub async fn walk<T, F, Fut>(limit: usize, mut read: F) -> anyhow::Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Paged<T>, StoreError>>,
{
    let mut items = Vec::new();
    let mut cursor = None;
    for _ in 0..1_000 {
        let page = read(PageRequest { limit, cursor }).await?;
        anyhow::ensure!(
            page.items.len() <= limit,
            "a page holds {} items, more than {limit}",
            page.items.len()
        );
        let full = page.items.len() == limit;
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => {
                anyhow::ensure!(full, "a page that is not full has a next cursor");
                cursor = Some(next);
            }
            None => return Ok(items),
        }
    }
    anyhow::bail!("paging did not end after 1000 pages")
}
