//! The replicated state machine and its snapshots.
//!
//! Applying a run of committed entries writes one RocksDB `WriteBatch`: every write set's
//! versioned puts and deletes, the last applied log id, the applied index, and the membership
//! and cluster state when they change (decision D2). The batch is not synced on its own; the
//! shared WAL makes it durable with the next synced log append, and until then the entries are
//! still in the log to be applied again. The state machine is therefore never half-applied.
//! A run larger than a few MiB (a large staged commit) is written as several batches, the
//! applied index in the last, with new snapshots held off until it is done (`SplitBatch`):
//! readers still see it whole, and a crash in between applies it again from the log. Applies
//! of a staged commit run on a blocking thread, off the async runtime.
//!
//! Apply must not fail on user input: the leader validates every write set before proposing it
//! (decision D9). An I/O error here is returned to openraft, which stops the node (fail-stop);
//! a replica never skips an entry and diverges.
//!
//! A snapshot is a point-in-time image of the data column family, written as one SST file by
//! reading a pinned RocksDB snapshot, so applies continue while it is built (decision D7; see
//! docs/adr/0002 for why not a checkpoint directory). openraft streams the file in chunks to a
//! follower that is behind the purged log; the follower ingests it into a fresh column family
//! and switches to it atomically.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use openraft::storage::{RaftStateMachine, Snapshot};
use openraft::{EntryPayload, RaftSnapshotBuilder, StorageIOError};
use parking_lot::RwLock;
use rocksdb::WriteBatch;
use tandem_storage::{ReadSnapshot, Store, WriteSet, APPLIED_INDEX_KEY};
use tokio::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use crate::metrics::Metrics;
use crate::types::{
    decode, encode, Applied, ClusterOp, ClusterState, Command, Commit, Entry, LogId, SnapshotMeta, StorageError,
    StoredMembership, TypeConfig,
};

const APPLIED_LOG_ID_KEY: &[u8] = &[0x00, 0x01];
const MEMBERSHIP_KEY: &[u8] = &[0x00, 0x02];
const CLUSTER_STATE_KEY: &[u8] = &[0x00, 0x03];
/// Prefix of staged chunks: `00 10 id(8) seq(4)`.
const STAGED_PREFIX: &[u8] = &[0x00, 0x10];

fn staged_key(id: u64, seq: u32) -> Vec<u8> {
    let mut k = STAGED_PREFIX.to_vec();
    k.extend_from_slice(&id.to_be_bytes());
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn staged_range(from: u64, to: u64) -> (Vec<u8>, Vec<u8>) {
    let mut start = STAGED_PREFIX.to_vec();
    start.extend_from_slice(&from.to_be_bytes());
    let mut end = STAGED_PREFIX.to_vec();
    end.extend_from_slice(&to.to_be_bytes());
    (start, end)
}
const META_SNAPSHOT: &[u8] = b"snapshot";

/// Told about every applied write, in log order, after it is written. The SQL layer uses this
/// to keep caches (the catalog, sequences) current.
pub trait ApplyObserver: Send + Sync + 'static {
    /// The write sets of the entry at log `index` have been applied.
    fn applied(&self, index: u64, writes: &[WriteSet]);
    /// The whole state was replaced by a snapshot reaching `index`.
    fn snapshot_installed(&self, index: u64);
}

/// Where the state machine reports applies; set once the layers above have started.
#[derive(Default)]
pub struct ObserverSlot(RwLock<Option<Arc<dyn ApplyObserver>>>);

impl ObserverSlot {
    /// Installs the observer.
    pub fn set(&self, observer: Arc<dyn ApplyObserver>) {
        *self.0.write() = Some(observer);
    }

    fn get(&self) -> Option<Arc<dyn ApplyObserver>> {
        self.0.read().clone()
    }
}

/// Snapshot file handle: a file and its path, so an installed snapshot can be ingested by
/// path. openraft reads and writes it as a stream.
#[derive(Debug)]
pub struct SnapshotFile {
    file: tokio::fs::File,
    path: PathBuf,
}

impl SnapshotFile {
    async fn open(path: PathBuf) -> io::Result<Self> {
        Ok(Self { file: tokio::fs::File::open(&path).await?, path })
    }

    async fn create(path: PathBuf) -> io::Result<Self> {
        let file = tokio::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path).await?;
        Ok(Self { file, path })
    }
}

impl AsyncRead for SnapshotFile {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.file).poll_read(cx, buf)
    }
}

impl AsyncWrite for SnapshotFile {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.file).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.file).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.file).poll_shutdown(cx)
    }
}

impl AsyncSeek for SnapshotFile {
    fn start_seek(mut self: Pin<&mut Self>, position: io::SeekFrom) -> io::Result<()> {
        Pin::new(&mut self.file).start_seek(position)
    }
    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Pin::new(&mut self.file).poll_complete(cx)
    }
}

/// Reads the replicated cluster state from the live data.
pub fn read_cluster_state(store: &Store) -> tandem_storage::Result<ClusterState> {
    match store.system_get(CLUSTER_STATE_KEY)? {
        None => Ok(ClusterState::default()),
        Some(bytes) => decode(&bytes).map_err(|e| tandem_storage::Error::Corrupt(format!("cluster state: {e}"))),
    }
}

fn read_applied(snap: &ReadSnapshot) -> Result<(Option<LogId>, StoredMembership), StorageError> {
    let read = |key: &[u8]| snap.get_raw(key).map_err(|e| StorageIOError::read_state_machine(&e));
    let applied = match read(APPLIED_LOG_ID_KEY)? {
        None => None,
        Some(b) => Some(decode(&b).map_err(|e| StorageIOError::read_state_machine(&e))?),
    };
    let membership = match read(MEMBERSHIP_KEY)? {
        None => StoredMembership::default(),
        Some(b) => decode(&b).map_err(|e| StorageIOError::read_state_machine(&e))?,
    };
    Ok((applied, membership))
}

/// Keeps the current snapshot's file and metadata.
struct Snapshots {
    store: Arc<Store>,
    dir: PathBuf,
    lock: tokio::sync::Mutex<()>,
}

impl Snapshots {
    fn path_of(&self, id: &str) -> PathBuf {
        self.dir.join(format!("snapshot-{id}.sst"))
    }

    async fn current(&self) -> Result<Option<Snapshot<TypeConfig>>, StorageError> {
        let _guard = self.lock.lock().await;
        let Some(bytes) = self.store.meta_get(META_SNAPSHOT).map_err(|e| StorageIOError::read_snapshot(None, &e))?
        else {
            return Ok(None);
        };
        let meta: SnapshotMeta = decode(&bytes).map_err(|e| StorageIOError::read_snapshot(None, &e))?;
        let file = SnapshotFile::open(self.path_of(&meta.snapshot_id))
            .await
            .map_err(|e| StorageIOError::read_snapshot(Some(meta.signature()), &e))?;
        Ok(Some(Snapshot { meta, snapshot: Box::new(file) }))
    }

    /// Records `meta` as the current snapshot (its file is in place and synced) and removes
    /// older snapshot files. Open handles keep a removed file readable until they close.
    async fn set_current(&self, meta: &SnapshotMeta) -> Result<(), StorageError> {
        let _guard = self.lock.lock().await;
        let sig = || Some(meta.signature());
        sync_dir(&self.dir).map_err(|e| StorageIOError::write_snapshot(sig(), &e))?;
        self.store
            .meta_put(META_SNAPSHOT, &encode(meta), true)
            .map_err(|e| StorageIOError::write_snapshot(sig(), &e))?;
        let keep = self.path_of(&meta.snapshot_id);
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                let is_snapshot = entry.file_name().to_string_lossy().starts_with("snapshot-");
                if is_snapshot && path != keep {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        Ok(())
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Hard-links `from` to `to`, copying when linking is not possible.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
}

/// Bytes of one RocksDB write while applying. A large commit (a million-row INSERT is about
/// 100 MiB) written as one batch holds RocksDB's write queue for a second or more, and a
/// follower's Raft log appends wait behind it: the follower then misses heartbeats and starts
/// an election in the middle of the commit.
const APPLY_BATCH_BYTES: usize = 4 << 20;

/// The writes of one apply, split into RocksDB batches of about [`APPLY_BATCH_BYTES`] at
/// write-set boundaries. From the first split until the last batch is written, new snapshots
/// wait ([`Store::hold_snapshots`]), so readers see all of the applied entries or none.
/// The applied index goes in the last batch: after a crash in between, the entries are
/// applied again, and writing the same puts and deletes again in the same order ends in the
/// same state.
struct SplitBatch<'a> {
    store: &'a Store,
    batch: WriteBatch,
    hold: Option<tandem_storage::SnapshotHold<'a>>,
}

impl<'a> SplitBatch<'a> {
    fn new(store: &'a Store) -> Self {
        Self { store, batch: WriteBatch::default(), hold: None }
    }

    /// The batch to add to.
    fn current(&mut self) -> &mut WriteBatch {
        &mut self.batch
    }

    /// Writes the current batch and starts a new one if it has grown past the limit.
    fn split_if_large(&mut self) -> Result<(), StorageError> {
        if self.batch.size_in_bytes() >= APPLY_BATCH_BYTES {
            if self.hold.is_none() {
                self.hold = Some(self.store.hold_snapshots());
            }
            let full = std::mem::take(&mut self.batch);
            self.write(full)?;
        }
        Ok(())
    }

    /// Writes the last batch; snapshots may be taken again.
    fn finish(mut self) -> Result<(), StorageError> {
        let batch = std::mem::take(&mut self.batch);
        self.write(batch)
    }

    fn write(&self, batch: WriteBatch) -> Result<(), StorageError> {
        self.store.write(batch, false).map_err(|e| {
            tracing::error!(error = %e, "applying committed entries failed; the node stops");
            StorageIOError::write_state_machine(&e).into()
        })
    }
}

/// True when `entries` commit a staged (large) write set.
fn applies_staged_commit(entries: &[Entry]) -> bool {
    entries.iter().any(|e| match &e.payload {
        EntryPayload::Normal(Command::Writes(commits)) => commits.iter().any(|c| matches!(c.commit, Commit::Staged(_))),
        _ => false,
    })
}

/// The state machine over the node's store. Cloning shares it (a staged commit is applied on a
/// blocking thread with a clone).
#[derive(Clone)]
pub struct StateMachine {
    store: Arc<Store>,
    snapshots: Arc<Snapshots>,
    observer: Arc<ObserverSlot>,
    metrics: Arc<Metrics>,
}

impl StateMachine {
    /// A state machine over `store`, keeping snapshots in `<data dir>/snapshots`.
    pub fn new(store: Arc<Store>, observer: Arc<ObserverSlot>, metrics: Arc<Metrics>) -> io::Result<Self> {
        let dir = store.dir().join("snapshots");
        std::fs::create_dir_all(&dir)?;
        // Unfinished transfers and builds from before a restart.
        for entry in std::fs::read_dir(&dir)?.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("incoming-") || name.starts_with("build-") || name.starts_with("ingest-") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let snapshots = Arc::new(Snapshots { store: store.clone(), dir, lock: tokio::sync::Mutex::new(()) });
        Ok(Self { store, snapshots, observer, metrics })
    }

    /// The chunks of staged write set `id`: those staged earlier in this batch, then those on
    /// disk, in chunk order.
    fn staged(&self, id: u64, pending: &BTreeMap<(u64, u32), WriteSet>) -> Result<Vec<WriteSet>, StorageError> {
        let (start, end) = staged_range(id, id + 1);
        let mut chunks: BTreeMap<u32, WriteSet> = BTreeMap::new();
        for (k, v) in self.store.system_range(&start, &end).map_err(|e| StorageIOError::read_state_machine(&e))? {
            let seq = u32::from_be_bytes(k[k.len() - 4..].try_into().expect("4 bytes"));
            let ws: WriteSet = decode(&v).map_err(|e| StorageIOError::read_state_machine(&e))?;
            chunks.insert(seq, ws);
        }
        for ((pid, seq), ws) in pending.range((id, 0)..=(id, u32::MAX)) {
            debug_assert_eq!(*pid, id);
            chunks.insert(*seq, ws.clone());
        }
        Ok(chunks.into_values().collect())
    }

    fn apply_batch(&self, entries: &[Entry]) -> Result<Vec<Applied>, StorageError> {
        let mut batch = SplitBatch::new(&self.store);
        let mut responses = Vec::with_capacity(entries.len());
        let mut cluster: Option<ClusterState> = None;
        let mut membership = None;
        let mut pending_stage: BTreeMap<(u64, u32), WriteSet> = BTreeMap::new();
        let mut applied: Vec<(u64, Vec<WriteSet>)> = Vec::new();
        for entry in entries {
            let mut skipped = Vec::new();
            let index = entry.log_id.index;
            match &entry.payload {
                EntryPayload::Blank => {}
                EntryPayload::Normal(Command::Writes(commits)) => {
                    let mut sets = Vec::with_capacity(commits.len());
                    for (position, guarded) in commits.iter().enumerate() {
                        if guarded.term.is_some_and(|t| t != entry.log_id.leader_id.term) {
                            // Checked under another leadership: skipped on every node alike.
                            skipped.push(position as u32);
                            continue;
                        }
                        match &guarded.commit {
                            Commit::Inline(ws) => {
                                self.store.add_write_set(batch.current(), index, ws);
                                batch.split_if_large()?;
                                sets.push(ws.clone());
                            }
                            Commit::Staged(id) => {
                                for ws in self.staged(*id, &pending_stage)? {
                                    self.store.add_write_set(batch.current(), index, &ws);
                                    batch.split_if_large()?;
                                    sets.push(ws);
                                }
                                let (start, end) = staged_range(*id, id + 1);
                                self.store.add_system_delete_range(batch.current(), &start, &end);
                                pending_stage.retain(|(pid, _), _| pid != id);
                            }
                        }
                    }
                    applied.push((index, sets));
                }
                EntryPayload::Normal(Command::Stage { id, seq, ops }) => {
                    self.store.add_system_put(batch.current(), &staged_key(*id, *seq), &encode(ops));
                    pending_stage.insert((*id, *seq), ops.clone());
                }
                EntryPayload::Normal(Command::DiscardStaged { term }) => {
                    let (start, end) = staged_range(0, term << 32);
                    self.store.add_system_delete_range(batch.current(), &start, &end);
                    pending_stage.retain(|(id, _), _| *id >= term << 32);
                }
                EntryPayload::Normal(Command::Cluster(op)) => {
                    let state = match cluster.as_mut() {
                        Some(state) => state,
                        None => cluster.insert(
                            read_cluster_state(&self.store).map_err(|e| StorageIOError::read_state_machine(&e))?,
                        ),
                    };
                    match op {
                        ClusterOp::FormationComplete => state.formed = true,
                        ClusterOp::NodeRemoved(id) => {
                            state.removed.insert(*id);
                        }
                    }
                }
                EntryPayload::Membership(m) => {
                    membership = Some(StoredMembership::new(Some(entry.log_id), m.clone()));
                }
            }
            responses.push(Applied { index, skipped: std::mem::take(&mut skipped) });
        }
        let Some(last) = entries.last() else { return Ok(responses) };
        if let Some(at) = crate::faults::apply_io_error_at() {
            if entries.iter().any(|e| e.log_id.index == at) {
                let e = io::Error::other(format!("injected I/O error applying index {at}"));
                tracing::error!(error = %e, "applying committed entries failed; the node stops");
                return Err(StorageIOError::write_state_machine(&e).into());
            }
        }
        let last_batch = batch.current();
        self.store.add_system_put(last_batch, APPLIED_LOG_ID_KEY, &encode(&last.log_id));
        self.store.add_system_put(last_batch, APPLIED_INDEX_KEY, &last.log_id.index.to_be_bytes());
        if let Some(m) = &membership {
            self.store.add_system_put(last_batch, MEMBERSHIP_KEY, &encode(m));
        }
        if let Some(state) = &cluster {
            self.store.add_system_put(last_batch, CLUSTER_STATE_KEY, &encode(state));
        }
        batch.finish()?;
        self.metrics.entries_applied.inc_by(entries.len() as u64);
        if let Some(observer) = self.observer.get() {
            for (index, sets) in &applied {
                observer.applied(*index, sets);
            }
        }
        Ok(responses)
    }
}

impl RaftStateMachine<TypeConfig> for StateMachine {
    type SnapshotBuilder = SnapshotBuilder;

    async fn applied_state(&mut self) -> Result<(Option<LogId>, StoredMembership), StorageError> {
        let snap = self.store.snapshot().map_err(|e| StorageIOError::read_state_machine(&e))?;
        read_applied(&snap)
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<Applied>, StorageError>
    where
        I: IntoIterator<Item = Entry> + openraft::OptionalSend,
        I::IntoIter: openraft::OptionalSend,
    {
        let entries: Vec<Entry> = entries.into_iter().collect();
        if !applies_staged_commit(&entries) {
            // Small writes: a hop to a blocking thread would cost more than the write.
            return self.apply_batch(&entries);
        }
        // A large commit takes a second or more to write; off the async runtime, the node
        // keeps serving its network and timers meanwhile.
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.apply_batch(&entries))
            .await
            .map_err(|e| StorageIOError::write_state_machine(&io::Error::other(e.to_string())))?
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        SnapshotBuilder { store: self.store.clone(), snapshots: self.snapshots.clone(), metrics: self.metrics.clone() }
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<SnapshotFile>, StorageError> {
        let path = self.snapshots.dir.join(format!("incoming-{}.sst", uuid::Uuid::new_v4()));
        let file = SnapshotFile::create(path).await.map_err(|e| StorageIOError::write_snapshot(None, &e))?;
        Ok(Box::new(file))
    }

    async fn install_snapshot(&mut self, meta: &SnapshotMeta, snapshot: Box<SnapshotFile>) -> Result<(), StorageError> {
        let sig = || Some(meta.signature());
        let SnapshotFile { file, path } = *snapshot;
        file.sync_all().await.map_err(|e| StorageIOError::write_snapshot(sig(), &e))?;
        drop(file);
        let store = self.store.clone();
        let final_path = self.snapshots.path_of(&meta.snapshot_id);
        let ingest_path = self.snapshots.dir.join(format!("ingest-{}.sst", uuid::Uuid::new_v4()));
        let expected = meta.last_log_id;
        tokio::task::spawn_blocking(move || -> Result<(), StorageError> {
            let io = |e: &dyn std::error::Error| StorageIOError::write_snapshot(None, &anyerror_of(e));
            if path != final_path {
                link_or_copy(&path, &final_path).map_err(|e| io(&e))?;
                if path.starts_with(final_path.parent().unwrap_or(Path::new("/"))) {
                    let _ = std::fs::remove_file(&path);
                }
            }
            // RocksDB consumes what it ingests; keep our copy as the current snapshot.
            link_or_copy(&final_path, &ingest_path).map_err(|e| io(&e))?;
            store.install_data(&ingest_path).map_err(|e| io(&e))?;
            let snap = store.snapshot().map_err(|e| io(&e))?;
            let (applied, _) = read_applied(&snap)?;
            if applied != expected {
                return Err(StorageIOError::write_snapshot(
                    None,
                    &anyerror_of(&io::Error::other(format!(
                        "snapshot holds {applied:?}, its metadata says {expected:?}"
                    ))),
                )
                .into());
            }
            Ok(())
        })
        .await
        .map_err(|e| StorageIOError::write_snapshot(sig(), &e))??;
        self.snapshots.set_current(meta).await?;
        self.metrics.snapshots_installed.inc();
        tracing::info!(snapshot = %meta.snapshot_id, last = ?meta.last_log_id, "installed snapshot");
        if let Some(observer) = self.observer.get() {
            observer.snapshot_installed(meta.last_log_id.map(|l| l.index).unwrap_or(0));
        }
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot<TypeConfig>>, StorageError> {
        self.snapshots.current().await
    }
}

fn anyerror_of(e: &dyn std::error::Error) -> io::Error {
    io::Error::other(e.to_string())
}

/// Builds snapshots from a pinned read snapshot, concurrently with applies.
pub struct SnapshotBuilder {
    store: Arc<Store>,
    snapshots: Arc<Snapshots>,
    metrics: Arc<Metrics>,
}

impl RaftSnapshotBuilder<TypeConfig> for SnapshotBuilder {
    async fn build_snapshot(&mut self) -> Result<Snapshot<TypeConfig>, StorageError> {
        let store = self.store.clone();
        let dir = self.snapshots.dir.clone();
        let (meta, path) = tokio::task::spawn_blocking(move || -> Result<(SnapshotMeta, PathBuf), StorageError> {
            let snap = store.snapshot().map_err(|e| StorageIOError::read_state_machine(&e))?;
            let (last_log_id, last_membership) = read_applied(&snap)?;
            let (term, index) = last_log_id.map(|l| (l.leader_id.term, l.index)).unwrap_or_default();
            let snapshot_id = format!("{term}-{index}-{:08x}", rand::random::<u32>());
            let building = dir.join(format!("build-{snapshot_id}.sst"));
            let path = dir.join(format!("snapshot-{snapshot_id}.sst"));
            store.export_data(&snap, &building).map_err(|e| StorageIOError::write_snapshot(None, &e))?;
            std::fs::rename(&building, &path).map_err(|e| StorageIOError::write_snapshot(None, &e))?;
            Ok((SnapshotMeta { last_log_id, last_membership, snapshot_id }, path))
        })
        .await
        .map_err(|e| StorageIOError::write_snapshot(None, &e))??;
        self.snapshots.set_current(&meta).await?;
        self.metrics.snapshots_built.inc();
        tracing::info!(snapshot = %meta.snapshot_id, "built snapshot");
        let file =
            SnapshotFile::open(path).await.map_err(|e| StorageIOError::read_snapshot(Some(meta.signature()), &e))?;
        Ok(Snapshot { meta, snapshot: Box::new(file) })
    }
}
