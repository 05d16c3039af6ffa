//! The SQL engine of one node: what its sessions share — the transaction manager, the catalog
//! cache, the sequence allocator — and how it learns of applied changes.

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;
use tandem_raft::{ApplyObserver, RaftNode};
use tandem_storage::{Op, WriteSet};
use tandem_txn::TxnManager;

use crate::catalog::keys::{catalog_range, sequence_key, CATALOG, SEQUENCE};
use crate::catalog::objects::Sequence;
use crate::catalog::Catalog;
use crate::error::{sqlstate, Result, SqlError};
use crate::exec::ddl::{decode_sequence_state, encode_sequence_state};

/// Values handed out per sequence reservation (one Raft write per block).
const SEQUENCE_BLOCK: i64 = 32;

/// The newest applied catalog, reloaded after an applied write touches it.
pub(crate) struct CatalogCache {
    current: RwLock<Option<Arc<Catalog>>>,
    generation: AtomicU64,
}

impl CatalogCache {
    fn new() -> Self {
        Self { current: RwLock::new(None), generation: AtomicU64::new(0) }
    }

    fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        *self.current.write() = None;
    }

    /// The catalog's generation (changes whenever an applied write touched it).
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(crate) fn get(&self, store: &tandem_storage::Store) -> Result<Arc<Catalog>> {
        if let Some(c) = self.current.read().clone() {
            return Ok(c);
        }
        let generation = self.generation();
        let snap = store.snapshot()?;
        let (start, end) = catalog_range();
        let mut items = Vec::new();
        for item in snap.scan((Bound::Included(start), Bound::Excluded(end)), false) {
            let (k, v) = item?;
            items.push((k, v.value));
        }
        let catalog = Arc::new(Catalog::load(items)?);
        if self.generation() == generation {
            *self.current.write() = Some(catalog.clone());
        }
        Ok(catalog)
    }
}

struct Block {
    next: i64,
    left: i64,
    epoch: u64,
}

/// Hands out sequence values on the leader from reserved blocks. Like PostgreSQL sequences,
/// values are not returned on rollback, and values of a block reserved by a leader that loses
/// leadership are skipped (gaps, never duplicates).
pub(crate) struct SequenceAllocator {
    blocks: tokio::sync::Mutex<HashMap<u32, Block>>,
}

impl SequenceAllocator {
    fn new() -> Self {
        Self { blocks: tokio::sync::Mutex::new(HashMap::new()) }
    }

    pub(crate) async fn nextval(&self, engine: &Engine, seq: &Sequence) -> Result<i64> {
        let epoch = engine.txns.epoch();
        let mut blocks = self.blocks.lock().await;
        if let Some(b) = blocks.get_mut(&seq.oid) {
            if b.epoch == epoch && b.left > 0 {
                let v = b.next;
                b.left -= 1;
                b.next = b.next.wrapping_add(seq.increment);
                return Ok(v);
            }
        }
        engine.txns.require_leader().await?;
        let (last, called) = engine.sequence_state(seq.oid)?;
        let first = if called { step(seq, last)? } else { last };
        // Reserve up to a block, stopping at the limit.
        let mut count = 1;
        let mut end = first;
        while count < SEQUENCE_BLOCK {
            match seq.increment.checked_add(end) {
                Some(n) if n >= seq.min && n <= seq.max => {
                    end = n;
                    count += 1;
                }
                _ => break,
            }
        }
        let mut ws = WriteSet::new();
        ws.put(sequence_key(seq.oid), encode_sequence_state(end, true));
        engine.node.propose(ws).await.map_err(|e| {
            SqlError::new(sqlstate::CANNOT_CONNECT_NOW, format!("reserving sequence values failed: {e}"))
        })?;
        blocks.insert(seq.oid, Block { next: first.wrapping_add(seq.increment), left: count - 1, epoch });
        Ok(first)
    }

    pub(crate) async fn setval(&self, engine: &Engine, seq: &Sequence, value: i64, called: bool) -> Result<i64> {
        if value < seq.min || value > seq.max {
            return Err(SqlError::new(
                sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                format!(
                    "setval: value {value} is out of bounds for sequence \"{}\" ({}..{})",
                    seq.name, seq.min, seq.max
                ),
            ));
        }
        engine.txns.require_leader().await?;
        let mut blocks = self.blocks.lock().await;
        let mut ws = WriteSet::new();
        ws.put(sequence_key(seq.oid), encode_sequence_state(value, called));
        engine
            .node
            .propose(ws)
            .await
            .map_err(|e| SqlError::new(sqlstate::CANNOT_CONNECT_NOW, format!("setval failed: {e}")))?;
        blocks.remove(&seq.oid);
        Ok(value)
    }
}

/// The value after `last`, wrapping for CYCLE sequences, or 2200H at the limit.
fn step(seq: &Sequence, last: i64) -> Result<i64> {
    match last.checked_add(seq.increment) {
        Some(n) if n >= seq.min && n <= seq.max => Ok(n),
        _ if seq.cycle => Ok(if seq.increment > 0 { seq.min } else { seq.max }),
        _ => Err(SqlError::new(
            sqlstate::SEQUENCE_GENERATOR_LIMIT_EXCEEDED,
            format!(
                "nextval: reached {} value of sequence \"{}\" ({})",
                if seq.increment > 0 { "maximum" } else { "minimum" },
                seq.name,
                if seq.increment > 0 { seq.max } else { seq.min }
            ),
        )),
    }
}

/// The SQL engine of one node, shared by its sessions.
pub struct Engine {
    pub(crate) txns: Arc<TxnManager>,
    pub(crate) node: Arc<RaftNode>,
    pub(crate) catalog: CatalogCache,
    pub(crate) sequences: SequenceAllocator,
    next_pid: AtomicI32,
    rowids: AtomicU64,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

struct Observer(std::sync::Weak<Engine>);

impl ApplyObserver for Observer {
    fn applied(&self, _index: u64, writes: &[WriteSet]) {
        let Some(engine) = self.0.upgrade() else { return };
        let mut catalog = false;
        let mut sequences = Vec::new();
        for ws in writes {
            for op in &ws.ops {
                let key = match op {
                    Op::Put { key, .. } | Op::Delete { key } => key,
                    Op::DeleteRange { start, .. } => start,
                };
                match key.first() {
                    Some(&CATALOG) => catalog = true,
                    Some(&SEQUENCE) if key.len() >= 5 => {
                        sequences.push(u32::from_be_bytes(key[1..5].try_into().expect("4 bytes")));
                    }
                    _ => {}
                }
            }
        }
        if catalog {
            engine.catalog.invalidate();
        }
        if !sequences.is_empty() {
            // Reservations made by this node are written before their block is installed, so
            // dropping blocks here only affects other writers (TRUNCATE ... RESTART IDENTITY).
            if let Ok(mut blocks) = engine.sequences.blocks.try_lock() {
                for s in sequences {
                    blocks.remove(&s);
                }
            }
        }
    }

    fn snapshot_installed(&self, _index: u64) {
        if let Some(engine) = self.0.upgrade() {
            engine.catalog.invalidate();
        }
    }
}

impl Engine {
    /// The engine over a transaction manager; it registers for applied changes.
    pub fn new(txns: Arc<TxnManager>) -> Arc<Self> {
        let node = txns.node().clone();
        let engine = Arc::new(Self {
            txns,
            node: node.clone(),
            catalog: CatalogCache::new(),
            sequences: SequenceAllocator::new(),
            next_pid: AtomicI32::new(1000 + (std::process::id() as i32 % 1000) * 1000),
            rowids: AtomicU64::new(0),
        });
        node.set_observer(Arc::new(Observer(Arc::downgrade(&engine))));
        engine
    }

    /// The catalog as applied on this node now.
    pub fn catalog(&self) -> Result<Arc<Catalog>> {
        self.catalog.get(self.node.store())
    }

    /// A number that changes whenever an applied write changes the catalog.
    pub fn catalog_generation(&self) -> u64 {
        self.catalog.generation()
    }

    /// The Raft node.
    pub fn node(&self) -> &Arc<RaftNode> {
        &self.node
    }

    /// The transaction manager.
    pub fn txns(&self) -> &Arc<TxnManager> {
        &self.txns
    }

    pub(crate) fn sequence_state(&self, seq: u32) -> Result<(i64, bool)> {
        match self.node.store().get_latest(&sequence_key(seq))? {
            Some(v) => decode_sequence_state(&v.value),
            None => Err(SqlError::new(sqlstate::UNDEFINED_TABLE, format!("sequence with OID {seq} does not exist"))),
        }
    }

    pub(crate) fn new_pid(&self) -> i32 {
        self.next_pid.fetch_add(1, Ordering::Relaxed)
    }

    /// A row id unique in the cluster: the leader's term in the high bits (one leader per
    /// term), a per-process counter in the low ones.
    pub(crate) fn next_rowid(&self) -> i64 {
        let term = self.node.raft().metrics().borrow().current_term;
        let n = self.rowids.fetch_add(1, Ordering::Relaxed) & ((1 << 40) - 1);
        (((term & 0x7f_ffff) << 40) | n) as i64
    }
}
