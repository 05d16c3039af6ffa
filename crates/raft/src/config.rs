//! How a node is configured.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::types::{Member, NodeId};

/// Replication settings of one node.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// This node's id.
    pub node_id: NodeId,
    /// This node's advertised addresses (its store id is filled in at start).
    pub member: Member,
    /// The cluster to form on first start: node id to peer address, including this node.
    /// Empty or a single entry means a one-node cluster.
    pub initial_cluster: BTreeMap<NodeId, String>,
    /// Members' peer addresses to join through (comma-separated, tried in turn), for a node
    /// added to a running cluster.
    pub join: Option<String>,
    /// Interval between leader heartbeats.
    pub heartbeat: Duration,
    /// A follower that hears no leader for a random time in this range starts an election.
    pub election_timeout: (Duration, Duration),
    /// Build a snapshot once this many entries were applied since the last one.
    pub snapshot_every: u64,
    /// Entries to keep in the log behind the last snapshot (so a briefly absent follower
    /// catches up from the log instead of a snapshot).
    pub keep_logs: u64,
}

impl NodeConfig {
    /// A one-node configuration with default timeouts (tests and the default `tandem start`).
    pub fn single(node_id: NodeId, peer_addr: &str) -> Self {
        Self {
            node_id,
            member: Member { peer_addr: peer_addr.to_string(), ..Member::default() },
            initial_cluster: BTreeMap::from([(node_id, peer_addr.to_string())]),
            join: None,
            heartbeat: Duration::from_millis(50),
            election_timeout: (Duration::from_millis(200), Duration::from_millis(400)),
            snapshot_every: 10_000,
            keep_logs: 1_000,
        }
    }

    /// The node that forms the cluster: the lowest id of the initial cluster.
    pub fn initializer(&self) -> NodeId {
        self.initial_cluster.keys().next().copied().unwrap_or(self.node_id)
    }

    pub(crate) fn openraft_config(&self) -> Result<openraft::Config, openraft::ConfigError> {
        let ms = |d: Duration| d.as_millis() as u64;
        openraft::Config {
            cluster_name: "tandem".into(),
            heartbeat_interval: ms(self.heartbeat),
            election_timeout_min: ms(self.election_timeout.0),
            election_timeout_max: ms(self.election_timeout.1),
            install_snapshot_timeout: 5_000,
            // Entries are at most `MAX_ENTRY_BYTES` (larger write sets are staged), and the log
            // reader caps one AppendEntries at about as much, so it arrives and syncs within a
            // heartbeat interval.
            max_payload_entries: 16,
            // Elections start from `crate::election`, after a pre-vote (ADR 0008).
            enable_elect: false,
            replication_lag_threshold: self.keep_logs.max(1_000),
            snapshot_policy: openraft::SnapshotPolicy::LogsSinceLast(self.snapshot_every),
            snapshot_max_chunk_size: 1 << 20,
            max_in_snapshot_log_to_keep: self.keep_logs,
            purge_batch_size: 256,
            ..Default::default()
        }
        .validate()
    }
}
