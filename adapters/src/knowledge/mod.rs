//! The engine's knowledge-ingestion ports, implemented: [`LimitedDocumentExtractor`] reads
//! uploaded files with [`crate::extract`] under [`ExtractLimits`](crate::extract::ExtractLimits),
//! and [`WebPageFetcher`] fetches URL documents with reqwest, refusing non-public addresses,
//! endless redirects, huge bodies and slow servers.

mod extractor;
pub mod fetch;

pub use extractor::LimitedDocumentExtractor;
pub use fetch::{WebFetchConfig, WebPageFetcher};
