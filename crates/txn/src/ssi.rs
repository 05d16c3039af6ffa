//! Serializable validation (decision D5).
//!
//! A SERIALIZABLE transaction that writes records what it read: point keys and key ranges.
//! At commit, under the commit-order lock, it is checked against the write sets of every
//! transaction that committed, or is committing, after its snapshot (the leader keeps those in
//! memory, in [`Recent`]). If any of them wrote something it read, it fails with a
//! serialization error; otherwise its write set is registered and submitted to Raft before the
//! lock is released. The serial order is therefore the commit (log) order, and each snapshot is
//! a prefix of it, so read-only transactions need no validation at all.
//!
//! This is backward optimistic validation: it aborts more than PostgreSQL's SSI (which aborts
//! only on a dangerous structure of two rw-dependencies) but never allows a non-serializable
//! history. Write-write conflicts are handled before this, by row locks and the version check.

use std::collections::{HashSet, VecDeque};
use std::ops::Bound;

/// A key range as scans take it.
pub type KeyRange = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// What a serializable transaction read.
#[derive(Debug, Default)]
pub struct ReadSet {
    points: HashSet<Vec<u8>>,
    ranges: Vec<KeyRange>,
}

fn in_range(key: &[u8], (start, end): &KeyRange) -> bool {
    let after_start = match start {
        Bound::Included(s) => key >= s.as_slice(),
        Bound::Excluded(s) => key > s.as_slice(),
        Bound::Unbounded => true,
    };
    let before_end = match end {
        Bound::Included(e) => key <= e.as_slice(),
        Bound::Excluded(e) => key < e.as_slice(),
        Bound::Unbounded => true,
    };
    after_start && before_end
}

impl ReadSet {
    /// Records a point read (whether or not the key existed).
    pub fn point(&mut self, key: &[u8]) {
        if !self.points.contains(key) {
            self.points.insert(key.to_vec());
        }
    }

    /// Records a range scan.
    pub fn range(&mut self, range: KeyRange) {
        self.ranges.push(range);
    }

    /// True when `key` was read, by a point read or a scan over it.
    pub(crate) fn covers(&self, key: &[u8]) -> bool {
        self.points.contains(key) || self.ranges.iter().any(|r| in_range(key, r))
    }

    /// True when the half-open range `start..end` overlaps anything read.
    fn overlaps(&self, start: &[u8], end: &[u8]) -> bool {
        let deleted = (Bound::Included(start.to_vec()), Bound::Excluded(end.to_vec()));
        self.points.iter().any(|k| in_range(k, &deleted))
            || self.ranges.iter().any(|(s, e)| {
                let starts_before_end = match s {
                    Bound::Included(s) | Bound::Excluded(s) => s.as_slice() < end,
                    Bound::Unbounded => true,
                };
                let ends_after_start = match e {
                    Bound::Included(e) => e.as_slice() >= start,
                    Bound::Excluded(e) => e.as_slice() > start,
                    Bound::Unbounded => true,
                };
                starts_before_end && ends_after_start
            })
    }
}

/// The keys one committing or committed transaction wrote.
#[derive(Debug)]
struct Written {
    seq: u64,
    /// Log index once applied; `None` while in flight.
    index: Option<u64>,
    keys: Vec<Vec<u8>>,
    ranges: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The leader's window of recent write sets.
#[derive(Debug, Default)]
pub(crate) struct Recent {
    written: VecDeque<Written>,
    next_seq: u64,
}

impl Recent {
    /// Fails when a write set not visible at `snapshot_index` touched something in `reads`.
    pub(crate) fn conflicts(&self, reads: &ReadSet, snapshot_index: u64) -> bool {
        self.written
            .iter()
            .filter(|w| w.index.is_none_or(|i| i > snapshot_index))
            .any(|w| w.keys.iter().any(|k| reads.covers(k)) || w.ranges.iter().any(|(s, e)| reads.overlaps(s, e)))
    }

    /// Registers a write set about to be submitted; returns its sequence number.
    pub(crate) fn register(&mut self, keys: Vec<Vec<u8>>, ranges: Vec<(Vec<u8>, Vec<u8>)>) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.written.push_back(Written { seq, index: None, keys, ranges });
        seq
    }

    /// Records the log index a registered write set was applied at.
    pub(crate) fn applied(&mut self, seq: u64, index: u64) {
        if let Some(w) = self.written.iter_mut().find(|w| w.seq == seq) {
            w.index = Some(index);
        }
    }

    /// Forgets a write set that certainly did not commit.
    pub(crate) fn forget(&mut self, seq: u64) {
        self.written.retain(|w| w.seq != seq);
    }

    /// Drops write sets visible to every active serializable transaction (`oldest` is the
    /// oldest such snapshot index, or `None` when there is none).
    pub(crate) fn trim(&mut self, oldest: Option<u64>) {
        let horizon = oldest.unwrap_or(u64::MAX);
        self.written.retain(|w| w.index.is_none_or(|i| i > horizon));
    }

    /// Forgets everything (leadership changed; every transaction aborts).
    pub(crate) fn clear(&mut self) {
        self.written.clear();
    }

    /// Write sets held (tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.written.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(points: &[&[u8]], ranges: &[(&[u8], &[u8])]) -> ReadSet {
        let mut r = ReadSet::default();
        for p in points {
            r.point(p);
        }
        for (s, e) in ranges {
            r.range((Bound::Included(s.to_vec()), Bound::Excluded(e.to_vec())));
        }
        r
    }

    #[test]
    fn conflicts_only_with_writes_after_the_snapshot() {
        let mut recent = Recent::default();
        let a = recent.register(vec![b"x".to_vec()], vec![]);
        recent.applied(a, 5);
        let r = reads(&[b"x"], &[]);
        assert!(!recent.conflicts(&r, 5), "index 5 is visible at snapshot 5");
        assert!(recent.conflicts(&r, 4));
        let b = recent.register(vec![b"y".to_vec()], vec![]);
        assert!(recent.conflicts(&reads(&[b"y"], &[]), 100), "in flight counts as concurrent");
        recent.forget(b);
        assert!(!recent.conflicts(&reads(&[b"y"], &[]), 100));
    }

    #[test]
    fn ranges_conflict_both_ways() {
        let mut recent = Recent::default();
        let a = recent.register(vec![b"m".to_vec()], vec![(b"p".to_vec(), b"r".to_vec())]);
        recent.applied(a, 10);
        assert!(recent.conflicts(&reads(&[], &[(b"a", b"z")]), 9), "a write inside a scanned range");
        assert!(recent.conflicts(&reads(&[b"q"], &[]), 9), "a range delete over a read key");
        assert!(recent.conflicts(&reads(&[], &[(b"q", b"s")]), 9), "overlapping ranges");
        assert!(!recent.conflicts(&reads(&[b"a"], &[(b"r", b"s")]), 9), "disjoint");
        recent.trim(Some(10));
        assert_eq!(recent.len(), 0);
    }
}
