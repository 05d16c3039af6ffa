//! Point-in-time reads of the data.
//!
//! A [`ReadSnapshot`] pins a RocksDB snapshot of the live data column family. It owns what it
//! borrows (an `Arc` of the database), so it can live in a transaction across statements and be
//! sent between tasks. Scans are chunked: [`ScanIter`] reads a bounded number of keys at a time
//! and re-seeks after the last key it returned, so a scan over millions of rows holds only one
//! chunk in memory and no RocksDB iterator between chunks.

use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;

use rocksdb::{BoundColumnFamily, ReadOptions, SnapshotWithThreadMode};
use self_cell::self_cell;

use crate::error::Context as _;
use crate::store::{Db, APPLIED_INDEX_KEY, SNAPSHOT_HEADER_KEY};
use crate::writeset::Versioned;
use crate::{Error, Result};

/// A snapshot and the data column family it reads, borrowed from the database.
pub struct Pinned<'a> {
    snapshot: SnapshotWithThreadMode<'a, Db>,
    cf: Arc<BoundColumnFamily<'a>>,
}

self_cell!(
    struct PinnedCell {
        owner: Arc<Db>,
        #[covariant]
        dependent: Pinned,
    }
);

/// A consistent view of the data at one moment. Cloning is cheap and shares the snapshot.
#[derive(Clone)]
pub struct ReadSnapshot {
    cell: Arc<PinnedCell>,
}

impl std::fmt::Debug for ReadSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadSnapshot").finish_non_exhaustive()
    }
}

/// A key range: start and end bounds over encoded keys.
pub type KeyRange = (Bound<Vec<u8>>, Bound<Vec<u8>>);

impl ReadSnapshot {
    pub(crate) fn new(db: Arc<Db>, cf_name: &str) -> Result<Self> {
        let cell = PinnedCell::try_new(db, |db| {
            let cf =
                db.cf_handle(cf_name).ok_or_else(|| Error::Corrupt(format!("column family {cf_name} vanished")))?;
            Ok::<_, Error>(Pinned { snapshot: db.snapshot(), cf })
        })?;
        Ok(Self { cell: Arc::new(cell) })
    }

    /// Reads the version of `key` in this snapshot.
    pub fn get(&self, key: &[u8]) -> Result<Option<Versioned>> {
        self.get_raw(key)?.map(|v| Versioned::decode(&v)).transpose()
    }

    /// Reads the raw stored bytes of `key` (for unversioned system records).
    pub fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let pinned = self.cell.borrow_dependent();
        let value = pinned
            .snapshot
            .get_pinned_cf_opt(&pinned.cf, key, ReadOptions::default())
            .context(|| "reading a key from a snapshot".into())?;
        Ok(value.map(|v| v.to_vec()))
    }

    /// The log index of the last entry applied in this snapshot (0 before any).
    pub fn applied_index(&self) -> Result<u64> {
        match self.get_raw(APPLIED_INDEX_KEY)? {
            None => Ok(0),
            Some(bytes) => bytes
                .as_slice()
                .try_into()
                .map(u64::from_be_bytes)
                .map_err(|_| Error::Corrupt("applied index record".into())),
        }
    }

    /// Scans `range` (forward, or backward when `reverse`), streaming in chunks.
    pub fn scan(&self, range: KeyRange, reverse: bool) -> ScanIter {
        ScanIter {
            snap: self.clone(),
            range: Bounds::new(range),
            reverse,
            chunk: 16,
            buf: VecDeque::new(),
            done: false,
        }
    }

    /// Reads up to `limit` raw entries of `range`, in order, into `out`. Returns true when the
    /// range is exhausted.
    fn read_chunk(
        &self,
        range: &Bounds,
        reverse: bool,
        limit: usize,
        out: &mut VecDeque<(Vec<u8>, Vec<u8>)>,
    ) -> Result<bool> {
        let pinned = self.cell.borrow_dependent();
        let mut opts = ReadOptions::default();
        if let Some(lower) = &range.lower {
            opts.set_iterate_lower_bound(lower.clone());
        }
        if let Some(upper) = &range.upper {
            opts.set_iterate_upper_bound(upper.clone());
        }
        let mut it = pinned.snapshot.raw_iterator_cf_opt(&pinned.cf, opts);
        if reverse {
            it.seek_to_last();
        } else {
            it.seek_to_first();
        }
        let mut n = 0;
        while let Some((k, v)) = it.item() {
            if n == limit {
                return Ok(false);
            }
            out.push_back((k.to_vec(), v.to_vec()));
            n += 1;
            if reverse {
                it.prev();
            } else {
                it.next();
            }
        }
        it.status().context(|| "scanning a snapshot".into())?;
        Ok(true)
    }

    /// Calls `f` on every raw entry of `range` in key order, chunk by chunk.
    pub fn for_each_raw(&self, range: KeyRange, mut f: impl FnMut(&[u8], &[u8]) -> Result<()>) -> Result<()> {
        let mut range = Bounds::new(range);
        let mut buf = VecDeque::new();
        loop {
            let done = self.read_chunk(&range, false, 4096, &mut buf)?;
            if let Some((last, _)) = buf.back() {
                range.resume_after(last, false);
            }
            for (k, v) in buf.drain(..) {
                f(&k, &v)?;
            }
            if done {
                return Ok(());
            }
        }
    }

    /// A checksum of every key and value (but the snapshot header a follower may have
    /// ingested), to compare replicas.
    pub fn checksum(&self) -> Result<u64> {
        // FNV-1a over length-prefixed keys and values: stable across builds and platforms.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in (bytes.len() as u64).to_be_bytes().iter().chain(bytes) {
                hash ^= u64::from(*b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        self.for_each_raw((Bound::Excluded(SNAPSHOT_HEADER_KEY.to_vec()), Bound::Unbounded), |k, v| {
            feed(k);
            feed(v);
            Ok(())
        })?;
        Ok(hash)
    }
}

/// A key range normalised to RocksDB's iterator bounds: an inclusive lower and an exclusive
/// upper key. The successor of a key `k` in byte order is `k ++ [0]`, so an excluded start or an
/// included end is shifted to its successor.
#[derive(Debug, Clone)]
struct Bounds {
    lower: Option<Vec<u8>>,
    upper: Option<Vec<u8>>,
}

fn successor(key: &[u8]) -> Vec<u8> {
    let mut next = Vec::with_capacity(key.len() + 1);
    next.extend_from_slice(key);
    next.push(0);
    next
}

impl Bounds {
    fn new((start, end): KeyRange) -> Self {
        let lower = match start {
            Bound::Included(k) => Some(k),
            Bound::Excluded(k) => Some(successor(&k)),
            Bound::Unbounded => None,
        };
        let upper = match end {
            Bound::Included(k) => Some(successor(&k)),
            Bound::Excluded(k) => Some(k),
            Bound::Unbounded => None,
        };
        Self { lower, upper }
    }

    /// Narrows the range to what is left after `last` was returned.
    fn resume_after(&mut self, last: &[u8], reverse: bool) {
        if reverse {
            self.upper = Some(last.to_vec());
        } else {
            self.lower = Some(successor(last));
        }
    }
}

/// A streaming scan over a [`ReadSnapshot`]. Chunks start small (a `LIMIT 1` reads little) and
/// grow to a bound, so memory stays bounded whatever the size of the range.
pub struct ScanIter {
    snap: ReadSnapshot,
    range: Bounds,
    reverse: bool,
    chunk: usize,
    buf: VecDeque<(Vec<u8>, Vec<u8>)>,
    done: bool,
}

impl std::fmt::Debug for ScanIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanIter").field("range", &self.range).field("reverse", &self.reverse).finish()
    }
}

const MAX_CHUNK: usize = 1024;

impl Iterator for ScanIter {
    type Item = Result<(Vec<u8>, Versioned)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty() && !self.done {
            match self.snap.read_chunk(&self.range, self.reverse, self.chunk, &mut self.buf) {
                Ok(done) => self.done = done,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
            self.chunk = (self.chunk * 4).min(MAX_CHUNK);
            if let Some((last, _)) = self.buf.back() {
                self.range.resume_after(last, self.reverse);
            }
        }
        let (k, v) = self.buf.pop_front()?;
        Some(Versioned::decode(&v).map(|v| (k, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, WriteSet};
    use rocksdb::WriteBatch;

    fn store_with(keys: impl IntoIterator<Item = u32>) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), 1).unwrap();
        let mut ws = WriteSet::new();
        for k in keys {
            ws.put(key(k), k.to_be_bytes().to_vec());
        }
        let mut batch = WriteBatch::default();
        store.add_write_set(&mut batch, 1, &ws);
        store.write(batch, false).unwrap();
        (dir, store)
    }

    fn key(k: u32) -> Vec<u8> {
        [&[1u8][..], &k.to_be_bytes()].concat()
    }

    fn collect(it: ScanIter) -> Vec<u32> {
        it.map(|r| {
            let (k, _) = r.unwrap();
            u32::from_be_bytes(k[1..].try_into().unwrap())
        })
        .collect()
    }

    #[test]
    fn scans_honour_bounds_in_both_directions() {
        let (_dir, store) = store_with(0..5000);
        let snap = store.snapshot().unwrap();
        use Bound::*;
        let all = collect(snap.scan((Unbounded, Unbounded), false));
        assert_eq!(all, (0..5000).collect::<Vec<_>>());
        let rev = collect(snap.scan((Unbounded, Unbounded), true));
        assert_eq!(rev, (0..5000).rev().collect::<Vec<_>>());
        let mid = collect(snap.scan((Excluded(key(10)), Included(key(2000))), false));
        assert_eq!(mid, (11..=2000).collect::<Vec<_>>());
        let mid_rev = collect(snap.scan((Excluded(key(10)), Included(key(2000))), true));
        assert_eq!(mid_rev, (11..=2000).rev().collect::<Vec<_>>());
        let half_open = collect(snap.scan((Included(key(4990)), Excluded(key(4995))), true));
        assert_eq!(half_open, vec![4994, 4993, 4992, 4991, 4990]);
        assert!(collect(snap.scan((Included(key(7000)), Unbounded), false)).is_empty());
    }

    #[test]
    fn snapshot_does_not_see_later_writes() {
        let (_dir, store) = store_with(0..10);
        let snap = store.snapshot().unwrap();
        let mut ws = WriteSet::new();
        ws.put(key(100), b"late".to_vec()).delete(key(3));
        let mut batch = WriteBatch::default();
        store.add_write_set(&mut batch, 2, &ws);
        store.write(batch, false).unwrap();
        assert!(snap.get(&key(100)).unwrap().is_none());
        assert_eq!(snap.get(&key(3)).unwrap().unwrap().index, 1);
        assert_eq!(collect(snap.scan((Bound::Unbounded, Bound::Unbounded), false)).len(), 10);
        assert_eq!(store.get_latest(&key(100)).unwrap().unwrap().index, 2);
        assert!(store.get_latest(&key(3)).unwrap().is_none());
    }
}
