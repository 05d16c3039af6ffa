//! Tandem's replication layer: every change to a node's data is agreed through Raft.
//!
//! The pieces, each behind a small interface:
//!
//! * [`log_store`]: the Raft log in RocksDB, with group commit (many appends, one fsync);
//! * [`state_machine`]: applies committed write sets atomically with the applied log id, and
//!   builds and installs snapshots;
//! * [`network`]: the framed TCP protocol between nodes, its client and server;
//! * [`node`]: a running node, its cluster formation and membership changes, and the API the
//!   SQL layer uses: [`RaftNode::propose`] a write set, [`RaftNode::read_barrier`] for a
//!   linearizable read (concurrent readers share rounds of heartbeats, see `reads`),
//!   [`RaftNode::leader`] to find the leader, and [`AppHandler`] for the SQL layer's own
//!   requests between nodes (the relay of read-write work to the leader).
//!
//! Raft here knows nothing of SQL: commands are opaque write sets, and the state machine's
//! contract is that applying one never fails on user input (the leader validated it) and that
//! an I/O error stops the node rather than skipping an entry.
//!
//! Caveats: there is one Raft group for all data (multi-Raft is future work), and reads that
//! are not linearizable must be asked for explicitly.

mod batcher;
pub mod config;
mod election;
pub mod faults;
pub mod log_store;
pub mod metrics;
pub mod network;
pub mod node;
mod reads;
pub mod state_machine;
pub mod status;
pub mod types;

pub use config::NodeConfig;
pub use metrics::Metrics;
pub use node::{
    AdminError, AppHandler, MemberStatus, PreparedWrite, Proposal, ProposeError, RaftNode, ReadError, StartError,
    Status,
};
pub use openraft::ServerState;
pub use state_machine::ApplyObserver;
pub use status::{MemberReport, SelfReport};
pub use types::{Applied, ClusterOp, ClusterState, Command, Commit, GuardedCommit, Member, NodeId, TypeConfig};

/// The most bytes of write sets one log entry carries, and of entries one AppendEntries
/// carries (at least one entry, whatever its size). openraft 0.9 gives an AppendEntries the
/// heartbeat interval (50 ms by default) to be sent, written and synced on the follower, and
/// retries it whole when it takes longer: a payload too large to make it in time on a busy
/// follower is retried for ever and the cluster commits nothing more. `pgbench -i` through a
/// three-node debug build timed out about 80 AppendEntries per run at 256 KiB (and never
/// finished at 1 MiB), none at 64 KiB, and ran faster. Larger write sets are staged in chunks
/// of this size (see [`RaftNode::prepare`]).
pub(crate) const MAX_ENTRY_BYTES: usize = 64 << 10;
