//! The node's one RocksDB instance (decision D2).
//!
//! Three kinds of column family share one write-ahead log:
//!
//! * `raft_log`: Raft log entries, keyed by big-endian index;
//! * `raft_meta`: the vote, purge point, node identity and which data column family is live;
//! * `data.<generation>`: the replicated state: rows, indexes, catalog and the state machine's
//!   own bookkeeping under [`SYSTEM_PREFIX`](crate::SYSTEM_PREFIX).
//!
//! Because the WAL is shared and ordered, a synced write also makes every earlier unsynced
//! write durable. The Raft layer relies on that: state machine writes are not synced on their
//! own, and the next synced log append (or vote) covers them.
//!
//! The data column family has a generation so that installing a Raft snapshot is atomic: the
//! snapshot is ingested into a fresh column family, a synced write to `raft_meta` switches to
//! it, and only then is the old one dropped. A crash at any point leaves either the old or the
//! new generation live; leftovers are dropped at the next open.
//!
//! Opening is strict. A missing directory or an empty one becomes a new store with a random
//! store id; anything else must be a complete Tandem store for the same node id, or the node
//! stops with a message saying what is wrong. A wiped, truncated or foreign directory is never
//! silently replaced by a fresh one.

use std::fs;
use std::io::Write as _;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::RwLock;
use rocksdb::{
    BoundColumnFamily, ColumnFamilyDescriptor, DBCompressionType, IngestExternalFileOptions, MultiThreaded, Options,
    ReadOptions, SstFileWriter, WriteBatch, WriteOptions,
};
use uuid::Uuid;

use crate::error::Context as _;
use crate::snapshot::ReadSnapshot;
use crate::writeset::{Op, Versioned, WriteSet};
use crate::{Error, Result};

/// The RocksDB handle type Tandem uses: column families can be created and dropped while the
/// database is shared between threads.
pub type Db = rocksdb::DBWithThreadMode<MultiThreaded>;

/// Column family of the Raft log.
pub const LOG_CF: &str = "raft_log";
/// Column family of Raft metadata and the node's identity.
pub const META_CF: &str = "raft_meta";
const DATA_CF_PREFIX: &str = "data.";
const MARKER_FILE: &str = "TANDEM_STORE";

const META_IDENTITY: &[u8] = b"identity";
const META_CLUSTER_ID: &[u8] = b"cluster_id";
const META_DATA_CF: &[u8] = b"data_cf";

/// Key of the applied log index, written by the state machine with every apply, so that any
/// snapshot of the data column family knows how far it reaches.
pub const APPLIED_INDEX_KEY: &[u8] = &[0x00, 0x00];

/// The first key of every snapshot file (and so of installed data): the smallest system key.
pub(crate) const SNAPSHOT_HEADER_KEY: &[u8] = &[0x00];

/// Who this store belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    /// The Raft node id the store was created for; it never changes.
    pub node_id: u64,
    /// Random id of this data directory's incarnation. A wiped directory gets a new one, which
    /// lets the cluster recognise and refuse a node that lost its state.
    pub store_id: Uuid,
}

/// A node's store. Cheap to share behind an `Arc`.
pub struct Store {
    db: Arc<Db>,
    dir: PathBuf,
    identity: Identity,
    fresh: bool,
    cluster_id: RwLock<Option<Uuid>>,
    data_cf: RwLock<String>,
    /// Shared while a snapshot is taken; exclusive while a change written in several batches
    /// is in progress ([`Store::hold_snapshots`]).
    snapshot_gate: RwLock<()>,
}

/// While alive, no new snapshot is taken: see [`Store::hold_snapshots`].
pub type SnapshotHold<'a> = parking_lot::RwLockWriteGuard<'a, ()>;

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).field("identity", &self.identity).finish()
    }
}

fn db_options() -> Options {
    let mut opts = Options::default();
    opts.create_if_missing(false);
    opts.set_paranoid_checks(true);
    // The Raft log is written often and purged behind snapshots; bound the WAL so that purged
    // entries do not keep old log files alive.
    opts.set_max_total_wal_size(128 << 20);
    opts.increase_parallelism(2);
    opts
}

fn data_cf_options() -> Options {
    let mut opts = Options::default();
    opts.set_compression_type(DBCompressionType::Lz4);
    opts
}

fn descriptor(name: &str) -> ColumnFamilyDescriptor {
    let opts = if name.starts_with(DATA_CF_PREFIX) { data_cf_options() } else { Options::default() };
    ColumnFamilyDescriptor::new(name, opts)
}

fn bad_dir(dir: &Path, reason: impl Into<String>) -> Error {
    Error::BadDataDir { dir: dir.to_path_buf(), reason: reason.into() }
}

impl Store {
    /// Opens the store in `dir` for node `node_id`, creating it when `dir` is missing or empty.
    pub fn open(dir: &Path, node_id: u64) -> Result<Self> {
        let pristine = match fs::read_dir(dir) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(e).context(|| format!("reading data directory {}", dir.display())),
        };
        if pristine {
            Self::create(dir, node_id)
        } else {
            Self::open_existing(dir, node_id)
        }
    }

    fn create(dir: &Path, node_id: u64) -> Result<Self> {
        fs::create_dir_all(dir).context(|| format!("creating data directory {}", dir.display()))?;
        let mut opts = db_options();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        let data_cf = format!("{DATA_CF_PREFIX}0");
        let cfs = [LOG_CF, META_CF, data_cf.as_str()].map(descriptor);
        let db = Db::open_cf_descriptors(&opts, dir, cfs).context(|| format!("creating store in {}", dir.display()))?;
        let identity = Identity { node_id, store_id: Uuid::new_v4() };

        let meta = db.cf_handle(META_CF).expect("created above");
        let mut batch = WriteBatch::default();
        batch.put_cf(&meta, META_IDENTITY, encode_identity(&identity));
        batch.put_cf(&meta, META_DATA_CF, data_cf.as_bytes());
        drop(meta);
        let mut sync = WriteOptions::default();
        sync.set_sync(true);
        db.write_opt(batch, &sync).context(|| "writing the store identity".into())?;
        write_marker(dir, &identity)?;
        tracing::info!(dir = %dir.display(), node_id, store_id = %identity.store_id, "created a new store");

        Ok(Self {
            db: Arc::new(db),
            dir: dir.to_path_buf(),
            identity,
            fresh: true,
            cluster_id: RwLock::new(None),
            data_cf: RwLock::new(data_cf),
            snapshot_gate: RwLock::new(()),
        })
    }

    fn open_existing(dir: &Path, node_id: u64) -> Result<Self> {
        let marker = fs::read_to_string(dir.join(MARKER_FILE)).map_err(|e| {
            bad_dir(
                dir,
                format!("not empty and not a Tandem store ({MARKER_FILE}: {e}); refusing to start fresh over it"),
            )
        })?;
        if !dir.join("CURRENT").exists() {
            return Err(bad_dir(
                dir,
                "the Tandem marker is present but RocksDB's CURRENT file is missing: the store is truncated or was partly deleted",
            ));
        }
        let opts = db_options();
        let names = Db::list_cf(&opts, dir).context(|| format!("listing column families in {}", dir.display()))?;
        for required in [LOG_CF, META_CF] {
            if !names.iter().any(|n| n == required) {
                return Err(bad_dir(dir, format!("column family {required} is missing")));
            }
        }
        let db = Db::open_cf_descriptors(&opts, dir, names.iter().map(|n| descriptor(n)))
            .context(|| format!("opening store in {} (it may be corrupt)", dir.display()))?;

        let meta = db.cf_handle(META_CF).expect("checked above");
        let read = |key: &[u8]| db.get_cf(&meta, key).context(|| "reading store metadata".into());
        let identity = match read(META_IDENTITY)? {
            Some(bytes) => {
                decode_identity(&bytes).ok_or_else(|| bad_dir(dir, "the store identity record is corrupt"))?
            }
            None => return Err(bad_dir(dir, "the store identity record is missing")),
        };
        if marker.trim() != marker_text(&identity).trim() {
            return Err(bad_dir(dir, format!("{MARKER_FILE} does not match the store inside the directory")));
        }
        if identity.node_id != node_id {
            return Err(bad_dir(
                dir,
                format!("it belongs to node {} but this node was started as node {node_id}", identity.node_id),
            ));
        }
        let cluster_id = match read(META_CLUSTER_ID)? {
            Some(bytes) => {
                Some(Uuid::from_slice(&bytes).map_err(|_| bad_dir(dir, "the cluster id record is corrupt"))?)
            }
            None => None,
        };
        let data_cf = match read(META_DATA_CF)? {
            Some(bytes) => {
                String::from_utf8(bytes).map_err(|_| bad_dir(dir, "the data column family record is corrupt"))?
            }
            None => return Err(bad_dir(dir, "the data column family record is missing")),
        };
        if !names.contains(&data_cf) {
            return Err(bad_dir(dir, format!("the live data column family {data_cf} is missing")));
        }
        drop(meta);
        // Leftovers of a snapshot install that crashed before switching, or after switching but
        // before dropping the old generation.
        for stale in names.iter().filter(|n| n.starts_with(DATA_CF_PREFIX) && **n != data_cf) {
            tracing::info!(cf = %stale, "dropping a stale data column family");
            db.drop_cf(stale).context(|| format!("dropping stale column family {stale}"))?;
        }
        tracing::info!(dir = %dir.display(), node_id, store_id = %identity.store_id, "opened store");
        Ok(Self {
            db: Arc::new(db),
            dir: dir.to_path_buf(),
            identity,
            fresh: false,
            cluster_id: RwLock::new(cluster_id),
            data_cf: RwLock::new(data_cf),
            snapshot_gate: RwLock::new(()),
        })
    }

    /// The node and store ids.
    pub fn identity(&self) -> Identity {
        self.identity
    }

    /// True when this open created the store.
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The id of the cluster this store belongs to, once it has joined or formed one.
    pub fn cluster_id(&self) -> Option<Uuid> {
        *self.cluster_id.read()
    }

    /// Records, durably, the cluster this store belongs to. It can be set once.
    pub fn set_cluster_id(&self, id: Uuid) -> Result<()> {
        let mut current = self.cluster_id.write();
        match *current {
            Some(existing) if existing == id => return Ok(()),
            Some(existing) => {
                return Err(bad_dir(&self.dir, format!("it belongs to cluster {existing}, not {id}")));
            }
            None => {}
        }
        self.meta_put(META_CLUSTER_ID, id.as_bytes(), true)?;
        *current = Some(id);
        Ok(())
    }

    /// The underlying database, for the Raft log store.
    pub fn db(&self) -> &Arc<Db> {
        &self.db
    }

    /// Handle of a fixed column family (`LOG_CF` or `META_CF`).
    pub fn cf(&self, name: &str) -> Arc<BoundColumnFamily<'_>> {
        self.db.cf_handle(name).unwrap_or_else(|| panic!("column family {name} exists while the store is open"))
    }

    /// Handle of the live data column family.
    pub fn data_cf(&self) -> Arc<BoundColumnFamily<'_>> {
        self.cf(&self.data_cf.read())
    }

    pub(crate) fn data_cf_name(&self) -> String {
        self.data_cf.read().clone()
    }

    /// Reads a metadata record.
    pub fn meta_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.db.get_cf(&self.cf(META_CF), key).context(|| "reading Raft metadata".into())
    }

    /// Writes a metadata record; with `sync`, it (and every earlier write) is durable on return.
    pub fn meta_put(&self, key: &[u8], value: &[u8], sync: bool) -> Result<()> {
        let mut batch = WriteBatch::default();
        batch.put_cf(&self.cf(META_CF), key, value);
        self.write(batch, sync)
    }

    /// Writes a batch; with `sync`, it (and every earlier write) is durable on return.
    pub fn write(&self, batch: WriteBatch, sync: bool) -> Result<()> {
        let mut opts = WriteOptions::default();
        opts.set_sync(sync);
        self.db.write_opt(batch, &opts).context(|| "writing a batch".into())
    }

    /// Makes every write so far durable with one fsync of the shared WAL.
    pub fn sync_wal(&self) -> Result<()> {
        self.db.flush_wal(true).context(|| "syncing the write-ahead log".into())
    }

    /// Adds the operations of `ws`, versioned with `index`, to `batch` on the live data column
    /// family.
    pub fn add_write_set(&self, batch: &mut WriteBatch, index: u64, ws: &WriteSet) {
        let cf = self.data_cf();
        for op in &ws.ops {
            match op {
                Op::Put { key, value } => batch.put_cf(&cf, key, Versioned::encode(index, value)),
                Op::Delete { key } => batch.delete_cf(&cf, key),
                Op::DeleteRange { start, end } => batch.delete_range_cf(&cf, start, end),
            }
        }
    }

    /// Adds an unversioned system record (the state machine's own bookkeeping) to `batch`.
    pub fn add_system_put(&self, batch: &mut WriteBatch, key: &[u8], value: &[u8]) {
        debug_assert_eq!(key.first(), Some(&crate::SYSTEM_PREFIX));
        batch.put_cf(&self.data_cf(), key, value);
    }

    /// Reads an unversioned system record from the live data.
    pub fn system_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.db.get_cf(&self.data_cf(), key).context(|| "reading state machine metadata".into())
    }

    /// Reads the newest committed version of `key`, outside any snapshot.
    pub fn get_latest(&self, key: &[u8]) -> Result<Option<Versioned>> {
        let stored = self.db.get_pinned_cf(&self.data_cf(), key).context(|| "reading a key".into())?;
        stored.map(|v| Versioned::decode(&v)).transpose()
    }

    /// A consistent, point-in-time view of the data, pinned until dropped. Waits while a
    /// [`Store::hold_snapshots`] guard is alive.
    pub fn snapshot(&self) -> Result<ReadSnapshot> {
        let _gate = self.snapshot_gate.read();
        ReadSnapshot::new(self.db.clone(), &self.data_cf_name())
    }

    /// Holds off new snapshots until the guard is dropped, so that a change written in several
    /// batches (each one a separate RocksDB write, letting other writes in between) becomes
    /// visible to readers all at once. Reads outside snapshots ([`Store::get_latest`]) are not
    /// held off.
    pub fn hold_snapshots(&self) -> SnapshotHold<'_> {
        self.snapshot_gate.write()
    }

    /// Writes every key of `snap` to a single SST file at `path` and syncs it. This is the body
    /// of a Raft snapshot; it reads a pinned snapshot, so writes continue meanwhile.
    pub fn export_data(&self, snap: &ReadSnapshot, path: &Path) -> Result<u64> {
        let opts = data_cf_options();
        let mut writer = SstFileWriter::create(&opts);
        writer.open(path).context(|| format!("creating snapshot file {}", path.display()))?;
        // A header record, so that even a snapshot of empty data is a valid SST file.
        writer.put(SNAPSHOT_HEADER_KEY, b"tandem snapshot v1").context(|| "writing the snapshot file".into())?;
        let mut entries = 0u64;
        snap.for_each_raw((Bound::Excluded(SNAPSHOT_HEADER_KEY.to_vec()), Bound::Unbounded), |key, value| {
            entries += 1;
            writer.put(key, value).context(|| "writing the snapshot file".into())
        })?;
        writer.finish().context(|| "finishing the snapshot file".into())?;
        fs::File::open(path).and_then(|f| f.sync_all()).context(|| "syncing the snapshot file".into())?;
        Ok(entries)
    }

    /// Atomically replaces the data with the content of the SST file at `path` (which is
    /// consumed). On return the new data is live and durable; after a crash at any point the
    /// store reopens with either the old or the new data, never a mix.
    pub fn install_data(&self, path: &Path) -> Result<()> {
        let old = self.data_cf_name();
        let generation: u64 = old[DATA_CF_PREFIX.len()..]
            .parse()
            .map_err(|_| Error::Corrupt(format!("data column family name {old}")))?;
        let new = format!("{DATA_CF_PREFIX}{}", generation + 1);
        if self.db.cf_handle(&new).is_some() {
            self.db.drop_cf(&new).context(|| format!("dropping stale column family {new}"))?;
        }
        self.db.create_cf(&new, &data_cf_options()).context(|| format!("creating column family {new}"))?;
        let mut ingest = IngestExternalFileOptions::default();
        ingest.set_move_files(true);
        let cf = self.cf(&new);
        self.db
            .ingest_external_file_cf_opts(&cf, &ingest, vec![path])
            .context(|| format!("ingesting snapshot file {}", path.display()))?;
        drop(cf);
        self.meta_put(META_DATA_CF, new.as_bytes(), true)?;
        *self.data_cf.write() = new;
        // Readers that pinned the old generation keep it alive until they finish.
        self.db.drop_cf(&old).context(|| format!("dropping column family {old}"))?;
        Ok(())
    }

    /// Reads the raw (unversioned) records of the live data in `start..end`, for the state
    /// machine's own bookkeeping under the system prefix.
    pub fn system_range(&self, start: &[u8], end: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut opts = ReadOptions::default();
        opts.set_iterate_upper_bound(end);
        let cf = self.data_cf();
        let mut it = self.db.raw_iterator_cf_opt(&cf, opts);
        it.seek(start);
        let mut out = Vec::new();
        while let Some((k, v)) = it.item() {
            out.push((k.to_vec(), v.to_vec()));
            it.next();
        }
        it.status().context(|| "reading system records".into())?;
        Ok(out)
    }

    /// Adds a range deletion of system records to `batch`.
    pub fn add_system_delete_range(&self, batch: &mut WriteBatch, start: &[u8], end: &[u8]) {
        debug_assert_eq!(start.first(), Some(&crate::SYSTEM_PREFIX));
        batch.delete_range_cf(&self.data_cf(), start, end);
    }

    /// Approximate number of keys in a column family (RocksDB's estimate).
    pub fn estimate_keys(&self, cf: &str) -> u64 {
        self.db.property_int_value_cf(&self.cf(cf), "rocksdb.estimate-num-keys").ok().flatten().unwrap_or(0)
    }

    /// Reads a range of a fixed column family in key order, for the Raft log reader.
    pub fn read_range(
        &self,
        cf: &str,
        start: &[u8],
        end: Option<&[u8]>,
        mut f: impl FnMut(&[u8], &[u8]) -> Result<bool>,
    ) -> Result<()> {
        let mut opts = ReadOptions::default();
        if let Some(end) = end {
            opts.set_iterate_upper_bound(end);
        }
        let cf = self.cf(cf);
        let mut it = self.db.raw_iterator_cf_opt(&cf, opts);
        it.seek(start);
        while let Some((k, v)) = it.item() {
            if !f(k, v)? {
                return Ok(());
            }
            it.next();
        }
        it.status().context(|| "iterating".into())
    }
}

fn encode_identity(id: &Identity) -> Vec<u8> {
    let mut out = id.node_id.to_be_bytes().to_vec();
    out.extend_from_slice(id.store_id.as_bytes());
    out
}

fn decode_identity(bytes: &[u8]) -> Option<Identity> {
    if bytes.len() != 24 {
        return None;
    }
    let node_id = u64::from_be_bytes(bytes[..8].try_into().ok()?);
    let store_id = Uuid::from_slice(&bytes[8..]).ok()?;
    Some(Identity { node_id, store_id })
}

fn marker_text(id: &Identity) -> String {
    format!("tandem store\nnode_id = {}\nstore_id = {}\n", id.node_id, id.store_id)
}

fn write_marker(dir: &Path, id: &Identity) -> Result<()> {
    let tmp = dir.join(format!("{MARKER_FILE}.tmp"));
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(marker_text(id).as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, dir.join(MARKER_FILE))?;
        fs::File::open(dir)?.sync_all()
    };
    write().context(|| format!("writing {MARKER_FILE}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reopen_keeps_identity_and_refuses_other_node() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node");
        let id = {
            let store = Store::open(&path, 7).unwrap();
            assert!(store.is_fresh());
            store.set_cluster_id(Uuid::from_u128(5)).unwrap();
            store.identity()
        };
        let store = Store::open(&path, 7).unwrap();
        assert!(!store.is_fresh());
        assert_eq!(store.identity(), id);
        assert_eq!(store.cluster_id(), Some(Uuid::from_u128(5)));
        assert!(store.set_cluster_id(Uuid::from_u128(6)).is_err());
        drop(store);

        let err = Store::open(&path, 8).unwrap_err().to_string();
        assert!(err.contains("belongs to node 7"), "{err}");
    }

    #[test]
    fn refuses_foreign_and_truncated_directories() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "hello").unwrap();
        let err = Store::open(dir.path(), 1).unwrap_err().to_string();
        assert!(err.contains("not a Tandem store"), "{err}");

        let path = dir.path().join("node");
        drop(Store::open(&path, 1).unwrap());
        fs::remove_file(path.join("CURRENT")).unwrap();
        let err = Store::open(&path, 1).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
    }

    #[test]
    fn refuses_corrupt_sst_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node");
        {
            let store = Store::open(&path, 1).unwrap();
            let mut ws = WriteSet::new();
            for i in 0..1000u32 {
                ws.put([&[1u8][..], &i.to_be_bytes()].concat(), vec![7u8; 100]);
            }
            let mut batch = WriteBatch::default();
            store.add_write_set(&mut batch, 1, &ws);
            store.write(batch, true).unwrap();
            store.db().flush_cf(&store.data_cf()).unwrap();
        }
        let mut damaged = 0;
        for entry in fs::read_dir(&path).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "sst") {
                let mut bytes = fs::read(&p).unwrap();
                let len = bytes.len();
                bytes.truncate(len / 2);
                fs::write(&p, bytes).unwrap();
                damaged += 1;
            }
        }
        assert!(damaged > 0);
        let err = Store::open(&path, 1).unwrap_err().to_string();
        assert!(err.contains("opening store"), "{err}");
    }

    #[test]
    fn export_and_install_replace_data_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(&dir.path().join("a"), 1).unwrap();
        let b = Store::open(&dir.path().join("b"), 2).unwrap();

        let mut ws = WriteSet::new();
        ws.put(vec![1, 1], b"one".to_vec()).put(vec![1, 2], b"two".to_vec());
        let mut batch = WriteBatch::default();
        a.add_write_set(&mut batch, 9, &ws);
        a.add_system_put(&mut batch, APPLIED_INDEX_KEY, &9u64.to_be_bytes());
        a.write(batch, false).unwrap();

        let mut old = WriteSet::new();
        old.put(vec![1, 3], b"stale".to_vec());
        let mut batch = WriteBatch::default();
        b.add_write_set(&mut batch, 3, &old);
        b.write(batch, false).unwrap();
        let pinned = b.snapshot().unwrap();

        let file = dir.path().join("snap.sst");
        let snap = a.snapshot().unwrap();
        assert_eq!(a.export_data(&snap, &file).unwrap(), 3);
        // Exporting installed data again works (the header key is not duplicated).
        let again = dir.path().join("again.sst");
        b.install_data(&file).unwrap();

        assert_eq!(b.get_latest(&[1, 1]).unwrap().unwrap(), Versioned { index: 9, value: b"one".to_vec() });
        assert!(b.get_latest(&[1, 3]).unwrap().is_none());
        assert_eq!(b.snapshot().unwrap().applied_index().unwrap(), 9);
        assert_eq!(b.snapshot().unwrap().checksum().unwrap(), a.snapshot().unwrap().checksum().unwrap());
        assert_eq!(b.export_data(&b.snapshot().unwrap(), &again).unwrap(), 3);
        // A reader that pinned the old generation still sees it.
        assert!(pinned.get(&[1, 3]).unwrap().is_some());
        drop(pinned);

        let b_path = b.dir().to_path_buf();
        drop(b);
        let b = Store::open(&b_path, 2).unwrap();
        assert_eq!(b.get_latest(&[1, 2]).unwrap().unwrap().value, b"two".to_vec());
        assert!(b.get_latest(&[1, 3]).unwrap().is_none());
    }
}
