//! The key spaces of the SQL layer (decision D8). The first byte names the space; table and
//! index ids follow as big-endian `u32`, then the key columns in the order-preserving
//! encoding of [`crate::types::keyenc`].
//!
//! | prefix | space | key | value |
//! |---|---|---|---|
//! | `0x01` | catalog objects | `01 kind oid` | postcard of the object |
//! | `0x01 0x00` | catalog counters | `01 00 name` | big-endian counter |
//! | `0x10` | table rows | `10 table pk...` | encoded row |
//! | `0x11` | index entries | `11 index cols... [pk...]` | pk suffix (unique) or empty |
//! | `0x12` | sequence state | `12 seq` | last value and is_called |
//!
//! Keys under `0x00` belong to the storage and Raft layers.

use tandem_storage::keycode::{prefix_end, KeyWriter};

/// Catalog objects and counters.
pub const CATALOG: u8 = 0x01;
/// Table rows.
pub const ROWS: u8 = 0x10;
/// Index entries.
pub const INDEX: u8 = 0x11;
/// Sequence values.
pub const SEQUENCE: u8 = 0x12;

/// Kinds of catalog objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ObjectKind {
    /// A schema.
    Schema = 1,
    /// A table.
    Table = 2,
    /// A sequence.
    Sequence = 3,
    /// A view.
    View = 4,
}

/// Key of a catalog object.
pub fn object_key(kind: ObjectKind, oid: u32) -> Vec<u8> {
    let mut w = KeyWriter::new();
    w.u8(CATALOG).u8(kind as u8).u32(oid);
    w.finish()
}

/// Key of the counter that hands out OIDs.
pub fn oid_counter_key() -> Vec<u8> {
    vec![CATALOG, 0x00, b'o', b'i', b'd']
}

/// The range of every catalog key.
pub fn catalog_range() -> (Vec<u8>, Vec<u8>) {
    (vec![CATALOG], vec![CATALOG + 1])
}

/// The prefix of a table's rows.
pub fn table_prefix(table: u32) -> Vec<u8> {
    let mut w = KeyWriter::new();
    w.u8(ROWS).u32(table);
    w.finish()
}

/// The prefix of an index's entries.
pub fn index_prefix(index: u32) -> Vec<u8> {
    let mut w = KeyWriter::new();
    w.u8(INDEX).u32(index);
    w.finish()
}

/// The key of a sequence's state.
pub fn sequence_key(seq: u32) -> Vec<u8> {
    let mut w = KeyWriter::new();
    w.u8(SEQUENCE).u32(seq);
    w.finish()
}

/// The half-open range of every key with `prefix`.
pub fn prefix_range(prefix: &[u8]) -> (Vec<u8>, Vec<u8>) {
    (prefix.to_vec(), prefix_end(prefix).expect("prefixes here never end in 0xff"))
}

/// The lock name of a table (DDL takes it exclusively, DML shared).
pub fn table_lock(table: u32) -> Vec<u8> {
    let mut w = KeyWriter::new();
    w.u8(0xfe).u32(table);
    w.finish()
}
