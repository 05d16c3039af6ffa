//! The transaction manager: hands out transactions, owns the lock table and the serializable
//! window, orders commits, and aborts everything when leadership changes.
//!
//! Read-write work runs on the leader only (decision D4). A new leader accepts it only once it
//! has applied an entry of its own term, that is, once every entry committed by earlier leaders
//! is applied here: otherwise a transaction could lock a row and read a "newest" version that
//! is already stale. When this node stops leading (or starts leading again in a new term), the
//! manager bumps its epoch: every transaction that wrote or locked in the old epoch fails with
//! a serialization error, waiters are woken, and the lock table and the serializable window are
//! cleared.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tandem_raft::{PreparedWrite, Proposal, ProposeError, RaftNode};
use tandem_storage::Store;

use crate::error::{Result, TxnError};
use crate::lock::{LockTable, TxnId};
use crate::ssi::{ReadSet, Recent};
use crate::txn::{Isolation, Txn};

/// How long a write waits for this node to become a ready leader when no other node leads
/// (right after start, or during an election it is part of).
const LEADERSHIP_WAIT: Duration = Duration::from_secs(3);

/// How long a read waits for a leader to confirm a read index before giving up.
const READ_FENCE_WAIT: Duration = Duration::from_secs(5);

/// Hands out transactions on one node.
pub struct TxnManager {
    node: Arc<RaftNode>,
    locks: LockTable,
    recent: Mutex<Recent>,
    serializable: Mutex<BTreeMap<TxnId, u64>>,
    next_id: AtomicU64,
    epoch: AtomicU64,
    ready: AtomicBool,
    ready_changed: tokio::sync::Notify,
    /// While a ready leader: the epoch and the Raft term it leads in.
    led: Mutex<Option<(u64, u64)>>,
}

impl std::fmt::Debug for TxnManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TxnManager").field("epoch", &self.epoch).finish_non_exhaustive()
    }
}

impl TxnManager {
    /// A manager for `node`; it watches the node's leadership from now on.
    pub fn new(node: Arc<RaftNode>) -> Arc<Self> {
        let mgr = Arc::new(Self {
            node,
            locks: LockTable::new(),
            recent: Mutex::new(Recent::default()),
            serializable: Mutex::new(BTreeMap::new()),
            next_id: AtomicU64::new(1),
            epoch: AtomicU64::new(0),
            ready: AtomicBool::new(false),
            ready_changed: tokio::sync::Notify::new(),
            led: Mutex::new(None),
        });
        tokio::spawn(watch_leadership(Arc::downgrade(&mgr)));
        mgr
    }

    /// Starts a transaction. Its snapshot is taken at its first statement.
    pub fn begin(self: &Arc<Self>, isolation: Isolation, read_only: bool) -> Txn {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        Txn::new(self.clone(), id, isolation, read_only)
    }

    /// The node's store.
    pub fn store(&self) -> &Arc<Store> {
        self.node.store()
    }

    /// The Raft node.
    pub fn node(&self) -> &Arc<RaftNode> {
        &self.node
    }

    pub(crate) fn locks(&self) -> &LockTable {
        &self.locks
    }

    /// The current leadership epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// True while this node leads and has applied everything committed before its term.
    pub fn is_ready_leader(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Waits briefly for this node to be a ready leader; fails at once if another node leads.
    pub async fn require_leader(&self) -> Result<()> {
        let deadline = tokio::time::Instant::now() + LEADERSHIP_WAIT;
        loop {
            let notified = self.ready_changed.notified();
            if self.is_ready_leader() {
                return Ok(());
            }
            if let Some((leader, _)) = self.node.leader().filter(|(id, _)| *id != self.node.id()) {
                return Err(TxnError::NotLeader { leader: Some(leader) });
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(TxnError::NotLeader { leader: self.node.leader().map(|(id, _)| id) });
            }
        }
    }

    /// Waits until reads from this node's store are linearizable: a leader confirmed its commit
    /// index with a quorum after this call began, and this node has applied that far. With
    /// `max_staleness`, returns at once when the local state is known to be no older than
    /// that. Fails (57P03) when no leader answers within a few seconds: a node cut off from the
    /// majority never serves a stale read as if it were fresh.
    pub async fn read_fence(&self, max_staleness: Option<Duration>) -> Result<()> {
        if let Some(max) = max_staleness {
            if self.node.staleness().is_some_and(|s| s <= max) {
                return Ok(());
            }
        }
        self.node.read_barrier(READ_FENCE_WAIT).await.map(|_| ()).map_err(|e| {
            TxnError::Unavailable(format!(
                "cannot serve a consistent read: {e}; this node may be cut off from the majority of the cluster"
            ))
        })
    }

    /// Validates (for a serializable writer), registers and submits a write set, all under one
    /// lock so that the log order is the validation order.
    ///
    /// The write is guarded by the term of `epoch` (the leadership its locks and checks
    /// belong to): should it reach the log in another term, every node skips it and the
    /// transaction fails with a serialization error instead of overwriting what the new
    /// leadership allowed meanwhile.
    pub(crate) fn submit_ordered(
        &self,
        ws: PreparedWrite,
        epoch: u64,
        keys: Vec<Vec<u8>>,
        ranges: Vec<(Vec<u8>, Vec<u8>)>,
        reads: Option<&Mutex<ReadSet>>,
        snapshot_index: u64,
    ) -> Result<(Proposal, u64)> {
        let term = match *self.led.lock() {
            Some((e, term)) if e == epoch => term,
            _ => return Err(TxnError::LeadershipLost),
        };
        let mut recent = self.recent.lock();
        if let Some(reads) = reads {
            if recent.conflicts(&reads.lock(), snapshot_index) {
                return Err(TxnError::Serialization("read/write dependencies among transactions".into()));
            }
        }
        let seq = recent.register(keys, ranges);
        match self.node.submit(ws, Some(term)) {
            Ok(p) => Ok((p, seq)),
            Err(e) => {
                recent.forget(seq);
                Err(match e {
                    // The transaction began while this node led (its epoch); nothing was
                    // submitted, so it certainly did not commit: retryable, as in PostgreSQL.
                    ProposeError::NotLeader { .. } => TxnError::LeadershipLost,
                    other => TxnError::CommitUnknown(other.to_string()),
                })
            }
        }
    }

    pub(crate) fn committed(&self, seq: u64, index: u64) {
        let oldest = self.serializable.lock().values().min().copied();
        let mut recent = self.recent.lock();
        recent.applied(seq, index);
        recent.trim(oldest);
    }

    pub(crate) fn not_committed(&self, seq: u64) {
        self.recent.lock().forget(seq);
    }

    pub(crate) fn register_serializable(&self, txn: TxnId, snapshot_index: u64) {
        self.serializable.lock().insert(txn, snapshot_index);
    }

    pub(crate) fn unregister_serializable(&self, txn: TxnId) {
        let oldest = {
            let mut active = self.serializable.lock();
            if active.remove(&txn).is_none() {
                return;
            }
            active.values().min().copied()
        };
        self.recent.lock().trim(oldest);
    }

    /// Rows and tables currently locked or awaited (metrics, tests).
    pub fn locked_keys(&self) -> usize {
        self.locks.len()
    }

    /// Transactions waiting for a row or table lock now (metrics, tests).
    pub fn lock_waiters(&self) -> usize {
        self.locks.waiting()
    }

    fn set_ready(&self, ready: bool, term: u64) {
        let mut led = self.led.lock();
        if self.ready.swap(ready, Ordering::AcqRel) != ready {
            let epoch = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
            *led = ready.then_some((epoch, term));
            self.locks.abort_all();
            self.recent.lock().clear();
            self.ready_changed.notify_waiters();
            tracing::info!(ready_leader = ready, "leadership changed; open read-write transactions abort");
        }
    }
}

async fn watch_leadership(mgr: std::sync::Weak<TxnManager>) {
    let Some(mut metrics) = mgr.upgrade().map(|m| m.node.raft().metrics()) else { return };
    let mut led_term = None;
    loop {
        let (ready, term) = {
            let m = metrics.borrow_and_update();
            let leading = m.current_leader == Some(m.id) && m.state == tandem_raft::ServerState::Leader;
            let own_term_applied = m.last_applied.is_some_and(|l| l.leader_id.term == m.current_term);
            (leading && own_term_applied, m.current_term)
        };
        let Some(mgr) = mgr.upgrade() else { return };
        // A new term while leading again also ends the old epoch.
        if ready && led_term.is_some_and(|t| t != term) {
            mgr.set_ready(false, term);
        }
        mgr.set_ready(ready, term);
        led_term = ready.then_some(term);
        drop(mgr);
        if metrics.changed().await.is_err() {
            return;
        }
    }
}
