//! What a transaction sees: a RocksDB snapshot with the transaction's own buffered writes laid
//! over it.
//!
//! A [`TxnView`] owns everything it reads (an `Arc` of the snapshot and of the write buffer as
//! it was when the view was taken), so a statement's scan can stream for as long as the client
//! reads, and it never sees writes made after the view was taken: an `UPDATE` does not see the
//! rows it is itself writing. Taking a view is cheap: the write buffer is a persistent map.

use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;

use parking_lot::Mutex;
use tandem_storage::{KeyRange, ReadSnapshot, ScanIter, Versioned};

use crate::error::Result;
use crate::ssi::ReadSet;

/// The version index given to the transaction's own uncommitted writes.
pub const OWN_WRITE: u64 = u64::MAX;

/// Buffered writes: `Some(value)` for a put, `None` for a delete. A persistent map: a view
/// takes a snapshot of it in constant time, and later writes do not copy it.
pub type Writes = imbl::OrdMap<Vec<u8>, Option<Vec<u8>>>;

/// A transaction's view of the data.
#[derive(Clone)]
pub struct TxnView {
    pub(crate) snap: ReadSnapshot,
    pub(crate) snapshot_index: u64,
    pub(crate) writes: Writes,
    pub(crate) range_deletes: Arc<Vec<(Vec<u8>, Vec<u8>)>>,
    pub(crate) reads: Option<Arc<Mutex<ReadSet>>>,
}

impl std::fmt::Debug for TxnView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TxnView").field("snapshot_index", &self.snapshot_index).finish_non_exhaustive()
    }
}

pub(crate) fn range_deleted(ranges: &[(Vec<u8>, Vec<u8>)], key: &[u8]) -> bool {
    ranges.iter().any(|(s, e)| key >= s.as_slice() && key < e.as_slice())
}

impl TxnView {
    /// The log index the snapshot reflects.
    pub fn snapshot_index(&self) -> u64 {
        self.snapshot_index
    }

    /// Reads `key`: the transaction's own write if any, else the snapshot's version.
    pub fn get(&self, key: &[u8]) -> Result<Option<Versioned>> {
        if let Some(reads) = &self.reads {
            reads.lock().point(key);
        }
        if let Some(own) = self.writes.get(key) {
            return Ok(own.clone().map(|value| Versioned { index: OWN_WRITE, value }));
        }
        if range_deleted(&self.range_deletes, key) {
            return Ok(None);
        }
        Ok(self.snap.get(key)?)
    }

    /// Reads `key` as of the snapshot only, ignoring the transaction's own writes (to decide
    /// whether a locked row changed since the snapshot).
    pub fn get_committed(&self, key: &[u8]) -> Result<Option<Versioned>> {
        Ok(self.snap.get(key)?)
    }

    /// Scans `range` in key order (or reverse), streaming.
    pub fn scan(&self, range: KeyRange, reverse: bool) -> MergedScan {
        if let Some(reads) = &self.reads {
            reads.lock().range(range.clone());
        }
        let overlay: VecDeque<(Vec<u8>, Option<Vec<u8>>)> = {
            let it = self.writes.range::<_, [u8]>((as_ref(&range.0), as_ref(&range.1)));
            let items = it.map(|(k, v)| (k.clone(), v.clone()));
            if reverse {
                items.rev().collect()
            } else {
                items.collect()
            }
        };
        MergedScan {
            base: self.snap.scan(range, reverse),
            pending: None,
            overlay,
            range_deletes: self.range_deletes.clone(),
            reverse,
        }
    }
}

fn as_ref(b: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match b {
        Bound::Included(k) => Bound::Included(k.as_slice()),
        Bound::Excluded(k) => Bound::Excluded(k.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// A scan of the snapshot merged with the transaction's own writes in the same range.
pub struct MergedScan {
    base: ScanIter,
    pending: Option<(Vec<u8>, Versioned)>,
    overlay: VecDeque<(Vec<u8>, Option<Vec<u8>>)>,
    range_deletes: Arc<Vec<(Vec<u8>, Vec<u8>)>>,
    reverse: bool,
}

impl MergedScan {
    fn next_base(&mut self) -> Option<Result<(Vec<u8>, Versioned)>> {
        if let Some(p) = self.pending.take() {
            return Some(Ok(p));
        }
        loop {
            match self.base.next()? {
                Ok((k, _)) if range_deleted(&self.range_deletes, &k) => continue,
                Ok(item) => return Some(Ok(item)),
                Err(e) => return Some(Err(e.into())),
            }
        }
    }

    /// True when key `a` comes before `b` in scan order.
    fn before(&self, a: &[u8], b: &[u8]) -> bool {
        if self.reverse {
            a > b
        } else {
            a < b
        }
    }
}

impl Iterator for MergedScan {
    type Item = Result<(Vec<u8>, Versioned)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let base = match self.next_base() {
                Some(Ok(b)) => Some(b),
                Some(Err(e)) => return Some(Err(e)),
                None => None,
            };
            let take_overlay = match (&base, self.overlay.front()) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some((bk, _)), Some((ok, _))) => !self.before(bk, ok),
            };
            if !take_overlay {
                return base.map(Ok);
            }
            let (ok, ov) = self.overlay.pop_front().expect("checked above");
            match base {
                // The own write replaces the snapshot's version of the same key.
                Some((bk, _)) if bk == ok => {}
                Some(b) => self.pending = Some(b),
                None => {}
            }
            if let Some(value) = ov {
                return Some(Ok((ok, Versioned { index: OWN_WRITE, value })));
            }
            // An own delete hides the key; continue with the next one.
        }
    }
}
