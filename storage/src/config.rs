//! Choosing and opening a backend.

use crate::backend::embedded::EmbeddedBackend;
use crate::backend::lsm::LsmBackend;
use crate::backend::mongo::MongoBackend;
use crate::backend::resident::ResidentBackend;
use crate::error::StorageError;
use crate::repo::Store;
use crate::repo::schema::SCHEMA;
use botwot_engine::ports::Storage;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a node keeps its data. In TOML: `backend = "embedded"` (or `"resident"`, or the
/// experimental `"lsm"`) with `data_dir`, or `backend = "mongo"` with `uri` and `database`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "backend", rename_all = "lowercase", deny_unknown_fields)]
pub enum StorageConfig {
    /// Single node, no server: a redb file in `data_dir`.
    Embedded { data_dir: PathBuf },
    /// Single node, no server: every document in memory, made durable by a log and snapshots
    /// in `data_dir` (ADR 0024).
    Resident { data_dir: PathBuf },
    /// Single node, no server, experimental: a fjall LSM tree in `data_dir` (ADR 0004).
    Lsm { data_dir: PathBuf },
    /// Many nodes sharing one MongoDB database.
    Mongo { uri: String, database: String },
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig::Embedded {
            data_dir: PathBuf::from("data"),
        }
    }
}

/// The embedded store in `dir` (created when missing).
pub fn open_embedded(dir: impl AsRef<Path>) -> Result<Arc<Store<EmbeddedBackend>>, StorageError> {
    Ok(Arc::new(Store::new(EmbeddedBackend::open(
        dir.as_ref(),
        SCHEMA,
    )?)))
}

/// The resident store in `dir` (created when missing): its snapshot and log read back first.
pub fn open_resident(dir: impl AsRef<Path>) -> Result<Arc<Store<ResidentBackend>>, StorageError> {
    Ok(Arc::new(Store::new(ResidentBackend::open(
        dir.as_ref(),
        SCHEMA,
    )?)))
}

/// The experimental LSM store in `dir` (created when missing).
pub fn open_lsm(dir: impl AsRef<Path>) -> Result<Arc<Store<LsmBackend>>, StorageError> {
    Ok(Arc::new(Store::new(LsmBackend::open(
        dir.as_ref(),
        SCHEMA,
    )?)))
}

/// The MongoDB store in `database`; fails when the server does not answer.
pub async fn connect_mongo(
    uri: &str,
    database: &str,
) -> Result<Arc<Store<MongoBackend>>, StorageError> {
    Ok(Arc::new(Store::new(
        MongoBackend::connect(uri, database, SCHEMA).await?,
    )))
}

/// The store `config` describes, behind the engine's port.
pub async fn open_storage(config: &StorageConfig) -> Result<Arc<dyn Storage>, StorageError> {
    Ok(match config {
        StorageConfig::Embedded { data_dir } => open_embedded(data_dir)?,
        StorageConfig::Resident { data_dir } => open_resident(data_dir)?,
        StorageConfig::Lsm { data_dir } => open_lsm(data_dir)?,
        StorageConfig::Mongo { uri, database } => connect_mongo(uri, database).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::StorageConfig;

    #[test]
    fn config_reads_every_backend() -> Result<(), toml::de::Error> {
        let embedded: StorageConfig =
            toml::from_str("backend = \"embedded\"\ndata_dir = \"/var/lib/botwot\"")?;
        assert_eq!(
            embedded,
            StorageConfig::Embedded {
                data_dir: "/var/lib/botwot".into()
            }
        );
        let resident: StorageConfig =
            toml::from_str("backend = \"resident\"\ndata_dir = \"/var/lib/botwot\"")?;
        assert_eq!(
            resident,
            StorageConfig::Resident {
                data_dir: "/var/lib/botwot".into()
            }
        );
        let lsm: StorageConfig =
            toml::from_str("backend = \"lsm\"\ndata_dir = \"/var/lib/botwot\"")?;
        assert_eq!(
            lsm,
            StorageConfig::Lsm {
                data_dir: "/var/lib/botwot".into()
            }
        );
        let mongo: StorageConfig = toml::from_str(
            "backend = \"mongo\"\nuri = \"mongodb://db:27017\"\ndatabase = \"botwot\"",
        )?;
        assert_eq!(
            mongo,
            StorageConfig::Mongo {
                uri: "mongodb://db:27017".into(),
                database: "botwot".into()
            }
        );
        assert!(toml::from_str::<StorageConfig>("backend = \"sqlite\"").is_err());
        Ok(())
    }
}
