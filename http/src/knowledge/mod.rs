//! Knowledge bases on the HTTP side: the `[knowledge]` configuration, the services a node
//! builds from it (blob store, index, ingestion, brain), and the wire views of bases and
//! documents shared by the REST routes and the console channel's `ingestion` event.

pub mod config;
pub mod services;
pub mod upload_body;
pub mod views;

pub use config::{EmbedderChoice, KnowledgeConfig};
pub use services::{KnowledgeServices, KnowledgeSetupError};
pub use views::{DocumentView, KnowledgeBaseView};
