//! Storage errors.

use std::path::PathBuf;

/// An error from the storage layer. Every variant says what an operator needs to know; none is
/// caused by user input once a write set has passed [`crate::WriteSet::validate`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// RocksDB reported an error (I/O, corruption detected by a checksum, ...).
    #[error("storage error while {context}: {source}")]
    RocksDb {
        /// What the store was doing.
        context: String,
        /// The RocksDB error.
        #[source]
        source: rocksdb::Error,
    },
    /// A file system operation failed.
    #[error("I/O error while {context}: {source}")]
    Io {
        /// What the store was doing.
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The data directory holds something that is not a usable Tandem store.
    #[error("data directory {}: {reason}", dir.display())]
    BadDataDir {
        /// The directory.
        dir: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// Stored bytes do not decode.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// A write set touches keys it may not.
    #[error("invalid write set: {0}")]
    InvalidWriteSet(&'static str),
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds context to RocksDB results.
pub(crate) trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, rocksdb::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::RocksDb { context: what(), source })
    }
}

impl<T> Context<T> for std::result::Result<T, std::io::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Io { context: what(), source })
    }
}
