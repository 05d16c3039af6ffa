//! Tandem's storage layer.
//!
//! Each node keeps everything in one RocksDB instance ([`Store`]): the Raft log, Raft metadata
//! and the replicated data, in separate column families that share one write-ahead log. Above
//! it, nothing writes to RocksDB except the Raft state machine, which applies [`WriteSet`]s in
//! log order; everything else reads, through [`ReadSnapshot`]s.
//!
//! Keys are built with the order-preserving encoding in [`keycode`], so that range predicates
//! become range scans. Values are [`Versioned`]: each carries the log index of the commit that
//! wrote it.
//!
//! This crate knows nothing of SQL or of Raft's types: it stores bytes under keys.

mod error;
pub mod keycode;
mod snapshot;
mod store;
mod writeset;

pub use error::{Error, Result};
pub use snapshot::{KeyRange, ReadSnapshot, ScanIter};
pub use store::{Db, Identity, SnapshotHold, Store, APPLIED_INDEX_KEY, LOG_CF, META_CF};
pub use writeset::{Op, Versioned, WriteSet, SYSTEM_PREFIX};
