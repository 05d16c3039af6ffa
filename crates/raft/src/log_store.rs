//! The Raft log on RocksDB, with group commit.
//!
//! Entries live in the `raft_log` column family under their big-endian index; the vote and the
//! purge point live in `raft_meta`. [`LogStore::append`] writes the entries without syncing
//! (so they are readable at once, as openraft requires) and hands the flush callback to the
//! syncer thread. The syncer takes every callback waiting at that moment, makes the shared
//! WAL durable with one fsync, and only then reports the entries flushed. Concurrent proposals
//! therefore share syncs (decision D6) without delaying a lone proposal: a single waiting
//! callback is synced at once.
//!
//! The vote is written with a synced write before `save_vote` returns. Truncation and purging
//! are unsynced: the WAL is ordered, so they become durable no later than the next sync, and
//! losing them in a crash only brings back entries that Raft already knows how to handle.

use std::fmt::Debug;
use std::ops::{Bound, RangeBounds};
use std::sync::mpsc;
use std::sync::Arc;

use openraft::storage::{LogFlushed, RaftLogStorage};
use openraft::{LogState, OptionalSend, RaftLogReader, StorageIOError, Vote};
use parking_lot::Mutex;
use rocksdb::WriteBatch;
use tandem_storage::{Store, LOG_CF};

use crate::metrics::Metrics;
use crate::types::{decode, encode, Entry, LogId, NodeId, StorageError, TypeConfig};

const META_VOTE: &[u8] = b"vote";
const META_PURGED: &[u8] = b"last_purged";

fn index_key(index: u64) -> [u8; 8] {
    index.to_be_bytes()
}

/// The Raft log store. Cloning shares the store; openraft uses a clone as its log reader.
#[derive(Clone)]
pub struct LogStore {
    store: Arc<Store>,
    syncer: Arc<Syncer>,
    committed: Arc<Mutex<Option<LogId>>>,
    metrics: Arc<Metrics>,
}

impl LogStore {
    /// A log store over `store`, starting its syncer thread.
    pub fn new(store: Arc<Store>, metrics: Arc<Metrics>) -> Self {
        let syncer = Arc::new(Syncer::start(store.clone(), metrics.clone()));
        Self { store, syncer, committed: Arc::new(Mutex::new(None)), metrics }
    }

    /// The highest log id known to be committed (as openraft last reported it).
    pub fn committed(&self) -> Option<LogId> {
        *self.committed.lock()
    }

    /// The id of the last entry in the log, or of the last purged one when the log is empty.
    pub fn last_log_id(&self) -> Result<Option<LogId>, StorageError> {
        Ok(self.last_entry()?.or(self.last_purged()?))
    }

    fn last_purged(&self) -> Result<Option<LogId>, StorageError> {
        match self.store.meta_get(META_PURGED).map_err(|e| StorageIOError::read_logs(&e))? {
            None => Ok(None),
            Some(bytes) => decode(&bytes).map(Some).map_err(|e| StorageIOError::read_logs(&e).into()),
        }
    }

    fn last_entry(&self) -> Result<Option<LogId>, StorageError> {
        let mut last = None;
        let db = self.store.db();
        let cf = self.store.cf(LOG_CF);
        let mut it = db.raw_iterator_cf(&cf);
        it.seek_to_last();
        if let Some(value) = it.value() {
            let entry: Entry = decode(value).map_err(|e| StorageIOError::read_logs(&e))?;
            last = Some(entry.log_id);
        }
        it.status().map_err(|e| StorageIOError::read_logs(&e))?;
        Ok(last)
    }
}

/// Encoded bytes of entries one AppendEntries carries (at least one entry, whatever its
/// size). openraft limits a replication payload by entry count only (`max_payload_entries`),
/// and sixteen full entries took longer to write and sync on a follower than the
/// AppendEntries timeout (the heartbeat interval): see [`crate::MAX_ENTRY_BYTES`].
const MAX_APPEND_BYTES: usize = crate::MAX_ENTRY_BYTES;

impl LogStore {
    /// Entries `[start, end)`, stopping after the first entry that brings their encoded size
    /// to `max_bytes`.
    fn read_entries(&self, start: u64, end: Option<u64>, max_bytes: usize) -> Result<Vec<Entry>, StorageError> {
        let mut entries = Vec::new();
        let mut bytes = 0;
        let end_key = end.map(index_key);
        self.store
            .read_range(LOG_CF, &index_key(start), end_key.as_ref().map(|k| k.as_slice()), |_, value| {
                let entry: Entry =
                    decode(value).map_err(|e| tandem_storage::Error::Corrupt(format!("log entry: {e}")))?;
                entries.push(entry);
                bytes += value.len();
                Ok(bytes < max_bytes)
            })
            .map_err(|e| StorageIOError::read_logs(&e))?;
        Ok(entries)
    }
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + OptionalSend>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry>, StorageError> {
        let start = match range.start_bound() {
            Bound::Included(i) => *i,
            Bound::Excluded(i) => i + 1,
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(i) => Some(i.saturating_add(1)),
            Bound::Excluded(i) => Some(*i),
            Bound::Unbounded => None,
        };
        self.read_entries(start, end, usize::MAX)
    }

    /// What replication sends in one AppendEntries: at most `MAX_APPEND_BYTES`.
    async fn limited_get_log_entries(&mut self, start: u64, end: u64) -> Result<Vec<Entry>, StorageError> {
        self.read_entries(start, Some(end), MAX_APPEND_BYTES)
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = Self;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError> {
        let last_purged_log_id = self.last_purged()?;
        let last_log_id = self.last_entry()?.or(last_purged_log_id);
        Ok(LogState { last_purged_log_id, last_log_id })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote<NodeId>) -> Result<(), StorageError> {
        self.store.meta_put(META_VOTE, &encode(vote), true).map_err(|e| StorageIOError::write_vote(&e))?;
        self.metrics.wal_syncs.inc();
        Ok(())
    }

    async fn read_vote(&mut self) -> Result<Option<Vote<NodeId>>, StorageError> {
        match self.store.meta_get(META_VOTE).map_err(|e| StorageIOError::read_vote(&e))? {
            None => Ok(None),
            Some(bytes) => decode(&bytes).map(Some).map_err(|e| StorageIOError::read_vote(&e).into()),
        }
    }

    async fn save_committed(&mut self, committed: Option<LogId>) -> Result<(), StorageError> {
        // Kept in memory only, for metrics and readiness: the state machine's applied index is
        // persisted with every apply, and Raft re-learns the commit index from the leader.
        *self.committed.lock() = committed;
        Ok(())
    }

    async fn append<I>(&mut self, entries: I, callback: LogFlushed<TypeConfig>) -> Result<(), StorageError>
    where
        I: IntoIterator<Item = Entry> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let cf = self.store.cf(LOG_CF);
        let mut batch = WriteBatch::default();
        let mut count = 0u64;
        for entry in entries {
            batch.put_cf(&cf, index_key(entry.log_id.index), encode(&entry));
            count += 1;
        }
        drop(cf);
        self.store.write(batch, false).map_err(|e| StorageIOError::write_logs(&e))?;
        self.metrics.log_entries_appended.inc_by(count);
        self.syncer.flush(callback);
        Ok(())
    }

    async fn truncate(&mut self, log_id: LogId) -> Result<(), StorageError> {
        let mut batch = WriteBatch::default();
        batch.delete_range_cf(&self.store.cf(LOG_CF), index_key(log_id.index), index_key(u64::MAX));
        batch.delete_cf(&self.store.cf(LOG_CF), index_key(u64::MAX));
        self.store.write(batch, false).map_err(|e| StorageIOError::write_logs(&e))?;
        Ok(())
    }

    async fn purge(&mut self, log_id: LogId) -> Result<(), StorageError> {
        let mut batch = WriteBatch::default();
        batch.put_cf(&self.store.cf(tandem_storage::META_CF), META_PURGED, encode(&log_id));
        batch.delete_range_cf(&self.store.cf(LOG_CF), index_key(0), index_key(log_id.index + 1));
        self.store.write(batch, false).map_err(|e| StorageIOError::write_logs(&e))?;
        Ok(())
    }
}

/// The group-commit thread: syncs the WAL once for every flush callback waiting at that moment.
struct Syncer {
    tx: Mutex<Option<mpsc::Sender<LogFlushed<TypeConfig>>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Syncer {
    fn start(store: Arc<Store>, metrics: Arc<Metrics>) -> Self {
        let (tx, rx) = mpsc::channel::<LogFlushed<TypeConfig>>();
        let thread = std::thread::Builder::new()
            .name("tandem-wal-sync".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut waiting = vec![first];
                    waiting.extend(rx.try_iter());
                    let result = store.sync_wal();
                    metrics.wal_syncs.inc();
                    metrics.sync_batch_size.observe(waiting.len() as f64);
                    if let Err(e) = &result {
                        tracing::error!(error = %e, "syncing the Raft log failed; the node will stop");
                    }
                    for callback in waiting {
                        let r = result.as_ref().map(|_| ()).map_err(|e| std::io::Error::other(e.to_string()));
                        callback.log_io_completed(r);
                    }
                }
            })
            .expect("spawning the WAL sync thread");
        Self { tx: Mutex::new(Some(tx)), thread: Mutex::new(Some(thread)) }
    }

    fn flush(&self, callback: LogFlushed<TypeConfig>) {
        let sent = match self.tx.lock().as_ref() {
            Some(tx) => tx.send(callback).map_err(|mpsc::SendError(c)| c),
            None => Err(callback),
        };
        if let Err(callback) = sent {
            callback.log_io_completed(Err(std::io::Error::other("the WAL sync thread has stopped")));
        }
    }
}

impl Drop for Syncer {
    /// Stops the thread and waits for it, so that the store it holds is released before the
    /// log store is gone (RocksDB must not be closing while the process exits).
    fn drop(&mut self) {
        self.tx.lock().take();
        if let Some(thread) = self.thread.lock().take() {
            let _ = thread.join();
        }
    }
}
