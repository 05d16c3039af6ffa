//! Prometheus metrics of the replication layer.
//!
//! Counters and histograms are updated where things happen; gauges that mirror openraft's own
//! metrics (role, term, indexes) are refreshed from them when the registry is scraped.

use prometheus::{Histogram, HistogramOpts, IntCounter, IntGauge, Registry};

/// The node's replication metrics, registered in its own registry (several nodes can share a
/// process in tests).
pub struct Metrics {
    /// The registry that holds them; the HTTP endpoint gathers it.
    pub registry: Registry,
    /// Proposals submitted through [`crate::RaftNode::propose`].
    pub proposals: IntCounter,
    /// Proposals that failed (not leader, shut down, timed out).
    pub proposal_errors: IntCounter,
    /// Time from proposing to the entry being applied locally.
    pub commit_latency: Histogram,
    /// fsyncs of the WAL (group commits and vote writes).
    pub wal_syncs: IntCounter,
    /// Callbacks covered by each group-commit sync.
    pub sync_batch_size: Histogram,
    /// Write sets per group-commit batch (one log entry).
    pub batch_size: Histogram,
    /// Log entries written to the local log.
    pub log_entries_appended: IntCounter,
    /// Entries applied to the state machine.
    pub entries_applied: IntCounter,
    /// Snapshots built locally.
    pub snapshots_built: IntCounter,
    /// Snapshots received and installed.
    pub snapshots_installed: IntCounter,
    /// 1 while this node leads.
    pub is_leader: IntGauge,
    /// 0 learner, 1 follower, 2 candidate, 3 leader, 4 shutdown.
    pub state: IntGauge,
    /// Current term.
    pub term: IntGauge,
    /// Known leader id, or -1.
    pub leader_id: IntGauge,
    /// Highest committed index known locally.
    pub commit_index: IntGauge,
    /// Last applied index.
    pub applied_index: IntGauge,
    /// Last index in the local log.
    pub last_log_index: IntGauge,
    /// Entries held in the local log (last index minus purged index).
    pub log_size: IntGauge,
}

impl Metrics {
    /// Creates and registers the metrics in a fresh registry.
    pub fn new() -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str| {
            let c = IntCounter::new(name, help).expect("valid metric");
            registry.register(Box::new(c.clone())).expect("unique metric");
            c
        };
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::new(name, help).expect("valid metric");
            registry.register(Box::new(g.clone())).expect("unique metric");
            g
        };
        let histogram = |name: &str, help: &str, buckets: Vec<f64>| {
            let h = Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets)).expect("valid metric");
            registry.register(Box::new(h.clone())).expect("unique metric");
            h
        };
        Self {
            proposals: counter("tandem_raft_proposals_total", "Write sets proposed on this node"),
            proposal_errors: counter("tandem_raft_proposal_errors_total", "Proposals that failed"),
            commit_latency: histogram(
                "tandem_raft_commit_latency_seconds",
                "Time from proposal to local apply",
                prometheus::exponential_buckets(0.0001, 2.0, 16).expect("valid buckets"),
            ),
            wal_syncs: counter("tandem_storage_wal_syncs_total", "fsyncs of the write-ahead log"),
            sync_batch_size: histogram(
                "tandem_storage_sync_batch_size",
                "Log flushes covered by one WAL sync",
                prometheus::exponential_buckets(1.0, 2.0, 10).expect("valid buckets"),
            ),
            batch_size: histogram(
                "tandem_raft_batch_size",
                "Write sets committed together in one log entry",
                prometheus::exponential_buckets(1.0, 2.0, 12).expect("valid buckets"),
            ),
            log_entries_appended: counter("tandem_raft_log_entries_appended_total", "Entries written to the log"),
            entries_applied: counter("tandem_raft_entries_applied_total", "Entries applied to the state machine"),
            snapshots_built: counter("tandem_raft_snapshots_built_total", "Snapshots built"),
            snapshots_installed: counter("tandem_raft_snapshots_installed_total", "Snapshots installed from a leader"),
            is_leader: gauge("tandem_raft_is_leader", "1 while this node is the leader"),
            state: gauge("tandem_raft_state", "0 learner, 1 follower, 2 candidate, 3 leader, 4 shutdown"),
            term: gauge("tandem_raft_term", "Current Raft term"),
            leader_id: gauge("tandem_raft_leader_id", "Id of the known leader, -1 if none"),
            commit_index: gauge("tandem_raft_commit_index", "Highest committed log index known here"),
            applied_index: gauge("tandem_raft_applied_index", "Last applied log index"),
            last_log_index: gauge("tandem_raft_last_log_index", "Last index in the local log"),
            log_size: gauge("tandem_raft_log_entries", "Entries held in the local log"),
            registry,
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
