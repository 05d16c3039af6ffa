//! Tandem's transactions (decision D5): snapshot reads from RocksDB snapshots plus the
//! transaction's own buffered writes, row locks in the leader's lock table, serializable
//! validation at commit, and commit by proposing the write set through Raft.
//!
//! This crate knows keys and values, not SQL: the SQL layer decides which keys to lock and how
//! the isolation level treats a row that changed ([`LockedRow`]).

mod error;
mod lock;
mod manager;
mod ssi;
mod txn;
mod view;

pub use error::{Result, TxnError};
pub use lock::{LockMode, LockTable, TxnId};
pub use manager::TxnManager;
pub use ssi::KeyRange;
pub use txn::{Isolation, LockedRow, Txn};
pub use view::{MergedScan, TxnView, Writes, OWN_WRITE};
