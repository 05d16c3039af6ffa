//! The leader's in-memory lock table (decision D5).
//!
//! Locks are named by bytes (a row's key, or a table's lock name) and held in one of two modes:
//! shared (`SELECT ... FOR SHARE`, DML's hold on a table) and exclusive (row writes,
//! `FOR UPDATE`, DDL). A transaction that cannot be granted a lock waits in a queue; before it
//! waits, the table looks for a cycle in the waits-for graph and refuses with a deadlock error
//! if there is one, so a deadlock is reported at once rather than after a timeout. Waiting is
//! cancellation-safe: a waiter whose future is dropped (statement timeout, disconnect) leaves
//! the queue.
//!
//! Locks live only on the leader and only in memory: a new leader starts with an empty table,
//! which is sound because every transaction of the old leader was aborted.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::error::{Result, TxnError};

/// A transaction's id in the lock table.
pub type TxnId = u64;

/// How a lock is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockMode {
    /// Compatible with other shared holders.
    Shared,
    /// Compatible with nothing else.
    Exclusive,
}

struct Waiter {
    notify: Arc<Notify>,
}

#[derive(Default)]
struct Entry {
    holders: Vec<(TxnId, LockMode)>,
    waiters: VecDeque<Waiter>,
}

impl Entry {
    /// The holders that keep `txn` from getting the lock in `mode`.
    fn blockers(&self, txn: TxnId, mode: LockMode) -> Vec<TxnId> {
        self.holders
            .iter()
            .filter(|(t, m)| *t != txn && (mode == LockMode::Exclusive || *m == LockMode::Exclusive))
            .map(|(t, _)| *t)
            .collect()
    }
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Vec<u8>, Entry>,
    /// What each waiting transaction waits for: the edges of the waits-for graph.
    waiting: HashMap<TxnId, (Vec<u8>, LockMode)>,
    /// Bumped by [`LockTable::abort_all`]; a waiter that sees it change gives up.
    generation: u64,
}

impl Inner {
    /// True when making `txn` wait for `key` in `mode` closes a cycle.
    fn would_deadlock(&self, txn: TxnId, key: &[u8], mode: LockMode) -> bool {
        let mut stack: Vec<TxnId> = self.entries.get(key).map(|e| e.blockers(txn, mode)).unwrap_or_default();
        let mut seen = HashSet::new();
        while let Some(t) = stack.pop() {
            if t == txn {
                return true;
            }
            if !seen.insert(t) {
                continue;
            }
            if let Some((k, m)) = self.waiting.get(&t) {
                if let Some(e) = self.entries.get(k) {
                    stack.extend(e.blockers(t, *m));
                }
            }
        }
        false
    }

    fn forget_waiter(&mut self, txn: TxnId, key: &[u8], notify: &Arc<Notify>) {
        self.waiting.remove(&txn);
        if let Some(entry) = self.entries.get_mut(key) {
            entry.waiters.retain(|w| !Arc::ptr_eq(&w.notify, notify));
            if entry.holders.is_empty() && entry.waiters.is_empty() {
                self.entries.remove(key);
            }
        }
    }
}

/// The lock table.
#[derive(Default)]
pub struct LockTable {
    inner: Mutex<Inner>,
}

/// Removes a waiter from the table if its acquisition future is dropped while waiting.
struct WaitGuard<'a> {
    table: &'a LockTable,
    txn: TxnId,
    key: &'a [u8],
    notify: Arc<Notify>,
    armed: bool,
}

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.table.inner.lock().forget_waiter(self.txn, self.key, &self.notify);
        }
    }
}

impl LockTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Acquires `key` in `mode` for `txn`, waiting up to `timeout` (forever when `None`).
    /// Returns true when the lock is new to `txn` (the caller records it for release), false
    /// when `txn` already held it in a sufficient mode.
    pub async fn acquire(&self, txn: TxnId, key: &[u8], mode: LockMode, timeout: Option<Duration>) -> Result<bool> {
        let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
        let notify = Arc::new(Notify::new());
        let mut guard = WaitGuard { table: self, txn, key, notify: notify.clone(), armed: false };
        let generation = self.inner.lock().generation;
        loop {
            {
                let mut inner = self.inner.lock();
                if inner.generation != generation {
                    return Err(TxnError::LeadershipLost);
                }
                let entry = inner.entries.entry(key.to_vec()).or_default();
                let held = entry.holders.iter().position(|(t, _)| *t == txn);
                if let Some(i) = held {
                    if entry.holders[i].1 == LockMode::Exclusive || mode == LockMode::Shared {
                        drop(inner);
                        guard.armed = false;
                        return Ok(false);
                    }
                }
                if entry.blockers(txn, mode).is_empty() {
                    match held {
                        Some(i) => entry.holders[i].1 = mode,
                        None => entry.holders.push((txn, mode)),
                    }
                    if guard.armed {
                        entry.waiters.retain(|w| !Arc::ptr_eq(&w.notify, &notify));
                        inner.waiting.remove(&txn);
                        guard.armed = false;
                    }
                    return Ok(held.is_none());
                }
                if inner.would_deadlock(txn, key, mode) {
                    if guard.armed {
                        inner.forget_waiter(txn, key, &notify);
                        guard.armed = false;
                    }
                    return Err(TxnError::Deadlock(format!("transaction {txn} would wait in a cycle")));
                }
                if !guard.armed {
                    let entry = inner.entries.get_mut(key).expect("inserted above");
                    entry.waiters.push_back(Waiter { notify: notify.clone() });
                    inner.waiting.insert(txn, (key.to_vec(), mode));
                    guard.armed = true;
                }
            }
            match deadline {
                None => notify.notified().await,
                Some(deadline) => {
                    if tokio::time::timeout_at(deadline, notify.notified()).await.is_err() {
                        return Err(TxnError::LockTimeout);
                    }
                }
            }
        }
    }

    /// Releases `txn`'s locks on `keys` and wakes their waiters.
    pub fn release<'a>(&self, txn: TxnId, keys: impl IntoIterator<Item = &'a [u8]>) {
        let mut inner = self.inner.lock();
        for key in keys {
            let Some(entry) = inner.entries.get_mut(key) else { continue };
            entry.holders.retain(|(t, _)| *t != txn);
            for w in &entry.waiters {
                w.notify.notify_one();
            }
            if entry.holders.is_empty() && entry.waiters.is_empty() {
                inner.entries.remove(key);
            }
        }
    }

    /// Drops every lock and fails every waiter (leadership was lost: all transactions abort).
    pub fn abort_all(&self) {
        let mut inner = self.inner.lock();
        inner.generation += 1;
        for entry in inner.entries.values() {
            for w in &entry.waiters {
                w.notify.notify_one();
            }
        }
        inner.entries.clear();
        inner.waiting.clear();
    }

    /// Number of keys with holders or waiters (tests and metrics).
    pub fn len(&self) -> usize {
        self.inner.lock().entries.len()
    }

    /// True when no lock is held or awaited.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of transactions waiting for a lock now (tests and metrics).
    pub fn waiting(&self) -> usize {
        self.inner.lock().waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LockMode::*;

    #[tokio::test]
    async fn shared_locks_coexist_and_exclusive_waits() {
        let t = Arc::new(LockTable::new());
        assert!(t.acquire(1, b"k", Shared, None).await.unwrap());
        assert!(t.acquire(2, b"k", Shared, None).await.unwrap());
        assert!(!t.acquire(1, b"k", Shared, None).await.unwrap(), "re-entrant");
        let t2 = t.clone();
        let waiter = tokio::spawn(async move { t2.acquire(3, b"k", Exclusive, None).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        t.release(1, [&b"k"[..]]);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "transaction 2 still holds it");
        t.release(2, [&b"k"[..]]);
        assert!(waiter.await.unwrap().unwrap());
        t.release(3, [&b"k"[..]]);
        assert!(t.is_empty());
    }

    #[tokio::test]
    async fn deadlocks_are_detected_immediately() {
        let t = Arc::new(LockTable::new());
        t.acquire(1, b"a", Exclusive, None).await.unwrap();
        t.acquire(2, b"b", Exclusive, None).await.unwrap();
        let t2 = t.clone();
        let one = tokio::spawn(async move { t2.acquire(1, b"b", Exclusive, None).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let err = t.acquire(2, b"a", Exclusive, None).await.unwrap_err();
        assert!(matches!(err, TxnError::Deadlock(_)));
        t.release(2, [&b"b"[..]]);
        assert!(one.await.unwrap().unwrap());
    }

    #[tokio::test]
    async fn upgrade_deadlock_is_detected() {
        let t = Arc::new(LockTable::new());
        t.acquire(1, b"k", Shared, None).await.unwrap();
        t.acquire(2, b"k", Shared, None).await.unwrap();
        let t2 = t.clone();
        let one = tokio::spawn(async move { t2.acquire(1, b"k", Exclusive, None).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(matches!(t.acquire(2, b"k", Exclusive, None).await, Err(TxnError::Deadlock(_))));
        t.release(2, [&b"k"[..]]);
        assert!(!one.await.unwrap().unwrap(), "an upgrade is not a new lock");
    }

    #[tokio::test]
    async fn timeout_and_cancellation_leave_no_waiter_behind() {
        let t = Arc::new(LockTable::new());
        t.acquire(1, b"k", Exclusive, None).await.unwrap();
        let err = t.acquire(2, b"k", Exclusive, Some(Duration::from_millis(30))).await.unwrap_err();
        assert_eq!(err, TxnError::LockTimeout);
        let t2 = t.clone();
        let cancelled = tokio::spawn(async move { t2.acquire(3, b"k", Exclusive, None).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(t.waiting(), 1);
        cancelled.abort();
        let _ = cancelled.await;
        assert_eq!(t.waiting(), 0);
        t.release(1, [&b"k"[..]]);
        assert!(t.is_empty(), "no holder or waiter remains");
        // With the waiters gone, a cycle through them is not reported.
        t.acquire(4, b"k", Exclusive, None).await.unwrap();
    }

    #[tokio::test]
    async fn abort_all_fails_waiters() {
        let t = Arc::new(LockTable::new());
        t.acquire(1, b"k", Exclusive, None).await.unwrap();
        let t2 = t.clone();
        let waiter = tokio::spawn(async move { t2.acquire(2, b"k", Exclusive, None).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        t.abort_all();
        assert_eq!(waiter.await.unwrap(), Err(TxnError::LeadershipLost));
        assert!(t.is_empty());
    }
}
