//! Transaction errors. The SQL layer maps each to its SQLSTATE.

use tandem_raft::NodeId;

/// Why a transaction operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxnError {
    /// A concurrent transaction changed what this one read or is about to write (40001).
    #[error("could not serialize access due to {0}")]
    Serialization(String),
    /// Waiting for the lock would deadlock (40P01).
    #[error("deadlock detected")]
    Deadlock(String),
    /// `lock_timeout` expired (55P03).
    #[error("canceling statement due to lock timeout")]
    LockTimeout,
    /// This node lost leadership while the transaction was open; nothing it wrote is visible
    /// (40001).
    #[error("the transaction was aborted because the node lost leadership; retry it")]
    LeadershipLost,
    /// This node does not lead, so it cannot run read-write transactions.
    #[error("this node is not the leader")]
    NotLeader {
        /// The leader, if known.
        leader: Option<NodeId>,
    },
    /// The commit was submitted but its outcome cannot be known (40003).
    #[error("the outcome of the commit is unknown: {0}")]
    CommitUnknown(String),
    /// A write in a read-only transaction (25006).
    #[error("cannot execute {0} in a read-only transaction")]
    ReadOnly(String),
    /// No leader could confirm that this node's state is current within the bounded wait (no
    /// majority reachable, or an election that did not finish) (57P03).
    #[error("{0}")]
    Unavailable(String),
    /// Storage failure.
    #[error("storage error: {0}")]
    Storage(String),
}

impl From<tandem_storage::Error> for TxnError {
    fn from(e: tandem_storage::Error) -> Self {
        TxnError::Storage(e.to_string())
    }
}

/// Results of this crate.
pub type Result<T, E = TxnError> = std::result::Result<T, E>;
