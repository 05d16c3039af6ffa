//! One transaction: its snapshot, its buffered writes, its locks, its savepoints.
//!
//! Writes are buffered in the transaction (never written to RocksDB by the SQL layer) and
//! become one write set at commit, proposed through Raft (decisions D1, D5). Reads see the
//! snapshot plus the buffer. READ COMMITTED takes a new snapshot at every statement; REPEATABLE
//! READ and SERIALIZABLE take one at their first statement and keep it.
//!
//! Before a row is written it is locked exclusively, and [`Txn::lock_row`] reports the newest
//! committed version (read after the lock is granted, so no other writer can change it
//! meanwhile) and whether it changed since the transaction's snapshot. The SQL layer applies
//! the isolation rules to that answer: READ COMMITTED re-evaluates the statement's condition on
//! the newest version, the other levels fail with a serialization error.
//!
//! Dropping a transaction without committing rolls it back: its buffer is discarded and its
//! locks are released, so a client that disconnects mid-transaction leaves nothing behind.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tandem_raft::ProposeError;
use tandem_storage::{ReadSnapshot, Versioned, WriteSet};

use crate::error::{Result, TxnError};
use crate::lock::{LockMode, TxnId};
use crate::manager::TxnManager;
use crate::ssi::ReadSet;
use crate::view::{range_deleted, TxnView, Writes, OWN_WRITE};

/// Isolation levels, as PostgreSQL defines them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// A snapshot per statement; no serialization failures.
    ReadCommitted,
    /// One snapshot per transaction; concurrent updates of the same row fail.
    RepeatableRead,
    /// Repeatable read plus validation of everything read at commit.
    Serializable,
}

/// A row after [`Txn::lock_row`]: its newest version and whether that differs from what the
/// transaction's snapshot saw.
#[derive(Clone, Debug)]
pub struct LockedRow {
    /// The newest version: the transaction's own write, or the newest committed one.
    pub latest: Option<Versioned>,
    /// True when a transaction committed a change to the row after this one's snapshot.
    pub changed: bool,
}

enum Undo {
    Write { key: Vec<u8>, previous: Option<Option<Vec<u8>>> },
    RangeDelete { removed: Vec<(Vec<u8>, Option<Vec<u8>>)> },
}

struct Savepoint {
    name: String,
    undo_len: usize,
    /// Locks taken before the savepoint (a prefix of `Txn::locks`).
    locks_len: usize,
}

/// An open transaction.
pub struct Txn {
    mgr: Arc<TxnManager>,
    id: TxnId,
    isolation: Isolation,
    read_only: bool,
    /// The leadership epoch of the first write or lock; writes in another epoch fail.
    epoch: Option<u64>,
    snap: Option<(ReadSnapshot, u64)>,
    writes: Writes,
    range_deletes: Arc<Vec<(Vec<u8>, Vec<u8>)>>,
    undo: Vec<Undo>,
    savepoints: Vec<Savepoint>,
    locks: Vec<Vec<u8>>,
    reads: Option<Arc<Mutex<ReadSet>>>,
    /// Reads may come from local state this old instead of waiting for a read index.
    max_staleness: Option<Duration>,
    /// The epoch was pinned when a snapshot was taken without a read fence: a commit with no
    /// writes must confirm leadership instead (see [`Txn::begin_statement`]).
    fence_at_commit: bool,
    finished: bool,
}

impl std::fmt::Debug for Txn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Txn").field("id", &self.id).field("isolation", &self.isolation).finish_non_exhaustive()
    }
}

impl Txn {
    pub(crate) fn new(mgr: Arc<TxnManager>, id: TxnId, isolation: Isolation, read_only: bool) -> Self {
        let reads =
            (isolation == Isolation::Serializable && !read_only).then(|| Arc::new(Mutex::new(ReadSet::default())));
        Self {
            mgr,
            id,
            isolation,
            read_only,
            epoch: None,
            snap: None,
            writes: Writes::new(),
            range_deletes: Arc::new(Vec::new()),
            undo: Vec::new(),
            savepoints: Vec::new(),
            locks: Vec::new(),
            reads,
            max_staleness: None,
            fence_at_commit: false,
            finished: false,
        }
    }

    /// Lets this transaction's reads come from local state up to `max` old (a follower need
    /// not ask the leader for a read index then). Only for read-only work.
    pub fn allow_stale_reads(&mut self, max: Duration) {
        self.max_staleness = Some(max);
    }

    /// The transaction's id.
    pub fn id(&self) -> TxnId {
        self.id
    }

    /// Its isolation level.
    pub fn isolation(&self) -> Isolation {
        self.isolation
    }

    /// True for READ ONLY transactions.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Changes the isolation level or access mode; allowed before the first statement took a
    /// snapshot (`SET TRANSACTION`). Returns false when it is too late.
    pub fn set_characteristics(&mut self, isolation: Option<Isolation>, read_only: Option<bool>) -> bool {
        if self.snap.is_some() && isolation.is_some_and(|i| i != self.isolation) {
            return false;
        }
        if let Some(i) = isolation {
            self.isolation = i;
        }
        if let Some(r) = read_only {
            self.read_only = r;
        }
        self.reads = (self.isolation == Isolation::Serializable && !self.read_only)
            .then(|| self.reads.take().unwrap_or_default());
        if self.isolation == Isolation::Serializable && self.snap.is_some() {
            self.mgr.register_serializable(self.id, self.snap.as_ref().map(|s| s.1).unwrap_or(0));
        }
        true
    }

    /// True when this transaction read `key` (a point read, or a scan over it). Only
    /// SERIALIZABLE transactions record their reads; at the other levels this is false.
    pub fn has_read(&self, key: &[u8]) -> bool {
        self.reads.as_ref().is_some_and(|r| r.lock().covers(key))
    }

    /// True once the transaction buffered any write.
    pub fn has_writes(&self) -> bool {
        !self.writes.is_empty() || !self.range_deletes.is_empty()
    }

    /// Marks the start of a statement: READ COMMITTED takes a fresh snapshot; the other levels
    /// take theirs now if this is the first statement.
    ///
    /// A snapshot must be linearizable: it must contain every write acknowledged before the
    /// statement began. A read-write transaction on the ready leader gets that by pinning the
    /// leadership epoch: its commit goes through Raft in the same term, which proves the node
    /// led all along, so no other node committed anything meanwhile (a commit without writes
    /// confirms leadership with a read index instead). Any other transaction (read-only, or on
    /// a follower) first waits for a read index ([`TxnManager::read_fence`]).
    pub async fn begin_statement(&mut self) -> Result<()> {
        if self.snap.is_none() || self.isolation == Isolation::ReadCommitted {
            if self.epoch.is_none() {
                if !self.read_only && self.mgr.is_ready_leader() {
                    self.epoch = Some(self.mgr.epoch());
                    self.fence_at_commit = true;
                } else {
                    self.mgr.read_fence(self.max_staleness).await?;
                }
            }
            self.take_snapshot()?;
        }
        Ok(())
    }

    fn take_snapshot(&mut self) -> Result<()> {
        let first_serializable = self.snap.is_none() && self.isolation == Isolation::Serializable && !self.read_only;
        if first_serializable {
            // Registered before the snapshot is taken, so no write set this transaction may
            // need to validate against is trimmed in between.
            self.mgr.register_serializable(self.id, 0);
        }
        let snap = self.mgr.store().snapshot()?;
        let index = snap.applied_index()?;
        if first_serializable {
            self.mgr.register_serializable(self.id, index);
        }
        self.snap = Some((snap, index));
        Ok(())
    }

    fn snapshot(&mut self) -> Result<(ReadSnapshot, u64)> {
        match &self.snap {
            Some(snap) => Ok(snap.clone()),
            None => Err(TxnError::Storage("internal error: read before the statement took its snapshot".into())),
        }
    }

    /// The transaction's view now: its snapshot and its writes so far.
    pub fn view(&mut self) -> Result<TxnView> {
        let (snap, snapshot_index) = self.snapshot()?;
        Ok(TxnView {
            snap,
            snapshot_index,
            writes: self.writes.clone(),
            range_deletes: self.range_deletes.clone(),
            reads: self.reads.clone(),
        })
    }

    /// A view of the newest committed state plus this transaction's writes, whatever its
    /// isolation level (for schema changes, which must see the latest catalog).
    pub fn latest_view(&mut self) -> Result<TxnView> {
        let snap = self.mgr.store().snapshot()?;
        let snapshot_index = snap.applied_index()?;
        Ok(TxnView {
            snap,
            snapshot_index,
            writes: self.writes.clone(),
            range_deletes: self.range_deletes.clone(),
            reads: None,
        })
    }

    fn check_writable(&mut self, what: &str) -> Result<()> {
        if self.read_only {
            return Err(TxnError::ReadOnly(what.to_string()));
        }
        self.check_epoch()
    }

    /// Pins the transaction to the current leadership epoch, or fails if it changed since.
    fn check_epoch(&mut self) -> Result<()> {
        let now = self.mgr.epoch();
        match self.epoch {
            Some(e) if e != now => Err(TxnError::LeadershipLost),
            Some(_) => Ok(()),
            None => {
                self.epoch = Some(now);
                Ok(())
            }
        }
    }

    fn buffer(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        let previous = self.writes.insert(key.clone(), value);
        self.undo.push(Undo::Write { key, previous });
    }

    /// Buffers `key = value`.
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.check_writable("INSERT")?;
        self.buffer(key, Some(value));
        Ok(())
    }

    /// Buffers the deletion of `key`.
    pub fn delete(&mut self, key: Vec<u8>) -> Result<()> {
        self.check_writable("DELETE")?;
        self.buffer(key, None);
        Ok(())
    }

    /// Buffers the deletion of every key in `start..end` (TRUNCATE, DROP).
    pub fn delete_range(&mut self, start: Vec<u8>, end: Vec<u8>) -> Result<()> {
        self.check_writable("TRUNCATE")?;
        let keys: Vec<Vec<u8>> = self.writes.range(start.clone()..end.clone()).map(|(k, _)| k.clone()).collect();
        let removed = keys.into_iter().map(|k| (k.clone(), self.writes.remove(&k).expect("listed above"))).collect();
        Arc::make_mut(&mut self.range_deletes).push((start, end));
        self.undo.push(Undo::RangeDelete { removed });
        Ok(())
    }

    /// Takes `key`'s lock in `mode` (waiting up to `lock_timeout`), held until the transaction
    /// ends.
    pub async fn lock(&mut self, key: &[u8], mode: LockMode, lock_timeout: Option<Duration>) -> Result<()> {
        if self.read_only && mode == LockMode::Exclusive {
            return Err(TxnError::ReadOnly("SELECT FOR UPDATE".into()));
        }
        self.mgr.require_leader().await?;
        if mode == LockMode::Exclusive {
            self.check_writable("SELECT FOR UPDATE")?;
        } else {
            self.check_epoch()?;
        }
        if self.mgr.locks().acquire(self.id, key, mode, lock_timeout).await? {
            self.locks.push(key.to_vec());
        }
        Ok(())
    }

    /// Locks row `key` in `mode` and reports its newest version and whether it changed since
    /// the transaction's snapshot.
    pub async fn lock_row(&mut self, key: &[u8], mode: LockMode, lock_timeout: Option<Duration>) -> Result<LockedRow> {
        self.lock(key, mode, lock_timeout).await?;
        if let Some(own) = self.writes.get(key) {
            return Ok(LockedRow {
                latest: own.clone().map(|value| Versioned { index: OWN_WRITE, value }),
                changed: false,
            });
        }
        let (snap, _) = self.snapshot()?;
        let seen = if range_deleted(&self.range_deletes, key) { None } else { snap.get(key)? };
        let latest = self.mgr.store().get_latest(key)?;
        let changed = match (&seen, &latest) {
            (Some(a), Some(b)) => a.index != b.index,
            (None, None) => false,
            _ => true,
        };
        if let Some(reads) = &self.reads {
            reads.lock().point(key);
        }
        Ok(LockedRow { latest, changed })
    }

    /// Defines a savepoint (replacing nothing: PostgreSQL allows the same name twice, and the
    /// newest wins).
    pub fn savepoint(&mut self, name: &str) {
        self.savepoints.push(Savepoint {
            name: name.to_string(),
            undo_len: self.undo.len(),
            locks_len: self.locks.len(),
        });
    }

    /// Undoes every write since savepoint `name`, which stays defined, and releases the locks
    /// taken since, as PostgreSQL's subtransaction abort does. False if unknown.
    pub fn rollback_to(&mut self, name: &str) -> bool {
        let Some(pos) = self.savepoints.iter().rposition(|s| s.name == name) else { return false };
        let (undo_len, locks_len) = (self.savepoints[pos].undo_len, self.savepoints[pos].locks_len);
        self.savepoints.truncate(pos + 1);
        self.undo_to(undo_len, locks_len);
        true
    }

    /// A statement failed: undoes every write and releases every lock since the newest
    /// savepoint, or since the start without one. PostgreSQL aborts the (sub)transaction at
    /// the error, not at the ROLLBACK that follows, so others need not wait for the client.
    /// The transaction can still roll back to a savepoint, or end.
    pub fn abort_to_last_savepoint(&mut self) {
        let (undo_len, locks_len) = self.savepoints.last().map_or((0, 0), |s| (s.undo_len, s.locks_len));
        self.undo_to(undo_len, locks_len);
    }

    fn undo_to(&mut self, undo_len: usize, locks_len: usize) {
        if self.locks.len() > locks_len {
            let released = self.locks.split_off(locks_len);
            self.mgr.locks().release(self.id, released.iter().map(Vec::as_slice));
        }
        while self.undo.len() > undo_len {
            match self.undo.pop().expect("longer than undo_len") {
                Undo::Write { key, previous } => {
                    match previous {
                        Some(v) => self.writes.insert(key, v),
                        None => self.writes.remove(&key),
                    };
                }
                Undo::RangeDelete { removed } => {
                    Arc::make_mut(&mut self.range_deletes).pop();
                    self.writes.extend(removed);
                }
            }
        }
    }

    /// Forgets savepoint `name` and the ones after it, keeping their writes. False if unknown.
    pub fn release(&mut self, name: &str) -> bool {
        let Some(pos) = self.savepoints.iter().rposition(|s| s.name == name) else { return false };
        self.savepoints.truncate(pos);
        true
    }

    /// The write set to commit, the keys it writes, and the `[start, end)` ranges it deletes.
    #[allow(clippy::type_complexity)]
    fn write_set(&self) -> (WriteSet, Vec<Vec<u8>>, Vec<(Vec<u8>, Vec<u8>)>) {
        let mut ws = WriteSet::new();
        for (s, e) in self.range_deletes.iter() {
            ws.delete_range(s.clone(), e.clone());
        }
        for (k, v) in self.writes.iter() {
            match v {
                Some(v) => ws.put(k.clone(), v.clone()),
                None => ws.delete(k.clone()),
            };
        }
        (ws, self.writes.keys().cloned().collect(), self.range_deletes.to_vec())
    }

    /// Commits: validates (SERIALIZABLE), proposes the write set through Raft and waits until it
    /// is committed and applied here, then releases the locks. Returns the commit's log index,
    /// or `None` when there was nothing to write.
    pub async fn commit(mut self) -> Result<Option<u64>> {
        self.finished = true;
        if !self.has_writes() {
            let confirmed = self.confirm_reads().await;
            self.end();
            return confirmed.map(|_| None);
        }
        let result = self.commit_writes().await;
        self.end();
        result.map(Some)
    }

    async fn commit_writes(&mut self) -> Result<u64> {
        self.check_epoch()?;
        let (ws, keys, ranges) = self.write_set();
        let snapshot_index = self.snap.as_ref().map(|s| s.1).unwrap_or(0);
        let reads = self.reads.clone();
        // A large write set is staged first, outside the commit order; only its small commit
        // entry is ordered. Staged chunks are invisible, so a leadership lost meanwhile fails
        // the transaction as retryable.
        let prepared = self.mgr.node().prepare(ws).await.map_err(|e| match e {
            ProposeError::NotLeader { .. } => TxnError::LeadershipLost,
            other => TxnError::CommitUnknown(other.to_string()),
        })?;
        let epoch = self.epoch.expect("check_epoch pinned it");
        let (proposal, seq) =
            self.mgr.submit_ordered(prepared, epoch, keys, ranges, reads.as_deref(), snapshot_index)?;
        if tandem_raft::faults::ack_before_commit() {
            // Debug builds only: the Jepsen canary's fault, an acknowledgement before durability.
            let mgr = self.mgr.clone();
            tokio::spawn(async move {
                if let Ok(index) = proposal.wait().await {
                    mgr.committed(seq, index);
                }
            });
            return Ok(snapshot_index);
        }
        match proposal.wait().await {
            Ok(index) => {
                self.mgr.committed(seq, index);
                Ok(index)
            }
            Err(ProposeError::NotLeader { .. }) => {
                self.mgr.not_committed(seq);
                Err(TxnError::LeadershipLost)
            }
            Err(e @ (ProposeError::Unknown(_) | ProposeError::Invalid(_))) => {
                Err(TxnError::CommitUnknown(e.to_string()))
            }
        }
    }

    /// For a commit without writes whose snapshots relied on a pinned epoch: confirms that
    /// this node still leads in that epoch, so what the transaction read was current.
    async fn confirm_reads(&mut self) -> Result<()> {
        if !self.fence_at_commit {
            return Ok(());
        }
        self.mgr.read_fence(None).await?;
        self.check_epoch()
    }

    /// Rolls back: discards the writes and releases the locks.
    pub fn rollback(mut self) {
        self.finished = true;
        self.end();
    }

    fn end(&mut self) {
        let locks = std::mem::take(&mut self.locks);
        self.mgr.locks().release(self.id, locks.iter().map(Vec::as_slice));
        self.mgr.unregister_serializable(self.id);
    }
}

impl Drop for Txn {
    fn drop(&mut self) {
        if !self.finished {
            self.end();
        }
    }
}
