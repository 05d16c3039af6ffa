//! Write sets: the effects of a transaction, as the Raft log carries them.
//!
//! Tandem replicates effects, not statements (decision D1): the leader runs SQL and the log
//! carries the key/value changes it produced. Applying a write set is deterministic and cannot
//! fail on user input; every replica writes the same bytes.
//!
//! Every value is stored *versioned*: prefixed with the log index of the entry that wrote it.
//! The transaction layer compares that index with a snapshot's index to detect a concurrent
//! update (REPEATABLE READ's "could not serialize access").

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// First byte of every key the storage and Raft layers reserve for themselves (applied index,
/// membership, cluster state). Write sets may not touch it.
pub const SYSTEM_PREFIX: u8 = 0x00;

/// One change to the data key space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// Sets `key` to `value`.
    Put {
        /// The key, outside the system prefix.
        key: Vec<u8>,
        /// The unversioned value; the log index is added when applied.
        value: Vec<u8>,
    },
    /// Removes `key` if present.
    Delete {
        /// The key, outside the system prefix.
        key: Vec<u8>,
    },
    /// Removes every key in `start..end`.
    DeleteRange {
        /// Inclusive start, outside the system prefix.
        start: Vec<u8>,
        /// Exclusive end.
        end: Vec<u8>,
    },
}

impl Op {
    /// Approximate size in bytes: the keys and the value it carries.
    pub fn size(&self) -> usize {
        match self {
            Op::Put { key, value } => key.len() + value.len(),
            Op::Delete { key } => key.len(),
            Op::DeleteRange { start, end } => start.len() + end.len(),
        }
    }
}

/// The ordered changes of one transaction. Later operations win over earlier ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteSet {
    /// The changes, applied in order.
    pub ops: Vec<Op>,
}

impl WriteSet {
    /// An empty write set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a put.
    pub fn put(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> &mut Self {
        self.ops.push(Op::Put { key: key.into(), value: value.into() });
        self
    }

    /// Adds a delete.
    pub fn delete(&mut self, key: impl Into<Vec<u8>>) -> &mut Self {
        self.ops.push(Op::Delete { key: key.into() });
        self
    }

    /// Adds a range delete.
    pub fn delete_range(&mut self, start: impl Into<Vec<u8>>, end: impl Into<Vec<u8>>) -> &mut Self {
        self.ops.push(Op::DeleteRange { start: start.into(), end: end.into() });
        self
    }

    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Approximate size in bytes, for limits and metrics.
    pub fn size(&self) -> usize {
        self.ops.iter().map(Op::size).sum()
    }

    /// Checks that no operation touches the reserved system key space. The leader calls this
    /// before proposing, so that apply never meets an invalid write set.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &[u8]| key.first().is_none_or(|&b| b == SYSTEM_PREFIX);
        for op in &self.ops {
            let invalid = match op {
                Op::Put { key, .. } | Op::Delete { key } => bad(key),
                Op::DeleteRange { start, end } => bad(start) || start > end,
            };
            if invalid {
                return Err(Error::InvalidWriteSet("a key is empty or in the reserved system key space"));
            }
        }
        Ok(())
    }
}

/// A stored value together with the log index of the commit that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    /// Log index of the entry that wrote the value.
    pub index: u64,
    /// The value as the writer gave it.
    pub value: Vec<u8>,
}

impl Versioned {
    /// Encodes a value for storage: the index (big-endian) followed by the value.
    pub fn encode(index: u64, value: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + value.len());
        out.extend_from_slice(&index.to_be_bytes());
        out.extend_from_slice(value);
        out
    }

    /// Decodes a stored value.
    pub fn decode(stored: &[u8]) -> Result<Self> {
        if stored.len() < 8 {
            return Err(Error::Corrupt("stored value shorter than its version header".into()));
        }
        let (index, value) = stored.split_at(8);
        Ok(Self { index: u64::from_be_bytes(index.try_into().expect("8 bytes")), value: value.to_vec() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_roundtrip() {
        let stored = Versioned::encode(42, b"row");
        assert_eq!(Versioned::decode(&stored).unwrap(), Versioned { index: 42, value: b"row".to_vec() });
        assert!(Versioned::decode(b"short").is_err());
    }

    #[test]
    fn system_keys_are_refused() {
        let mut ws = WriteSet::new();
        ws.put(vec![0x02, 1], b"ok".to_vec());
        assert!(ws.validate().is_ok());
        ws.put(vec![SYSTEM_PREFIX, 1], b"no".to_vec());
        assert!(ws.validate().is_err());
        let mut empty_key = WriteSet::new();
        empty_key.delete(Vec::new());
        assert!(empty_key.validate().is_err());
        let mut backwards = WriteSet::new();
        backwards.delete_range(vec![5], vec![3]);
        assert!(backwards.validate().is_err());
    }
}
