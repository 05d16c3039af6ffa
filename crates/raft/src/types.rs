//! The types Raft replicates and the openraft type configuration.

use std::fmt;

use serde::{Deserialize, Serialize};
use tandem_storage::WriteSet;
use uuid::Uuid;

/// A node's id in the cluster. Ids are never reused (decision D10).
pub type NodeId = u64;

/// What the cluster knows about a member: how to reach it, and which incarnation of its data
/// directory joined. This is openraft's `Node` type, stored in every membership config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Address of the internal peer RPC (`--peer-listen` or its advertised form).
    pub peer_addr: String,
    /// Address clients use for the PostgreSQL protocol.
    pub pg_addr: String,
    /// Address of the HTTP endpoint (health, metrics).
    pub http_addr: String,
    /// Store id of the data directory that joined. A node that comes back with a different one
    /// (a wiped volume) is refused instead of being trusted with votes it has forgotten.
    pub store_id: Uuid,
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (pg {}, store {})", self.peer_addr, self.pg_addr, self.store_id)
    }
}

/// One committed transaction's effects in a [`Command::Writes`] entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Commit {
    /// The write set itself.
    Inline(WriteSet),
    /// A write set too large for one entry, staged earlier in chunks under this id.
    Staged(u64),
}

/// A [`Commit`] with the leadership term in which its transaction was checked (locks, conflicts,
/// validation). It applies only if its log entry belongs to that same term: a write set that
/// waited in a queue while its leader lost and regained leadership was checked against state
/// the new term no longer protects, so every node skips it and its proposer reports that it
/// did not commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardedCommit {
    /// The term the write was checked in, or `None` for writes that need no guard.
    pub term: Option<u64>,
    /// The write.
    pub commit: Commit,
}

/// A command in the Raft log: what the state machine applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// The effects of transactions committed together (group commit), in commit order.
    Writes(Vec<GuardedCommit>),
    /// A chunk of a large write set, kept aside (invisible) until a [`Commit::Staged`] applies
    /// all chunks of its id atomically.
    Stage {
        /// Staging id: the staging leader's term in the high 32 bits.
        id: u64,
        /// Chunk number.
        seq: u32,
        /// The chunk's operations.
        ops: WriteSet,
    },
    /// Drops staged chunks of terms before `term` (their leader is gone, so they will never be
    /// committed).
    DiscardStaged {
        /// The new leader's term.
        term: u64,
    },
    /// Cluster bookkeeping that must be replicated.
    Cluster(ClusterOp),
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Writes(sets) => write!(f, "writes({} commits)", sets.len()),
            Command::Stage { id, seq, ops } => write!(f, "stage({id:x}#{seq}, {} ops)", ops.ops.len()),
            Command::DiscardStaged { term } => write!(f, "discard-staged(before term {term})"),
            Command::Cluster(op) => write!(f, "cluster({op:?})"),
        }
    }
}

/// Replicated cluster bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClusterOp {
    /// Every member of `--initial-cluster` has become a voter; formation is over and a removed
    /// initial member is not added back.
    FormationComplete,
    /// A node was removed; its id may never join again.
    NodeRemoved(NodeId),
}

/// What applying a command returns to the proposer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The log index of the command.
    pub index: u64,
    /// Positions, in a [`Command::Writes`], of the commits skipped by their term guard.
    pub skipped: Vec<u32>,
}

/// The replicated cluster state the state machine keeps beside the data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterState {
    /// Formation from `--initial-cluster` has completed.
    pub formed: bool,
    /// Ids of removed nodes, never to be reused.
    pub removed: std::collections::BTreeSet<NodeId>,
}

openraft::declare_raft_types!(
    /// Tandem's openraft type configuration.
    pub TypeConfig:
        D = Command,
        R = Applied,
        NodeId = NodeId,
        Node = Member,
        Entry = openraft::Entry<TypeConfig>,
        SnapshotData = crate::state_machine::SnapshotFile,
        AsyncRuntime = openraft::TokioRuntime,
);

/// The openraft handle with Tandem's types.
pub type Raft = openraft::Raft<TypeConfig>;
/// A log id.
pub type LogId = openraft::LogId<NodeId>;
/// A log entry.
pub type Entry = openraft::Entry<TypeConfig>;
/// A membership config as stored.
pub type StoredMembership = openraft::StoredMembership<NodeId, Member>;
/// A storage error.
pub type StorageError = openraft::StorageError<NodeId>;
/// Snapshot metadata.
pub type SnapshotMeta = openraft::SnapshotMeta<NodeId, Member>;

/// Serialises a value for the log, the network or a system record.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("serialising to memory does not fail")
}

/// Deserialises a value written by [`encode`].
pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, postcard::Error> {
    postcard::from_bytes(bytes)
}
